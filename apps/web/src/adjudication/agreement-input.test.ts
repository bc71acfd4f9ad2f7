import type { Annotation } from '@readingroom/model';
import { describe, expect, it } from 'vitest';
import { proposalOf, roundedRect } from './agreement-input';

const box3d = (id: string, first: number, last: number): Annotation => ({
  id,
  kind: 'box3d',
  studyInstanceUid: '1.2',
  seriesInstanceUid: '1.2.3',
  label: 'nodule',
  attributes: {},
  author: 'r1',
  createdBy: 'r1',
  createdAt: 1,
  updatedBy: 'r1',
  updatedAt: 1,
  deleted: false,
  geometry: { x: 10, y: 10, width: 20, height: 20, firstSliceIndex: first, lastSliceIndex: last, firstSopInstanceUid: `1.9.${first}`, lastSopInstanceUid: `1.9.${last}` },
});

describe('roundedRect', () => {
  it('rounds the corners to 1/100 pixel, so the rectangle never grows past them', () => {
    expect(roundedRect({ x: 10.004, y: 0.126, width: 20.003, height: 5.5 })).toEqual({ x: 10, y: 0.13, width: 20.01, height: 5.5 });
    const r = roundedRect({ x: 255.996, y: 0, width: 0.004, height: 1 });
    expect(r.x + r.width).toBeLessThanOrEqual(256);
  });
});

describe('proposalOf', () => {
  it('writes a 2D fused region on its image with the cluster label and sources', () => {
    const member: Annotation = { ...box3d('a', 1, 1), kind: 'box2d', sopInstanceUid: '1.9.1', frameIndex: 0, geometry: { x: 1, y: 2, width: 3, height: 4 } };
    const proposal = proposalOf(
      { kind: 'box2d', sopInstanceUid: '1.9.1', frameIndex: 0, x: 62.001, y: 73, width: 40, height: 30 },
      { label: 'nodule', sources: [{ readerId: 'r1', annotationId: 'a' }], members: [member], sopAt: () => undefined },
    );
    expect(proposal).toEqual({
      kind: 'box2d',
      studyInstanceUid: '1.2',
      seriesInstanceUid: '1.2.3',
      sopInstanceUid: '1.9.1',
      frameIndex: 0,
      geometry: { x: 62, y: 73, width: 40, height: 30 },
      label: 'nodule',
      sources: [{ readerId: 'r1', annotationId: 'a' }],
      origin: 'fused',
    });
  });

  it("names a 3D range's end slices from the stack, else from a member ending there, else refuses", () => {
    const members = [box3d('a', 2, 6), box3d('b', 4, 8)];
    const context = { label: 'nodule', sources: [{ readerId: 'r1', annotationId: 'a' }], members };
    const region = { kind: 'box3d' as const, seriesInstanceUid: '1.2.3', x: 10, y: 10, width: 20, height: 20, firstSliceIndex: 3, lastSliceIndex: 7 };
    const fromStack = proposalOf(region, { ...context, sopAt: (i) => `1.8.${i}` });
    expect(fromStack.kind === 'box3d' && [fromStack.geometry.firstSopInstanceUid, fromStack.geometry.lastSopInstanceUid]).toEqual(['1.8.3', '1.8.7']);
    const fromMembers = proposalOf({ ...region, firstSliceIndex: 2, lastSliceIndex: 8 }, { ...context, sopAt: () => undefined });
    expect(fromMembers.kind === 'box3d' && [fromMembers.geometry.firstSopInstanceUid, fromMembers.geometry.lastSopInstanceUid]).toEqual(['1.9.2', '1.9.8']);
    expect(() => proposalOf(region, { ...context, sopAt: () => undefined })).toThrow(/slice 4/);
  });
});
