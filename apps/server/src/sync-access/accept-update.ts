import {
  AnnotationCheckMemo,
  can,
  decideReadingRoom,
  validateUpdate,
  type Action,
  type ImageRef,
  type ImageSize,
  type ReadingRoomSession,
  type Role,
  type UpdateActor,
} from '@readingroom/model';
import { ACCEPT, type AcceptDecision, type UpdateProposal } from '@readingroom/sync-server';
import { accessDataOf, isStudyRoom, type SyncAccessData } from './access-data';
import type { ClientIdRegistry } from './client-id-registry';
import type { StudyImageIndex } from './image-index';
import { checkReferences, summarizeViolations } from './reference-check';
import { isRedundantUpdate } from './redundant-update';
import { advancedClients, newStructClients } from './update-writers';

/** A project's label names, `any` when the project defines no taxonomy, undefined when not loaded. */
export type Taxonomy = ReadonlySet<string> | 'any';

export interface AcceptUpdateDeps {
  readonly clientIds: ClientIdRegistry;
  readonly taxonomy: (projectId: string) => Taxonomy | undefined;
  readonly images: Pick<StudyImageIndex, 'images' | 'sizeOf' | 'noteMiss'>;
  /**
   * The study's reading session as last written by this process, or undefined when unknown.
   * Checked on every update so that a submission or phase change takes effect for the very next
   * update, not only once the re-check closed the connection.
   */
  readonly session?: (projectId: string, studyUid: string) => ReadingRoomSession | undefined;
}

const refuse = (code: string, message: string): AcceptDecision => ({ accept: false, code, message });

const readOnlyMessage = (access: SyncAccessData): string => {
  switch (access.lock) {
    case 'submitted':
      return 'your read is submitted and locked; this document is read-only for you';
    case 'phase':
      return "the reading session's current phase does not allow writing this document";
    case undefined:
      return `your role (${access.role}) may only read this document`;
  }
};

/**
 * The accept step of every incoming update, in order: the connection's grant (read-only roles
 * are refused outright), ownership of the Yjs client ids it writes under, then, for study
 * documents, `validateUpdate` on the update's result (role permissions, taxonomy, bounds from the
 * catalog, authorship) plus the study and image references. The result is read off the decoded
 * update when it only sets existing entries (`proposal.preview()`), else from the staging copy. Free-form rooms (global
 * administrators only) are not study documents and skip the document validation. Client ids
 * are bound only once the update is accepted.
 */
export function createAcceptUpdate(deps: AcceptUpdateDeps): (proposal: UpdateProposal) => AcceptDecision {
  // Annotations seen valid, per room document (weakly held): an edit re-parses only what it changed.
  const memo = new AnnotationCheckMemo();
  return (p) => {
    const access = accessDataOf(p.identity);
    if (!access) return refuse('forbidden', 'this connection has no access grant');
    // A reconnecting read-only client re-sends what the room already has; that changes nothing.
    if (access.readOnly) return isRedundantUpdate(p.update, p.doc) ? ACCEPT : refuse('read_only', readOnlyMessage(access));
    const userId = p.identity.userId;
    if (!isStudyRoom(access)) {
      const writers = newStructClients(p.update, p.doc);
      const refusal = takenClientIds(deps.clientIds, p.room, userId, writers);
      if (refusal) return refusal;
      for (const client of writers) deps.clientIds.bind(p.room, client, userId);
      return ACCEPT;
    }
    const session = deps.session?.(access.projectId, access.studyUid);
    if (session) {
      const now = decideReadingRoom({ userId, role: access.role, scope: access.scope, session });
      if (!now.ok) return refuse('forbidden', 'the reading session no longer opens this document to you');
      if (now.readOnly && !isRedundantUpdate(p.update, p.doc)) return refuse('read_only', readOnlyMessage(now.because === 'submitted' || now.because === 'phase' ? { ...access, lock: now.because } : access));
    }
    const labels = deps.taxonomy(access.projectId);
    const images = deps.images.images(access.studyUid);
    if (labels === undefined || images === undefined) return refuse('unavailable', 'the project settings are loading; try again');
    // An edit that only sets entries the room already has (moving a box, relabelling, deleting)
    // is reviewed from the decoded update against the room's document: no copy to apply it to.
    // Anything else is applied to the staging copy first.
    const preview = p.preview?.() ?? null;
    let staged = preview === null ? p.stage() : null;
    // The clocks the apply advances (or would) are exactly the client ids this update writes under.
    const writers = preview !== null ? preview.writers : advancedClients(staged!.transaction);
    const refusal = takenClientIds(deps.clientIds, p.room, userId, writers);
    if (refusal) return refusal;
    const actor = new RoleActor(userId, access.role, deps.images, labels);
    let review = staged ? validateUpdate(p.doc, staged.doc, staged.transaction, actor) : validateUpdate(p.doc, preview!.after, preview!, actor, { memo });
    if (!staged && createsAnnotation(review.touched)) {
      // Only a plain value written over an annotation's key gets here (refused either way); a
      // creation is reviewed on the staging copy, as it always was, so stage it after all.
      staged = p.stage();
      review = validateUpdate(p.doc, staged.doc, staged.transaction, actor);
    }
    // The reference check looks at the created annotations validateUpdate parsed (a previewed update creates none).
    let violations = review.violations;
    if (review.created.size > 0) {
      const references = checkReferences(review.created, access.studyUid, images, () => deps.images.noteMiss(access.studyUid));
      if (references.length > 0) violations = [...violations, ...references];
    }
    if (violations.length > 0) return refuse('invalid_update', summarizeViolations(violations));
    for (const client of writers) deps.clientIds.bind(p.room, client, userId);
    return ACCEPT;
  };
}

/** Whether `touched` (`UpdateReview.touched`) holds an annotation entry the update sets. */
function createsAnnotation(touched: ReadonlyMap<string, ReadonlySet<string>>): boolean {
  for (const keys of touched.values()) if (keys.has('*created')) return true;
  return false;
}

/** A refusal when another user owns one of the client ids `writers`, else null. */
function takenClientIds(clientIds: ClientIdRegistry, room: string, userId: string, writers: Iterable<number>): AcceptDecision | null {
  for (const client of writers) {
    const owner = clientIds.ownerOf(room, client);
    if (owner !== null && owner !== userId) return refuse('clientid_taken', `client id ${client} belongs to another user; start from a new document`);
  }
  return null;
}

/**
 * The writer of an update as `validateUpdate` sees it: its role's permissions, the project's
 * taxonomy and the catalog's image sizes. A class, as one is made per update: under tsx every
 * named closure costs a `name` definition each time it is made.
 */
class RoleActor implements UpdateActor {
  readonly labels?: ReadonlySet<string>;
  constructor(
    readonly userId: string,
    private readonly role: Role,
    private readonly images: Pick<StudyImageIndex, 'sizeOf'>,
    labels: Taxonomy,
  ) {
    if (labels !== 'any') this.labels = labels;
  }
  can(action: Action): boolean {
    return can(this.role, action);
  }
  imageSize(ref: ImageRef): ImageSize | null {
    return this.images.sizeOf(ref);
  }
}
