import * as Y from 'yjs';
import type { ReviewTarget } from './study-state-schema';

/** The document layout version written to `meta.schemaVersion`. */
export const SCHEMA_VERSION = 1 as const;

/** Names of the root types of a study document (all `Y.Map`). */
export const ROOT = {
  /** `schemaVersion` (number). */
  meta: 'meta',
  /** annotation id → `Y.Map` of one annotation (see `ANNOTATION_KEY`). */
  annotations: 'annotations',
  /** `imageStateKey(target)` → atomic plain object (`ImageState`). */
  imageStates: 'imageStates',
  /** comment id → atomic plain object (`Comment`). */
  comments: 'comments',
  /** `rejectionKey(source)` → atomic plain object (`Rejection`); consensus documents. */
  rejections: 'rejections',
  /** `voteKey(vote)` → atomic plain object (`Vote`). */
  votes: 'votes',
} as const;

/**
 * Keys of an annotation's `Y.Map`. Each is edited independently; `geometry` holds one plain
 * object replaced as a whole, `attributes` is a nested `Y.Map` with one key per attribute.
 */
export const ANNOTATION_KEY = {
  id: 'id',
  kind: 'kind',
  studyInstanceUid: 'studyInstanceUid',
  seriesInstanceUid: 'seriesInstanceUid',
  sopInstanceUid: 'sopInstanceUid',
  frameIndex: 'frameIndex',
  geometry: 'geometry',
  label: 'label',
  attributes: 'attributes',
  author: 'author',
  createdBy: 'createdBy',
  createdAt: 'createdAt',
  updatedBy: 'updatedBy',
  updatedAt: 'updatedAt',
  deleted: 'deleted',
  deletedBy: 'deletedBy',
  deletedAt: 'deletedAt',
  /** Optional, consensus: atomic array of `{ readerId, annotationId }`. */
  sources: 'sources',
  /** Optional, consensus: `fused` | `majority` | `taken` | `manual`. */
  origin: 'origin',
} as const;

/** Keys of the nested `attributes` Y.Map. */
export const ATTRIBUTE_KEY = { confidence: 'confidence', note: 'note' } as const;

/** The root types of a study document. Creating them is free and idempotent. */
export interface StudyRoots {
  meta: Y.Map<unknown>;
  annotations: Y.Map<unknown>;
  imageStates: Y.Map<unknown>;
  comments: Y.Map<unknown>;
  rejections: Y.Map<unknown>;
  votes: Y.Map<unknown>;
}

/** Returns the root maps of `doc` (Yjs creates them on first access). */
export function getRoots(doc: Y.Doc): StudyRoots {
  return {
    meta: doc.getMap<unknown>(ROOT.meta),
    annotations: doc.getMap<unknown>(ROOT.annotations),
    imageStates: doc.getMap<unknown>(ROOT.imageStates),
    comments: doc.getMap<unknown>(ROOT.comments),
    rejections: doc.getMap<unknown>(ROOT.rejections),
    votes: doc.getMap<unknown>(ROOT.votes),
  };
}

/**
 * The key of an image state in `imageStates`: `study:<studyUid>`, `series:<seriesUid>` or
 * `image:<sopInstanceUid>:<frameIndex>`. DICOM UIDs contain only digits and dots, so the
 * separators cannot collide.
 */
export function imageStateKey(target: ReviewTarget): string {
  switch (target.level) {
    case 'study':
      return `study:${target.studyInstanceUid}`;
    case 'series':
      return `series:${target.seriesInstanceUid}`;
    case 'image':
      return `image:${target.sopInstanceUid}:${target.frameIndex ?? 0}`;
  }
}
