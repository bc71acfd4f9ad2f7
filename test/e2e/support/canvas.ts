import type { Page } from 'playwright-core';

export interface CanvasStats {
  width: number;
  height: number;
  mean: number;
  variance: number;
}

const CANVAS = '[data-testid="viewport"] canvas';

/** The part of HTMLCanvasElement used here (the root tsconfig has no DOM library). */
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

/** Mean and variance of the grey level (red channel) over the viewport's whole canvas. */
export function canvasStats(page: Page): Promise<CanvasStats> {
  return page.$eval(CANVAS, (element) => {
    const canvas = element as unknown as CanvasLike;
    const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
    let sum = 0;
    let squares = 0;
    const count = data.length / 4;
    for (let i = 0; i < data.length; i += 4) {
      sum += data[i]!;
      squares += data[i]! * data[i]!;
    }
    const mean = sum / count;
    return { width: canvas.width, height: canvas.height, mean, variance: squares / count - mean * mean };
  });
}

/** Mean grey level of a (2r+1)² block of canvas pixels around (x, y), in canvas pixels. */
export function canvasGreyAt(page: Page, x: number, y: number, r = 1): Promise<number> {
  return page.$eval(
    CANVAS,
    (element, [cx, cy, radius]) => {
      const canvas = element as unknown as CanvasLike;
      const size = 2 * radius + 1;
      const data = canvas.getContext('2d')!.getImageData(Math.round(cx) - radius, Math.round(cy) - radius, size, size).data;
      let sum = 0;
      for (let i = 0; i < data.length; i += 4) sum += data[i]!;
      return sum / (data.length / 4);
    },
    [x, y, r] as const,
  );
}
