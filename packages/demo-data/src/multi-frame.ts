import {
  DEFAULT_SEED,
  boxOfRange,
  clampRange,
  patientAndEquipment,
  pixelRangeWhere,
  type PixelBox,
  type PixelRange,
} from './common-attributes';
import type { DemoFile } from './ct-series';
import { deterministicUid, fastGaussian, gaussianTable } from './deterministic';
import { writePart10 } from './part10-writer';

export const MULTIFRAME_GRAYSCALE_BYTE_SC_STORAGE = '1.2.840.10008.5.1.4.1.1.7.2';
const FRAME_TIME_TAG = 0x00181063;

export interface MultiFrameOptions {
  seed?: string;
  /** Default 24. */
  frameCount?: number;
  /** Rows = columns; default 256. */
  matrix?: number;
  /** Default 0.5 mm. */
  pixelSpacingMm?: number;
  /** Milliseconds per frame; default 40 (25 frames per second). */
  frameTimeMs?: number;
}

/** Ground truth of the blob on one frame. */
export interface BlobFrameTruth {
  /** 0-based; DICOM frame number is `frameIndex + 1`. */
  frameIndex: number;
  centre: { column: number; row: number };
  radiusPx: number;
  box: PixelBox;
  pixels: PixelRange;
}

export interface MultiFrame {
  file: DemoFile;
  frames: BlobFrameTruth[];
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  rows: number;
  columns: number;
  numberOfFrames: number;
  pixelSpacingMm: readonly [number, number];
}

const BLOB_VALUE = 215;

/**
 * Generates one Multi-frame Grayscale Byte Secondary Capture image: a cine-like loop in which a
 * bright, gently pulsating disc circles over a smooth textured background, with the disc's box
 * on every frame as ground truth. 8-bit MONOCHROME2, NumberOfFrames with FrameIncrementPointer
 * → FrameTime. Pure and deterministic.
 */
export function generateMultiFrame(options: MultiFrameOptions = {}): MultiFrame {
  const seed = options.seed ?? DEFAULT_SEED;
  const count = options.frameCount ?? 24;
  const size = options.matrix ?? 256;
  const spacing = options.pixelSpacingMm ?? 0.5;
  const frameTime = options.frameTimeMs ?? 40;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`frameCount must be a positive integer, got ${count}`);
  if (!Number.isInteger(size) || size < 64 || size > 1024) throw new RangeError(`matrix must be 64..1024, got ${size}`);

  const pixels = new Uint8Array(count * size * size);
  const frames: BlobFrameTruth[] = [];
  const table = gaussianTable(seed);
  const mid = (size - 1) / 2;
  for (let frame = 0; frame < count; frame++) {
    const phase = (2 * Math.PI * frame) / count;
    const centre = { column: mid + size * 0.23 * Math.cos(phase), row: mid + size * 0.16 * Math.sin(phase) };
    const radius = size * (0.05 + 0.012 * Math.sin(2 * phase));
    const inBlob = (column: number, row: number): boolean =>
      (column - centre.column) ** 2 + (row - centre.row) ** 2 <= radius * radius;
    const gaussian = fastGaussian(table, `${seed}\u0000cine-noise\u0000${frame}`);
    const offset = frame * size * size;
    for (let row = 0; row < size; row++) {
      for (let column = 0; column < size; column++) {
        let value: number;
        if (inBlob(column, row)) value = BLOB_VALUE;
        else {
          // A vignetted, slowly drifting texture standing in for anatomy.
          const r2 = ((column - mid) ** 2 + (row - mid) ** 2) / (mid * mid);
          value = 70 + 35 * Math.max(0, 1 - r2) + 12 * Math.sin(column / 9 + phase) * Math.cos(row / 13);
        }
        pixels[offset + row * size + column] = Math.max(0, Math.min(255, Math.round(value + gaussian() * 4)));
      }
    }
    const reach = Math.ceil(radius) + 2;
    const search = clampRange(
      {
        firstColumn: Math.floor(centre.column) - reach,
        lastColumn: Math.ceil(centre.column) + reach,
        firstRow: Math.floor(centre.row) - reach,
        lastRow: Math.ceil(centre.row) + reach,
      },
      size,
      size,
    );
    const range = pixelRangeWhere(search, inBlob);
    if (range === null) throw new Error(`internal: blob empty on frame ${frame}`);
    frames.push({ frameIndex: frame, centre, radiusPx: radius, box: boxOfRange(range), pixels: range });
  }

  const studyInstanceUid = deterministicUid(seed, 'cine-study');
  const seriesInstanceUid = deterministicUid(seed, 'cine-series');
  const sopInstanceUid = deterministicUid(seed, 'cine-instance');
  const bytes = writePart10({
    ...patientAndEquipment(),
    ImageType: ['DERIVED', 'SECONDARY'],
    SOPClassUID: MULTIFRAME_GRAYSCALE_BYTE_SC_STORAGE,
    SOPInstanceUID: sopInstanceUid,
    StudyTime: '110000',
    SeriesTime: '110000',
    ContentTime: '110000',
    AccessionNumber: 'RRDEMO0003',
    Modality: 'OT',
    ConversionType: 'WSD',
    StudyDescription: 'Cine loop synthetic phantom',
    SeriesDescription: `Moving blob, ${count} frames`,
    CineRate: Math.round(1000 / frameTime),
    FrameTime: frameTime,
    RecommendedDisplayFrameRate: Math.round(1000 / frameTime),
    StudyInstanceUID: studyInstanceUid,
    SeriesInstanceUID: seriesInstanceUid,
    StudyID: '3',
    SeriesNumber: 1,
    InstanceNumber: 1,
    PatientOrientation: '',
    ImageComments: 'Synthetic cine loop from @readingroom/demo-data; not patient data.',
    SamplesPerPixel: 1,
    PhotometricInterpretation: 'MONOCHROME2',
    NumberOfFrames: count,
    FrameIncrementPointer: FRAME_TIME_TAG,
    Rows: size,
    Columns: size,
    PixelSpacing: [spacing, spacing],
    BitsAllocated: 8,
    BitsStored: 8,
    HighBit: 7,
    PixelRepresentation: 0,
    WindowCenter: 128,
    WindowWidth: 256,
    LossyImageCompression: '00',
    PixelData: pixels,
  }, { pixelDataVr: 'OB' });

  return {
    file: { name: 'cine-blob.dcm', bytes },
    frames,
    studyInstanceUid,
    seriesInstanceUid,
    sopInstanceUid,
    rows: size,
    columns: size,
    numberOfFrames: count,
    pixelSpacingMm: [spacing, spacing],
  };
}
