// Status, worklist and audit of a reading session through the real server's HTTP API: three
// assigned readers submit one after the other, the adjudicator takes over, and every change is
// in the audit trail with who, when, which study, before and after.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSessionWorld, type SessionWorld } from './session-fixture';

let world: SessionWorld;
const READERS = ['ann', 'ben', 'cat'] as const;
let startedAt = 0;

beforeAll(async () => {
  world = await startSessionWorld({ ann: 'reader', ben: 'reader', cat: 'reader', adam: 'adjudicator', olga: 'observer' });
  startedAt = Date.now();
}, 60_000);
afterAll(async () => {
  await world?.close();
});

/** The caller's worklist row of the world's study. */
async function row(user: string, mine = false): Promise<any> {
  const res = await world.call(user, 'GET', `/api/projects/${world.projectId}/worklist${mine ? '?mine=true' : ''}`);
  expect(res.status).toBe(200);
  return (res.json.studies as { studyInstanceUid: string }[]).find((s) => s.studyInstanceUid === world.study) ?? null;
}

describe('status and worklist', () => {
  it("is reading after 0, 1 and 2 of three submissions and waiting_for_adjudication only after the third, with each user's task", async () => {
    expect(await row('ann')).toMatchObject({ status: 'unassigned', task: null, submitted: false });
    const assigned = await world.session('adam', 'PUT', '/assignment', { readerCount: 3, adjudicators: [world.ids.adam] });
    expect([...assigned.readers].sort()).toEqual(READERS.map((r) => world.ids[r]).sort());
    expect([...(await row('olga')).readers].sort()).toEqual([...assigned.readers].sort());
    await world.session('adam', 'PUT', '/phase', { phase: 'blinded' });
    // a blinded reader learns who else reads (by name), not what they drew
    const blinded = await world.session('ann');
    expect(blinded.people).toEqual(Object.fromEntries([...READERS.map((r) => [world.ids[r], { username: r, role: 'reader' }]), [world.ids.adam, { username: 'adam', role: 'adjudicator' }]]));
    expect(blinded.candidates).toBeUndefined();

    for (const [done, reader] of READERS.entries()) {
      expect((await world.session('olga')).status, `after ${done} submissions`).toBe('reading');
      expect(await row(reader)).toMatchObject({ status: 'reading', phase: 'blinded', task: 'read', submitted: false, submittedCount: done, readerCount: 3 });
      expect(await row(reader, true)).not.toBeNull();
      expect(await row('adam', true)).toBeNull();
      await world.session(reader, 'POST', '/submit', {});
      expect(await row(reader)).toMatchObject({ task: 'read', submitted: true });
    }
    expect((await world.session('olga')).status).toBe('waiting_for_adjudication');
    expect(await row('adam', true)).toMatchObject({ status: 'waiting_for_adjudication', task: 'adjudicate', submitted: false });
    expect(await row('olga')).toMatchObject({ status: 'waiting_for_adjudication', task: null });

    await world.session('adam', 'PUT', '/phase', { phase: 'adjudication' });
    await world.session('adam', 'PUT', '/flags', { readersMayDiscuss: true });
    expect(await row('adam')).toMatchObject({ status: 'adjudicating', task: 'adjudicate', myRoom: world.room({ type: 'consensus' }) });
    expect(await row('ann')).toMatchObject({ status: 'adjudicating', task: null, submitted: true });
    expect(await row('ann', true)).toBeNull();
  });
});

describe('audit of the session', () => {
  it('holds every change above with actor, time, study, before and after', async () => {
    const res = await world.call('admin', 'GET', `/api/audit?project=${world.projectId}&limit=1000`);
    expect(res.status).toBe(200);
    const entries = (res.json.entries as any[]).filter((e) => e.action.startsWith('session.'));
    const id = world.ids;
    expect(entries.map((e) => [e.action, e.actor, e.targetId, e.before, e.action === 'session.read_submitted' ? 'at' : e.after])).toEqual([
      ['session.assignment_changed', id.adam, null, { readers: [], adjudicators: [] }, { readers: expect.any(Array), adjudicators: [id.adam] }],
      ['session.phase_changed', id.adam, null, { phase: 'open' }, { phase: 'blinded' }],
      ['session.read_submitted', id.ann, id.ann, null, 'at'],
      ['session.read_submitted', id.ben, id.ben, null, 'at'],
      ['session.read_submitted', id.cat, id.cat, null, 'at'],
      ['session.phase_changed', id.adam, null, { phase: 'blinded' }, { phase: 'adjudication' }],
      ['session.flags_changed', id.adam, null, { readersMayDiscuss: false, revealed: false }, { readersMayDiscuss: true, revealed: false }],
    ]);
    for (const e of entries) {
      expect(e.studyUid).toBe(world.study);
      expect(e.projectId).toBe(world.projectId);
      expect(e.at).toBeGreaterThanOrEqual(startedAt);
    }
    const submitted = (await world.session('olga')).submitted as Record<string, number>;
    for (const e of entries.filter((x) => x.action === 'session.read_submitted')) expect(e.after).toEqual({ submittedAt: submitted[e.actor] });
  });
});
