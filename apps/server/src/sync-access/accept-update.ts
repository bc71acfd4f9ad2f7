import { can, validateUpdate, type UpdateActor } from '@readingroom/model';
import { ACCEPT, type AcceptDecision, type UpdateProposal } from '@readingroom/sync-server';
import { accessDataOf, isStudyRoom } from './access-data';
import type { ClientIdRegistry } from './client-id-registry';
import type { StudyImageIndex } from './image-index';
import { checkReferences, summarizeViolations } from './reference-check';
import { advancedClients, newStructClients } from './update-writers';

/** A project's label names, `any` when the project defines no taxonomy, undefined when not loaded. */
export type Taxonomy = ReadonlySet<string> | 'any';

export interface AcceptUpdateDeps {
  readonly clientIds: ClientIdRegistry;
  readonly taxonomy: (projectId: string) => Taxonomy | undefined;
  readonly images: Pick<StudyImageIndex, 'images' | 'sizeOf' | 'noteMiss'>;
}

const refuse = (code: string, message: string): AcceptDecision => ({ accept: false, code, message });

/**
 * The accept step of every incoming update, in order: the connection's grant (read-only roles
 * are refused outright), ownership of the Yjs client ids it writes under, then, for study
 * documents, `validateUpdate` on the staged result (role permissions, taxonomy, bounds from the
 * catalog, authorship) plus the study and image references. Free-form rooms (global
 * administrators only) are not study documents and skip the document validation. Client ids
 * are bound only once the update is accepted.
 */
export function createAcceptUpdate(deps: AcceptUpdateDeps): (proposal: UpdateProposal) => AcceptDecision {
  return (p) => {
    const access = accessDataOf(p.identity);
    if (!access) return refuse('forbidden', 'this connection has no access grant');
    if (access.readOnly) return refuse('read_only', `your role (${access.role}) may only read this document`);
    const userId = p.identity.userId;
    const taken = (writers: Iterable<number>) => {
      for (const client of writers) {
        const owner = deps.clientIds.ownerOf(p.room, client);
        if (owner !== null && owner !== userId) return refuse('clientid_taken', `client id ${client} belongs to another user; start from a new document`);
      }
      return null;
    };
    if (!isStudyRoom(access)) {
      const writers = newStructClients(p.update, p.doc);
      const refusal = taken(writers);
      if (refusal) return refusal;
      for (const client of writers) deps.clientIds.bind(p.room, client, userId);
      return ACCEPT;
    }
    const labels = deps.taxonomy(access.projectId);
    const images = deps.images.images(access.studyUid);
    if (labels === undefined || images === undefined) return refuse('unavailable', 'the project settings are loading; try again');
    const staged = p.stage();
    // The clocks the staged apply advanced are exactly the client ids this update writes under.
    const writers = advancedClients(staged.transaction);
    const refusal = taken(writers);
    if (refusal) return refusal;
    const actor: UpdateActor = {
      userId,
      can: (action) => can(access.role, action),
      imageSize: (ref) => deps.images.sizeOf(ref),
      ...(labels === 'any' ? {} : { labels }),
    };
    const review = validateUpdate(p.doc, staged.doc, staged.transaction, actor);
    const violations = [
      ...review.violations,
      ...checkReferences(staged.doc, review.touched, access.studyUid, images, () => deps.images.noteMiss(access.studyUid)),
    ];
    if (violations.length > 0) return refuse('invalid_update', summarizeViolations(violations));
    for (const client of writers) deps.clientIds.bind(p.room, client, userId);
    return ACCEPT;
  };
}
