import type { ReadingSession } from '@readingroom/model';
import type { ProjectStore } from '../projects/project-store';
import type { UserStore } from '../users/user-store';
import type { CandidateView, SessionPeople } from './session-api-schemas';

export interface SessionPeopleDeps {
  readonly projects: Pick<ProjectStore, 'listMembers'>;
  readonly users: Pick<UserStore, 'findById' | 'list'>;
}

/**
 * The names a session view carries, so clients need not list members (admin only): the
 * assigned readers and adjudicators, and for those who manage the session every member who may
 * be assigned as a reader. A blinded reader learns who else is assigned (never their boxes).
 * A user id the user store no longer knows is left out.
 */
export async function sessionPeople(deps: SessionPeopleDeps, projectId: string, session: ReadingSession, canManage: boolean): Promise<SessionPeople> {
  const members = await deps.projects.listMembers(projectId);
  const roleOf = new Map(members.map((m) => [m.userId, m.role]));
  const assigned = [...new Set([...session.readers, ...session.adjudicators])];
  const people: SessionPeople['people'] = {};
  if (!canManage) {
    const found = await Promise.all(assigned.map((id) => deps.users.findById(id)));
    for (const user of found) if (user) people[user.id] = { username: user.username, role: roleOf.get(user.id) ?? null };
    return { people };
  }
  // A manager also gets every candidate: one listing of the users instead of one look-up each.
  const nameOf = new Map((await deps.users.list()).map((u) => [u.id, u.username]));
  const candidates: CandidateView[] = [];
  for (const m of members) {
    const username = nameOf.get(m.userId);
    if (username !== undefined && (m.role === 'reader' || m.role === 'trainee')) candidates.push({ id: m.userId, username, role: m.role });
  }
  candidates.sort((a, b) => a.username.localeCompare(b.username));
  for (const id of [...assigned, ...candidates.map((c) => c.id)]) {
    const username = nameOf.get(id);
    if (username !== undefined) people[id] = { username, role: roleOf.get(id) ?? null };
  }
  return { people, candidates };
}
