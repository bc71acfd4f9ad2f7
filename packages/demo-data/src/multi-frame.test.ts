import { describe, expect, it } from 'vitest';
import { MULTIFRAME_GRAYSCALE_BYTE_SC_STORAGE, generateMultiFrame } from './multi-frame';
import { numbers, readBack } from './testing/read-back';

describe('generateMultiFrame', () => {
  const cine = generateMultiFrame();
  const image = readBack(cine.file.bytes);
  const { dataSet } = image;

  it('writes a 24-frame 8-bit Secondary Capture with NumberOfFrames and a FrameTime increment pointer', () => {
    expect(dataSet.string('x00080016')).toBe(MULTIFRAME_GRAYSCALE_BYTE_SC_STORAGE);
    expect(dataSet.intString('x00280008')).toBe(24);
    expect(dataSet.attributeTag('x00280009')).toBe('x00181063');
    expect(dataSet.floatString('x00181063')).toBe(40);
    expect(dataSet.uint16('x00280100')).toBe(8);
    expect([image.rows, image.columns]).toEqual([256, 256]);
    expect(numbers(dataSet, 'x00280030')).toEqual([0.5, 0.5]);
    expect(numbers(dataSet, 'x00281051')[0]).toBeGreaterThan(0);
    expect(dataSet.elements.x7fe00010?.length).toBe(24 * 256 * 256);
    expect(dataSet.elements.x7fe00010?.vr).toBe('OB');
  });

  it('draws the blob inside its box on every frame and background 3 px outside it', () => {
    expect(cine.frames).toHaveLength(24);
    for (const truth of cine.frames) {
      const { firstColumn, lastColumn, firstRow, lastRow } = truth.pixels;
      const column = Math.round((firstColumn + lastColumn) / 2);
      const row = Math.round((firstRow + lastRow) / 2);
      expect(image.stored(column, row, truth.frameIndex)).toBeGreaterThan(195);
      for (const [c, r] of [
        [firstColumn - 3, row],
        [lastColumn + 3, row],
        [column, firstRow - 3],
        [column, lastRow + 3],
      ] as const) {
        expect(image.stored(c, r, truth.frameIndex)).toBeLessThan(160);
      }
    }
  });

  it('moves the blob from frame to frame', () => {
    const xs = new Set(cine.frames.map((f) => f.box.x));
    expect(xs.size).toBeGreaterThan(10);
  });

  it('regenerates byte-identical output', () => {
    expect(Buffer.from(generateMultiFrame().file.bytes).equals(Buffer.from(cine.file.bytes))).toBe(true);
  });
});
