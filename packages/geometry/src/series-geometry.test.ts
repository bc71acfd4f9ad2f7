import { describe, expect, it } from 'vitest';
import { ORIENTATIONS, seededRandom, shuffled, syntheticSeries } from './fixtures/synthetic-series';
import { imageToPatient } from './image-to-patient';
import { buildSeriesGeometry, sliceIndexAt, sliceOriginAt } from './series-geometry';
import type { ImagePlane } from './types';
import { add, scale } from './vector';

describe('buildSeriesGeometry', () => {
  it('orders shuffled slices and maps slice indices to positions and back', () => {
    const planes = syntheticSeries({ ...ORIENTATIONS.oblique, spacingMm: 3, count: 10 });
    const series = buildSeriesGeometry(shuffled(planes, seededRandom(5)));
    if (series.fallback !== null) throw new Error(series.reason);
    expect(series.slices.map((slice) => slice.sopInstanceUid)).toEqual(planes.map((plane) => plane.sopInstanceUid));
    for (const [index, plane] of planes.entries()) {
      const origin = sliceOriginAt(series, index);
      plane.imagePositionPatient?.forEach((value, i) => expect(origin?.[i]).toBeCloseTo(value, 9));
      const inside = imageToPatient(plane, { column: 40, row: 300 });
      expect(sliceIndexAt(series, add(inside, scale(series.frame.normal, 1.2)))).toEqual({
        fallback: null,
        index,
        distanceMm: expect.closeTo(1.2, 9),
      });
    }
  });

  it('keeps patient geometry for non-uniform spacing, placing each slice at its own position', () => {
    const planes = syntheticSeries({ ...ORIENTATIONS.axial, spacingMm: 2, count: 5 });
    const series = buildSeriesGeometry([...planes.slice(0, 2), ...planes.slice(3)]);
    if (series.fallback !== null) throw new Error(series.reason);
    expect(series.sort.warnings[0]).toMatch(/not uniform/);
    expect(series.positionsMm.map((p) => p - (series.positionsMm[0] ?? 0))).toEqual([0, 2, 6, 8]);
    expect(sliceIndexAt(series, [0, 0, 33.75 + 5.1])).toMatchObject({ index: 2 });
  });

  it('falls back to slice indices when slices differ in pixel spacing', () => {
    const planes = syntheticSeries({ ...ORIENTATIONS.coronal, count: 3 });
    const series = buildSeriesGeometry(planes.map((plane, k) => (k === 1 ? { ...plane, pixelSpacing: [0.5, 0.5] as const } : plane)));
    expect(series).toMatchObject({ fallback: 'slice-index', reason: 'slice 1 has a different PixelSpacing from slice 0' });
    expect(sliceOriginAt(series, 0)).toBeNull();
    expect(sliceIndexAt(series, [0, 0, 0])).toEqual({ fallback: 'slice-index', reason: series.fallback && series.reason });
  });

  it('falls back to slice indices when PixelSpacing is missing', () => {
    const planes = syntheticSeries({ ...ORIENTATIONS.axial, count: 3 }).map((plane) => ({ ...plane, pixelSpacing: null }));
    expect(buildSeriesGeometry(planes)).toMatchObject({ fallback: 'slice-index', reason: 'slice 0: PixelSpacing is missing' });
  });

  it('falls back to slice indices for a sheared (gantry-tilted) stack', () => {
    const planes: ImagePlane[] = syntheticSeries({ ...ORIENTATIONS.axial, count: 4 }).map((plane, k) => ({
      ...plane,
      imagePositionPatient: [0, 1.5 * k, 2.5 * k],
    }));
    expect(buildSeriesGeometry(planes)).toMatchObject({ fallback: 'slice-index', reason: expect.stringMatching(/sheared/) });
  });

  it('falls back to slice indices for mixed orientations, keeping the InstanceNumber order', () => {
    const planes = syntheticSeries({ ...ORIENTATIONS.axial, count: 3 });
    const mixed = planes.map((plane, k) =>
      k === 1 ? { ...plane, imageOrientationPatient: [0, 1, 0, 0, 0, -1] as const } : plane,
    );
    const series = buildSeriesGeometry([...mixed].reverse());
    expect(series.fallback).toBe('slice-index');
    expect(series.sort.method).toBe('instance-number');
    expect(series.slices.map((slice) => slice.instanceNumber)).toEqual([1, 2, 3]);
  });

  it('falls back for an empty series', () => {
    expect(buildSeriesGeometry([])).toMatchObject({ fallback: 'slice-index', reason: 'the series has no slices' });
  });
});
