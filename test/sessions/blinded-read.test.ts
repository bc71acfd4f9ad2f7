// Blinded reads with a real server and stock y-websocket clients: each reader works in their own
// document and may not open anyone else's or the shared one; a submitted read is locked at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, until } from '../support/until';
import { permissionDenials, snapshotOf } from '../security/sync-fixture';
import { closedAfter, startSessionWorld, type SessionWorld } from './session-fixture';

let world: SessionWorld;

beforeAll(async () => {
  world = await startSessionWorld({ ann: 'reader', ben: 'reader', cat: 'reader', adam: 'adjudicator' });
  await world.session('adam', 'PUT', '/assignment', { readers: [world.ids.ann, world.ids.ben, world.ids.cat] });
  await world.session('adam', 'PUT', '/phase', { phase: 'blinded' });
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe('blinded read', () => {
  it("refuses reader A's token at the upgrade to reader B's document and to the shared document (403), and lets A write their own", async () => {
    expect(await world.refused('ann', world.own('ben'))).toBe(403);
    expect(await world.refused('ann', { type: 'shared' })).toBe(403);
    expect(await world.refused('ben', world.own('ann'))).toBe(403);

    const ann = await world.stock('ann', world.own('ann'));
    const watcher = await world.stock('adam', world.own('ann'));
    const box = world.drawBox(ann, 'ann');
    await until(() => watcher.doc.getMap('annotations').has(box), 5000, "the adjudicator to see ann's box");
    expect(permissionDenials(ann.received)).toEqual([]);
    const view = await world.session('ann');
    expect(view).toMatchObject({ phase: 'blinded', status: 'reading', myRoom: world.room(world.own('ann')), myRead: 'reading', canSubmit: true });
  });

  it("closes a reader's writable connection within 2 s of submitting, and the server refuses and never stores or relays their later edits", async () => {
    const ann = await world.stock('ann', world.own('ann'));
    const watcher = await world.stock('adam', world.own('ann'));
    const before = world.drawBox(ann, 'ann', 1);
    await until(() => watcher.doc.getMap('annotations').has(before), 5000, 'the box drawn before submitting to arrive');
    const raw = await world.raw('ann', world.own('ann'));
    let dropped = false;
    ann.onStatus((status) => {
      if (status === 'disconnected') dropped = true;
    });

    const start = performance.now();
    const submitted = await world.session('ann', 'POST', '/submit', {});
    expect(submitted).toMatchObject({ myRead: 'submitted', canSubmit: false, status: 'reading' });
    const closed = await closedAfter(raw, start);
    console.info(`submit → writable connection closed after ${closed.ms.toFixed(0)} ms`);
    expect(closed).toMatchObject({ code: 4403, reason: 'reading session changed; reconnect' });
    expect(closed.ms).toBeLessThan(2000);

    // y-websocket 3 takes a 44xx close as final; reconnecting (as the web client does on
    // "reconnect") gets a locked, read-only grant.
    await until(() => dropped, 5000, 'the stock client to be disconnected');
    ann.provider.connect();
    await until(() => ann.provider.synced, 10_000, 'the stock client to reconnect');
    const denied = permissionDenials(ann.received).length;
    const after = world.drawBox(ann, 'ann', 2);
    await until(() => permissionDenials(ann.received).length > denied, 5000, 'the late edit to be refused');
    expect(permissionDenials(ann.received).at(-1)).toMatch(/^read_only: your read is submitted and locked/);
    await sleep(300);
    expect(watcher.doc.getMap('annotations').has(after)).toBe(false);
    expect(ann.doc.getMap('annotations').has(after)).toBe(true); // a stock client keeps its refused change locally
    const expected = snapshotOf(watcher.doc);

    const again = await world.call('ann', 'POST', `${world.sessionPath}/submit`, {});
    expect([again.status, again.json.error.code]).toEqual([409, 'already_submitted']);

    // What is stored is what the watcher saw: the box from before the submission, not the late one.
    await world.server.restart();
    const fresh = await world.stock('admin', world.own('ann'));
    expect(snapshotOf(fresh.doc)).toEqual(expected);
    expect(fresh.doc.getMap('annotations').has(before)).toBe(true);
    expect(fresh.doc.getMap('annotations').has(after)).toBe(false);
  });
});
