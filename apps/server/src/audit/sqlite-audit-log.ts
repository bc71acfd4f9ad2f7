import { existsSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { plaintextCipher, type FieldCipher } from '../crypto/data-cipher';
import type { AuditEntry, AuditEvent, AuditFilter, AuditLog, AuditPage, HeadAnchor, HeadState, VerifyResult } from './audit-log';
import { AUDIT_SCHEMA_VERSION, migrateAudit } from './audit-migrations';
import { chainEntries, EMPTY_HEAD, matchesHead, verifyChain } from './chain';
import { readHeadFile, sameHead, writeHeadFile } from './head-file';
import { pageLimit } from './memory-audit-log';

interface Row {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  project_id: string | null;
  study_uid: string | null;
  room: string | null;
  target_id: string | null;
  before_json: string | null;
  after_json: string | null;
  prev_hash: string;
  hash: string;
}

/**
 * Associated data of an encrypted `before_json` / `after_json` (encryption at rest): the row's
 * seq and column. The hash chain covers the plaintext, so re-encryption under a new key keeps it.
 */
export const auditAd = (seq: number, column: 'before_json' | 'after_json') => `audit/${seq}/${column}`;

const openJson = (cipher: FieldCipher, value: string | null, seq: number, column: 'before_json' | 'after_json') =>
  value === null ? null : cipher.decrypt(value, auditAd(seq, column));

/** The row as stored: before/after sealed when encryption at rest is on. */
const sealEntry = (cipher: FieldCipher, e: AuditEntry): AuditEntry => ({
  ...e,
  before: e.before === null ? null : cipher.encrypt(e.before, auditAd(e.seq, 'before_json')),
  after: e.after === null ? null : cipher.encrypt(e.after, auditAd(e.seq, 'after_json')),
});

const fromRow = (cipher: FieldCipher, r: Row): AuditEntry => ({
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  projectId: r.project_id,
  studyUid: r.study_uid,
  room: r.room,
  targetId: r.target_id,
  before: openJson(cipher, r.before_json, r.seq, 'before_json'),
  after: openJson(cipher, r.after_json, r.seq, 'after_json'),
  prevHash: r.prev_hash,
  hash: r.hash,
});

/** Where the log of a data directory lives. */
export const auditPaths = (dataDir: string) => ({ db: join(dataDir, 'audit.db'), head: join(dataDir, 'audit.head') });

const LAST_SQL = 'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1';

function pragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('busy_timeout = 5000');
}

/**
 * The audit log in `<dataDir>/audit.db` (WAL, synchronous=FULL) with its head anchor in
 * `<dataDir>/audit.head`. One process appends (the server); others may read and verify.
 */
export class SqliteAuditLog implements AuditLog {
  readonly #db: Database.Database;
  readonly #headPath: string;
  readonly #now: () => number;
  readonly #insert: Database.Statement;
  readonly #last: Database.Statement<[], HeadAnchor>;
  readonly #queries = new Map<string, Database.Statement>();
  readonly #cipher: FieldCipher;

  private constructor(db: Database.Database, headPath: string, now: () => number, cipher: FieldCipher) {
    this.#db = db;
    this.#cipher = cipher;
    this.#headPath = headPath;
    this.#now = now;
    this.#insert = db.prepare(
      `INSERT INTO audit_log (seq, at, actor, action, project_id, study_uid, room, target_id, before_json, after_json, prev_hash, hash)
       VALUES (@seq, @at, @actor, @action, @projectId, @studyUid, @room, @targetId, @before, @after, @prevHash, @hash)`,
    );
    this.#last = db.prepare(LAST_SQL);
  }

  /**
   * Opens (creating and migrating) the log of a data directory. If the table does not end where
   * `audit.head` says (rows removed or added while the server was stopped, or the anchor deleted),
   * that is itself recorded as an `audit.head_mismatch` entry before anything else is appended, so
   * the next append, which rewrites the anchor, cannot hide it.
   */
  static async open(options: { dataDir: string; now?: () => number; cipher?: FieldCipher }): Promise<SqliteAuditLog> {
    const paths = auditPaths(options.dataDir);
    const db = new Database(paths.db);
    try {
      pragmas(db);
      migrateAudit(db);
    } catch (error) {
      db.close();
      throw error;
    }
    const log = new SqliteAuditLog(db, paths.head, options.now ?? Date.now, options.cipher ?? plaintextCipher);
    try {
      const head = readHeadFile(paths.head);
      const last = log.#last.get() ?? EMPTY_HEAD;
      if (head === 'unreadable' || !matchesHead(last, head)) {
        await log.append([
          {
            actor: null,
            action: 'audit.head_mismatch',
            before: head === 'unreadable' ? { head: 'unreadable' } : { head },
            after: { last },
          },
        ]);
      }
    } catch (error) {
      db.close();
      throw error;
    }
    return log;
  }

  /**
   * Verifies a data directory's log without changing anything (the `audit verify` command):
   * read-only, and usable while a server is appending.
   */
  static verifyDataDir(dataDir: string, cipher: FieldCipher = plaintextCipher): VerifyResult {
    const paths = auditPaths(dataDir);
    if (!existsSync(paths.db)) return verifyChain([], readHeadFile(paths.head));
    const db = new Database(paths.db, { readonly: true, fileMustExist: true });
    try {
      db.pragma('busy_timeout = 5000');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version === 0) return verifyChain([], readHeadFile(paths.head));
      if (version > AUDIT_SCHEMA_VERSION) throw new Error(`audit.db is at schema version ${version}; this program knows ${AUDIT_SCHEMA_VERSION}`);
      return verifyConsistent(db, paths.head, cipher);
    } finally {
      db.close();
    }
  }

  async append(events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    if (events.length === 0) return [];
    const commit = this.#db.transaction((): AuditEntry[] => {
      // Read the last row inside the write transaction, so the chain is continued from what is stored.
      const last = this.#last.get() ?? EMPTY_HEAD;
      const entries = chainEntries(last, events, this.#now);
      const end = entries.at(-1)!;
      // Before the commit the anchor allows both the old and the new end (see HeadState).
      writeHeadFile(this.#headPath, { seq: last.seq, hash: last.hash, next: { seq: end.seq, hash: end.hash } });
      for (const entry of entries) this.#insert.run(sealEntry(this.#cipher, entry));
      return entries;
    });
    const entries = commit.immediate();
    const end = entries.at(-1)!;
    writeHeadFile(this.#headPath, { seq: end.seq, hash: end.hash });
    return entries;
  }

  async query(filter: AuditFilter = {}): Promise<AuditPage> {
    const where: string[] = [];
    const params: Record<string, unknown> = {};
    const desc = filter.order === 'desc';
    if (filter.projectId !== undefined) (where.push('project_id = @projectId'), (params.projectId = filter.projectId));
    if (filter.studyUid !== undefined) (where.push('study_uid = @studyUid'), (params.studyUid = filter.studyUid));
    if (filter.actor !== undefined) (where.push('actor = @actor'), (params.actor = filter.actor));
    if (filter.from !== undefined) (where.push('at >= @from'), (params.from = filter.from));
    if (filter.to !== undefined) (where.push('at < @to'), (params.to = filter.to));
    if (filter.cursor !== undefined) (where.push(desc ? 'seq < @cursor' : 'seq > @cursor'), (params.cursor = filter.cursor));
    if (filter.actions !== undefined) {
      if (filter.actions.length === 0) return { entries: [], nextCursor: null };
      where.push(`action IN (${filter.actions.map((_, i) => `@action${i}`).join(', ')})`);
      filter.actions.forEach((a, i) => (params[`action${i}`] = a));
    }
    const limit = pageLimit(filter.limit);
    params.limit = limit + 1;
    const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY seq ${desc ? 'DESC' : 'ASC'} LIMIT @limit`;
    let statement = this.#queries.get(sql);
    if (!statement) this.#queries.set(sql, (statement = this.#db.prepare(sql)));
    const entries = (statement.all(params) as Row[]).map((row) => fromRow(this.#cipher, row));
    const more = entries.length > limit;
    if (more) entries.pop();
    return { entries, nextCursor: more ? entries.at(-1)!.seq : null };
  }

  async verify(): Promise<VerifyResult> {
    return verifyConsistent(this.#db, this.#headPath, this.#cipher);
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/**
 * Reads the anchor and the rows as of one moment. The anchor is read before and after the read
 * transaction starts; if a writer changed it in between, try again. (A writer changes the anchor
 * before and after every commit, so an unchanged anchor means the snapshot and it agree.)
 */
function verifyConsistent(db: Database.Database, headPath: string, cipher: FieldCipher): VerifyResult {
  const rows = db.prepare('SELECT * FROM audit_log ORDER BY seq');
  for (let attempt = 0; ; attempt++) {
    const before: HeadState | null | 'unreadable' = readHeadFile(headPath);
    db.exec('BEGIN');
    try {
      db.prepare('SELECT count(*) FROM audit_log').get(); // starts the read snapshot
      const after = readHeadFile(headPath);
      if (!sameHead(before, after) && attempt < 20) continue;
      return verifyChain(mapRows(rows.iterate() as IterableIterator<Row>, cipher), after);
    } finally {
      db.exec('COMMIT');
    }
  }
}

function* mapRows(rows: IterableIterator<Row>, cipher: FieldCipher): Generator<AuditEntry> {
  for (const row of rows) yield fromRow(cipher, row);
}
