// Fixtures shared by this package's tests; not exported from the package.
import * as Y from 'yjs';
import type { Box2dGeometry, Box3dGeometry } from './geometry-schema';
import type { NewBox2d, NewBox3d } from './study-document';

export const STUDY = '1.2.840.113619.2.55.3.1';
export const SERIES = '1.2.840.113619.2.55.3.1.2';
export const SOP = ['1.2.840.113619.2.55.3.1.2.1', '1.2.840.113619.2.55.3.1.2.2', '1.2.840.113619.2.55.3.1.2.3'] as const;

export const rect: Box2dGeometry = { x: 10, y: 20, width: 30, height: 40 };

export const slab: Box3dGeometry = {
  x: 5,
  y: 6,
  width: 7,
  height: 8,
  firstSliceIndex: 0,
  lastSliceIndex: 2,
  firstSopInstanceUid: SOP[0],
  lastSopInstanceUid: SOP[2],
};

export function box2d(overrides: Partial<NewBox2d> = {}): NewBox2d {
  return { studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: SOP[0], geometry: rect, label: 'nodule', ...overrides };
}

export function box3d(overrides: Partial<NewBox3d> = {}): NewBox3d {
  return { studyInstanceUid: STUDY, seriesInstanceUid: SERIES, geometry: slab, label: 'mass', ...overrides };
}

/** A replica with a fixed client id, so runs are reproducible. */
export function replica(clientID: number): Y.Doc {
  const doc = new Y.Doc();
  doc.clientID = clientID;
  return doc;
}

/** Exchanges full state between all docs (both directions), as after a network heal. */
export function syncAll(...docs: Y.Doc[]): void {
  for (const from of docs) {
    for (const to of docs) {
      if (from !== to) Y.applyUpdate(to, Y.encodeStateAsUpdate(from, Y.encodeStateVector(to)), 'remote');
    }
  }
}
