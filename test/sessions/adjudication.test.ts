// Adjudication with a real server and stock y-websocket clients: the adjudicator reads every
// read and writes the consensus; readers look only when allowed and never write it; final locks
// the consensus until an admin reopens the study.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep, until } from '../support/until';
import { permissionDenials } from '../security/sync-fixture';
import { closedAfter, startSessionWorld, type SessionWorld } from './session-fixture';
import type { StockClient } from '../support/stock-client';

let world: SessionWorld;
const boxes: Record<string, string> = {};
const CONSENSUS = { type: 'consensus' } as const;

/** Draws a box in `client` and resolves with the permission-denied reason it got, or null when accepted. */
async function tryDraw(client: StockClient, user: string, i: number): Promise<string | null> {
  const denied = permissionDenials(client.received).length;
  world.drawBox(client, user, i);
  try {
    await until(() => permissionDenials(client.received).length > denied, 1500, 'a refusal');
  } catch {
    return null;
  }
  return permissionDenials(client.received)[denied]!;
}

beforeAll(async () => {
  world = await startSessionWorld({ ann: 'reader', ben: 'reader', adam: 'adjudicator', carol: 'admin' });
  await world.session('adam', 'PUT', '/assignment', { readers: [world.ids.ann, world.ids.ben] });
  await world.session('adam', 'PUT', '/phase', { phase: 'blinded' });
  for (const [i, reader] of ['ann', 'ben'].entries()) {
    const client = await world.stock(reader, world.own(reader));
    boxes[reader] = world.drawBox(client, reader, i);
    const check = await world.stock('carol', world.own(reader));
    await until(() => check.doc.getMap('annotations').has(boxes[reader]!), 5000, `${reader}'s box to be stored`);
    await world.session(reader, 'POST', '/submit', {});
  }
  expect((await world.session('adam', 'PUT', '/phase', { phase: 'adjudication' })).status).toBe('adjudicating');
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe('adjudication', () => {
  it("lets the adjudicator open both readers' documents read-only and write the consensus", async () => {
    for (const reader of ['ann', 'ben']) {
      const look = await world.stock('adam', world.own(reader));
      expect(look.doc.getMap('annotations').has(boxes[reader]!)).toBe(true);
      expect(await tryDraw(look, 'adam', 5)).toMatch(/^read_only/);
    }
    const consensus = await world.stock('adam', CONSENSUS);
    const watcher = await world.stock('carol', CONSENSUS);
    expect(await tryDraw(consensus, 'adam', 6)).toBeNull();
    await until(() => watcher.doc.getMap('annotations').size === 1, 5000, 'the consensus box to reach another client');
    expect((await world.session('adam')).canAdjudicate).toBe(true);
  });

  it('never lets a reader write the consensus: refused without readersMayDiscuss, read-only with it', async () => {
    expect(await world.refused('ann', CONSENSUS)).toBe(403);
    expect(await world.refused('ann', world.own('ben'))).toBe(403);
    await world.session('adam', 'PUT', '/flags', { readersMayDiscuss: true });
    const ann = await world.stock('ann', CONSENSUS);
    expect(ann.doc.getMap('annotations').size).toBe(1);
    expect(await tryDraw(ann, 'ann', 7)).toMatch(/^read_only/);
    const bens = await world.stock('ann', world.own('ben'));
    expect(bens.doc.getMap('annotations').has(boxes.ben!)).toBe(true);
    const view = await world.session('ann');
    expect(view).toMatchObject({ myRoom: world.room(CONSENSUS), canAdjudicate: false });
  });

  it("closes the adjudicator's writable consensus connection within 2 s of final, keeps it read-only, and only an admin reopens", async () => {
    const raw = await world.raw('adam', CONSENSUS);
    const start = performance.now();
    await world.session('adam', 'PUT', '/phase', { phase: 'final' });
    const closed = await closedAfter(raw, start);
    console.info(`final → adjudicator's consensus connection closed after ${closed.ms.toFixed(0)} ms`);
    expect(closed).toMatchObject({ code: 4403, reason: 'reading session changed; reconnect' });
    expect(closed.ms).toBeLessThan(2000);

    const locked = await world.stock('adam', CONSENSUS);
    expect(await tryDraw(locked, 'adam', 8)).toMatch(/^read_only: the reading session's current phase/);
    const reopen = await world.call('adam', 'PUT', `${world.sessionPath}/phase`, { phase: 'adjudication' });
    expect([reopen.status, reopen.json.error.code]).toEqual([403, 'reopen_needs_admin']);

    expect((await world.session('carol', 'PUT', '/phase', { phase: 'adjudication' })).phase).toBe('adjudication');
    const again = await world.stock('adam', CONSENSUS);
    expect(await tryDraw(again, 'adam', 9)).toBeNull();
    await sleep(100);
    const check = await world.stock('carol', CONSENSUS);
    expect(check.doc.getMap('annotations').size).toBe(2); // the first consensus box and the one after reopening; not the refused one
  });
});
