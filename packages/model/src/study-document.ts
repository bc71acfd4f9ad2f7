import * as Y from 'yjs';
import { type Annotation, AnnotationSchema, type Attributes, ConfidenceSchema, LabelSchema, NoteSchema } from './annotation-schema';
import { buildAnnotationMap, markDeleted, markRestored, touch } from './annotation-map';
import { observeStudy, type StudyChange } from './changes';
import {
  type ConsensusOrigin,
  ConsensusOriginSchema,
  type ConsensusSource,
  ConsensusSourceSchema,
  type Rejection,
  RejectionSchema,
  rejectionKey,
  SourcesSchema,
  type Vote,
  VoteSchema,
  voteKey,
  type VoteValue,
} from './consensus-schema';
import { parseInput, StudyDocumentError } from './errors';
import { type Box2dGeometry, Box2dGeometrySchema, type Box3dGeometry, Box3dGeometrySchema } from './geometry-schema';
import { ANNOTATION_KEY as K, ATTRIBUTE_KEY, getRoots, imageStateKey, SCHEMA_VERSION, type StudyRoots } from './layout';
import { readAnnotation, readAnnotations, readStudyState } from './read';
import {
  type Comment,
  CommentSchema,
  type CommentTarget,
  type ImageState,
  ImageStateInputSchema,
  type ImageStateInput,
  ImageStateSchema,
  type ReviewTarget,
  ReviewTargetSchema,
} from './study-state-schema';
import { UserIdSchema } from './primitives';
import { createSessionUndoManager } from './undo';

/** Options of a `StudyDocument` session. */
export interface StudyDocumentOptions {
  /** The signed-in user; recorded as author / updatedBy / deletedBy of this session's writes. */
  userId: string;
  /** Clock in epoch milliseconds (default `Date.now`). */
  now?: () => number;
  /** Merge this session's edits made within this many ms into one undo step (default 0: none). */
  undoCaptureTimeoutMs?: number;
}

/** Fields of a new `box2d`. `author` defaults to the session user (set it for model output). */
export interface NewBox2d {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  sopInstanceUid: string;
  frameIndex?: number;
  geometry: Box2dGeometry;
  label: string;
  attributes?: Attributes;
  author?: string;
}

/** Fields of a new `box3d`. */
export interface NewBox3d {
  studyInstanceUid: string;
  seriesInstanceUid: string;
  geometry: Box3dGeometry;
  label: string;
  attributes?: Attributes;
  author?: string;
}

/** Provenance of a consensus annotation: the reader annotations it came from, and how. */
export interface Provenance {
  /** Required unless `origin` is `manual`; exactly one for `taken`. */
  sources?: ConsensusSource[];
  origin: ConsensusOrigin;
}

/**
 * A consensus annotation the adjudicator accepts (`acceptProposal`): a box with its image
 * references, as proposed by fusion, majority or by hand, and its provenance.
 */
export type Proposal = ((Omit<NewBox2d, 'author'> & { kind: 'box2d' }) | (Omit<NewBox3d, 'author'> & { kind: 'box3d' })) & Provenance;

/** Attribute changes: a value sets it, `null` clears it, `undefined` leaves it alone. */
export interface AttributesPatch {
  confidence?: number | null;
  note?: string | null;
}

/**
 * One user's typed session on a study `Y.Doc`. Every write is validated first (throwing
 * `StudyDocumentError` and writing nothing when invalid) and runs in a transaction tagged with
 * `this.origin`, so `undo()`/`redo()` affect only this session's own changes.
 */
export class StudyDocument {
  /** Origin of this session's undoable transactions; compare with `transaction.origin`. */
  readonly origin: object = { kind: 'study-session' };
  /** Origin of this session's writes that undo must not revert (the first half of a create). */
  readonly untrackedOrigin: object = { kind: 'study-session-untracked' };
  readonly userId: string;
  private readonly roots: StudyRoots;
  private readonly now: () => number;
  private readonly undoManager: Y.UndoManager;

  constructor(
    readonly doc: Y.Doc,
    options: StudyDocumentOptions,
  ) {
    this.userId = parseInput(UserIdSchema, options.userId, 'userId');
    const clock = options.now ?? Date.now;
    this.now = () => Math.floor(clock());
    this.roots = getRoots(doc);
    this.undoManager = createSessionUndoManager(this.roots, this.origin, options.undoCaptureTimeoutMs);
  }

  /** Creates a `box2d` and returns it. */
  createBox2d(input: NewBox2d): Annotation {
    return this.createAnnotation({
      kind: 'box2d',
      studyInstanceUid: input.studyInstanceUid,
      seriesInstanceUid: input.seriesInstanceUid,
      sopInstanceUid: input.sopInstanceUid,
      frameIndex: input.frameIndex ?? 0,
      geometry: input.geometry,
      label: input.label,
      attributes: input.attributes ?? {},
      author: input.author ?? this.userId,
    });
  }

  /** Creates a `box3d` and returns it. */
  createBox3d(input: NewBox3d): Annotation {
    return this.createAnnotation({
      kind: 'box3d',
      studyInstanceUid: input.studyInstanceUid,
      seriesInstanceUid: input.seriesInstanceUid,
      geometry: input.geometry,
      label: input.label,
      attributes: input.attributes ?? {},
      author: input.author ?? this.userId,
    });
  }

  /** Replaces the geometry of a box as one atomic value (it must match the box's kind). */
  moveBox(id: string, geometry: Box2dGeometry | Box3dGeometry): void {
    const map = this.annotationMap(id);
    const schema = map.get(K.kind) === 'box3d' ? Box3dGeometrySchema : Box2dGeometrySchema;
    const parsed = parseInput(schema, geometry, `geometry of ${map.get(K.kind) as string}`);
    this.write(() => {
      map.set(K.geometry, parsed);
      this.touch(map);
    });
  }

  /** Sets the label. Taxonomy membership is checked by `validateAnnotation`, not here. */
  setLabel(id: string, label: string): void {
    const map = this.annotationMap(id);
    const parsed = parseInput(LabelSchema, label, 'label');
    this.write(() => {
      map.set(K.label, parsed);
      this.touch(map);
    });
  }

  /** Sets or clears attributes; each attribute is its own key, so concurrent edits of others stay. */
  setAttributes(id: string, patch: AttributesPatch): void {
    const map = this.annotationMap(id);
    const attributes = map.get(K.attributes);
    if (!(attributes instanceof Y.Map)) throw new StudyDocumentError('not-found', `annotation ${id} has no attributes map`);
    const confidence = patch.confidence == null ? patch.confidence : parseInput(ConfidenceSchema, patch.confidence, 'confidence');
    const note = patch.note == null ? patch.note : parseInput(NoteSchema, patch.note, 'note');
    this.write(() => {
      if (confidence === null) attributes.delete(ATTRIBUTE_KEY.confidence);
      else if (confidence !== undefined) attributes.set(ATTRIBUTE_KEY.confidence, confidence);
      if (note === null) attributes.delete(ATTRIBUTE_KEY.note);
      else if (note !== undefined) attributes.set(ATTRIBUTE_KEY.note, note);
      this.touch(map);
    });
  }

  /** Soft-deletes an annotation. Returns false (and writes nothing) if it was already deleted. */
  deleteAnnotation(id: string): boolean {
    const map = this.annotationMap(id);
    if (map.get(K.deleted) === true) return false;
    this.write(() => {
      const now = this.now();
      markDeleted(map, this.userId, now);
      this.touch(map, now);
    });
    return true;
  }

  /** Restores a soft-deleted annotation with all its edits. Returns false if it was not deleted. */
  restoreAnnotation(id: string): boolean {
    const map = this.annotationMap(id);
    if (map.get(K.deleted) !== true) return false;
    this.write(() => {
      markRestored(map);
      this.touch(map);
    });
    return true;
  }

  /** Records a review outcome for a study, series or image (replacing the previous one). */
  setImageState(target: ReviewTarget, state: ImageStateInput): ImageState {
    const parsedTarget = parseInput(ReviewTargetSchema, target, 'target');
    const parsedState = parseInput(ImageStateInputSchema, state, 'image state');
    const value = parseInput(
      ImageStateSchema,
      { ...parsedTarget, ...parsedState, setBy: this.userId, setAt: this.now() },
      'image state',
    );
    this.write(() => this.roots.imageStates.set(imageStateKey(value), value));
    return value;
  }

  /** Removes the review outcome of a target. Returns false if there was none. */
  clearImageState(target: ReviewTarget): boolean {
    const key = imageStateKey(parseInput(ReviewTargetSchema, target, 'target'));
    if (!this.roots.imageStates.has(key)) return false;
    this.write(() => this.roots.imageStates.delete(key));
    return true;
  }

  /** The review outcome of a target, if any. */
  getImageState(target: ReviewTarget): ImageState | undefined {
    const key = imageStateKey(parseInput(ReviewTargetSchema, target, 'target'));
    return readStudyState(this.doc).imageStates.find((s) => imageStateKey(s) === key);
  }

  /** Adds a comment on the study or on an existing annotation and returns it. */
  addComment(input: { text: string; target: CommentTarget }): Comment {
    if (input.target.type === 'annotation') this.annotationMap(input.target.annotationId);
    const comment = parseInput(
      CommentSchema,
      { id: globalThis.crypto.randomUUID(), author: this.userId, text: input.text, createdAt: this.now(), target: input.target },
      'comment',
    );
    this.write(() => this.roots.comments.set(comment.id, comment));
    return comment;
  }

  /**
   * Adjudication: creates a consensus annotation from a proposal, attributed to this session's
   * user (the adjudicator), with its `sources` and `origin`, and returns it.
   */
  acceptProposal(proposal: Proposal): Annotation {
    const origin = parseInput(ConsensusOriginSchema, proposal.origin, 'origin');
    const sources = proposal.sources === undefined ? undefined : parseInput(SourcesSchema, proposal.sources, 'sources');
    const provenance = { origin, ...(sources === undefined ? {} : { sources }) };
    const common = {
      studyInstanceUid: proposal.studyInstanceUid,
      seriesInstanceUid: proposal.seriesInstanceUid,
      geometry: proposal.geometry,
      label: proposal.label,
      attributes: proposal.attributes ?? {},
      author: this.userId,
      ...provenance,
    };
    if (proposal.kind === 'box2d') {
      return this.createAnnotation({ ...common, kind: 'box2d', sopInstanceUid: proposal.sopInstanceUid, frameIndex: proposal.frameIndex ?? 0 });
    }
    return this.createAnnotation({ ...common, kind: 'box3d' });
  }

  /**
   * Adjudication: copies one reader's box into this (consensus) document as `origin: 'taken'`
   * with that box as its only source. The box (kind, image references, geometry, label) is
   * copied; the reader's attributes (their confidence and note) are not, since the copy is
   * attributed to the adjudicator.
   */
  takeReaderBox(readerAnnotation: Annotation, readerId: string): Annotation {
    if (readerAnnotation.deleted) throw new StudyDocumentError('invalid-input', 'a deleted annotation cannot be taken');
    const source = parseInput(ConsensusSourceSchema, { readerId, annotationId: readerAnnotation.id }, 'source');
    const box = readerAnnotation;
    const refs = { studyInstanceUid: box.studyInstanceUid, seriesInstanceUid: box.seriesInstanceUid, label: box.label, sources: [source], origin: 'taken' as const };
    return box.kind === 'box2d'
      ? this.acceptProposal({ ...refs, kind: 'box2d', sopInstanceUid: box.sopInstanceUid, frameIndex: box.frameIndex, geometry: box.geometry })
      : this.acceptProposal({ ...refs, kind: 'box3d', geometry: box.geometry });
  }

  /** Adjudication: rejects reader annotations (one rejection each, one transaction) and returns them. */
  rejectSources(sources: ConsensusSource[], reason?: string): Rejection[] {
    const parsed = parseInput(SourcesSchema, sources, 'sources');
    const at = this.now();
    const rejections = parsed.map((source) =>
      parseInput(RejectionSchema, { ...source, by: this.userId, at, ...(reason === undefined ? {} : { reason }) }, 'rejection'),
    );
    this.write(() => {
      for (const rejection of rejections) this.roots.rejections.set(rejectionKey(rejection), rejection);
    });
    return rejections;
  }

  /** Adjudication: withdraws the rejection of a reader annotation. Returns false if it was not rejected. */
  withdrawRejection(source: ConsensusSource): boolean {
    const key = rejectionKey(parseInput(ConsensusSourceSchema, source, 'source'));
    if (!this.roots.rejections.has(key)) return false;
    this.write(() => this.roots.rejections.delete(key));
    return true;
  }

  /** Records (or replaces) this session's user's vote on an existing annotation and returns it. */
  setVote(annotationId: string, vote: VoteValue): Vote {
    this.annotationMap(annotationId);
    const value = parseInput(VoteSchema, { annotationId, userId: this.userId, vote, at: this.now() }, 'vote');
    this.write(() => this.roots.votes.set(voteKey(value), value));
    return value;
  }

  /** Removes this session's user's vote on an annotation. Returns false if there was none. */
  clearVote(annotationId: string): boolean {
    const key = voteKey({ annotationId, userId: this.userId });
    if (!this.roots.votes.has(key)) return false;
    this.write(() => this.roots.votes.delete(key));
    return true;
  }

  /** Rejected reader annotations, sorted by key. */
  listRejections(): Rejection[] {
    return readStudyState(this.doc).rejections;
  }

  /** Votes, sorted by key; only those on `annotationId` when given. */
  listVotes(annotationId?: string): Vote[] {
    const votes = readStudyState(this.doc).votes;
    return annotationId === undefined ? votes : votes.filter((v) => v.annotationId === annotationId);
  }

  /** Soft-deletes a comment (it stays in the document, flagged). Returns false if already deleted. */
  deleteComment(id: string): boolean {
    const comment = readStudyState(this.doc).comments.find((c) => c.id === id);
    if (comment === undefined) throw new StudyDocumentError('not-found', `no comment ${id}`);
    if (comment.deleted === true) return false;
    const deleted: Comment = { ...comment, deleted: true, deletedBy: this.userId, deletedAt: this.now() };
    this.write(() => this.roots.comments.set(id, deleted));
    return true;
  }

  /** Valid annotations sorted by creation; soft-deleted ones only with `includeDeleted`. */
  listAnnotations(options: { includeDeleted?: boolean } = {}): Annotation[] {
    return readAnnotations(this.doc, options);
  }

  /** One annotation (deleted or not), or `undefined` if absent or invalid. */
  getAnnotation(id: string): Annotation | undefined {
    return readAnnotation(this.doc, id);
  }

  /** All image states, sorted by key. */
  listImageStates(): ImageState[] {
    return readStudyState(this.doc).imageStates;
  }

  /** Comments sorted by creation; soft-deleted ones only with `includeDeleted`. */
  listComments(options: { includeDeleted?: boolean } = {}): Comment[] {
    const comments = readStudyState(this.doc).comments;
    return options.includeDeleted === true ? comments : comments.filter((c) => c.deleted !== true);
  }

  /** Reverts this session's most recent change that is still undoable. Returns false if none. */
  undo(): boolean {
    return this.undoManager.undo() !== null;
  }

  /** Re-applies the most recently undone change. Returns false if none. */
  redo(): boolean {
    return this.undoManager.redo() !== null;
  }

  get canUndo(): boolean {
    return this.undoManager.canUndo();
  }

  get canRedo(): boolean {
    return this.undoManager.canRedo();
  }

  /** Calls `callback` after every transaction that changed the study; returns an unsubscribe. */
  observe(callback: (change: StudyChange) => void): () => void {
    const isLocal = (origin: unknown): boolean =>
      origin === this.origin || origin === this.untrackedOrigin || origin === this.undoManager;
    return observeStudy(this.doc, this.roots, isLocal, callback);
  }

  /** Detaches the undo manager. The `Y.Doc` is left alone. */
  destroy(): void {
    this.undoManager.destroy();
  }

  /**
   * A create is two transactions: an untracked one writing the whole box as withdrawn
   * (deleted by its creator), then a tracked one publishing it. Undoing the create therefore
   * soft-deletes the box instead of removing the Y.Map, so edits others made meanwhile survive
   * and a redo or restore brings them back.
   */
  private createAnnotation(fields: Record<string, unknown> & { attributes: Attributes }): Annotation {
    const now = this.now();
    const id = globalThis.crypto.randomUUID();
    const annotation = parseInput(
      AnnotationSchema,
      { ...fields, id, createdBy: this.userId, createdAt: now, updatedBy: this.userId, updatedAt: now, deleted: false },
      'annotation',
    );
    const map = buildAnnotationMap(annotation);
    markDeleted(map, this.userId, now);
    this.transact(this.untrackedOrigin, () => this.roots.annotations.set(id, map));
    this.write(() => markRestored(map));
    return annotation;
  }

  private touch(map: Y.Map<unknown>, now = this.now()): void {
    touch(map, this.userId, now);
  }

  private annotationMap(id: string): Y.Map<unknown> {
    const map = this.roots.annotations.get(id);
    if (!(map instanceof Y.Map)) throw new StudyDocumentError('not-found', `no annotation ${id}`);
    return map as Y.Map<unknown>;
  }

  private write(fn: () => void): void {
    this.transact(this.origin, fn);
  }

  private transact(origin: object, fn: () => void): void {
    const version = this.roots.meta.get('schemaVersion');
    if (version !== undefined && version !== SCHEMA_VERSION) {
      throw new StudyDocumentError('unsupported-schema-version', `document has schemaVersion ${JSON.stringify(version)}`);
    }
    this.doc.transact(() => {
      if (version === undefined) this.roots.meta.set('schemaVersion', SCHEMA_VERSION);
      fn();
    }, origin);
  }
}
