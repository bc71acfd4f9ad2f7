import { can, canWriteDocument, parseRoomName, type Role, type StudyRoom } from '@readingroom/model';
import type { ProjectStore } from '../projects/project-store';
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
}

export const REFUSAL_REASONS = [
  'not_a_study_room',
  'project_not_found',
  'study_not_in_project',
  'not_a_member',
  'cannot_see_others',
  'not_your_document',
] as const;
export type RefusalReason = (typeof REFUSAL_REASONS)[number];

export type RoomAccessDecision = { readonly ok: true; readonly data: SyncAccessData } | { readonly ok: false; readonly reason: RefusalReason };

const ADJUDICATING: ReadonlySet<Role> = new Set<Role>(['admin', 'adjudicator']);

/**
 * Decides whether a user may open a sync room, and how. Pure: the facts are looked up first.
 *
 * - A room name outside the study grammar (`p/<project>/s/<study>[/r/<user>|/consensus]`) is a
 *   free-form room: global administrators only.
 * - A global administrator opens any study room as `admin`.
 * - Anyone else needs an existing project that lists the study, and a membership.
 * - Shared and consensus documents show everyone's work: they need `see-others-annotations`
 *   (trainees are refused). In consensus only adjudicators and admins write.
 * - A reader's own document `r/<userId>`: that user, writing as their role allows; adjudicators
 *   and admins may look (read-only for now); nobody else.
 * - Roles that may not write documents (`canWriteDocument`: observers, reviewers) are read-only.
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
  let readOnly = !canWriteDocument(role);
  switch (room.scope.type) {
    case 'shared':
      if (!can(role, 'see-others-annotations')) return { ok: false, reason: 'cannot_see_others' };
      break;
    case 'consensus':
      if (!can(role, 'see-others-annotations')) return { ok: false, reason: 'cannot_see_others' };
      if (!ADJUDICATING.has(role)) readOnly = true;
      break;
    case 'reader':
      if (room.scope.userId !== user.id) {
        if (!ADJUDICATING.has(role)) return { ok: false, reason: 'not_your_document' };
        readOnly = true;
      }
      break;
  }
  return { ok: true, data: { role, projectId: room.projectId, studyUid: room.studyInstanceUid, scope: room.scope, readOnly } };
}

/** The reads `loadRoomFacts` makes. */
export type RoomFactsStore = Pick<ProjectStore, 'getProject' | 'projectsWithStudy' | 'listMembers'>;

/** Looks up the facts `decideRoomAccess` needs; null for a free-form room. */
export async function loadRoomFacts(projects: RoomFactsStore, room: StudyRoom | null, userId: string): Promise<RoomFacts | null> {
  if (room === null) return null;
  const project = await projects.getProject(room.projectId);
  if (!project) return { projectExists: false, studyInProject: false, memberRole: null };
  const [withStudy, members] = await Promise.all([projects.projectsWithStudy(room.studyInstanceUid), projects.listMembers(room.projectId)]);
  return {
    projectExists: true,
    studyInProject: withStudy.includes(room.projectId),
    memberRole: members.find((m) => m.userId === userId)?.role ?? null,
  };
}

/** Parses the room and decides, looking facts up in the project store. */
export async function authorizeRoom(projects: RoomFactsStore, user: RoomPrincipal, roomName: string): Promise<RoomAccessDecision> {
  const room = parseRoomName(roomName);
  return decideRoomAccess(user, room, user.isAdmin ? null : await loadRoomFacts(projects, room, user.id));
}

/** Whether two grants are the same (a connection whose grant changed must reconnect). */
export function sameGrant(a: SyncAccessData, b: SyncAccessData): boolean {
  return a.role === b.role && a.readOnly === b.readOnly && a.projectId === b.projectId && a.studyUid === b.studyUid;
}
