import { dicomParser, type DataSet, type Element } from './dicom-parser-module';
import { parseDataSet, type ParseOptions } from './parse-dataset';
import { isJpegFamilyTransferSyntax, isNativeTransferSyntax } from './transfer-syntax';

/** One frame's bytes as stored, ready for a WADO-RS frame response. */
export interface ExtractedFrame {
  data: Uint8Array;
  transferSyntaxUid: string;
}

/** Thrown by {@link extractFrame}; `code` is machine-readable. */
export class FrameExtractionError extends Error {
  constructor(
    readonly code: 'unreadable' | 'no-pixel-data' | 'frame-out-of-range' | 'unsupported',
    message: string,
  ) {
    super(message);
    this.name = 'FrameExtractionError';
  }
}

function nativeFrame(ds: DataSet, element: Element, frameIndex: number): Uint8Array {
  const rows = ds.uint16('x00280010') ?? 0;
  const columns = ds.uint16('x00280011') ?? 0;
  const samples = ds.uint16('x00280002') ?? 1;
  const bitsAllocated = ds.uint16('x00280100') ?? 0;
  const pixels = rows * columns * samples;
  if (pixels === 0 || bitsAllocated === 0) throw new FrameExtractionError('unsupported', 'image pixel module incomplete');
  if (bitsAllocated === 1) {
    // Single-bit frames are packed back to back and need not start on a byte boundary.
    const startBit = frameIndex * pixels;
    if (startBit % 8 !== 0) throw new FrameExtractionError('unsupported', '1-bit frame does not start on a byte boundary');
    const start = element.dataOffset + startBit / 8;
    return ds.byteArray.slice(start, start + Math.ceil(pixels / 8));
  }
  const frameLength = (pixels * bitsAllocated) / 8;
  const start = element.dataOffset + frameIndex * frameLength;
  if (start + frameLength > element.dataOffset + element.length) {
    throw new FrameExtractionError('frame-out-of-range', `frame ${frameIndex} lies beyond the pixel data`);
  }
  return ds.byteArray.slice(start, start + frameLength);
}

function encapsulatedFrame(ds: DataSet, element: Element, frameIndex: number, frames: number, transferSyntaxUid: string): Uint8Array {
  const fragments = element.fragments ?? [];
  if (fragments.length === 0) throw new FrameExtractionError('no-pixel-data', 'encapsulated pixel data has no fragments');
  const offsets = element.basicOffsetTable ?? [];
  if (offsets.length > 0) return dicomParser.readEncapsulatedImageFrame(ds, element, frameIndex);
  if (frames === 1) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, 0, fragments.length);
  if (fragments.length === frames) return dicomParser.readEncapsulatedPixelDataFromFragments(ds, element, frameIndex, 1);
  if (isJpegFamilyTransferSyntax(transferSyntaxUid)) {
    const table = dicomParser.createJPEGBasicOffsetTable(ds, element);
    return dicomParser.readEncapsulatedImageFrame(ds, element, frameIndex, table);
  }
  throw new FrameExtractionError('unsupported', 'cannot locate frames: no offset table and fragments do not map to frames');
}

/**
 * The stored bytes of frame `frameIndex` (0-based). Native pixel data yields
 * rows × columns × samples × bitsAllocated / 8 bytes in the file's byte order; encapsulated
 * pixel data yields the frame's fragments concatenated (found through the Basic Offset Table,
 * one fragment per frame, all fragments for a single frame, or JPEG markers).
 */
export function extractFrame(bytes: Uint8Array, frameIndex: number, options: ParseOptions = {}): ExtractedFrame {
  const parsed = parseDataSet(bytes, options);
  if (!parsed.ok) throw new FrameExtractionError('unreadable', `${parsed.reason}: ${parsed.message}`);
  const { dataSet: ds, transferSyntaxUid } = parsed;
  const element = ds.elements['x7fe00010'];
  if (!element) throw new FrameExtractionError('no-pixel-data', 'no pixel data element');
  const frames = Math.max(1, ds.intString('x00280008') ?? 1);
  if (!Number.isInteger(frameIndex) || frameIndex < 0 || frameIndex >= frames) {
    throw new FrameExtractionError('frame-out-of-range', `frame ${frameIndex} of ${frames}`);
  }
  const data =
    element.encapsulatedPixelData || !isNativeTransferSyntax(transferSyntaxUid)
      ? encapsulatedFrame(ds, element, frameIndex, frames, transferSyntaxUid)
      : nativeFrame(ds, element, frameIndex);
  return { data: new Uint8Array(data), transferSyntaxUid };
}
