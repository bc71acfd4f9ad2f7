import dicomParserDefault from 'dicom-parser';
import type * as DicomParser from 'dicom-parser';

// dicom-parser is a UMD bundle: Node's CommonJS interop only sees its default export.
const dicomParser = dicomParserDefault as unknown as typeof DicomParser;

/** A single-frame grey image read straight from Part 10 bytes with dicom-parser, for expected values. */
export interface FilePixels {
  columns: number;
  rows: number;
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  /** Position along the slice normal (ImagePositionPatient · (row × column direction)), mm. */
  slicePosition: number;
  /** Modality value (stored × slope + intercept) of pixel (column, row). */
  modality(column: number, row: number): number;
}

export function readFilePixels(bytes: Uint8Array): FilePixels {
  const dataSet = dicomParser.parseDicom(bytes);
  const columns = dataSet.uint16('x00280011')!;
  const rows = dataSet.uint16('x00280010')!;
  const bitsAllocated = dataSet.uint16('x00280100');
  const signed = dataSet.uint16('x00280103') === 1;
  if (bitsAllocated !== 16) throw new Error(`expected 16-bit pixels, got ${bitsAllocated}`);
  const element = dataSet.elements['x7fe00010'];
  if (!element) throw new Error('no PixelData');
  const buffer = bytes.buffer.slice(bytes.byteOffset + element.dataOffset, bytes.byteOffset + element.dataOffset + element.length);
  const pixels = signed ? new Int16Array(buffer) : new Uint16Array(buffer);
  const slope = dataSet.floatString('x00281053') ?? 1;
  const intercept = dataSet.floatString('x00281052') ?? 0;
  const [r0, r1, r2, c0, c1, c2] = numbers(dataSet, 'x00200037', 6);
  const position = numbers(dataSet, 'x00200032', 3);
  const normal = [r1! * c2! - r2! * c1!, r2! * c0! - r0! * c2!, r0! * c1! - r1! * c0!];
  return {
    columns,
    rows,
    studyInstanceUid: dataSet.string('x0020000d') ?? '',
    seriesInstanceUid: dataSet.string('x0020000e') ?? '',
    sopInstanceUid: dataSet.string('x00080018') ?? '',
    slicePosition: position.reduce((sum, p, i) => sum + p * normal[i]!, 0),
    modality(column, row) {
      const value = pixels[row * columns + column];
      if (value === undefined) throw new RangeError(`(${column}, ${row}) is outside the image`);
      return value * slope + intercept;
    },
  };
}

function numbers(dataSet: DicomParser.DataSet, tag: string, count: number): number[] {
  return Array.from({ length: count }, (_, i) => dataSet.floatString(tag, i) ?? Number.NaN);
}
