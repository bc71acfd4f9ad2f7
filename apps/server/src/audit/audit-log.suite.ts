// The behaviour every AuditLog implementation must have, including tamper detection. Each
// implementation supplies a harness that tampers with its storage the way someone with write
// access to it could (bypassing the log, which has no update or delete).
import { afterEach, describe, expect, it } from 'vitest';
import type { AuditAction } from './audit-actions';
import { GENESIS_HASH, hashEntry } from './audit-hash';
import type { AuditEntry, AuditEvent, AuditLog } from './audit-log';
import { chainEntries } from './chain';

export type TamperColumn = Exclude<keyof AuditEntry, never>;

export interface AuditLogHarness {
  readonly log: AuditLog;
  /** Sets one stored field of one row, as a direct edit of the storage would. */
  edit(seq: number, column: TamperColumn, value: string | number | null): Promise<void>;
  remove(seq: number): Promise<void>;
  /** Stores a row as given (no chaining). */
  insertRaw(entry: AuditEntry): Promise<void>;
  /** Adds `delta` to the seq of every row from `fromSeq` on. */
  renumber(fromSeq: number, delta: number): Promise<void>;
  cleanup(): Promise<void>;
}

const event = (i: number, over: Partial<AuditEvent> = {}): AuditEvent => ({
  at: 1_000 + i,
  actor: `user-${i % 3}`,
  action: 'annotation.moved',
  projectId: i % 2 === 0 ? 'proj-even' : 'proj-odd',
  studyUid: `1.2.${i % 2}`,
  room: `p/proj/s/1.2.${i % 2}`,
  targetId: `box-${i}`,
  before: { geometry: { x: i, y: 1 } },
  after: { geometry: { x: i + 1, y: 1 } },
  ...over,
});

export function runAuditLogTests(name: string, setup: () => Promise<AuditLogHarness>): void {
  describe(`${name}: the AuditLog contract`, () => {
    let harness: AuditLogHarness | undefined;
    const open = async () => (harness = await setup());
    afterEach(async () => {
      await harness?.cleanup();
      harness = undefined;
    });

    /** A log with `n` entries from one append each. */
    const filled = async (n = 5) => {
      const h = await open();
      for (let i = 1; i <= n; i++) await h.log.append([event(i)]);
      return h;
    };

    it('chains entries from the genesis hash, seq 1, 2, 3... and hashes every field', async () => {
      const { log } = await open();
      const [first, second] = await log.append([event(1), event(2, { before: undefined, after: null })]);
      expect(first).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, actor: 'user-1', action: 'annotation.moved', targetId: 'box-1' });
      expect(first!.hash).toBe(hashEntry(first!));
      expect(second).toMatchObject({ seq: 2, prevHash: first!.hash, before: null, after: null });
      const [third] = await log.append([event(3)]);
      expect(third).toMatchObject({ seq: 3, prevHash: second!.hash });
    });

    it('stores before and after as canonical JSON, with keys sorted', async () => {
      const { log } = await open();
      const [entry] = await log.append([event(1, { before: { b: 1, a: { d: 2, c: 3 } } })]);
      expect(entry!.before).toBe('{"a":{"c":3,"d":2},"b":1}');
      expect((await log.query()).entries[0]).toEqual(entry);
    });

    it('appends nothing for an empty batch', async () => {
      const { log } = await open();
      expect(await log.append([])).toEqual([]);
      expect(await log.verify()).toEqual({ ok: true, entries: 0, head: null });
    });

    it('filters by project, study, actor, action and time, and pages with a cursor both ways', async () => {
      const { log } = await filled(10);
      await log.append([event(11, { action: 'auth.login_failed', projectId: null, studyUid: null, actor: null })]);
      const seqs = async (filter: Parameters<AuditLog['query']>[0]) => (await log.query(filter)).entries.map((e) => e.seq);
      expect(await seqs({ projectId: 'proj-even' })).toEqual([2, 4, 6, 8, 10]);
      expect(await seqs({ studyUid: '1.2.1', actor: 'user-1' })).toEqual([1, 7]);
      expect(await seqs({ actions: ['auth.login_failed' as AuditAction] })).toEqual([11]);
      expect(await seqs({ actions: [] })).toEqual([]);
      expect(await seqs({ from: 1_003, to: 1_006 })).toEqual([3, 4, 5]);
      const page1 = await log.query({ limit: 4 });
      expect(page1.entries.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(page1.nextCursor).toBe(4);
      expect(await seqs({ limit: 4, cursor: 4 })).toEqual([5, 6, 7, 8]);
      expect((await log.query({ limit: 4, cursor: 8 })).nextCursor).toBeNull();
      expect(await seqs({ order: 'desc', limit: 3 })).toEqual([11, 10, 9]);
      expect(await seqs({ order: 'desc', limit: 3, cursor: 9, projectId: 'proj-odd' })).toEqual([7, 5, 3]);
    });

    it('verifies an untouched log, and one with several batches', async () => {
      const { log } = await filled(5);
      await log.append([event(6), event(7), event(8)]);
      const result = await log.verify();
      expect(result).toMatchObject({ ok: true, entries: 8 });
      expect(result.ok && result.head?.seq).toBe(8);
    });

    const columns: Array<[TamperColumn, string | number | null]> = [
      ['at', 5],
      ['actor', 'someone-else'],
      ['action', 'annotation.deleted'],
      ['projectId', 'other-project'],
      ['studyUid', '9.9.9'],
      ['room', 'elsewhere'],
      ['targetId', 'box-99'],
      ['before', '{"geometry":{"x":0,"y":0}}'],
      ['after', null],
      ['prevHash', GENESIS_HASH.replace(/^0/, '1')],
      ['hash', 'f'.repeat(64)],
    ];
    for (const [column, value] of columns) {
      it(`fails verification naming the row when its ${column} was edited`, async () => {
        const h = await filled(5);
        await h.edit(3, column, value);
        expect(await h.log.verify()).toMatchObject({ ok: false, seq: 3, problem: 'hash-mismatch', entries: 2 });
      });
    }

    it('fails verification as a removed row when a seq was edited', async () => {
      const h = await filled(5);
      await h.edit(3, 'seq', 1_000);
      expect(await h.log.verify()).toMatchObject({ ok: false, seq: 3, problem: 'seq-gap' });
    });

    it('fails verification when the first, a middle or the last row was removed', async () => {
      for (const [removed, expected] of [
        [1, { seq: 1, problem: 'seq-gap' }],
        [3, { seq: 3, problem: 'seq-gap' }],
        [5, { seq: 5, problem: 'tail-removed' }],
      ] as const) {
        const h = await filled(5);
        await h.remove(removed);
        const result = await h.log.verify();
        expect(result, `removing seq ${removed}`).toMatchObject({ ok: false, ...expected });
        expect(!result.ok && result.message).toMatch(/removed/);
        await h.cleanup();
        harness = undefined;
      }
    });

    it('fails verification when every row was removed', async () => {
      const h = await filled(2);
      await h.remove(1);
      await h.remove(2);
      expect(await h.log.verify()).toMatchObject({ ok: false, seq: 1, problem: 'tail-removed' });
    });

    it('fails verification when a well-formed row was appended behind the log\'s back', async () => {
      const h = await filled(5);
      const last = (await h.log.query({ order: 'desc', limit: 1 })).entries[0]!;
      const [forged] = chainEntries(last, [event(6, { actor: 'mallory' })], () => 0);
      await h.insertRaw(forged!);
      expect(await h.log.verify()).toMatchObject({ ok: false, seq: 6, problem: 'unanchored-rows' });
    });

    it('fails verification as an insertion when a self-consistent row replaces another', async () => {
      const h = await filled(5);
      const second = (await h.log.query({ cursor: 1, limit: 1 })).entries[0]!;
      const [forged] = chainEntries(second, [event(3, { actor: 'mallory' })], () => 0);
      await h.remove(3);
      await h.insertRaw(forged!);
      expect(await h.log.verify()).toMatchObject({ ok: false, seq: 4, problem: 'prev-hash-mismatch' });
    });

    it('fails verification when a row was inserted in the middle and later rows renumbered and re-hashed', async () => {
      const h = await filled(5);
      const rows = (await h.log.query()).entries;
      const [forged] = chainEntries(rows[1]!, [event(3, { actor: 'mallory' })], () => 0);
      await h.renumber(3, 1);
      await h.insertRaw(forged!);
      for (const row of rows.slice(2)) {
        const moved = { ...row, seq: row.seq + 1 };
        await h.edit(moved.seq, 'hash', hashEntry(moved));
      }
      expect(await h.log.verify()).toMatchObject({ ok: false, seq: 4, problem: 'prev-hash-mismatch' });
    });

    it('fails verification when the whole chain was recomputed over changed rows (only the anchor shows it)', async () => {
      const h = await filled(3);
      const rows = (await h.log.query()).entries;
      await h.remove(3);
      const [rewritten] = chainEntries(rows[1]!, [event(3, { actor: 'mallory' })], () => 0);
      await h.insertRaw(rewritten!);
      expect(await h.log.verify()).toMatchObject({ ok: false, seq: 3, problem: 'head-rewritten' });
    });
  });
}
