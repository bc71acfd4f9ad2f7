import { can, roomName, StudyDocument, StudyDocumentError } from '@readingroom/model';
import { DocumentChangeError, type ConnectionIdentity, type SyncServer } from '@readingroom/sync-server';
import { ApiError } from '../http/api-error';
import type { SyncAccessData } from '../sync-access/access-data';
import type { RoomAccessDecision, RoomPrincipal } from '../sync-access/room-access';
import { scopeOf, type DiscussionRoom } from './discussion-schemas';

/** What the comment and vote routes need besides authentication. */
export interface DiscussionServices {
  /**
   * The sync door's decision for a user and a room (`SyncAccess.authorize`, built on
   * `authorizeRoom`): commenting in a document needs being allowed to open it.
   */
  readonly authorize: (user: RoomPrincipal, room: string) => Promise<RoomAccessDecision>;
  /** Writes study documents as a user, through the accept step, storage, broadcast and audit. */
  readonly documents: Pick<SyncServer, 'changeDocument'>;
}

/** A document the caller may comment and vote in, and the identity to write it as. */
export interface DiscussionTarget {
  readonly room: string;
  readonly identity: ConnectionIdentity;
}

/**
 * Checks that `user` may comment and vote in a study document: allowed to open it at the sync
 * door (membership, the study in the project, seeing others' work, reading-session rules) and a
 * role with `comment`. 404 for an unknown project or a study outside it, 403 otherwise.
 */
export async function openForDiscussion(
  services: DiscussionServices,
  user: RoomPrincipal,
  projectId: string,
  studyUid: string,
  room: DiscussionRoom,
): Promise<DiscussionTarget> {
  const name = roomName({ projectId, studyInstanceUid: studyUid, scope: scopeOf(room) });
  const decision = await services.authorize({ id: user.id, isAdmin: user.isAdmin }, name);
  if (!decision.ok) {
    if (decision.reason === 'project_not_found') throw new ApiError(404, 'project_not_found', 'no such project');
    if (decision.reason === 'study_not_in_project') throw new ApiError(404, 'study_not_found', 'the study is not in this project');
    throw new ApiError(403, decision.reason, 'you may not open this document');
  }
  const { role, projectId: grantedProject, studyUid: grantedStudy, scope } = decision.data;
  if (!can(role, 'comment')) throw new ApiError(403, 'forbidden', `your role (${role}) may not comment or vote`);
  // The sync socket may be read-only for this user (reviewers, a locked read); this write is not
  // a socket edit but one comment or vote, which the accept step still validates for the role.
  const data: SyncAccessData = { role, projectId: grantedProject, studyUid: grantedStudy, scope, readOnly: false };
  return { room: name, identity: { userId: user.id, data } };
}

/**
 * Makes `edit` with a `StudyDocument` session of the caller on the room's current state and
 * writes the result through `changeDocument` (validated, stored, broadcast, audited), resolving
 * once it is durable. Returns what `edit` returned. Errors become HTTP errors.
 */
export async function writeAs<T>(services: DiscussionServices, target: DiscussionTarget, edit: (session: StudyDocument) => T): Promise<T> {
  let made: { value: T } | undefined;
  try {
    await services.documents.changeDocument(target.room, target.identity, (doc) => {
      const session = new StudyDocument(doc, { userId: target.identity.userId });
      try {
        made = { value: edit(session) };
      } finally {
        session.destroy();
      }
    });
  } catch (error) {
    throw asApiError(error);
  }
  if (!made) throw new Error('the document change did not run');
  return made.value;
}

function asApiError(error: unknown): unknown {
  if (error instanceof StudyDocumentError) {
    switch (error.code) {
      case 'not-found':
        return new ApiError(404, 'annotation_not_found', 'no such annotation in this document');
      case 'invalid-input':
        return new ApiError(400, 'invalid_request', error.message);
      case 'unsupported-schema-version':
        return new ApiError(409, 'unsupported_schema_version', error.message);
    }
  }
  if (error instanceof DocumentChangeError) {
    switch (error.code) {
      case 'unavailable':
      case 'apply_failed':
        return new ApiError(503, 'unavailable', 'the document is not available; try again');
      case 'document_too_large':
        return new ApiError(409, 'document_too_large', error.message);
      case 'read_only':
      case 'forbidden':
        return new ApiError(403, error.code, error.message);
      default:
        return new ApiError(400, error.code, error.message);
    }
  }
  return error;
}
