import { parseRoomName } from '@readingroom/model';
import type { SyncConnection } from '@readingroom/sync-server';
import type { ProjectStore } from '../projects/project-store';
import type { UserStore } from '../users/user-store';
import { accessDataOf } from './access-data';
import { decideRoomAccess, loadRoomFacts, sameGrant, type RoomFacts, type RoomFactsStore, type RoomPrincipal } from './room-access';

/** What became of an open connection's grant. */
export type RecheckOutcome = 'revoked' | 'changed';

export interface RecheckDeps {
  readonly projects: ProjectStore;
  readonly users: Pick<UserStore, 'findById'>;
}

/** The project reads `loadRoomFacts` makes, each done once per pass. */
function memoized(projects: ProjectStore): RoomFactsStore {
  const memo = <A extends string, R>(f: (a: A) => Promise<R>) => {
    const cache = new Map<A, Promise<R>>();
    return (a: A) => {
      let r = cache.get(a);
      if (!r) cache.set(a, (r = f(a)));
      return r;
    };
  };
  return {
    getProject: memo((id) => projects.getProject(id)),
    listMembers: memo((id) => projects.listMembers(id)),
    projectsWithStudy: memo((uid) => projects.projectsWithStudy(uid)),
  };
}

/**
 * Decides every open connection again against the stores as they are now: `revoked` when the
 * user may no longer open the room (membership removed, study or project gone, account gone),
 * `changed` when they may but with another grant (role raised or lowered). Each user, project,
 * member list and study is looked up once per pass.
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
      if (!f) facts.set(key, (f = user.isAdmin ? Promise.resolve(null) : loadRoomFacts(projects, room, user.id)));
      const decision = decideRoomAccess(user, room, await f);
      if (!decision.ok) out.set(conn, 'revoked');
      else if (!sameGrant(decision.data, granted)) out.set(conn, 'changed');
    }),
  );
  return out;
}
