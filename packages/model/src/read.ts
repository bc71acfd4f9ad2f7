import * as Y from 'yjs';
import { type Annotation, AnnotationSchema } from './annotation-schema';
import { type Rejection, RejectionSchema, rejectionKey, type Vote, VoteSchema, voteKey } from './consensus-schema';
import { ANNOTATION_KEY, getRoots, imageStateKey, ROOT } from './layout';
import { type Comment, CommentSchema, type ImageState, ImageStateSchema } from './study-state-schema';
import type { Violation } from './violation';

/** Result of turning one stored entry into a plain object, before schema validation. */
export interface PlainEntry {
  value: unknown;
  /** Structural problems (a Yjs type where an atomic value belongs, or the reverse). */
  problems: Violation[];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Y.AbstractType);
}

/** A map's entries, in `entries()` order; about twice as fast as its iterator (this runs per validated update). */
function mapEntries(map: Y.Map<unknown>): [string, unknown][] {
  const entries: [string, unknown][] = [];
  map.forEach((value, key) => {
    entries.push([key, value]);
  });
  return entries;
}

/** Reads maps' entries in a view of a document (e.g. as it would be after an update). */
export interface MapEntriesView {
  /** A map's entries in the view; omitted: as the map holds them now. */
  entriesOf?(map: Y.Map<unknown>): Iterable<[string, unknown]>;
}

/**
 * Converts one entry of the `annotations` root into a plain object. Only `attributes` may be a
 * Yjs type (a `Y.Map`); every other key must hold a plain JSON value. Maps are read through
 * `view` when given (`validateUpdate` passes the document after the update).
 */
export function plainAnnotation(id: string, entry: unknown, view?: MapEntriesView): PlainEntry {
  const base = [ROOT.annotations, id];
  if (!(entry instanceof Y.Map)) {
    return { value: undefined, problems: [{ code: 'wrong-type', path: base, message: 'an annotation must be a Y.Map' }] };
  }
  const problems: Violation[] = [];
  const value: Record<string, unknown> = {};
  for (const [key, raw] of view?.entriesOf ? view.entriesOf(entry as Y.Map<unknown>) : mapEntries(entry as Y.Map<unknown>)) {
    if (key === ANNOTATION_KEY.attributes) {
      if (!(raw instanceof Y.Map)) {
        problems.push({ code: 'wrong-type', path: [...base, key], message: 'attributes must be a nested Y.Map' });
        continue;
      }
      const attributes: Record<string, unknown> = {};
      for (const [attrKey, attr] of view?.entriesOf ? view.entriesOf(raw as Y.Map<unknown>) : mapEntries(raw as Y.Map<unknown>)) {
        if (attr instanceof Y.AbstractType) {
          problems.push({ code: 'wrong-type', path: [...base, key, attrKey], message: 'an attribute must be a plain value' });
        } else {
          attributes[attrKey] = attr;
        }
      }
      value[key] = attributes;
    } else if (raw instanceof Y.AbstractType) {
      problems.push({ code: 'wrong-type', path: [...base, key], message: `${key} must be a plain JSON value, not a Yjs type` });
    } else {
      value[key] = raw;
    }
  }
  return { value, problems };
}

/** Options of `readAnnotations`. */
export interface ReadAnnotationsOptions {
  /** Include soft-deleted annotations (default false). */
  includeDeleted?: boolean;
  /** What to do with an entry that fails validation: skip it (default) or throw. */
  onInvalid?: 'skip' | 'throw';
}

/** Orders annotations and comments the same way on every replica: creation time, then id. */
function byCreation(a: { createdAt: number; id: string }, b: { createdAt: number; id: string }): number {
  return a.createdAt - b.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

function invalid(what: string, key: string, onInvalid: 'skip' | 'throw'): void {
  if (onInvalid === 'throw') throw new Error(`invalid ${what} ${JSON.stringify(key)}; run validateDocument for details`);
}

/** Reads one annotation by id; `undefined` if absent or invalid. */
export function readAnnotation(doc: Y.Doc, id: string): Annotation | undefined {
  const entry = getRoots(doc).annotations.get(id);
  if (entry === undefined) return undefined;
  const plain = plainAnnotation(id, entry);
  if (plain.problems.length > 0) return undefined;
  const parsed = AnnotationSchema.safeParse(plain.value);
  return parsed.success && parsed.data.id === id ? parsed.data : undefined;
}

/**
 * Reads every valid annotation as a zod-validated plain object, sorted by `createdAt` then `id`.
 * Invalid entries are skipped unless `onInvalid: 'throw'`; `validateDocument` reports them.
 */
export function readAnnotations(doc: Y.Doc, options: ReadAnnotationsOptions = {}): Annotation[] {
  const onInvalid = options.onInvalid ?? 'skip';
  const out: Annotation[] = [];
  for (const id of getRoots(doc).annotations.keys()) {
    const annotation = readAnnotation(doc, id);
    if (annotation === undefined) {
      invalid('annotation', id, onInvalid);
      continue;
    }
    if (options.includeDeleted === true || !annotation.deleted) out.push(annotation);
  }
  return out.sort(byCreation);
}

/** Study-level state: the layout version, review outcomes, comments, rejections and votes. */
export interface StudyState {
  schemaVersion: unknown;
  /** Sorted by key (`imageStateKey`). */
  imageStates: ImageState[];
  /** Sorted by `createdAt` then `id`; includes deleted comments (check `deleted`). */
  comments: Comment[];
  /** Rejected reader annotations (consensus documents), sorted by key (`rejectionKey`). */
  rejections: Rejection[];
  /** Votes on annotations, sorted by key (`voteKey`). */
  votes: Vote[];
}

/** Reads the study-level state as zod-validated plain objects; invalid entries are skipped. */
export function readStudyState(doc: Y.Doc, options: Pick<ReadAnnotationsOptions, 'onInvalid'> = {}): StudyState {
  const onInvalid = options.onInvalid ?? 'skip';
  const roots = getRoots(doc);
  const imageStates: ImageState[] = [];
  for (const key of [...roots.imageStates.keys()].sort()) {
    const parsed = ImageStateSchema.safeParse(roots.imageStates.get(key));
    if (parsed.success && imageStateKey(parsed.data) === key) imageStates.push(parsed.data);
    else invalid('image state', key, onInvalid);
  }
  const comments: Comment[] = [];
  for (const [key, raw] of roots.comments.entries()) {
    const parsed = CommentSchema.safeParse(raw);
    if (parsed.success && parsed.data.id === key) comments.push(parsed.data);
    else invalid('comment', key, onInvalid);
  }
  const rejections: Rejection[] = [];
  for (const key of [...roots.rejections.keys()].sort()) {
    const parsed = RejectionSchema.safeParse(roots.rejections.get(key));
    if (parsed.success && rejectionKey(parsed.data) === key) rejections.push(parsed.data);
    else invalid('rejection', key, onInvalid);
  }
  const votes: Vote[] = [];
  for (const key of [...roots.votes.keys()].sort()) {
    const parsed = VoteSchema.safeParse(roots.votes.get(key));
    if (parsed.success && voteKey(parsed.data) === key) votes.push(parsed.data);
    else invalid('vote', key, onInvalid);
  }
  return { schemaVersion: roots.meta.get('schemaVersion'), imageStates, comments: comments.sort(byCreation), rejections, votes };
}
