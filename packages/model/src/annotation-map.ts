import * as Y from 'yjs';
import type { Annotation } from './annotation-schema';
import { ANNOTATION_KEY as K } from './layout';

// How the keys of one annotation's Y.Map are written. Callers run these inside a transaction.

/**
 * Builds the Y.Map of a new annotation from a validated plain annotation. `attributes` becomes a
 * nested Y.Map with one key per attribute; `geometry` is stored as one plain object.
 */
export function buildAnnotationMap(annotation: Annotation): Y.Map<unknown> {
  const map = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(annotation)) {
    if (key !== K.attributes && value !== undefined) map.set(key, value);
  }
  const attributes = new Y.Map<unknown>();
  for (const [key, value] of Object.entries(annotation.attributes)) {
    if (value !== undefined) attributes.set(key, value);
  }
  map.set(K.attributes, attributes);
  return map;
}

/** Records who changed the annotation last (last-writer-wins metadata). */
export function touch(map: Y.Map<unknown>, userId: string, at: number): void {
  map.set(K.updatedBy, userId);
  map.set(K.updatedAt, at);
}

/** Soft-deletes: the flag and its who/when are written together. */
export function markDeleted(map: Y.Map<unknown>, userId: string, at: number): void {
  map.set(K.deleted, true);
  map.set(K.deletedBy, userId);
  map.set(K.deletedAt, at);
}

/** Reverses `markDeleted`; every other key (including edits made meanwhile) is left as is. */
export function markRestored(map: Y.Map<unknown>): void {
  map.set(K.deleted, false);
  map.delete(K.deletedBy);
  map.delete(K.deletedAt);
}
