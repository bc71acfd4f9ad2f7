import { describe, expect, it } from 'vitest';
import { DEFAULT_NODULES } from './chest-phantom';
import { EXPLICIT_VR_LITTLE_ENDIAN } from './part10-writer';
import { numbers, readBack } from './testing/read-back';
import { DX_FOR_PRESENTATION_STORAGE, generateXray } from './xray';

describe('generateXray', () => {
  const xray = generateXray();
  const image = readBack(xray.file.bytes);
  const { dataSet } = image;

  it('writes a 512 × 512 DX For Presentation chest PA with imager and pixel spacing', () => {
    expect(dataSet.string('x00020010')).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(dataSet.string('x00080016')).toBe(DX_FOR_PRESENTATION_STORAGE);
    expect(dataSet.string('x00080060')).toBe('DX');
    expect(dataSet.string('x00185101')).toBe('PA');
    expect(dataSet.string('x00280004')).toBe('MONOCHROME2');
    expect([image.rows, image.columns]).toEqual([512, 512]);
    expect(numbers(dataSet, 'x00181164')).toEqual([0.7, 0.7]);
    expect(numbers(dataSet, 'x00280030')).toEqual([0.7, 0.7]);
    expect(dataSet.uint16('x00280101')).toBe(12);
    expect(dataSet.string('x00100010')).toBe('DEMO^CHEST');
    expect(numbers(dataSet, 'x00281051')[0]).toBeGreaterThan(0);
  });

  it('keeps stored values within 12 bits, dark outside the body and bright over the spine', () => {
    let max = 0;
    for (let row = 0; row < 512; row += 3) for (let column = 0; column < 512; column += 3) max = Math.max(max, image.stored(column, row));
    expect(max).toBeLessThanOrEqual(4095);
    expect(image.mean(8, 256, 3)).toBeLessThan(100);
    expect(image.mean(256, 300, 3)).toBeGreaterThan(image.mean(150, 200, 3));
  });

  it('shows the nodule brighter than the lung around it, inside its truth box', () => {
    const { firstColumn, lastColumn, firstRow, lastRow } = xray.nodule.pixels;
    const column = Math.round((firstColumn + lastColumn) / 2);
    const row = Math.round((firstRow + lastRow) / 2);
    const centre = image.mean(column, row, 3);
    const around = [
      image.mean(firstColumn - 8, row, 3),
      image.mean(lastColumn + 8, row, 3),
      image.mean(column, firstRow - 8, 3),
      image.mean(column, lastRow + 8, 3),
    ];
    for (const value of around) expect(centre - value).toBeGreaterThan(60);
    expect(xray.nodule.id).toBe(DEFAULT_NODULES[0]!.id);
    expect(Math.abs(xray.nodule.box.width - 18 / 0.7)).toBeLessThanOrEqual(1.5);
    expect(xray.nodule.box.height).toBe(xray.nodule.box.width);
  });

  it('regenerates byte-identical output', () => {
    expect(Buffer.from(generateXray().file.bytes).equals(Buffer.from(xray.file.bytes))).toBe(true);
  });
});
