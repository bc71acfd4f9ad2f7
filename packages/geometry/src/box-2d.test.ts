import { describe, expect, it } from 'vitest';
import { box2dToPatient, patientToBox2d } from './box-2d';
import { ORIENTATIONS, seededRandom, syntheticSeries } from './fixtures/synthetic-series';
import type { ImagePlane, PixelBox } from './types';

const names = Object.keys(ORIENTATIONS) as (keyof typeof ORIENTATIONS)[];
const EXACT = 1e-6;

function expectBoxClose(actual: PixelBox, expected: PixelBox): void {
  expect(Math.abs(actual.x - expected.x)).toBeLessThan(EXACT);
  expect(Math.abs(actual.y - expected.y)).toBeLessThan(EXACT);
  expect(Math.abs(actual.width - expected.width)).toBeLessThan(EXACT);
  expect(Math.abs(actual.height - expected.height)).toBeLessThan(EXACT);
}

function randomBoxes(seed: number, count: number): PixelBox[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => ({
    x: random() * 500 - 20,
    y: random() * 380 - 20,
    width: random() * 200,
    height: random() * 200,
  }));
}

describe('box2dToPatient and patientToBox2d', () => {
  it.each(names)('round-trip a slice box through patient mm exactly (1e-6) on every slice of a %s series', (name) => {
    const series = syntheticSeries(ORIENTATIONS[name]);
    for (const [k, plane] of series.entries()) {
      for (const box of randomBoxes(100 + k, 25)) {
        const patient = box2dToPatient(plane, box);
        if (patient.fallback !== null) throw new Error(patient.reason);
        const back = patientToBox2d(plane, patient.corners);
        if (back.fallback !== null) throw new Error(back.reason);
        expectBoxClose(back.box, box);
        expect(back.maxDistanceFromPlaneMm).toBeLessThan(EXACT);
      }
    }
  });

  it('returns corners clockwise from the top-left and the centre, in mm', () => {
    const [plane] = syntheticSeries({ ...ORIENTATIONS.axial, origin: [0, 0, 10], pixelSpacing: [0.5, 2] });
    const result = box2dToPatient(plane as ImagePlane, { x: 1, y: 2, width: 3, height: 4 });
    expect(result).toEqual({
      fallback: null,
      corners: [
        [2, 1, 10],
        [8, 1, 10],
        [8, 3, 10],
        [2, 3, 10],
      ],
      centre: [5, 2, 10],
    });
  });

  it('measures how far corners from a neighbouring slice lie off the plane', () => {
    const [first, second] = syntheticSeries({ ...ORIENTATIONS.oblique, spacingMm: 3 });
    const patient = box2dToPatient(second as ImagePlane, { x: 5, y: 5, width: 10, height: 10 });
    if (patient.fallback !== null) throw new Error(patient.reason);
    const back = patientToBox2d(first as ImagePlane, patient.corners);
    expect(back).toMatchObject({ fallback: null, maxDistanceFromPlaneMm: expect.closeTo(3, 9) });
  });

  it('keeps the box in pixels with a slice-index fallback and reason when the plane has no orientation', () => {
    const [plane] = syntheticSeries(ORIENTATIONS.axial);
    const broken = { ...(plane as ImagePlane), imageOrientationPatient: null };
    const box = { x: 1, y: 2, width: 3, height: 4 };
    expect(box2dToPatient(broken, box)).toEqual({ fallback: 'slice-index', reason: 'ImageOrientationPatient is missing', box });
    expect(patientToBox2d(broken, [[0, 0, 0]])).toEqual({ fallback: 'slice-index', reason: 'ImageOrientationPatient is missing' });
  });

  it('rejects a box with a negative size or non-finite coordinates', () => {
    const [plane] = syntheticSeries(ORIENTATIONS.axial);
    expect(() => box2dToPatient(plane as ImagePlane, { x: 0, y: 0, width: -1, height: 1 })).toThrow(RangeError);
    expect(() => box2dToPatient(plane as ImagePlane, { x: Number.NaN, y: 0, width: 1, height: 1 })).toThrow(RangeError);
  });
});
