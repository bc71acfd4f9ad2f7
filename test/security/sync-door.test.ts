// Authorization at the door: the upgrade of /sync/<room> is refused with 403 before any room
// is loaded unless the user may open that study room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomName } from '@readingroom/model';
import { RawClient, decodeServerFrame, roomUrl } from '../support/raw-client';
import { until } from '../support/until';
import { startSyncWorld, type SyncWorld } from './sync-fixture';

let world: SyncWorld;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  world = await startSyncWorld({ alice: 'reader', bob: 'reader', tina: 'trainee', olga: 'observer', adam: 'adjudicator', stranger: null });
  for (const name of Object.keys(world.ids)) tokens[name] = await world.token(name);
}, 60_000);
afterAll(async () => {
  await world?.close();
});

const url = (room: string, user: string) => roomUrl(world.server.syncUrl, room, user === 'admin' ? world.adminToken : tokens[user]);

async function expectRefused(room: string, user: string, status = 403): Promise<void> {
  expect(await RawClient.refusedStatus(url(room, user)), `${user} → ${room}`).toBe(status);
  expect(world.server.server.sync.roomCount).toBe(0);
  expect(world.server.server.sync.connectionCount).toBe(0);
}

async function expectOpens(room: string, user: string): Promise<void> {
  const raw = await RawClient.connect(url(room, user));
  await raw.nextMessage((m) => m.kind === 'sync-step1');
  expect(world.server.server.sync.roomCount).toBe(1);
  await raw.close();
  await until(() => world.server.server.sync.roomCount === 0, 5000, 'the room to unload');
}

describe('sync upgrade authorization', () => {
  it("refuses a non-member, a reader on another reader's document and a trainee on the shared document with 403, loading no room", async () => {
    await expectRefused(world.room(), 'stranger');
    await expectRefused(world.room({ type: 'reader', userId: world.ids.bob! }), 'alice');
    await expectRefused(world.room({ type: 'reader', userId: world.ids.bob! }), 'olga');
    await expectRefused(world.room(), 'tina');
    await expectRefused(world.room({ type: 'consensus' }), 'tina');
  });

  it('refuses a study the project does not contain, an unknown project and a free-form room for members with 403', async () => {
    await expectRefused(roomName({ projectId: world.projectId, studyInstanceUid: '1.2.3.999', scope: { type: 'shared' } }), 'alice');
    await expectRefused(roomName({ projectId: '00000000-0000-4000-8000-000000000000', studyInstanceUid: world.study, scope: { type: 'shared' } }), 'alice');
    await expectRefused('study-1', 'alice');
    await expectRefused('p/garbage', 'alice');
  });

  it('keeps 401 for a bad token, before looking at the room', async () => {
    await expectRefused(world.room(), 'nobody', 401);
    expect(await RawClient.refusedStatus(roomUrl(world.server.syncUrl, world.room(), 'not-a-token'))).toBe(401);
  });

  it('opens the study rooms each role may see (controls for the refusals above)', async () => {
    await expectOpens(world.room(), 'alice');
    await expectOpens(world.room(), 'olga');
    await expectOpens(world.room({ type: 'reader', userId: world.ids.alice! }), 'alice');
    await expectOpens(world.room({ type: 'reader', userId: world.ids.tina! }), 'tina');
    await expectOpens(world.room({ type: 'reader', userId: world.ids.bob! }), 'adam');
    await expectOpens(world.room({ type: 'consensus' }), 'bob');
    // a global admin: any well-formed room, and free-form rooms
    await expectOpens(roomName({ projectId: world.projectId, studyInstanceUid: '1.2.3.999', scope: { type: 'shared' } }), 'admin');
    await expectOpens('study-1', 'admin');
  });

  it('refuses the upgrade once the study is removed from the project', async () => {
    await world.api(world.adminToken, 'DELETE', `/api/projects/${world.projectId}/studies/${world.study}`);
    try {
      await expectRefused(world.room(), 'alice');
    } finally {
      await world.api(world.adminToken, 'POST', `/api/projects/${world.projectId}/studies`, { studyInstanceUids: [world.study] });
    }
    await expectOpens(world.room(), 'alice');
  });

  it('frames from an opened study room decode as the protocol says', async () => {
    const raw = await RawClient.connect(url(world.room(), 'alice'));
    await raw.nextMessage((m) => m.kind === 'sync-step1');
    for (const f of raw.frames) decodeServerFrame(f);
    await raw.close();
  });
});
