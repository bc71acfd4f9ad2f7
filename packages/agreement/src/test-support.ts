import type { AgreementBox, SourceRef } from './types';

export const SOP = ['1.2.3.1', '1.2.3.2', '1.2.3.3'] as const;
export const SERIES = '1.2.3';

/** A 2D reader box for tests: rect = [x, y, width, height]. */
export function box2d(
  readerId: string,
  annotationId: string,
  rect: readonly [number, number, number, number],
  more: { label?: string; score?: number; sop?: string; frame?: number; sources?: SourceRef[] } = {},
): AgreementBox {
  const [x, y, width, height] = rect;
  return {
    readerId,
    annotationId,
    label: more.label ?? 'nodule',
    score: more.score ?? 1,
    region: { kind: 'box2d', sopInstanceUid: more.sop ?? SOP[0], frameIndex: more.frame ?? 0, x, y, width, height },
    ...(more.sources ? { sources: more.sources } : {}),
  };
}

/** A 3D reader box for tests: rect = [x, y, width, height], slices = [first, last]. */
export function box3d(
  readerId: string,
  annotationId: string,
  rect: readonly [number, number, number, number],
  slices: readonly [number, number],
  more: { label?: string; score?: number; series?: string } = {},
): AgreementBox {
  const [x, y, width, height] = rect;
  return {
    readerId,
    annotationId,
    label: more.label ?? 'nodule',
    score: more.score ?? 1,
    region: {
      kind: 'box3d',
      seriesInstanceUid: more.series ?? SERIES,
      x,
      y,
      width,
      height,
      firstSliceIndex: slices[0],
      lastSliceIndex: slices[1],
    },
  };
}
