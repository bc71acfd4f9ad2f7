import { describe, expect, it } from 'vitest';
import { boxAreaMm2, boxSizeMm } from './box-measure';

describe('boxSizeMm and boxAreaMm2', () => {
  const box = { x: 3, y: 4, width: 10, height: 20 };

  it('scales width by the column spacing and height by the row spacing', () => {
    expect(boxSizeMm({ pixelSpacing: [0.5, 0.8] }, box)).toEqual({ fallback: null, widthMm: 8, heightMm: 10 });
    expect(boxAreaMm2({ pixelSpacing: [0.5, 0.8] }, box)).toEqual({ fallback: null, areaMm2: 80 });
  });

  it('reports pixel units with a reason when PixelSpacing is missing', () => {
    expect(boxSizeMm({ pixelSpacing: null }, box)).toEqual({
      fallback: 'slice-index',
      reason: 'PixelSpacing is missing',
      widthPx: 10,
      heightPx: 20,
    });
    expect(boxAreaMm2({ pixelSpacing: null }, box)).toEqual({ fallback: 'slice-index', reason: 'PixelSpacing is missing', areaPx: 200 });
  });
});
