import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '@readingroom/sync-server';
import { memoryAudit } from '../audit/app-audit';
import { createAuthenticate } from '../auth/authenticate';
import { createTokenService } from '../auth/tokens';
import { createApp } from '../http/create-app';
import { MemoryProjectStore } from '../projects/memory-project-store';
import { DEFAULT_SETTINGS, type ProjectRole } from '../projects/project-schemas';
import { MemoryUserStore } from '../users/memory-user-store';
import type { User } from '../users/user-store';
import { MemorySessionStore } from './memory-session-store';

const S1 = '1.2.840.10';
const S2 = '1.2.840.20';
const S3 = '1.2.840.30';

/** An app on in-memory stores: a project with three studies and a member per role. */
async function sessionApp() {
  const users = new MemoryUserStore();
  const projects = new MemoryProjectStore();
  const sessions = new MemorySessionStore();
  const audit = memoryAudit(silentLogger);
  const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 3600 });
  const app = createApp({
    users, projects, tokens, authenticate: createAuthenticate(tokens, users), registry: new Registry(), isReady: () => true,
    logger: silentLogger, audit, readingSessions: sessions,
  });
  const roles: Record<string, ProjectRole | null> = {
    carol: 'admin', adam: 'adjudicator', ann: 'reader', ben: 'reader', cat: 'reader', tina: 'trainee', olga: 'observer', bob: null,
  };
  const people: Record<string, User> = { root: await users.create({ username: 'root', passwordHash: 'x', isAdmin: true }) };
  const project = await projects.createProject({ name: 'Lung', description: '', settings: DEFAULT_SETTINGS, createdBy: people.root!.id });
  await projects.addStudies(project.id, [S1, S2, S3], people.root!.id);
  for (const [name, role] of Object.entries(roles)) {
    people[name] = await users.create({ username: name, passwordHash: 'x', isAdmin: false });
    if (role) await projects.setMember(project.id, people[name]!.id, role);
  }
  const tokenOf = new Map<string, string>();
  for (const user of Object.values(people)) tokenOf.set(user.id, (await tokens.issueToken(user)).token);
  const id = (name: string) => people[name]!.id;

  const call = async (as: string, method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { authorization: `Bearer ${tokenOf.get(id(as))}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await app.request(path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const text = await res.text();
    return { status: res.status, json: (text ? JSON.parse(text) : null) as any };
  };
  const base = `/api/projects/${project.id}`;
  const session = (uid: string) => `${base}/studies/${uid}/session`;
  const auditEntries = async () => {
    await audit.recorder.flush();
    return (await audit.log.query({ projectId: project.id })).entries;
  };
  return { call, id, project, base, session, auditEntries, sessions, projects };
}

describe('GET …/session', () => {
  it('answers the default session to any member, with the room they should open', async () => {
    const { call, session, id, project } = await sessionApp();
    const res = await call('ann', 'GET', session(S1));
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      projectId: project.id, studyInstanceUid: S1, phase: 'open', status: 'unassigned', readers: [], adjudicators: [], submitted: {},
      readersMayDiscuss: false, revealed: false, myRoom: `p/${project.id}/s/${S1}`, myRead: 'none', canSubmit: false, canAdjudicate: false, canManage: false,
      people: {},
    });
    expect((await call('tina', 'GET', session(S1))).json).toMatchObject({ myRoom: `p/${project.id}/s/${S1}/r/${id('tina')}`, myRead: 'reading', canSubmit: true });
  });

  it('answers 403 to a non-member and 404 for a study the project does not list', async () => {
    const { call, session } = await sessionApp();
    expect((await call('bob', 'GET', session(S1))).status).toBe(403);
    const missing = await call('ann', 'GET', session('1.2.3.4.5'));
    expect([missing.status, missing.json.error.code]).toEqual([404, 'study_not_found']);
  });
});

describe('people and candidates of the session view', () => {
  it('names the assigned readers and adjudicators to every member, even a blinded reader, but lists candidates only to managers', async () => {
    const { call, session, id } = await sessionApp();
    await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann'), id('ben')], adjudicators: [id('adam')] });
    await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'blinded' });
    const assigned = {
      [id('ann')]: { username: 'ann', role: 'reader' },
      [id('ben')]: { username: 'ben', role: 'reader' },
      [id('adam')]: { username: 'adam', role: 'adjudicator' },
    };
    const byReader = (await call('ann', 'GET', session(S1))).json;
    expect(byReader.people).toEqual(assigned);
    expect(byReader).not.toHaveProperty('candidates');
    expect((await call('olga', 'GET', session(S1))).json.people).toEqual(assigned);

    const byAdjudicator = (await call('adam', 'GET', session(S1))).json;
    expect(byAdjudicator.candidates).toEqual([
      { id: id('ann'), username: 'ann', role: 'reader' },
      { id: id('ben'), username: 'ben', role: 'reader' },
      { id: id('cat'), username: 'cat', role: 'reader' },
      { id: id('tina'), username: 'tina', role: 'trainee' },
    ]);
    expect(byAdjudicator.people).toEqual({ ...assigned, [id('cat')]: { username: 'cat', role: 'reader' }, [id('tina')]: { username: 'tina', role: 'trainee' } });
    // a global administrator who is no member manages too
    expect((await call('root', 'GET', session(S1))).json.candidates).toHaveLength(4);
  });

  it('keeps the name of an assigned reader who left the project, with no role, and answers names after a change', async () => {
    const { call, session, id, project, projects } = await sessionApp();
    const assigned = await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann')] });
    expect(assigned.json.people).toMatchObject({ [id('ann')]: { username: 'ann', role: 'reader' } });
    await projects.removeMember(project.id, id('ann'));
    const view = (await call('adam', 'GET', session(S1))).json;
    expect(view.people[id('ann')]).toEqual({ username: 'ann', role: null });
    expect((view.candidates as { id: string }[]).map((c) => c.id)).not.toContain(id('ann'));
  });
});

describe('PUT …/session/phase', () => {
  it('lets adjudicators set the phase, refuses readers, and lets only an admin reopen a final study', async () => {
    const { call, session } = await sessionApp();
    const byReader = await call('ann', 'PUT', `${session(S1)}/phase`, { phase: 'blinded' });
    expect([byReader.status, byReader.json.error.code]).toEqual([403, 'not_allowed']);
    expect((await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'blinded' })).json.phase).toBe('blinded');
    expect((await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'final' })).json.status).toBe('final');
    const reopen = await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'adjudication' });
    expect([reopen.status, reopen.json.error.code]).toEqual([403, 'reopen_needs_admin']);
    expect((await call('carol', 'PUT', `${session(S1)}/phase`, { phase: 'adjudication' })).json.phase).toBe('adjudication');
    expect((await call('root', 'PUT', `${session(S1)}/phase`, { phase: 'open' })).json.phase).toBe('open');
    expect((await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'closed' })).status).toBe(400);
  });
});

describe('PUT …/session/assignment', () => {
  it('assigns explicit readers and adjudicators and refuses members of other roles', async () => {
    const { call, session, id } = await sessionApp();
    const ok = await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann'), id('tina')], adjudicators: [id('adam')] });
    expect(ok.json).toMatchObject({ readers: [id('ann'), id('tina')], adjudicators: [id('adam')], status: 'reading' });
    const observer = await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('olga')] });
    expect([observer.status, observer.json.error.code]).toEqual([400, 'not_a_reader']);
    const both = await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann')], readerCount: 1 });
    expect(both.status).toBe(400);
    expect((await call('ann', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann')] })).status).toBe(403);
  });

  it('picks the least-loaded project readers for readerCount, ties by user id, and 409 when there are too few', async () => {
    const { call, session, id } = await sessionApp();
    await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann'), id('ben')] });
    const picked = await call('adam', 'PUT', `${session(S2)}/assignment`, { readerCount: 2 });
    // cat has no study; ann and ben one each: cat, then the smaller id of ann and ben
    const [first, second] = [id('ann'), id('ben')].sort();
    expect(picked.json.readers).toEqual([id('cat'), first]);
    // now first has two studies, cat and second one each: the smaller id of those two
    expect((await call('adam', 'PUT', `${session(S3)}/assignment`, { readerCount: 1 })).json.readers).toEqual([[id('cat'), second!].sort()[0]]);
    const tooMany = await call('adam', 'PUT', `${session(S3)}/assignment`, { readerCount: 4 });
    expect([tooMany.status, tooMany.json.error.code]).toEqual([409, 'not_enough_readers']);
  });
});

describe('POST …/session/submit', () => {
  it('lets an assigned reader submit once (409 after), refuses unassigned readers, and moves the status on the last read', async () => {
    const { call, session, id } = await sessionApp();
    await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann'), id('ben')] });
    await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'blinded' });
    const stranger = await call('cat', 'POST', `${session(S1)}/submit`, {});
    expect([stranger.status, stranger.json.error.code]).toEqual([403, 'not_assigned']);
    const first = await call('ann', 'POST', `${session(S1)}/submit`, {});
    expect(first.json).toMatchObject({ status: 'reading', myRead: 'submitted', canSubmit: false });
    expect(typeof first.json.submitted[id('ann')]).toBe('number');
    const again = await call('ann', 'POST', `${session(S1)}/submit`, {});
    expect([again.status, again.json.error.code]).toEqual([409, 'already_submitted']);
    expect((await call('ben', 'POST', `${session(S1)}/submit`)).json.status).toBe('waiting_for_adjudication');
  });

  it('lets a trainee submit their own read without an assignment, but nobody in adjudication', async () => {
    const { call, session } = await sessionApp();
    expect((await call('tina', 'POST', `${session(S1)}/submit`, {})).json.myRead).toBe('submitted');
    await call('adam', 'PUT', `${session(S2)}/phase`, { phase: 'adjudication' });
    const late = await call('tina', 'POST', `${session(S2)}/submit`, {});
    expect([late.status, late.json.error.code]).toEqual([409, 'not_reading']);
  });
});

describe('PUT …/session/flags', () => {
  it('sets the flags given, for adjudicators and admins only', async () => {
    const { call, session } = await sessionApp();
    expect((await call('adam', 'PUT', `${session(S1)}/flags`, { revealed: true })).json).toMatchObject({ revealed: true, readersMayDiscuss: false });
    expect((await call('ann', 'PUT', `${session(S1)}/flags`, { readersMayDiscuss: true })).status).toBe(403);
    expect((await call('adam', 'PUT', `${session(S1)}/flags`, {})).status).toBe(400);
  });
});

describe('POST /api/projects/:id/assignments and GET /api/projects/:id/worklist', () => {
  it('balances readers over the unassigned studies and shows each caller their task and status', async () => {
    const { call, base, session, id } = await sessionApp();
    const res = await call('adam', 'POST', `${base}/assignments`, { readersPerStudy: 2 });
    expect(res.status).toBe(200);
    const counts = new Map<string, number>();
    for (const a of res.json.assignments as { readers: string[] }[]) for (const r of a.readers) counts.set(r, (counts.get(r) ?? 0) + 1);
    expect([...counts.values()].sort()).toEqual([2, 2, 2]);
    expect((await call('ann', 'POST', `${base}/assignments`, { readersPerStudy: 1 })).status).toBe(403);

    const annStudies = (res.json.assignments as { studyInstanceUid: string; readers: string[] }[]).filter((a) => a.readers.includes(id('ann')));
    await call('ann', 'POST', `${session(annStudies[0]!.studyInstanceUid)}/submit`, {});
    const worklist = await call('ann', 'GET', `${base}/worklist`);
    expect(worklist.json.studies).toHaveLength(3);
    const byUid = new Map((worklist.json.studies as { studyInstanceUid: string }[]).map((s) => [s.studyInstanceUid, s]));
    expect(byUid.get(annStudies[0]!.studyInstanceUid)).toMatchObject({ task: 'read', submitted: true, status: 'reading', readerCount: 2, submittedCount: 1 });
    for (const a of res.json.assignments as { studyInstanceUid: string; readers: string[] }[]) expect(byUid.get(a.studyInstanceUid)).toMatchObject({ readers: a.readers });
    const mine = await call('ann', 'GET', `${base}/worklist?mine=true`);
    expect((mine.json.studies as { studyInstanceUid: string }[]).map((s) => s.studyInstanceUid).sort()).toEqual(annStudies.map((a) => a.studyInstanceUid).sort());

    const adjudicator = await call('adam', 'GET', `${base}/worklist?mine=true`);
    expect(adjudicator.json.studies).toEqual([]);
    await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'adjudication' });
    expect((await call('adam', 'GET', `${base}/worklist?mine=true`)).json.studies).toMatchObject([{ studyInstanceUid: S1, task: 'adjudicate', status: 'adjudicating' }]);
    expect((await call('bob', 'GET', `${base}/worklist`)).status).toBe(403);
  });

  it('answers 404 for a listed study the project does not have', async () => {
    const { call, base } = await sessionApp();
    const res = await call('adam', 'POST', `${base}/assignments`, { readersPerStudy: 1, studyInstanceUids: ['9.9.9'] });
    expect([res.status, res.json.error.code]).toEqual([404, 'study_not_found']);
  });
});

describe('audit of session changes', () => {
  it('records phase, assignment, submission and flags with actor, study, before and after; nothing for a no-op', async () => {
    const { call, session, id, auditEntries } = await sessionApp();
    await call('adam', 'PUT', `${session(S1)}/assignment`, { readers: [id('ann')] });
    await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'blinded' });
    await call('adam', 'PUT', `${session(S1)}/phase`, { phase: 'blinded' });
    await call('ann', 'POST', `${session(S1)}/submit`, {});
    await call('adam', 'PUT', `${session(S1)}/flags`, { readersMayDiscuss: true });
    await call('ann', 'PUT', `${session(S1)}/phase`, { phase: 'final' });
    const entries = (await auditEntries()).filter((e) => e.action.startsWith('session.'));
    expect(entries.map((e) => [e.action, e.actor, e.studyUid, e.before, e.after])).toEqual([
      ['session.assignment_changed', id('adam'), S1, '{"adjudicators":[],"readers":[]}', `{"adjudicators":[],"readers":["${id('ann')}"]}`],
      ['session.phase_changed', id('adam'), S1, '{"phase":"open"}', '{"phase":"blinded"}'],
      ['session.read_submitted', id('ann'), S1, null, expect.stringMatching(/^\{"submittedAt":\d+\}$/)],
      ['session.flags_changed', id('adam'), S1, '{"readersMayDiscuss":false,"revealed":false}', '{"readersMayDiscuss":true,"revealed":false}'],
    ]);
    expect(entries[2]!.targetId).toBe(id('ann'));
  });
});
