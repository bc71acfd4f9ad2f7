import { afterEach, describe, expect, it } from 'vitest';
import { roomName } from '@readingroom/model';
import { MemoryStorage, SyncServer } from '@readingroom/sync-server';
import { FakeClient, until } from '@readingroom/testing';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { withProjectEvents } from '../projects/project-events';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { MemoryUserStore } from '../users/memory-user-store';
import { MemoryClientIdRegistry } from './client-id-registry';
import { createSyncAccess } from './sync-access';

const STUDY = '1.2.3';
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

async function setup(recheckIntervalMs: number) {
  const raw = new MemoryProjectStore();
  const { store, changes } = withProjectEvents(raw);
  const users = new MemoryUserStore();
  const alice = await users.create({ username: 'alice', passwordHash: 'x', isAdmin: false });
  const project = await store.createProject({ name: 'p', description: '', settings: DEFAULT_SETTINGS, createdBy: 'root' });
  await store.addStudies(project.id, [STUDY], 'root');
  await store.setMember(project.id, alice.id, 'reader');
  const access = createSyncAccess({
    projects: store,
    users,
    catalog: SqliteCatalog.open({ filename: ':memory:' }),
    clientIds: new MemoryClientIdRegistry(),
    changes,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
    recheckIntervalMs,
  });
  const sync = new SyncServer({ storage: new MemoryStorage(), hooks: access.hooks, unloadDelayMs: 0, flushDelayMs: 1 });
  stops.push(access.watch(sync));
  const room = roomName({ projectId: project.id, studyInstanceUid: STUDY, scope: { type: 'shared' } });
  const connect = async () => {
    const decision = await access.authorize({ id: alice.id, isAdmin: false }, room);
    if (!decision.ok) throw new Error(decision.reason);
    const client = new FakeClient(sync, room, { userId: alice.id, data: decision.data });
    await until(() => client.synced);
    return client;
  };
  return { raw, store, project, alice, connect, access };
}

describe('createSyncAccess revocation', () => {
  it('closes a connection at once when its membership is removed through the observed store', async () => {
    const { store, project, alice, connect } = await setup(60_000);
    const client = await connect();
    const start = Date.now();
    await store.removeMember(project.id, alice.id);
    await until(() => client.socket.isClosed);
    expect(Date.now() - start).toBeLessThan(500);
    expect([client.socket.closeCode, client.socket.closeReason]).toEqual([4403, 'membership revoked']);
  });

  it('finds a role change made behind its back (another process) on the periodic re-check', async () => {
    const { raw, project, alice, connect } = await setup(50);
    const client = await connect();
    await raw.setMember(project.id, alice.id, 'observer'); // not announced
    await until(() => client.socket.isClosed);
    expect([client.socket.closeCode, client.socket.closeReason]).toEqual([4403, 'role changed; reconnect']);
  });

  it('closes connections to a study once the project no longer lists it, and to a deleted project', async () => {
    const { store, project, connect } = await setup(60_000);
    const first = await connect();
    await store.removeStudy(project.id, STUDY);
    await until(() => first.socket.isClosed);
    expect(first.socket.closeCode).toBe(4403);
    await store.addStudies(project.id, [STUDY], 'root');
    const second = await connect();
    await store.deleteProject(project.id);
    await until(() => second.socket.isClosed);
    expect([second.socket.closeCode, second.socket.closeReason]).toEqual([4403, 'membership revoked']);
  });

  it('leaves connections alone while nothing changed', async () => {
    const { connect, access } = await setup(60_000);
    const client = await connect();
    await access.recheckNow();
    await access.recheckNow();
    expect(client.socket.isClosed).toBe(false);
  });

  it('picks up a taxonomy change for the accept step as soon as it is stored', async () => {
    const { store, project, connect } = await setup(60_000);
    await store.createLabel(project.id, { name: 'nodule', colour: '#ff0000', hotkey: null, kind: 'box2d', attributes: [] });
    const client = await connect();
    const { StudyDocument } = await import('@readingroom/model');
    const session = new StudyDocument(client.doc, { userId: client.connection.identity.userId });
    const box = { studyInstanceUid: STUDY, seriesInstanceUid: '1.2.3.4', sopInstanceUid: '1.2.3.4.5', geometry: { x: 1, y: 1, width: 2, height: 2 }, label: 'mass' };
    session.createBox2d(box);
    await until(() => client.permissionDenied.length > 0);
    expect(client.permissionDenied[0]).toMatch(/not in the project taxonomy/);
    await store.createLabel(project.id, { name: 'mass', colour: '#00ff00', hotkey: null, kind: 'box2d', attributes: [] });
    await new Promise((r) => setTimeout(r, 20));
    const fresh = await connect();
    const denied = fresh.permissionDenied.length;
    new StudyDocument(fresh.doc, { userId: fresh.connection.identity.userId }).createBox2d(box);
    await new Promise((r) => setTimeout(r, 50));
    expect(fresh.permissionDenied.length).toBe(denied);
  });
});
