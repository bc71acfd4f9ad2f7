import { parseRoomName, type ReadingSession } from '@readingroom/model';
import type { SyncConnection } from '@readingroom/sync-server';
import type { ProjectStore } from '../projects/project-store';
import type { SessionStore } from '../sessions/session-store';
import type { UserStore } from '../users/user-store';
import { accessDataOf } from './access-data';
import {
  decideRoomAccess,
  loadRoomFacts,
  sameGrant,
  type RoomFacts,
  type RoomFactsStore,
  type RoomPrincipal,
  type RoomSessionStore,
} from './room-access';

/**
 * What became of an open connection's grant: `revoked` / `changed` by membership, role, project
 * or study; `session-revoked` / `session-changed` when the role is the same and the study's
 * reading session made the difference (a phase change, a submitted read, a flag).
 */
export type RecheckOutcome = 'revoked' | 'changed' | 'session-revoked' | 'session-changed';

export interface RecheckDeps {
  readonly projects: ProjectStore;
  readonly users: Pick<UserStore, 'findById'>;
  /** Reading sessions; absent: every study has the default session. */
  readonly sessions?: Pick<SessionStore, 'get'>;
}

const memo = <A extends string, R>(f: (a: A) => Promise<R>) => {
  const cache = new Map<A, Promise<R>>();
  return (a: A) => {
    let r = cache.get(a);
    if (!r) cache.set(a, (r = f(a)));
    return r;
  };
};

/** The project reads `loadRoomFacts` makes, each done once per pass. */
function memoized(projects: ProjectStore): RoomFactsStore {
  return {
    getProject: memo((id) => projects.getProject(id)),
    listMembers: memo((id) => projects.listMembers(id)),
    projectsWithStudy: memo((uid) => projects.projectsWithStudy(uid)),
  };
}

/** The session reads, each study once per pass. */
function memoizedSessions(sessions: Pick<SessionStore, 'get'>): RoomSessionStore {
  const get = memo<string, ReadingSession>((key) => {
    const [projectId, studyUid] = JSON.parse(key) as [string, string];
    return sessions.get(projectId, studyUid);
  });
  return { get: (projectId, studyUid) => get(JSON.stringify([projectId, studyUid])) };
}

/**
 * Decides every open connection again against the stores as they are now: `revoked` when the
 * user may no longer open the room (membership removed, study or project gone, account gone, or
 * the reading session now hides it), `changed` when they may but with another grant (role raised
 * or lowered, read submitted, phase changed). Each user, project, member list, study and session
 * is looked up once per pass.
 */
export async function recheckConnections(connections: readonly SyncConnection[], deps: RecheckDeps): Promise<Map<SyncConnection, RecheckOutcome>> {
  const users = new Map<string, Promise<RoomPrincipal | null>>();
  const facts = new Map<string, Promise<RoomFacts | null>>();
  const userOf = (id: string) => {
    let p = users.get(id);
    if (!p) users.set(id, (p = deps.users.findById(id).then((u) => (u ? { id: u.id, isAdmin: u.isAdmin } : null))));
    return p;
  };
  const projects = memoized(deps.projects);
  const sessions = deps.sessions ? memoizedSessions(deps.sessions) : undefined;
  const out = new Map<SyncConnection, RecheckOutcome>();
  await Promise.all(
    connections.map(async (conn) => {
      const granted = accessDataOf(conn.identity);
      const user = await userOf(conn.identity.userId);
      if (!granted || !user) {
        out.set(conn, 'revoked');
        return;
      }
      const room = parseRoomName(conn.roomName);
      const key = `${conn.identity.userId}\n${conn.roomName}`;
      let f = facts.get(key);
      if (!f) facts.set(key, (f = loadRoomFacts(projects, room, user.id, sessions)));
      const roomFacts = await f;
      const decision = decideRoomAccess(user, room, roomFacts);
      // Same role as granted (and still a member of a project listing the study): the session decided.
      const sameRole = user.isAdmin ? granted.role === 'admin' : roomFacts?.studyInProject === true && roomFacts.memberRole === granted.role;
      if (!decision.ok) out.set(conn, sameRole ? 'session-revoked' : 'revoked');
      else if (!sameGrant(decision.data, granted)) out.set(conn, sameRole ? 'session-changed' : 'changed');
    }),
  );
  return out;
}
