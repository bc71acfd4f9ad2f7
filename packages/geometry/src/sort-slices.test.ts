import { describe, expect, it } from 'vitest';
import { ORIENTATIONS, seededRandom, shuffled, syntheticSeries } from './fixtures/synthetic-series';
import { SliceIssueCode, sortSlices } from './sort-slices';
import type { ImagePlane } from './types';

const names = Object.keys(ORIENTATIONS) as (keyof typeof ORIENTATIONS)[];

function uidsInOrder(planes: readonly ImagePlane[], order: readonly number[]): string[] {
  return order.map((index) => planes[index]?.sopInstanceUid ?? 'missing');
}

describe('sortSlices', () => {
  it.each(names)('restores the order and spacing of a shuffled %s series', (name) => {
    const series = syntheticSeries({ ...ORIENTATIONS[name], spacingMm: 1.25, count: 30 });
    const input = shuffled(series, seededRandom(names.indexOf(name) + 1));
    const result = sortSlices(input);
    expect(result.method).toBe('normal');
    expect(result.consistent).toBe(true);
    expect(result.warnings).toEqual([]);
    expect(uidsInOrder(input, result.order)).toEqual(series.map((plane) => plane.sopInstanceUid));
    expect(result.spacingMm).toBeCloseTo(1.25, 9);
  });

  it('sorts by position even when InstanceNumber runs the other way', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.axial, count: 5 }).map((plane, k) => ({ ...plane, instanceNumber: 5 - k }));
    expect(sortSlices([...series].reverse()).order).toEqual([4, 3, 2, 1, 0]);
  });

  it('reports non-uniform spacing but still sorts along the normal', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.coronal, count: 6 });
    const gapped = [...series.slice(0, 3), ...series.slice(4)];
    const result = sortSlices(shuffled(gapped, seededRandom(7)));
    expect(result.method).toBe('normal');
    expect(result.consistent).toBe(false);
    expect(result.spacingMm).toBeNull();
    expect(result.issues.map((issue) => issue.code)).toEqual([SliceIssueCode.NonUniformSpacing]);
    expect(result.warnings[0]).toMatch(/not uniform: gaps from 2\.500 to 5\.000 mm/);
  });

  it('falls back to InstanceNumber with a warning when a slice has no ImagePositionPatient', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.axial, count: 4 });
    const broken = series.map((plane, k) => (k === 2 ? { ...plane, imagePositionPatient: null } : plane));
    const input = [broken[3], broken[1], broken[0], broken[2]] as ImagePlane[];
    const result = sortSlices(input);
    expect(result.method).toBe('instance-number');
    expect(result.consistent).toBe(false);
    expect(result.order).toEqual([2, 1, 3, 0]);
    expect(result.spacingMm).toBeNull();
    expect(result.issues[0]?.code).toBe(SliceIssueCode.MissingPosition);
    expect(result.warnings).toEqual(['slice 3: ImagePositionPatient is missing', 'fell back to sorting by InstanceNumber']);
  });

  it('reports one warning per problem, naming the affected slices', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.axial, count: 5 }).map((plane) => ({ ...plane, imagePositionPatient: null }));
    const result = sortSlices(series);
    expect(result.method).toBe('instance-number');
    expect(result.warnings).toEqual([
      '5 slices (0, 1, 2, …): ImagePositionPatient is missing',
      'fell back to sorting by InstanceNumber',
    ]);
  });

  it('falls back with a warning when the slices have mixed orientations', () => {
    const axial = syntheticSeries({ ...ORIENTATIONS.axial, count: 3 });
    const sagittal = syntheticSeries({ ...ORIENTATIONS.sagittal, count: 3 }).map((plane, k) => ({ ...plane, instanceNumber: 4 + k }));
    const result = sortSlices([...sagittal, ...axial]);
    expect(result.method).toBe('instance-number');
    expect(result.issues[0]?.code).toBe(SliceIssueCode.MixedOrientation);
    expect(result.warnings.join('\n')).toMatch(/different ImageOrientationPatient/);
    expect(result.order).toEqual([3, 4, 5, 0, 1, 2]);
  });

  it('falls back when two slices share a position', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.oblique, count: 3 });
    const result = sortSlices([...series, { ...(series[1] as ImagePlane), instanceNumber: 9 }]);
    expect(result.method).toBe('instance-number');
    expect(result.issues[0]?.code).toBe(SliceIssueCode.DuplicatePosition);
  });

  it('falls back when the orientation is not orthonormal', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.axial, count: 3 }).map((plane) => ({
      ...plane,
      imageOrientationPatient: [1, 0, 0, 0.1, 1, 0] as const,
    }));
    const result = sortSlices(series);
    expect(result.method).toBe('instance-number');
    expect(result.issues[0]?.code).toBe(SliceIssueCode.MissingOrientation);
    expect(result.warnings[0]).toMatch(/not orthonormal/);
  });

  it('keeps the input order and says so when neither geometry nor InstanceNumber is usable', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.axial, count: 3 }).map((plane) => ({
      ...plane,
      imageOrientationPatient: null,
      instanceNumber: null,
    }));
    const result = sortSlices(series);
    expect(result.method).toBe('input-order');
    expect(result.order).toEqual([0, 1, 2]);
    expect(result.issues.map((issue) => issue.code)).toContain(SliceIssueCode.UnusableInstanceNumbers);
    expect(result.warnings.at(-1)).toBe('fell back to the input order');
  });

  it('reports an in-plane drift between slices as a sheared stack but still sorts', () => {
    const series = syntheticSeries({ ...ORIENTATIONS.axial, count: 4 }).map((plane, k) => ({
      ...plane,
      imagePositionPatient: [-120 + 2 * k, 87.5, 33.75 + 2.5 * k] as const,
    }));
    const result = sortSlices(series);
    expect(result.method).toBe('normal');
    expect(result.consistent).toBe(false);
    expect(result.issues.map((issue) => issue.code)).toEqual([SliceIssueCode.ShearedStack]);
  });

  it('treats an empty series as inconsistent rather than throwing', () => {
    expect(sortSlices([])).toMatchObject({ order: [], method: 'input-order', consistent: false });
  });
});
