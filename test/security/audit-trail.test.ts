// The audit trail end to end: a real server, a stock y-websocket client editing through the
// model's StudyDocument, HTTP membership changes and logins, then `readingroom audit verify`
// (spawned) on the untouched log and on copies tampered with directly in SQLite.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomName, StudyDocument } from '@readingroom/model';
import { hashEntry } from '../../apps/server/src/audit/audit-hash';
import { runCli } from '../../apps/server/src/cli/program';
import { hashPassword } from '../../apps/server/src/users/password';
import { SqliteUserStore } from '../../apps/server/src/users/sqlite-user-store';
import { openStockClient, type StockClient } from '../support/stock-client';
import { login, startTestServer, type TestServer } from '../support/test-server';
import { until } from '../support/until';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const STUDY = '1.2.826.0.1.3680043.8.498.77';
const SERIES = `${STUDY}.1`;
const SOP = `${SERIES}.1`;
const READER_PASSWORD = 'reader-password-1';

interface Entry {
  seq: number;
  action: string;
  actor: string | null;
  actorUsername: string | null;
  projectId: string | null;
  studyUid: string | null;
  room: string | null;
  targetId: string | null;
  before: any;
  after: any;
}

/** `readingroom audit verify` as a separate process. */
function verifyCli(dataDir: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', 'audit', 'verify', '--data-dir', dataDir], {
      cwd: REPO_ROOT,
      env: { ...process.env, READINGROOM_DATA_DIR: '' },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, out, err }));
  });
}

/** The same command through `runCli`, without a process. */
async function verifyInProcess(dataDir: string) {
  let out = '';
  let err = '';
  const code = await runCli(['audit', 'verify', '--data-dir', dataDir], { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  return { code, out, err };
}

describe('audit trail with a real server and stock clients', () => {
  let server: TestServer;
  let adminToken: string;
  let projectId: string;
  let readerId: string;
  let client: StockClient | undefined;
  const copies: string[] = [];

  const api = async (token: string, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as any) : null;
  };
  const auditEntries = async (query = ''): Promise<Entry[]> => (await api(adminToken, 'GET', `/api/audit?limit=1000${query}`)).entries;

  beforeAll(async () => {
    // Our own directory: the test server would delete one it created when it closes.
    const dataDir = mkdtempSync(join(tmpdir(), 'rr-audit-trail-'));
    copies.push(dataDir);
    server = await startTestServer({ dataDir });
    adminToken = await server.login();
    const users = SqliteUserStore.open({ filename: join(server.dataDir, 'readingroom.db') });
    try {
      readerId = (await users.create({ username: 'rita', passwordHash: await hashPassword(READER_PASSWORD), isAdmin: false })).id;
    } finally {
      await users.close();
    }
    projectId = (await api(adminToken, 'POST', '/api/projects', { name: 'Chest' })).id;
    await api(adminToken, 'POST', `/api/projects/${projectId}/studies`, { studyInstanceUids: [STUDY] });
    for (const [name, colour] of [['nodule', '#ff0000'], ['mass', '#00ff00']]) {
      await api(adminToken, 'POST', `/api/projects/${projectId}/labels`, { name, colour });
    }
    await api(adminToken, 'PUT', `/api/projects/${projectId}/members/${readerId}`, { role: 'reader' });
  });

  afterAll(async () => {
    client?.destroy();
    await server?.close();
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('records a reader\'s box edits, a role change and failed logins with actor, before and after; verify passes', async () => {
    const failed = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'rita', password: 'not-her-password' }),
    });
    expect(failed.status).toBe(401);
    const readerToken = await login(server.url, 'rita', READER_PASSWORD);

    const room = roomName({ projectId, studyInstanceUid: STUDY, scope: { type: 'shared' } });
    client = await openStockClient({ syncUrl: server.syncUrl, room, token: readerToken });
    const study = new StudyDocument(client.doc, { userId: readerId });
    const box = study.createBox2d({
      studyInstanceUid: STUDY,
      seriesInstanceUid: SERIES,
      sopInstanceUid: SOP,
      geometry: { x: 10, y: 20, width: 30, height: 40 },
      label: 'nodule',
    });
    study.moveBox(box.id, { x: 15, y: 25, width: 30, height: 40 });
    study.setLabel(box.id, 'mass');
    study.deleteAnnotation(box.id);
    study.restoreAnnotation(box.id);
    await until(async () => (await auditEntries('&action=annotation.restored')).length === 1, 10_000, 'the restore to be audited');

    await api(adminToken, 'PUT', `/api/projects/${projectId}/members/${readerId}`, { role: 'adjudicator' });

    const all = await auditEntries();
    const annotationEvents = all.filter((e) => e.action.startsWith('annotation.'));
    expect(annotationEvents.map((e) => e.action)).toEqual([
      'annotation.created',
      'annotation.moved',
      'annotation.relabelled',
      'annotation.deleted',
      'annotation.restored',
    ]);
    for (const e of annotationEvents) {
      expect(e).toMatchObject({ actor: readerId, actorUsername: 'rita', projectId, studyUid: STUDY, room, targetId: box.id });
    }
    const [created, moved, relabelled, deleted, restored] = annotationEvents;
    expect(created!.before).toBeNull();
    expect(created!.after).toMatchObject({ id: box.id, label: 'nodule', geometry: { x: 10, y: 20 }, createdBy: readerId, deleted: false });
    expect(moved).toMatchObject({ before: { geometry: { x: 10, y: 20, width: 30, height: 40 } }, after: { geometry: { x: 15, y: 25, width: 30, height: 40 } } });
    expect(relabelled).toMatchObject({ before: { label: 'nodule' }, after: { label: 'mass' } });
    expect(deleted).toMatchObject({ before: { deleted: false }, after: { deleted: true, deletedBy: readerId } });
    expect(restored).toMatchObject({ before: { deleted: true }, after: { deleted: false } });

    const roleChange = all.find((e) => e.action === 'member.role_changed');
    expect(roleChange).toMatchObject({ actorUsername: 'admin', projectId, targetId: readerId, before: { role: 'reader' }, after: { role: 'adjudicator' } });
    const loginFailed = all.filter((e) => e.action === 'auth.login_failed');
    expect(loginFailed).toHaveLength(1);
    expect(loginFailed[0]).toMatchObject({ actor: null, targetId: readerId, after: { username: 'rita' } });
    expect(all.filter((e) => e.action === 'auth.login').map((e) => e.actorUsername)).toEqual(['admin', 'rita']);
    expect(JSON.stringify(all)).not.toContain('not-her-password');

    // The project's audit, read by the global admin with ?project=, holds the project's rows only.
    const scoped = await auditEntries(`&project=${projectId}`);
    expect(scoped.length).toBeGreaterThanOrEqual(7);
    expect(scoped.every((e) => e.projectId === projectId)).toBe(true);

    // The export streams the same rows over real HTTP.
    const csv = await fetch(`${server.url}/api/audit/export?format=csv`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const lines = (await csv.text()).split('\r\n').filter((l) => l.length > 0);
    expect(lines[0]).toMatch(/^seq,time,actor,/);
    expect(lines.length - 1).toBeGreaterThanOrEqual(all.length);

    // Verifying while the server runs is safe (read-only).
    const verified = await verifyCli(server.dataDir);
    expect(verified.err).toBe('');
    expect(verified.out).toMatch(new RegExp(`^audit log intact: ${all.length} entries\\n`));
    expect(verified.code).toBe(0);
  });

  describe('after tampering with audit.db directly', () => {
    type Row = { seq: number; hash: string };
    const seqOf = (db: Database.Database, action: string) =>
      (db.prepare('SELECT seq FROM audit_log WHERE action = ? ORDER BY seq LIMIT 1').get(action) as { seq: number }).seq;
    /** Appends a row claiming the reader deleted something; `hash` decides how careful the forger is. */
    const forge = (db: Database.Database, hash: (row: Record<string, unknown>) => string) => {
      const prev = db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1').get() as Row;
      const row = {
        seq: prev.seq + 1, at: Date.now(), actor: readerId, action: 'annotation.deleted', projectId, studyUid: STUDY, room: null,
        targetId: 'forged', before: null, after: null, prevHash: prev.hash,
      };
      db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        row.seq, row.at, row.actor, row.action, row.projectId, row.studyUid, row.room, row.targetId, row.before, row.after, row.prevHash, hash(row),
      );
    };

    /** Each case: a tampering, done on its own copy of the stopped server's audit files. */
    const cases = {
      untouched: () => {},
      editedGeometry: (db: Database.Database) =>
        db.prepare('UPDATE audit_log SET after_json = ? WHERE seq = ?').run('{"geometry":{"height":40,"width":30,"x":99,"y":99}}', seqOf(db, 'annotation.moved')),
      editedActor: (db: Database.Database) => db.prepare("UPDATE audit_log SET actor = 'someone-else' WHERE seq = ?").run(seqOf(db, 'annotation.deleted')),
      removedFirst: (db: Database.Database) => db.prepare('DELETE FROM audit_log WHERE seq = 1').run(),
      removedMiddle: (db: Database.Database) => db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seqOf(db, 'annotation.deleted')),
      removedLast: (db: Database.Database) => db.prepare('DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)').run(),
      insertedCarelessly: (db: Database.Database) => forge(db, () => '0'.repeat(64)),
      insertedCarefully: (db: Database.Database) => forge(db, (row) => hashEntry(row as never)),
      // Renumber the rows from seq 3 on and put a forged row into the gap.
      insertedInMiddle: (db: Database.Database) => {
        db.prepare('UPDATE audit_log SET seq = -seq WHERE seq >= 3').run();
        db.prepare('UPDATE audit_log SET seq = -seq + 1 WHERE seq < 0').run();
        const prev = db.prepare('SELECT seq, hash FROM audit_log WHERE seq = 2').get() as Row;
        db.prepare("INSERT INTO audit_log (seq, at, actor, action, prev_hash, hash) VALUES (3, 0, 'x', 'auth.login', ?, ?)").run(prev.hash, 'f'.repeat(64));
      },
    } satisfies Record<string, (db: Database.Database) => unknown>;

    const results = {} as Record<keyof typeof cases, { code: number | null; out: string; err: string }>;
    const seqs = { moved: 0, deleted: 0, last: 0 };

    beforeAll(async () => {
      client?.destroy();
      client = undefined;
      await server.close(); // audit.db is checkpointed and closed; copies are taken from it
      const db = new Database(join(server.dataDir, 'audit.db'), { readonly: true });
      seqs.last = (db.prepare('SELECT max(seq) AS seq FROM audit_log').get() as { seq: number }).seq;
      seqs.moved = seqOf(db, 'annotation.moved');
      seqs.deleted = seqOf(db, 'annotation.deleted');
      db.close();
      // Each spawned CLI costs seconds of TypeScript loading, so only some cases spawn one (all at
      // once); the others run the same command in this process.
      const spawned = new Set(['untouched', 'editedGeometry', 'removedLast', 'insertedCarefully']);
      await Promise.all(
        Object.entries(cases).map(async ([name, tamper]) => {
          const dir = mkdtempSync(join(tmpdir(), 'rr-audit-tamper-'));
          copies.push(dir);
          for (const f of ['audit.db', 'audit.db-wal', 'audit.head']) {
            if (existsSync(join(server.dataDir, f))) copyFileSync(join(server.dataDir, f), join(dir, f));
          }
          const copy = new Database(join(dir, 'audit.db'));
          copy.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
          tamper(copy);
          copy.close();
          results[name as keyof typeof cases] = spawned.has(name) ? await verifyCli(dir) : await verifyInProcess(dir);
        }),
      );
    }, 300_000);

    it('passes on an untouched copy', () => {
      expect(results.untouched).toMatchObject({ code: 0, err: '' });
      expect(results.untouched.out).toContain(`audit log intact: ${seqs.last} entries`);
    });

    it('names the edited row when the geometry of a move was changed, or only its actor', () => {
      expect(results.editedGeometry.code).toBe(1);
      expect(results.editedGeometry.err).toContain(`audit log broken at seq ${seqs.moved}: the hash of seq ${seqs.moved} does not match its content: the row was edited`);
      expect(results.editedActor.code).toBe(1);
      expect(results.editedActor.err).toContain(`broken at seq ${seqs.deleted}:`);
      expect(results.editedActor.err).toContain('[hash-mismatch]');
    });

    it('names a removed row: the first, one in the middle, and the last (through audit.head)', () => {
      expect(results.removedFirst.code).toBe(1);
      expect(results.removedFirst.err).toContain('broken at seq 1: seq 1 is missing (the next row is seq 2): a row was removed');
      expect(results.removedMiddle.code).toBe(1);
      expect(results.removedMiddle.err).toContain(`broken at seq ${seqs.deleted}: seq ${seqs.deleted} is missing`);
      expect(results.removedLast.code).toBe(1);
      expect(results.removedLast.err).toContain(`broken at seq ${seqs.last}: seq ${seqs.last} is missing: audit.head records seq ${seqs.last}`);
      expect(results.removedLast.err).toContain('[tail-removed]');
    });

    it('names an inserted row, whether its hash is wrong or correctly chained, at the end or in the middle', () => {
      const next = seqs.last + 1;
      expect(results.insertedCarelessly.code).toBe(1);
      expect(results.insertedCarelessly.err).toContain(`broken at seq ${next}: the hash of seq ${next} does not match its content`);
      expect(results.insertedCarefully.code).toBe(1);
      expect(results.insertedCarefully.err).toContain(`broken at seq ${next}: seq ${next} is not anchored: audit.head records seq ${seqs.last}`);
      expect(results.insertedInMiddle.code).toBe(1);
      expect(results.insertedInMiddle.err).toContain('broken at seq 3:');
    });
  });
});
