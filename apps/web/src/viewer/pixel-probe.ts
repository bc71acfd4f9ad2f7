import { imageLoader, type Types } from '@cornerstonejs/core';

/** A pixel as stored in the file and after the modality LUT (e.g. Hounsfield units for CT). */
export interface PixelSample {
  readonly stored: number;
  readonly modality: number;
}

/**
 * Reads one pixel of a loaded image. The loader usually rescales pixel data on decode
 * ("prescaling"), so the typed array may already hold modality values; both forms are returned.
 */
export async function samplePixel(imageId: string, column: number, row: number): Promise<PixelSample> {
  const image: Types.IImage = await imageLoader.loadAndCacheImage(imageId);
  if (column < 0 || row < 0 || column >= image.columns || row >= image.rows) {
    throw new RangeError(`pixel (${column}, ${row}) is outside ${image.columns}x${image.rows}`);
  }
  const value = image.getPixelData()[row * image.columns + column];
  if (value === undefined) throw new RangeError('no pixel data');
  const slope = image.preScale?.scalingParameters?.rescaleSlope ?? image.slope ?? 1;
  const intercept = image.preScale?.scalingParameters?.rescaleIntercept ?? image.intercept ?? 0;
  return image.preScale?.scaled
    ? { stored: (value - intercept) / slope, modality: value }
    : { stored: value, modality: value * slope + intercept };
}
