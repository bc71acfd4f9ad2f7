import { afterEach, describe, expect, it } from 'vitest';
import { roomName, StudyDocument, submitRead, type RoomScope } from '@readingroom/model';
import { MemoryStorage, SyncServer } from '@readingroom/sync-server';
import { FakeClient, until } from '@readingroom/testing';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { MemorySessionStore } from '../sessions/memory-session-store';
import { withSessionEvents } from '../sessions/session-events';
import { MemoryUserStore } from '../users/memory-user-store';
import { MemoryClientIdRegistry } from './client-id-registry';
import { createSyncAccess } from './sync-access';

const STUDY = '1.2.3';
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** Sync access on memory stores with announced session changes; the periodic re-check is off (1 min). */
async function setup() {
  const projects = new MemoryProjectStore();
  const { store: sessions, changes: sessionChanges } = withSessionEvents(new MemorySessionStore());
  const users = new MemoryUserStore();
  const alice = await users.create({ username: 'alice', passwordHash: 'x', isAdmin: false });
  const project = await projects.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'root' });
  await projects.addStudies(project.id, [STUDY], 'root');
  await projects.setMember(project.id, alice.id, 'reader');
  const access = createSyncAccess({
    projects,
    users,
    sessions,
    sessionChanges,
    catalog: SqliteCatalog.open({ filename: ':memory:' }),
    clientIds: new MemoryClientIdRegistry(),
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    recheckIntervalMs: 60_000,
  });
  const sync = new SyncServer({ storage: new MemoryStorage(), hooks: access.hooks, unloadDelayMs: 0, flushDelayMs: 1 });
  stops.push(access.watch(sync));
  const room = (scope: RoomScope) => roomName({ projectId: project.id, studyInstanceUid: STUDY, scope });
  const connect = async (scope: RoomScope) => {
    const decision = await access.authorize({ id: alice.id, isAdmin: false }, room(scope));
    if (!decision.ok) throw new Error(decision.reason);
    const client = new FakeClient(sync, room(scope), { userId: alice.id, data: decision.data });
    await until(() => client.synced);
    return client;
  };
  return { sessions, project, alice, access, connect };
}

describe('sync access and reading sessions', () => {
  it("closes a reader's writable connection to their own read as soon as the read is submitted, and the reconnect is locked", async () => {
    const { sessions, project, alice, connect, access } = await setup();
    const own: RoomScope = { type: 'reader', userId: alice.id };
    await sessions.modify(project.id, (d) => d.set(STUDY, { ...d.get(STUDY), phase: 'blinded', readers: [alice.id] }));
    const client = await connect(own);
    const start = Date.now();
    await sessions.modify(project.id, (d) => {
      const submitted = submitRead(d.get(STUDY), { userId: alice.id, role: 'reader' }, Date.now());
      if (submitted.ok) d.set(STUDY, submitted.session);
    });
    await until(() => client.socket.isClosed);
    expect(Date.now() - start).toBeLessThan(500);
    expect([client.socket.closeCode, client.socket.closeReason]).toEqual([4403, 'reading session changed; reconnect']);

    expect(await access.authorize({ id: alice.id, isAdmin: false }, client.connection.roomName)).toMatchObject({ ok: true, data: { readOnly: true, lock: 'submitted' } });
    const again = await connect(own);
    new StudyDocument(again.doc, { userId: alice.id }).addComment({ text: 'one more thing', target: { type: 'study' } });
    await until(() => again.permissionDenied.length > 0);
    expect(again.permissionDenied[0]).toMatch(/^read_only: your read is submitted and locked/);
  });

  it('closes a reader in the shared room when the study becomes a blinded read, and refuses the reconnect', async () => {
    const { sessions, project, alice, connect, access } = await setup();
    const client = await connect({ type: 'shared' });
    await sessions.modify(project.id, (d) => d.set(STUDY, { ...d.get(STUDY), phase: 'blinded' }));
    await until(() => client.socket.isClosed);
    expect([client.socket.closeCode, client.socket.closeReason]).toEqual([4403, 'reading session: room no longer open to you']);
    expect(await access.authorize({ id: alice.id, isAdmin: false }, client.connection.roomName)).toEqual({ ok: false, reason: 'blinded_read' });
  });

  it('leaves connections alone when a session change does not change their grant', async () => {
    const { sessions, project, connect } = await setup();
    const client = await connect({ type: 'shared' });
    await sessions.modify(project.id, (d) => d.set(STUDY, { ...d.get(STUDY), revealed: true }));
    await new Promise((r) => setTimeout(r, 100));
    expect(client.socket.isClosed).toBe(false);
  });
});
