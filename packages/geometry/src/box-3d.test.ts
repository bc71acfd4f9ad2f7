import { describe, expect, it } from 'vitest';
import { box3dToPatient, patientToBox3d } from './box-3d';
import { ORIENTATIONS, seededRandom, shuffled, syntheticSeries } from './fixtures/synthetic-series';
import { buildSeriesGeometry } from './series-geometry';
import type { PixelBox3d } from './types';

const names = Object.keys(ORIENTATIONS) as (keyof typeof ORIENTATIONS)[];
const EXACT = 1e-6;

function randomBoxes3d(seed: number, count: number, slices: number): PixelBox3d[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => {
    const a = Math.floor(random() * slices);
    const b = Math.floor(random() * slices);
    return {
      x: random() * 500 - 20,
      y: random() * 380 - 20,
      width: random() * 200,
      height: random() * 200,
      firstSliceIndex: Math.min(a, b),
      lastSliceIndex: Math.max(a, b),
    };
  });
}

describe('box3dToPatient and patientToBox3d', () => {
  it.each(names)('round-trip a 3D box through patient mm exactly (1e-6) on a shuffled %s series', (name) => {
    const planes = syntheticSeries({ ...ORIENTATIONS[name], count: 16 });
    const series = buildSeriesGeometry(shuffled(planes, seededRandom(3)));
    if (series.fallback !== null) throw new Error(series.reason);
    for (const box of randomBoxes3d(names.indexOf(name) + 11, 100, 16)) {
      const patient = box3dToPatient(series, box);
      if (patient.fallback !== null) throw new Error(patient.reason);
      const back = patientToBox3d(series, patient.extent);
      if (back.fallback !== null) throw new Error(back.reason);
      expect(back.box.firstSliceIndex).toBe(box.firstSliceIndex);
      expect(back.box.lastSliceIndex).toBe(box.lastSliceIndex);
      for (const key of ['x', 'y', 'width', 'height'] as const) {
        expect(Math.abs(back.box[key] - box[key])).toBeLessThan(EXACT);
      }
    }
  });

  it.each(names)('gives eight corners whose extent, size and centre agree in mm on a %s series', (name) => {
    const series = buildSeriesGeometry(syntheticSeries({ ...ORIENTATIONS[name], pixelSpacing: [0.7, 0.9], spacingMm: 2.5 }));
    const result = box3dToPatient(series, { x: 10, y: 20, width: 100, height: 50, firstSliceIndex: 2, lastSliceIndex: 6 });
    if (result.fallback !== null) throw new Error(result.reason);
    expect(result.corners).toHaveLength(8);
    expect(result.sizeMm.alongRowDirection).toBeCloseTo(90, 9);
    expect(result.sizeMm.alongColumnDirection).toBeCloseTo(35, 9);
    expect(result.sizeMm.alongNormal).toBeCloseTo(10, 9);
    const mean = [0, 1, 2].map((i) => result.corners.reduce((sum, corner) => sum + (corner[i] ?? 0), 0) / 8);
    result.centre.forEach((value, i) => expect(value).toBeCloseTo(mean[i] ?? Number.NaN, 9));
  });

  it('maps an extent onto the nearest slices when it ends between slice positions', () => {
    const series = buildSeriesGeometry(syntheticSeries({ ...ORIENTATIONS.axial, spacingMm: 2 }));
    const patient = box3dToPatient(series, { x: 0, y: 0, width: 1, height: 1, firstSliceIndex: 3, lastSliceIndex: 5 });
    if (patient.fallback !== null) throw new Error(patient.reason);
    const { min, max } = patient.extent.alongNormal;
    const widened = { ...patient.extent, alongNormal: { min: min - 0.9, max: max + 1.1 } };
    expect(patientToBox3d(series, widened)).toMatchObject({ box: { firstSliceIndex: 3, lastSliceIndex: 6 } });
  });

  it('returns the box in pixels and slice indices with a reason when the series geometry is broken', () => {
    const planes = syntheticSeries({ ...ORIENTATIONS.sagittal, count: 5 }).map((plane, k) =>
      k === 3 ? { ...plane, imagePositionPatient: null } : plane,
    );
    const series = buildSeriesGeometry(planes);
    const box = { x: 1, y: 2, width: 3, height: 4, firstSliceIndex: 1, lastSliceIndex: 3 };
    const result = box3dToPatient(series, box);
    expect(result).toEqual({
      fallback: 'slice-index',
      reason: 'slice 3: ImagePositionPatient is missing; fell back to sorting by InstanceNumber',
      box,
      centre: { column: 2.5, row: 4, sliceIndex: 2 },
      size: { columns: 3, rows: 4, slices: 3 },
    });
    const healthy = box3dToPatient(buildSeriesGeometry(syntheticSeries(ORIENTATIONS.sagittal)), box);
    if (healthy.fallback !== null) throw new Error(healthy.reason);
    expect(patientToBox3d(series, healthy.extent)).toEqual({
      fallback: 'slice-index',
      reason: expect.stringMatching(/^slice 3: ImagePositionPatient is missing/),
    });
  });

  it('rejects a slice range outside the series or in the wrong order', () => {
    const series = buildSeriesGeometry(syntheticSeries({ ...ORIENTATIONS.axial, count: 4 }));
    const box = { x: 0, y: 0, width: 1, height: 1 };
    expect(() => box3dToPatient(series, { ...box, firstSliceIndex: 0, lastSliceIndex: 4 })).toThrow(RangeError);
    expect(() => box3dToPatient(series, { ...box, firstSliceIndex: 2, lastSliceIndex: 1 })).toThrow(RangeError);
    expect(() => box3dToPatient(series, { ...box, firstSliceIndex: 0.5, lastSliceIndex: 1 })).toThrow(RangeError);
  });
});
