import { describe, expect, it } from 'vitest';
import { ORIENTATIONS, syntheticSeries } from './fixtures/synthetic-series';
import { GeometryUnavailableError, resolveImageFrame } from './image-frame';
import { imageToPatient, patientToImage } from './image-to-patient';
import type { ImagePlane } from './types';
import { add, scale } from './vector';

const axial: ImagePlane = {
  imagePositionPatient: [-100, -50, 20],
  imageOrientationPatient: [1, 0, 0, 0, 1, 0],
  pixelSpacing: [0.5, 0.8], // 0.5 mm between rows, 0.8 mm between columns
  rows: 256,
  columns: 256,
  sopInstanceUid: '1.2.3',
};

describe('imageToPatient', () => {
  it('steps along the IOP row direction by the column spacing (PixelSpacing[1]) per column', () => {
    expect(imageToPatient(axial, { column: 10, row: 0 })).toEqual([-92, -50, 20]);
  });

  it('steps along the IOP column direction by the row spacing (PixelSpacing[0]) per row', () => {
    expect(imageToPatient(axial, { column: 0, row: 10 })).toEqual([-100, -45, 20]);
  });

  it('maps pixel (0, 0) to ImagePositionPatient', () => {
    expect(imageToPatient(axial, { column: 0, row: 0 })).toEqual([-100, -50, 20]);
  });

  it('places a sagittal image with rows running towards the feet', () => {
    const [plane] = syntheticSeries({ ...ORIENTATIONS.sagittal, origin: [0, 0, 0], pixelSpacing: [2, 1] });
    expect(imageToPatient(plane as ImagePlane, { column: 3, row: 4 })).toEqual([0, 3, -8]);
  });

  it('throws a GeometryUnavailableError naming the missing attribute', () => {
    const plane = { ...axial, imagePositionPatient: null };
    expect(() => imageToPatient(plane, { column: 0, row: 0 })).toThrow(GeometryUnavailableError);
    expect(() => imageToPatient(plane, { column: 0, row: 0 })).toThrow(/ImagePositionPatient is missing/);
  });
});

describe('patientToImage', () => {
  it.each(Object.keys(ORIENTATIONS) as (keyof typeof ORIENTATIONS)[])(
    'inverts imageToPatient exactly on a %s plane and reports the distance off the plane',
    (name) => {
      const [plane] = syntheticSeries(ORIENTATIONS[name]);
      if (plane === undefined) throw new Error('no plane');
      const frame = resolveImageFrame(plane);
      if (!frame.ok) throw new Error(frame.reason);
      const onPlane = imageToPatient(plane, { column: 123.25, row: -7.5 });
      const off = add(onPlane, scale(frame.value.normal, 4));
      const back = patientToImage(plane, off);
      expect(back.column).toBeCloseTo(123.25, 9);
      expect(back.row).toBeCloseTo(-7.5, 9);
      expect(back.distanceFromPlaneMm).toBeCloseTo(4, 9);
    },
  );
});

describe('resolveImageFrame', () => {
  it('rejects an orientation that is not orthonormal', () => {
    const result = resolveImageFrame({ ...axial, imageOrientationPatient: [1, 0, 0, 0.2, 1, 0] });
    expect(result).toMatchObject({ ok: false, reason: expect.stringMatching(/not orthonormal/) });
  });

  it('rejects missing or non-positive pixel spacing', () => {
    expect(resolveImageFrame({ ...axial, pixelSpacing: null })).toMatchObject({ ok: false, reason: 'PixelSpacing is missing' });
    expect(resolveImageFrame({ ...axial, pixelSpacing: [0, 1] })).toMatchObject({ ok: false });
  });

  it('accepts a slightly rounded orientation and makes its basis exactly orthonormal', () => {
    const result = resolveImageFrame({ ...axial, imageOrientationPatient: [1, 0, 0, 0.0004, 0.99999, 0] });
    if (!result.ok) throw new Error(result.reason);
    const { rowDirection: r, columnDirection: c } = result.value;
    expect(r[0] * c[0] + r[1] * c[1] + r[2] * c[2]).toBe(0);
    expect(Math.hypot(...c)).toBeCloseTo(1, 15);
  });
});
