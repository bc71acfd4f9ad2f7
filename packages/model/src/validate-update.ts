import * as Y from 'yjs';
import type { Annotation } from './annotation-schema';
import { RejectionSchema, rejectionKey, VoteSchema, voteKey } from './consensus-schema';
import { ANNOTATION_KEY, ROOT, SCHEMA_VERSION } from './layout';
import { type AnnotationCheckMemo, checkAnnotationAfter, type HeldValueView } from './annotation-check-memo';
import type { AnnotationRules } from './validate';
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
  /**
   * The annotations the update created (`*created` in `touched`) that pass `AnnotationSchema`
   * with the id of their key — whether or not their label is in the taxonomy — as
   * `readAnnotation` reads them from the document after the update; in `touched` order. Lets a
   * caller check them further without parsing them again.
   */
  readonly created: ReadonlyMap<string, Annotation>;
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
/** The key `touched` records for an annotation entry the update sets (created, or a plain value written there). */
const CREATED = '*created';
const CREATED_ONLY: readonly string[] = [CREATED];
const ATTRIBUTES_ONLY: readonly string[] = [ANNOTATION_KEY.attributes];
const NO_RULES: AnnotationRules = Object.freeze({});

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
  return new UpdateReviewer(before, after, transaction, actor, options.memo).review();
}

/**
 * One run of `validateUpdate`. A class, not closures in the function: this runs for every
 * incoming update, and under tsx (esbuild's `keepNames`) every named inner function costs a
 * `name` definition each time it is made (~2 µs each); methods cost nothing per call.
 */
class UpdateReviewer {
  private readonly violations: Violation[] = [];
  private readonly touched = new Map<string, Set<string>>();
  private readonly created = new Map<string, Annotation>();
  private readonly annotationsRoot: Y.AbstractType<any> | undefined; // eslint-disable-line @typescript-eslint/no-explicit-any
  private readonly labelRules: AnnotationRules;

  constructor(
    private readonly before: Y.Doc,
    private readonly after: DocumentAfter,
    private readonly transaction: UpdateChanges,
    private readonly actor: UpdateActor,
    private readonly memo: AnnotationCheckMemo | undefined,
  ) {
    this.annotationsRoot = after.share.get(ROOT.annotations);
    this.labelRules = actor.labels ? { labels: actor.labels } : NO_RULES;
  }

  review(): UpdateReview {
    const { violations, annotationsRoot } = this;
    for (const [type, keys] of this.transaction.changed) {
      const root = rootName(type, this.after.share);
      if (root === null || !KNOWN_ROOTS.has(root)) {
        violations.push(v('wrong-type', [root ?? '?'], `writes outside the study document's roots are not allowed (${root ?? 'unknown'})`));
        continue;
      }
      if (keys.has(null)) {
        violations.push(v('wrong-type', [root], 'sequence content is not part of the study document'));
        continue;
      }
      const stringKeys = keys as ReadonlySet<string>;
      if (type.parent === null) {
        // A root map: entries added, replaced or removed.
        for (const key of stringKeys) {
          if (root === ROOT.annotations) this.reviewAnnotationEntry(key);
          else if (root === ROOT.imageStates) this.reviewImageState(key);
          else if (root === ROOT.comments) this.reviewComment(key);
          else if (root === ROOT.rejections) this.reviewRejection(key);
          else if (root === ROOT.votes) this.reviewVote(key);
          else this.reviewMeta(key);
        }
      } else if (type.parent === annotationsRoot && type._item?.parentSub) {
        this.addTouched(type._item.parentSub, stringKeys);
      } else if (type.parent?.parent === annotationsRoot && type._item?.parentSub === ANNOTATION_KEY.attributes) {
        const id = (type.parent as Y.AbstractType<unknown>)._item?.parentSub;
        if (id) this.addTouched(id, ATTRIBUTES_ONLY);
      } else {
        violations.push(v('wrong-type', [root], 'nested Yjs types are only allowed as an annotation and its attributes'));
      }
    }
    for (const [id, keys] of this.touched) this.reviewAnnotation(id, keys);
    return { violations, touched: this.touched, created: this.created };
  }

  private isNew(item: Y.Item | null): boolean {
    return item !== null && item.id.clock >= (this.transaction.beforeState.get(item.id.client) ?? 0);
  }

  private addTouched(id: string, keys: Iterable<string>): void {
    let set = this.touched.get(id);
    if (!set) this.touched.set(id, (set = new Set<string>()));
    for (const k of keys) set.add(k);
  }

  private reviewAnnotationEntry(id: string): void {
    const had = this.before.getMap(ROOT.annotations).get(id);
    const now = this.after.getMap(ROOT.annotations).get(id);
    if (had !== undefined && now === undefined) {
      this.violations.push(v('invalid-value', [ROOT.annotations, id], 'annotations are never removed; set deleted instead'));
    } else if (had !== undefined && now instanceof Y.Map && this.isNew(now._item)) {
      this.violations.push(v('invalid-value', [ROOT.annotations, id], 'an existing annotation cannot be replaced'));
    } else if (now !== undefined) {
      this.addTouched(id, CREATED_ONLY);
    }
  }

  private reviewAnnotation(id: string, keys: ReadonlySet<string>): void {
    const { violations, actor } = this;
    const path = [ROOT.annotations, id];
    const checked = checkAnnotationAfter(this.before, this.after, id, keys, this.labelRules, this.memo);
    const created = keys.has(CREATED);
    // What the reference check needs of a created annotation: its schema output with the id of
    // its key (whether or not the label is in the taxonomy), as `readAnnotation` would read it.
    if (created && checked.parsed !== null && checked.parsed.id === id) this.created.set(id, checked.parsed);
    if (checked.problems.length > 0) {
      for (const p of checked.problems) violations.push(p);
      return;
    }
    for (const p of checked.violations) violations.push({ ...p, path: [...path, ...p.path] });
    const now = checked.annotation;
    if (!now) return;
    if (now.id !== id) violations.push(v('key-mismatch', [...path, 'id'], 'the id must equal the key'));
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
      const was = this.before.getMap(ROOT.annotations).get(id);
      const prev = was instanceof Y.Map ? (was as Y.Map<unknown>) : null;
      for (const key of IMMUTABLE_KEYS) {
        if (keys.has(key) && JSON.stringify(prev?.get(key)) !== JSON.stringify((now as Record<string, unknown>)[key])) {
          violations.push(v('invalid-value', [...path, key], `${key} cannot change`));
        }
      }
      const own = prev?.get(ANNOTATION_KEY.author) === actor.userId;
      const action: Action = own ? 'edit-own-annotation' : 'edit-others-annotation';
      if (!actor.can(action)) {
        violations.push(v('invalid-value', path, own ? 'your role may not edit annotations' : "you may not edit another reader's annotation"));
      }
      if (keys.has(ANNOTATION_KEY.deleted) && now.deleted && prev?.get(ANNOTATION_KEY.deleted) !== true && now.deletedBy !== actor.userId) {
        violations.push(v('invalid-value', [...path, 'deletedBy'], 'deletedBy must be you'));
      }
    }
    if (keys.has(ANNOTATION_KEY.updatedBy) && now.updatedBy !== actor.userId) {
      violations.push(v('invalid-value', [...path, 'updatedBy'], 'updatedBy must be you'));
    }
    if (created || keys.has(ANNOTATION_KEY.geometry)) this.checkBounds(now, path);
  }

  private checkBounds(a: Annotation, path: (string | number)[]): void {
    const ref = a.kind === 'box2d' ? { studyInstanceUid: a.studyInstanceUid, seriesInstanceUid: a.seriesInstanceUid, sopInstanceUid: a.sopInstanceUid } : { studyInstanceUid: a.studyInstanceUid, seriesInstanceUid: a.seriesInstanceUid };
    const size = this.actor.imageSize?.(ref) ?? null;
    if (!size) return;
    const g = a.geometry;
    if (g.x < 0 || g.y < 0 || g.x + g.width > size.columns || g.y + g.height > size.rows) {
      this.violations.push(v('invalid-value', [...path, 'geometry'], `the box lies outside the ${size.columns}×${size.rows} image`));
    }
    if (a.kind === 'box3d' && size.slices !== undefined && a.geometry.lastSliceIndex >= size.slices) {
      this.violations.push(v('invalid-value', [...path, 'geometry'], `the slice range exceeds the series' ${size.slices} slices`));
    }
  }

  private reviewImageState(key: string): void {
    const path = [ROOT.imageStates, key];
    if (!this.actor.can('set-image-status')) {
      this.violations.push(v('invalid-value', path, 'your role may not set image status'));
      return;
    }
    const now = this.after.getMap(ROOT.imageStates).get(key);
    if (now === undefined) return; // cleared
    const parsed = ImageStateSchema.safeParse(now);
    if (!parsed.success) this.violations.push(v('invalid-value', path, parsed.error.issues[0]?.message ?? 'invalid image state'));
    else if (parsed.data.setBy !== this.actor.userId) this.violations.push(v('invalid-value', [...path, 'setBy'], 'setBy must be you'));
  }

  private reviewComment(id: string): void {
    const path = [ROOT.comments, id];
    if (!this.actor.can('comment')) {
      this.violations.push(v('invalid-value', path, 'your role may not comment'));
      return;
    }
    const had = this.before.getMap(ROOT.comments).get(id);
    const now = this.after.getMap(ROOT.comments).get(id);
    const parsed = CommentSchema.safeParse(now);
    if (!parsed.success) {
      this.violations.push(v('invalid-value', path, now === undefined ? 'comments are never removed; set deleted instead' : (parsed.error.issues[0]?.message ?? 'invalid comment')));
      return;
    }
    if (had === undefined) {
      if (parsed.data.author !== this.actor.userId) this.violations.push(v('invalid-value', [...path, 'author'], 'author must be you'));
      return;
    }
    const prev = CommentSchema.safeParse(had);
    const sameText = prev.success && prev.data.text === parsed.data.text && prev.data.author === parsed.data.author;
    const ownDelete = prev.success && prev.data.author === this.actor.userId && parsed.data.deletedBy === this.actor.userId;
    if (!sameText || !(ownDelete || this.actor.can('edit-others-annotation'))) {
      this.violations.push(v('invalid-value', path, 'a comment can only be deleted, by its author or an adjudicator'));
    }
  }

  private reviewRejection(key: string): void {
    const path = [ROOT.rejections, key];
    if (!this.actor.can('adjudicate')) {
      this.violations.push(v('invalid-value', path, 'your role may not reject reader annotations'));
      return;
    }
    const now = this.after.getMap(ROOT.rejections).get(key);
    if (now === undefined) return; // withdrawn
    const parsed = RejectionSchema.safeParse(now);
    if (!parsed.success) this.violations.push(v('invalid-value', path, parsed.error.issues[0]?.message ?? 'invalid rejection'));
    else if (rejectionKey(parsed.data) !== key) this.violations.push(v('key-mismatch', path, 'the key must be <readerId>:<annotationId>'));
    else if (parsed.data.by !== this.actor.userId) this.violations.push(v('invalid-value', [...path, 'by'], 'by must be you'));
  }

  private reviewVote(key: string): void {
    const path = [ROOT.votes, key];
    if (!this.actor.can('comment')) {
      this.violations.push(v('invalid-value', path, 'your role may not vote'));
      return;
    }
    const now = this.after.getMap(ROOT.votes).get(key);
    if (now === undefined) {
      const had = VoteSchema.safeParse(this.before.getMap(ROOT.votes).get(key));
      if (!had.success || had.data.userId !== this.actor.userId) this.violations.push(v('invalid-value', path, 'only your own vote can be removed'));
      return;
    }
    const parsed = VoteSchema.safeParse(now);
    if (!parsed.success) this.violations.push(v('invalid-value', path, parsed.error.issues[0]?.message ?? 'invalid vote'));
    else if (voteKey(parsed.data) !== key) this.violations.push(v('key-mismatch', path, 'the key must be <annotationId>:<userId>'));
    else if (parsed.data.userId !== this.actor.userId) this.violations.push(v('invalid-value', [...path, 'userId'], 'a vote must be your own'));
    else if (!this.after.getMap(ROOT.annotations).has(parsed.data.annotationId)) {
      this.violations.push(v('dangling-reference', [...path, 'annotationId'], 'the annotation voted on does not exist'));
    }
  }

  private reviewMeta(key: string): void {
    const had = this.before.getMap(ROOT.meta).get(key);
    const now = this.after.getMap(ROOT.meta).get(key);
    if (key !== 'schemaVersion' || now !== SCHEMA_VERSION || (had !== undefined && had !== now)) {
      this.violations.push(v('schema-version', [ROOT.meta, key], 'meta holds only schemaVersion, set once'));
    }
  }
}

/** The name of the root type `type` lies in, or null (a type of no root of `share`). */
function rootName(type: Y.AbstractType<any>, share: ReadonlyMap<string, Y.AbstractType<any>>): string | null { // eslint-disable-line @typescript-eslint/no-explicit-any
  let t: Y.AbstractType<any> = type; // eslint-disable-line @typescript-eslint/no-explicit-any
  while (t.parent !== null) t = t.parent;
  // A handful of roots: a scan allocates nothing (a reverse map would be built per update).
  for (const [name, root] of share) if (root === t) return name;
  return null;
}
