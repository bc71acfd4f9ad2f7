import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runAuditLogTests, type TamperColumn } from './audit-log.suite';
import { auditPaths, SqliteAuditLog } from './sqlite-audit-log';
import { readHeadFile } from './head-file';

const COLUMN: Record<TamperColumn, string> = {
  seq: 'seq', at: 'at', actor: 'actor', action: 'action', projectId: 'project_id', studyUid: 'study_uid', room: 'room',
  targetId: 'target_id', before: 'before_json', after: 'after_json', prevHash: 'prev_hash', hash: 'hash',
};

/** A second connection to audit.db, as someone with the file would open it, triggers dropped. */
function tamperer(dataDir: string) {
  const db = new Database(auditPaths(dataDir).db);
  db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete;');
  return db;
}

runAuditLogTests('SqliteAuditLog', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-audit-'));
  const log = await SqliteAuditLog.open({ dataDir });
  const db = tamperer(dataDir);
  return {
    log,
    async edit(seq, column, value) {
      db.prepare(`UPDATE audit_log SET ${COLUMN[column]} = ? WHERE seq = ?`).run(value, seq);
    },
    async remove(seq) {
      db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
    },
    async insertRaw(e) {
      db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
        e.seq, e.at, e.actor, e.action, e.projectId, e.studyUid, e.room, e.targetId, e.before, e.after, e.prevHash, e.hash,
      );
    },
    async renumber(fromSeq, delta) {
      // Two steps, so the primary key never collides midway.
      db.prepare('UPDATE audit_log SET seq = -seq WHERE seq >= ?').run(fromSeq);
      db.prepare('UPDATE audit_log SET seq = -seq + ? WHERE seq < 0').run(delta);
    },
    async cleanup() {
      db.close();
      await log.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});

describe('SqliteAuditLog files', () => {
  const withDir = async (fn: (dataDir: string) => Promise<void>) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rr-audit-'));
    try {
      await fn(dataDir);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  };
  const moved = (n: number) => ({ actor: 'u1', action: 'annotation.moved' as const, targetId: `box-${n}`, after: { n } });

  it('refuses UPDATE and DELETE on the table through the append-only triggers', () =>
    withDir(async (dataDir) => {
      const log = await SqliteAuditLog.open({ dataDir });
      await log.append([moved(1)]);
      const db = new Database(auditPaths(dataDir).db);
      expect(() => db.prepare("UPDATE audit_log SET actor = 'x'").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
      db.close();
      await log.close();
    }));

  it('keeps the rows and continues the chain after a reopen; its own user_version is 1', () =>
    withDir(async (dataDir) => {
      let log = await SqliteAuditLog.open({ dataDir });
      await log.append([moved(1), moved(2)]);
      await log.close();
      log = await SqliteAuditLog.open({ dataDir });
      const [third] = await log.append([moved(3)]);
      expect(third!.seq).toBe(3);
      expect(await log.verify()).toMatchObject({ ok: true, entries: 3 });
      expect(readHeadFile(auditPaths(dataDir).head)).toEqual({ seq: 3, hash: third!.hash });
      await log.close();
      const db = new Database(auditPaths(dataDir).db, { readonly: true });
      expect(db.pragma('user_version', { simple: true })).toBe(1);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      db.close();
    }));

  it('records a head mismatch found at open (last row removed while stopped), so the next append cannot hide it', () =>
    withDir(async (dataDir) => {
      let log = await SqliteAuditLog.open({ dataDir });
      await log.append([moved(1), moved(2), moved(3)]);
      await log.close();
      const db = tamperer(dataDir);
      db.prepare('DELETE FROM audit_log WHERE seq = 3').run();
      db.close();
      expect(SqliteAuditLog.verifyDataDir(dataDir)).toMatchObject({ ok: false, seq: 3, problem: 'tail-removed' });
      log = await SqliteAuditLog.open({ dataDir });
      await log.append([moved(4)]);
      const result = await log.verify();
      expect(result).toMatchObject({ ok: false, seq: 3, problem: 'head-mismatch-recorded' });
      const recorded = (await log.query({ actions: ['audit.head_mismatch'] })).entries[0]!;
      expect(JSON.parse(recorded.before!)).toMatchObject({ head: { seq: 3 } });
      expect(JSON.parse(recorded.after!)).toMatchObject({ last: { seq: 2 } });
      await log.close();
    }));

  it('accepts both ends of an append interrupted between commit and anchor update, and nothing else', () =>
    withDir(async (dataDir) => {
      const log = await SqliteAuditLog.open({ dataDir });
      const [a, b] = await log.append([moved(1), moved(2)]);
      const head = auditPaths(dataDir).head;
      // Crash after the commit of seq 2, before the final anchor write.
      writeFileSync(head, JSON.stringify({ seq: 1, hash: a!.hash, next: { seq: 2, hash: b!.hash } }));
      expect(await log.verify()).toMatchObject({ ok: true, entries: 2 });
      // Crash before the commit of seq 3.
      writeFileSync(head, JSON.stringify({ seq: 2, hash: b!.hash, next: { seq: 3, hash: 'a'.repeat(64) } }));
      expect(await log.verify()).toMatchObject({ ok: true, entries: 2 });
      // An anchor further ahead: the end was removed.
      writeFileSync(head, JSON.stringify({ seq: 3, hash: 'a'.repeat(64), next: { seq: 4, hash: 'b'.repeat(64) } }));
      expect(await log.verify()).toMatchObject({ ok: false, seq: 3, problem: 'tail-removed' });
      writeFileSync(head, 'not json');
      expect(await log.verify()).toMatchObject({ ok: false, seq: null, problem: 'head-unreadable' });
      rmSync(head);
      expect(await log.verify()).toMatchObject({ ok: false, seq: null, problem: 'head-missing' });
      await log.close();
    }));

  it('verifies a data directory read-only, and an empty one as intact', () =>
    withDir(async (dataDir) => {
      expect(SqliteAuditLog.verifyDataDir(dataDir)).toEqual({ ok: true, entries: 0, head: null });
      const log = await SqliteAuditLog.open({ dataDir });
      await log.append([moved(1)]);
      expect(SqliteAuditLog.verifyDataDir(dataDir)).toMatchObject({ ok: true, entries: 1 });
      await log.close();
    }));
});
