import {
  decideReadingRoom,
  defaultReadingSession,
  parseRoomName,
  type ReadingRoomSession,
  type Role,
  type StudyRoom,
} from '@readingroom/model';
import type { ProjectStore } from '../projects/project-store';
import type { SessionStore } from '../sessions/session-store';
import type { SyncAccessData } from './access-data';

/** Who is asking: enough of a user to decide. */
export interface RoomPrincipal {
  readonly id: string;
  readonly isAdmin: boolean;
}

/** What the stores say about a study room and a user. */
export interface RoomFacts {
  readonly projectExists: boolean;
  /** The project lists the study. */
  readonly studyInProject: boolean;
  /** The user's role in the project, null when not a member. */
  readonly memberRole: Role | null;
  /** The study's reading session in the project (phase, readers, submitted reads, flags). */
  readonly session: ReadingRoomSession;
}

export const REFUSAL_REASONS = [
  'not_a_study_room',
  'project_not_found',
  'study_not_in_project',
  'not_a_member',
  'cannot_see_others',
  'not_your_document',
  /** The reading session's phase hides this document from the user (e.g. the shared room of a blinded read). */
  'blinded_read',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type RoomAccessDecision = { readonly ok: true; readonly data: SyncAccessData } | { readonly ok: false; readonly reason: RefusalReason };

/**
 * Decides whether a user may open a sync room, and how. Pure: the facts are looked up first.
 *
 * - A room name outside the study grammar (`p/<project>/s/<study>[/r/<user>|/consensus]`) is a
 *   free-form room: global administrators only.
 * - A global administrator opens any study room as `admin`.
 * - Anyone else needs an existing project that lists the study, and a membership.
 * - Then the reading session of the study decides, by phase (`decideReadingRoom` in
 *   `@readingroom/model`, docs/reading-sessions.md): the shared room of a blinded read is refused
 *   to readers and trainees (`blinded_read`), another user's read is refused unless the phase and
 *   flags show it (`not_your_document`), a submitted read is read-only for its owner, the
 *   consensus is written only by adjudicators and admins during adjudication; roles that may not
 *   write documents (observers, reviewers) are read-only.
 *
 * `facts` may be null only for a global administrator; the session is then the default one
 * (open, nothing submitted), so callers that know the session pass it.
 */
export function decideRoomAccess(user: RoomPrincipal, room: StudyRoom | null, facts: RoomFacts | null): RoomAccessDecision {
  if (room === null) {
    if (!user.isAdmin) return { ok: false, reason: 'not_a_study_room' };
    return { ok: true, data: { role: 'admin', projectId: null, studyUid: null, scope: null, readOnly: false } };
  }
  let role: Role;
  if (user.isAdmin) role = 'admin';
  else {
    if (!facts?.projectExists) return { ok: false, reason: 'project_not_found' };
    if (!facts.studyInProject) return { ok: false, reason: 'study_not_in_project' };
    if (facts.memberRole === null) return { ok: false, reason: 'not_a_member' };
    role = facts.memberRole;
  }
  const decision = decideReadingRoom({ userId: user.id, role, scope: room.scope, session: facts?.session ?? defaultReadingSession() });
  if (!decision.ok) return { ok: false, reason: decision.reason };
  const base = { role, projectId: room.projectId, studyUid: room.studyInstanceUid, scope: room.scope };
  if (!decision.readOnly) return { ok: true, data: { ...base, readOnly: false } };
  const lock = decision.because === 'submitted' || decision.because === 'phase' ? { lock: decision.because } : {};
  return { ok: true, data: { ...base, readOnly: true, ...lock } };
}

/** The reads `loadRoomFacts` makes. */
export type RoomFactsStore = Pick<ProjectStore, 'getProject' | 'projectsWithStudy' | 'listMembers'>;
/** The session read `loadRoomFacts` makes; without it every study has the default session. */
export type RoomSessionStore = Pick<SessionStore, 'get'>;

/** Looks up the facts `decideRoomAccess` needs; null for a free-form room. */
export async function loadRoomFacts(
  projects: RoomFactsStore,
  room: StudyRoom | null,
  userId: string,
  sessions?: RoomSessionStore,
): Promise<RoomFacts | null> {
  if (room === null) return null;
  const project = await projects.getProject(room.projectId);
  if (!project) return { projectExists: false, studyInProject: false, memberRole: null, session: defaultReadingSession() };
  const [withStudy, members, session] = await Promise.all([
    projects.projectsWithStudy(room.studyInstanceUid),
    projects.listMembers(room.projectId),
    sessions ? sessions.get(room.projectId, room.studyInstanceUid) : defaultReadingSession(),
  ]);
  return {
    projectExists: true,
    studyInProject: withStudy.includes(room.projectId),
    memberRole: members.find((m) => m.userId === userId)?.role ?? null,
    session,
  };
}

/** Parses the room and decides, looking facts up in the project and session stores (for administrators too: the session binds them). */
export async function authorizeRoom(projects: RoomFactsStore, user: RoomPrincipal, roomName: string, sessions?: RoomSessionStore): Promise<RoomAccessDecision> {
  const room = parseRoomName(roomName);
  return decideRoomAccess(user, room, await loadRoomFacts(projects, room, user.id, sessions));
}

/** Whether two grants are the same (a connection whose grant changed must reconnect). */
export function sameGrant(a: SyncAccessData, b: SyncAccessData): boolean {
  return a.role === b.role && a.readOnly === b.readOnly && a.projectId === b.projectId && a.studyUid === b.studyUid;
}
