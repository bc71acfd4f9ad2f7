import { CloseCode } from '@readingroom/protocol';
import { RoomState, type Logger, type SyncConnection, type SyncHooks } from '@readingroom/sync-server';
import type { Catalog } from '../catalog/catalog';
import type { ProjectChanges } from '../projects/project-events';
import type { ProjectStore } from '../projects/project-store';
import type { ReadingSession } from '@readingroom/model';
import type { SessionChanges } from '../sessions/session-events';
import type { SessionStore } from '../sessions/session-store';
import type { UserStore } from '../users/user-store';
import { accessDataOf, isStudyRoom } from './access-data';
import { createAcceptAwareness } from './accept-awareness';
import { createAcceptUpdate, type Taxonomy } from './accept-update';
import type { ClientIdRegistry } from './client-id-registry';
import { StudyImageIndex } from './image-index';
import { KeyedCache } from './keyed-cache';
import { recheckConnections, type RecheckOutcome } from './recheck';
import { authorizeRoom, type RoomAccessDecision, type RoomPrincipal } from './room-access';

export interface SyncAccessDeps {
  readonly projects: ProjectStore;
  readonly users: Pick<UserStore, 'findById'>;
  readonly catalog: Pick<Catalog, 'searchInstances'>;
  readonly clientIds: ClientIdRegistry;
  /** In-process project changes (members, labels, studies): acted on at once. */
  readonly changes?: ProjectChanges;
  /** Reading sessions of studies (phase, readers, submitted reads, flags); absent: all default. */
  readonly sessions?: Pick<SessionStore, 'get'>;
  /** In-process session changes: acted on at once. */
  readonly sessionChanges?: SessionChanges;
  readonly logger: Logger;
  /** How often open connections are re-checked, for changes made by other processes (default 1000 ms). */
  readonly recheckIntervalMs?: number;
  /** Cached taxonomies and image indexes unused this long, with no connection left, are dropped (default 60 s). */
  readonly cacheIdleMs?: number;
}

/** What the sync side of the server needs to know about a connection source. */
export interface WatchedSync {
  listConnections(): SyncConnection[];
}

export interface SyncAccess {
  /** Decides an upgrade and loads what the accept step will need for the room. */
  authorize(user: RoomPrincipal, room: string): Promise<RoomAccessDecision>;
  /** acceptUpdate, acceptAwareness and onRoomState for the SyncServer. */
  readonly hooks: Required<Pick<SyncHooks, 'acceptUpdate' | 'acceptAwareness' | 'onRoomState'>>;
  /**
   * Starts re-checking open connections every interval and on every in-process project or
   * session change, closing them with 4403 and a reason from `CLOSE_REASONS`. Returns a function
   * that stops it.
   */
  watch(sync: WatchedSync): () => void;
  /** Runs one re-check pass now (coalesced with one already running). */
  recheckNow(): Promise<void>;
}

/** The reason of the 4403 close, by what the re-check found. */
export const CLOSE_REASONS: Readonly<Record<RecheckOutcome, string>> = {
  revoked: 'membership revoked',
  changed: 'role changed; reconnect',
  'session-revoked': 'reading session: room no longer open to you',
  'session-changed': 'reading session changed; reconnect',
};

/**
 * Access control for sync connections: who may open which study room and with what grant,
 * the accept steps, and revocation of open connections within the re-check interval.
 */
export function createSyncAccess(deps: SyncAccessDeps): SyncAccess {
  const idleMs = deps.cacheIdleMs ?? 60_000;
  const taxonomies = new KeyedCache<Taxonomy>(async (projectId) => {
    const names = (await deps.projects.listLabels(projectId)).map((l) => l.name);
    return names.length === 0 ? 'any' : new Set(names);
  });
  const images = new StudyImageIndex(deps.catalog);
  const taxonomy = (projectId: string) => {
    const t = taxonomies.peek(projectId);
    if (t === undefined && !taxonomies.isLoading(projectId)) taxonomies.ensure(projectId).catch(() => {});
    return t;
  };

  // Sessions written by this process, kept from the moment they are stored so the accept step
  // refuses a submitted read's next update before the re-check has closed its connection.
  const writtenSessions = new Map<string, ReadingSession>();
  deps.sessionChanges?.subscribe((c) => writtenSessions.set(`${c.projectId}\n${c.studyUid}`, c.session));

  const hooks: SyncAccess['hooks'] = {
    acceptUpdate: createAcceptUpdate({ clientIds: deps.clientIds, taxonomy, images, session: (projectId, studyUid) => writtenSessions.get(`${projectId}\n${studyUid}`) }),
    acceptAwareness: createAcceptAwareness({ clientIds: deps.clientIds }),
    onRoomState: (room, state) => {
      if (state === RoomState.Unloaded || state === RoomState.Failed) deps.clientIds.release(room);
    },
  };

  let watched: WatchedSync | null = null;
  let running: Promise<void> | null = null;
  let again = false;

  const pass = async () => {
    if (!watched) return;
    const connections = watched.listConnections();
    const outcomes = await recheckConnections(connections, deps);
    for (const [conn, outcome] of outcomes) {
      const access = accessDataOf(conn.identity);
      deps.logger.info({ userId: conn.identity.userId, projectId: access?.projectId ?? null, outcome }, 'sync access changed; closing connection');
      conn.close(CloseCode.Forbidden, CLOSE_REASONS[outcome]);
    }
    // Keep what open rooms need; refresh taxonomies (changed by another process, or missed).
    const projects = new Set<string>();
    const studies = new Set<string>();
    for (const conn of connections) {
      const access = accessDataOf(conn.identity);
      if (access && isStudyRoom(access) && !outcomes.has(conn)) {
        projects.add(access.projectId);
        studies.add(access.studyUid);
      }
    }
    await Promise.all([...projects].map((id) => taxonomies.reload(id).catch(() => {})));
    taxonomies.prune(projects, idleMs);
    images.prune(studies, idleMs);
  };

  const recheckNow = (): Promise<void> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await pass();
        } catch (err) {
          deps.logger.error({ err: { message: (err as Error).message } }, 'sync access re-check failed');
        }
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };

  return {
    async authorize(user, room) {
      const decision = await authorizeRoom(deps.projects, user, room, deps.sessions);
      if (decision.ok && isStudyRoom(decision.data)) {
        await Promise.all([taxonomies.ensure(decision.data.projectId), images.ensure(decision.data.studyUid)]);
      }
      return decision;
    },
    hooks,
    watch(sync) {
      watched = sync;
      const timer = setInterval(() => void recheckNow(), deps.recheckIntervalMs ?? 1000);
      timer.unref();
      const unsubscribe = deps.changes?.subscribe((change) => {
        if (change.type === 'labels') taxonomies.reload(change.projectId).catch(() => {});
        else void recheckNow();
      });
      // A session change concerns one study, but a pass is cheap (each fact is read once).
      const unsubscribeSessions = deps.sessionChanges?.subscribe(() => void recheckNow());
      return () => {
        clearInterval(timer);
        unsubscribe?.();
        unsubscribeSessions?.();
        watched = null;
      };
    },
    recheckNow,
  };
}
