import * as Y from 'yjs';
import type { Annotation } from './annotation-schema';
import { RejectionSchema, rejectionKey, VoteSchema, voteKey } from './consensus-schema';
import { ANNOTATION_KEY, ROOT, SCHEMA_VERSION } from './layout';
import { type AnnotationCheckMemo, checkAnnotationAfter, type HeldValueView } from './annotation-check-memo';
import type { MapEntriesView } from './read';
import { CommentSchema, ImageStateSchema } from './study-state-schema';
import type { Action } from './permissions';
import type { Violation } from './violation';

/** Who is writing, and under which rules. */
export interface UpdateActor {
  readonly userId: string;
  /** What the actor's role permits (see `PERMISSIONS`). */
  readonly can: (action: Action) => boolean;
  /** The project's taxonomy; omitted: not enforced. */
  readonly labels?: ReadonlySet<string>;
  /** Image size for a box's reference; null when unknown (then bounds are not enforced). */
  readonly imageSize?: (ref: ImageRef) => ImageSize | null;
}

export interface ImageRef {
  readonly studyInstanceUid: string;
  readonly seriesInstanceUid: string;
  readonly sopInstanceUid?: string;
}
export interface ImageSize {
  readonly columns: number;
  readonly rows: number;
  /** Number of slices of the series (for box3d slice ranges). */
  readonly slices?: number;
}

/** What one update does to the document, as `validateUpdate` found it. */
export interface UpdateReview {
  readonly violations: Violation[];
  /** Annotations the update created or changed, with the keys that changed. */
  readonly touched: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The document after an update, as `validateUpdate` reads it: the staging copy the update was
 * applied to (a `Y.Doc`), or the room's document seen through the entries an update would set
 * (the sync server's `UpdatePreview.after`). Read it only through these members; a map found in
 * it (an annotation, its attributes) holds the values before the update, so read its entries
 * with `entriesOf`.
 */
export interface DocumentAfter extends MapEntriesView, HeldValueView {
  readonly share: ReadonlyMap<string, Y.AbstractType<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  getMap(name: string): { get(key: string): unknown; has(key: string): boolean };
}

/** What `validateUpdate` needs of the transaction that applied the update (a `Y.Transaction` has it). */
export interface UpdateChanges {
  readonly changed: ReadonlyMap<Y.AbstractType<any>, ReadonlySet<string | null>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly beforeState: { get(client: number): number | undefined };
}

/** Keys of an annotation that never change after creation. */
const IMMUTABLE_KEYS: readonly string[] = [
  ANNOTATION_KEY.id,
  ANNOTATION_KEY.kind,
  ANNOTATION_KEY.studyInstanceUid,
  ANNOTATION_KEY.seriesInstanceUid,
  ANNOTATION_KEY.sopInstanceUid,
  ANNOTATION_KEY.frameIndex,
  ANNOTATION_KEY.author,
  ANNOTATION_KEY.createdBy,
  ANNOTATION_KEY.createdAt,
];

const KNOWN_ROOTS = new Set<string>(Object.values(ROOT));

const v = (code: Violation['code'], path: Violation['path'], message: string): Violation => ({ code, path, message });

/**
 * Reviews an update that was applied to a staging copy (`after`) of a study document whose state
 * before it is `before`, using the Yjs transaction of that apply to find exactly what changed.
 * Checks every changed entry: schema, taxonomy, geometry within the image, author fields equal to
 * the actor, own-versus-others permissions, no hard deletion or replacement of annotations, no
 * writes outside the known roots. Consensus keys (`sources`, `origin`, `rejections`) need
 * `adjudicate`; a vote needs `comment`, must be the actor's own and name an existing annotation.
 * Pure; an empty `violations` means the update may be applied. Instead of a staged copy, `after`
 * may be a view of `before` through the entries the update sets and `transaction` its changes
 * (the sync server's `UpdatePreview`), which spares applying the update twice. With such a view,
 * `options.memo` (kept per process) re-parses only the changed keys of an annotation it has seen
 * valid (see `AnnotationCheckMemo`).
 */
export function validateUpdate(
  before: Y.Doc,
  after: DocumentAfter,
  transaction: UpdateChanges,
  actor: UpdateActor,
  options: { readonly memo?: AnnotationCheckMemo } = {},
): UpdateReview {
  const violations: Violation[] = [];
  const touched = new Map<string, Set<string>>();
  const rootNames = new Map<Y.AbstractType<any>, string>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  for (const [name, type] of after.share) rootNames.set(type, name);
  const annotationsRoot = after.share.get(ROOT.annotations);
  const labelRules = actor.labels ? { labels: actor.labels } : {};
  const isNew = (item: Y.Item | null) => item !== null && item.id.clock >= (transaction.beforeState.get(item.id.client) ?? 0);

  for (const [type, keys] of transaction.changed) {
    const root = rootName(type, rootNames);
    if (root === null || !KNOWN_ROOTS.has(root)) {
      violations.push(v('wrong-type', [root ?? '?'], `writes outside the study document's roots are not allowed (${root ?? 'unknown'})`));
      continue;
    }
    const stringKeys = [...keys].filter((k): k is string => k !== null);
    if (stringKeys.length !== keys.size) {
      violations.push(v('wrong-type', [root], 'sequence content is not part of the study document'));
      continue;
    }
    if (type.parent === null) {
      // A root map: entries added, replaced or removed.
      for (const key of stringKeys) {
        if (root === ROOT.annotations) reviewAnnotationEntry(key);
        else if (root === ROOT.imageStates) reviewImageState(key);
        else if (root === ROOT.comments) reviewComment(key);
        else if (root === ROOT.rejections) reviewRejection(key);
        else if (root === ROOT.votes) reviewVote(key);
        else reviewMeta(key);
      }
    } else if (type.parent === annotationsRoot && type._item?.parentSub) {
      addTouched(type._item.parentSub, stringKeys);
    } else if (type.parent?.parent === annotationsRoot && type._item?.parentSub === ANNOTATION_KEY.attributes) {
      const id = (type.parent as Y.AbstractType<unknown>)._item?.parentSub;
      if (id) addTouched(id, [ANNOTATION_KEY.attributes]);
    } else {
      violations.push(v('wrong-type', [root], 'nested Yjs types are only allowed as an annotation and its attributes'));
    }
  }
  for (const [id, keys] of touched) reviewAnnotation(id, keys);
  return { violations, touched };

  function addTouched(id: string, keys: readonly string[]) {
    const set = touched.get(id) ?? new Set<string>();
    for (const k of keys) set.add(k);
    touched.set(id, set);
  }

  function reviewAnnotationEntry(id: string) {
    const had = before.getMap(ROOT.annotations).get(id);
    const now = after.getMap(ROOT.annotations).get(id);
    if (had !== undefined && now === undefined) {
      violations.push(v('invalid-value', [ROOT.annotations, id], 'annotations are never removed; set deleted instead'));
    } else if (had !== undefined && now instanceof Y.Map && isNew(now._item)) {
      violations.push(v('invalid-value', [ROOT.annotations, id], 'an existing annotation cannot be replaced'));
    } else if (now !== undefined) {
      addTouched(id, ['*created']);
    }
  }

  function reviewAnnotation(id: string, keys: ReadonlySet<string>) {
    const path = [ROOT.annotations, id];
    const checked = checkAnnotationAfter(before, after, id, keys, labelRules, options.memo);
    violations.push(...checked.problems);
    if (checked.problems.length > 0) return;
    violations.push(...checked.violations.map((p) => ({ ...p, path: [...path, ...p.path] })));
    const now = checked.annotation;
    if (!now) return;
    if (now.id !== id) violations.push(v('key-mismatch', [...path, 'id'], 'the id must equal the key'));
    const created = keys.has('*created');
    const consensusKeys = created
      ? now.sources !== undefined || now.origin !== undefined
      : keys.has(ANNOTATION_KEY.sources) || keys.has(ANNOTATION_KEY.origin);
    if (consensusKeys && !actor.can('adjudicate')) {
      violations.push(v('invalid-value', [...path, ANNOTATION_KEY.sources], 'only adjudicators may write sources and origin'));
    }
    if (created) {
      if (!actor.can('edit-own-annotation')) violations.push(v('invalid-value', path, 'your role may not create annotations'));
      if (now.author !== actor.userId || now.createdBy !== actor.userId) {
        violations.push(v('invalid-value', [...path, 'author'], 'author and createdBy must be you'));
      }
    } else {
      // The previous state is read key by key from the room's document: only what the rules need.
      const was = before.getMap(ROOT.annotations).get(id);
      const prev = (key: string): unknown => (was instanceof Y.Map ? (was as Y.Map<unknown>).get(key) : undefined);
      for (const key of IMMUTABLE_KEYS) {
        if (keys.has(key) && JSON.stringify(prev(key)) !== JSON.stringify((now as Record<string, unknown>)[key])) {
          violations.push(v('invalid-value', [...path, key], `${key} cannot change`));
        }
      }
      const own = prev(ANNOTATION_KEY.author) === actor.userId;
      const action: Action = own ? 'edit-own-annotation' : 'edit-others-annotation';
      if (!actor.can(action)) {
        violations.push(v('invalid-value', path, own ? 'your role may not edit annotations' : "you may not edit another reader's annotation"));
      }
      if (keys.has(ANNOTATION_KEY.deleted) && now.deleted && prev(ANNOTATION_KEY.deleted) !== true && now.deletedBy !== actor.userId) {
        violations.push(v('invalid-value', [...path, 'deletedBy'], 'deletedBy must be you'));
      }
    }
    if (keys.has(ANNOTATION_KEY.updatedBy) && now.updatedBy !== actor.userId) {
      violations.push(v('invalid-value', [...path, 'updatedBy'], 'updatedBy must be you'));
    }
    if (created || keys.has(ANNOTATION_KEY.geometry)) checkBounds(now, path);
  }

  function checkBounds(a: Annotation, path: (string | number)[]) {
    const ref = a.kind === 'box2d' ? { studyInstanceUid: a.studyInstanceUid, seriesInstanceUid: a.seriesInstanceUid, sopInstanceUid: a.sopInstanceUid } : { studyInstanceUid: a.studyInstanceUid, seriesInstanceUid: a.seriesInstanceUid };
    const size = actor.imageSize?.(ref) ?? null;
    if (!size) return;
    const g = a.geometry;
    if (g.x < 0 || g.y < 0 || g.x + g.width > size.columns || g.y + g.height > size.rows) {
      violations.push(v('invalid-value', [...path, 'geometry'], `the box lies outside the ${size.columns}×${size.rows} image`));
    }
    if (a.kind === 'box3d' && size.slices !== undefined && a.geometry.lastSliceIndex >= size.slices) {
      violations.push(v('invalid-value', [...path, 'geometry'], `the slice range exceeds the series' ${size.slices} slices`));
    }
  }

  function reviewImageState(key: string) {
    const path = [ROOT.imageStates, key];
    if (!actor.can('set-image-status')) {
      violations.push(v('invalid-value', path, 'your role may not set image status'));
      return;
    }
    const now = after.getMap(ROOT.imageStates).get(key);
    if (now === undefined) return; // cleared
    const parsed = ImageStateSchema.safeParse(now);
    if (!parsed.success) violations.push(v('invalid-value', path, parsed.error.issues[0]?.message ?? 'invalid image state'));
    else if (parsed.data.setBy !== actor.userId) violations.push(v('invalid-value', [...path, 'setBy'], 'setBy must be you'));
  }

  function reviewComment(id: string) {
    const path = [ROOT.comments, id];
    if (!actor.can('comment')) {
      violations.push(v('invalid-value', path, 'your role may not comment'));
      return;
    }
    const had = before.getMap(ROOT.comments).get(id);
    const now = after.getMap(ROOT.comments).get(id);
    const parsed = CommentSchema.safeParse(now);
    if (!parsed.success) {
      violations.push(v('invalid-value', path, now === undefined ? 'comments are never removed; set deleted instead' : (parsed.error.issues[0]?.message ?? 'invalid comment')));
      return;
    }
    if (had === undefined) {
      if (parsed.data.author !== actor.userId) violations.push(v('invalid-value', [...path, 'author'], 'author must be you'));
      return;
    }
    const prev = CommentSchema.safeParse(had);
    const sameText = prev.success && prev.data.text === parsed.data.text && prev.data.author === parsed.data.author;
    const ownDelete = prev.success && prev.data.author === actor.userId && parsed.data.deletedBy === actor.userId;
    if (!sameText || !(ownDelete || actor.can('edit-others-annotation'))) {
      violations.push(v('invalid-value', path, 'a comment can only be deleted, by its author or an adjudicator'));
    }
  }

  function reviewRejection(key: string) {
    const path = [ROOT.rejections, key];
    if (!actor.can('adjudicate')) {
      violations.push(v('invalid-value', path, 'your role may not reject reader annotations'));
      return;
    }
    const now = after.getMap(ROOT.rejections).get(key);
    if (now === undefined) return; // withdrawn
    const parsed = RejectionSchema.safeParse(now);
    if (!parsed.success) violations.push(v('invalid-value', path, parsed.error.issues[0]?.message ?? 'invalid rejection'));
    else if (rejectionKey(parsed.data) !== key) violations.push(v('key-mismatch', path, 'the key must be <readerId>:<annotationId>'));
    else if (parsed.data.by !== actor.userId) violations.push(v('invalid-value', [...path, 'by'], 'by must be you'));
  }

  function reviewVote(key: string) {
    const path = [ROOT.votes, key];
    if (!actor.can('comment')) {
      violations.push(v('invalid-value', path, 'your role may not vote'));
      return;
    }
    const now = after.getMap(ROOT.votes).get(key);
    if (now === undefined) {
      const had = VoteSchema.safeParse(before.getMap(ROOT.votes).get(key));
      if (!had.success || had.data.userId !== actor.userId) violations.push(v('invalid-value', path, 'only your own vote can be removed'));
      return;
    }
    const parsed = VoteSchema.safeParse(now);
    if (!parsed.success) violations.push(v('invalid-value', path, parsed.error.issues[0]?.message ?? 'invalid vote'));
    else if (voteKey(parsed.data) !== key) violations.push(v('key-mismatch', path, 'the key must be <annotationId>:<userId>'));
    else if (parsed.data.userId !== actor.userId) violations.push(v('invalid-value', [...path, 'userId'], 'a vote must be your own'));
    else if (!after.getMap(ROOT.annotations).has(parsed.data.annotationId)) {
      violations.push(v('dangling-reference', [...path, 'annotationId'], 'the annotation voted on does not exist'));
    }
  }

  function reviewMeta(key: string) {
    const had = before.getMap(ROOT.meta).get(key);
    const now = after.getMap(ROOT.meta).get(key);
    if (key !== 'schemaVersion' || now !== SCHEMA_VERSION || (had !== undefined && had !== now)) {
      violations.push(v('schema-version', [ROOT.meta, key], 'meta holds only schemaVersion, set once'));
    }
  }
}

function rootName(type: Y.AbstractType<any>, rootNames: Map<Y.AbstractType<any>, string>): string | null { // eslint-disable-line @typescript-eslint/no-explicit-any
  let t: Y.AbstractType<any> = type; // eslint-disable-line @typescript-eslint/no-explicit-any
  while (t.parent !== null) t = t.parent;
  return rootNames.get(t) ?? null;
}
