/**
 * Test support: reads a generated file back with dicom-parser, independently of the writer,
 * and exposes its pixels as modality values (after the rescale).
 */
import dicomParser, { type DataSet } from 'dicom-parser';

export interface ReadBack {
  dataSet: DataSet;
  rows: number;
  columns: number;
  frames: number;
  /** Stored value at (column, row) of a frame. */
  stored(column: number, row: number, frame?: number): number;
  /** Modality value (HU for CT): stored × slope + intercept. */
  value(column: number, row: number, frame?: number): number;
  /** Mean modality value over a square of side 2·half+1 centred on (column, row). */
  mean(column: number, row: number, half: number, frame?: number): number;
}

export function readBack(bytes: Uint8Array): ReadBack {
  const dataSet = dicomParser.parseDicom(bytes);
  const rows = dataSet.uint16('x00280010') ?? 0;
  const columns = dataSet.uint16('x00280011') ?? 0;
  const frames = Number(dataSet.string('x00280008') ?? '1');
  const bitsAllocated = dataSet.uint16('x00280100');
  const signed = dataSet.uint16('x00280103') === 1;
  const slope = dataSet.floatString('x00281053') ?? 1;
  const intercept = dataSet.floatString('x00281052') ?? 0;
  const element = dataSet.elements.x7fe00010;
  if (element === undefined) throw new Error('no Pixel Data');
  const raw = bytes.slice(element.dataOffset, element.dataOffset + element.length);
  const samples =
    bitsAllocated === 8 ? raw : signed ? new Int16Array(raw.buffer, 0, raw.length / 2) : new Uint16Array(raw.buffer, 0, raw.length / 2);
  const stored = (column: number, row: number, frame = 0): number => {
    if (column < 0 || row < 0 || column >= columns || row >= rows) throw new RangeError(`(${column}, ${row}) outside the image`);
    const sample = samples[(frame * rows + row) * columns + column];
    if (sample === undefined) throw new RangeError(`no sample at (${column}, ${row}, ${frame})`);
    return sample;
  };
  const value = (column: number, row: number, frame = 0): number => stored(column, row, frame) * slope + intercept;
  const mean = (column: number, row: number, half: number, frame = 0): number => {
    let sum = 0;
    let n = 0;
    for (let r = row - half; r <= row + half; r++) {
      for (let c = column - half; c <= column + half; c++) {
        sum += value(c, r, frame);
        n++;
      }
    }
    return sum / n;
  };
  return { dataSet, rows, columns, frames, stored, value, mean };
}

/** A multi-valued DS attribute as numbers. */
export function numbers(dataSet: DataSet, tag: string): number[] {
  const text = dataSet.string(tag);
  return text === undefined ? [] : text.split('\\').map(Number);
}

/** Pixel index of a patient (x, y) on a CT slice with identity orientation. */
export function pixelOf(dataSet: DataSet, x: number, y: number): { column: number; row: number } {
  const [x0 = 0, y0 = 0] = numbers(dataSet, 'x00200032');
  const [rowSpacing = 1, columnSpacing = 1] = numbers(dataSet, 'x00280030');
  return { column: Math.round((x - x0) / columnSpacing), row: Math.round((y - y0) / rowSpacing) };
}
