// Teaching with a real server and stock y-websocket clients: trainees read in their own
// documents and see each other's work only once an instructor reveals it, then read-only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../support/until';
import { permissionDenials } from '../security/sync-fixture';
import { closedAfter, startSessionWorld, type SessionWorld } from './session-fixture';

let world: SessionWorld;

beforeAll(async () => {
  world = await startSessionWorld({ tina: 'trainee', tom: 'trainee', adam: 'adjudicator' });
}, 60_000);
afterAll(async () => {
  await world?.close();
});

describe('teaching: trainees and reveal', () => {
  it("refuses trainee A's token to trainee B's document until revealed, then opens it read-only", async () => {
    const tina = await world.stock('tina', world.own('tina'));
    const box = world.drawBox(tina, 'tina');
    expect((await world.session('tina')).myRoom).toBe(world.room(world.own('tina')));

    expect(await world.refused('tom', world.own('tina'))).toBe(403);
    expect(await world.refused('tom', { type: 'shared' })).toBe(403);
    expect(await world.refused('tom', { type: 'consensus' })).toBe(403);
    const byTrainee = await world.call('tom', 'PUT', `${world.sessionPath}/flags`, { revealed: true });
    expect([byTrainee.status, byTrainee.json.error.code]).toEqual([403, 'not_allowed']);

    await world.session('adam', 'PUT', '/flags', { revealed: true });
    const tom = await world.stock('tom', world.own('tina'));
    await until(() => tom.doc.getMap('annotations').has(box), 5000, "tom to see tina's box");
    world.drawBox(tom, 'tom', 3);
    await until(() => permissionDenials(tom.received).length > 0, 5000, "tom's edit to be refused");
    expect(permissionDenials(tom.received)[0]).toMatch(/^read_only/);
    expect(permissionDenials(tina.received)).toEqual([]);
    expect(tina.doc.getMap('annotations').size).toBe(1);
    // the consensus too, read-only
    expect((await world.raw('tom', { type: 'consensus' })).closeInfo).toBeNull();
  });

  it("closes a trainee's connection to another trainee's read within 2 s when the reveal is taken back", async () => {
    const raw = await world.raw('tom', world.own('tina'));
    const start = performance.now();
    await world.session('adam', 'PUT', '/flags', { revealed: false });
    const closed = await closedAfter(raw, start);
    console.info(`reveal withdrawn → connection closed after ${closed.ms.toFixed(0)} ms`);
    expect(closed).toMatchObject({ code: 4403, reason: 'reading session: room no longer open to you' });
    expect(closed.ms).toBeLessThan(2000);
    expect(await world.refused('tom', world.own('tina'))).toBe(403);
  });
});
