import { canonicalJson, GENESIS_HASH, hashEntry } from './audit-hash';
import type { AuditEntry, AuditEvent, HeadAnchor, HeadState, VerifyProblem, VerifyResult } from './audit-log';

/** The anchor of an empty log. */
export const EMPTY_HEAD: HeadAnchor = Object.freeze({ seq: 0, hash: GENESIS_HASH });

const jsonOrNull = (value: unknown): string | null => (value === undefined || value === null ? null : canonicalJson(value));

/** Turns events into the chained entries that follow `last` (shared by every implementation). */
export function chainEntries(last: HeadAnchor, events: readonly AuditEvent[], now: () => number): AuditEntry[] {
  const entries: AuditEntry[] = [];
  let prev = last;
  for (const event of events) {
    const unhashed = {
      seq: prev.seq + 1,
      at: Math.floor(event.at ?? now()),
      actor: event.actor,
      action: event.action,
      projectId: event.projectId ?? null,
      studyUid: event.studyUid ?? null,
      room: event.room ?? null,
      targetId: event.targetId ?? null,
      before: jsonOrNull(event.before),
      after: jsonOrNull(event.after),
      prevHash: prev.hash,
    };
    const entry: AuditEntry = { ...unhashed, hash: hashEntry(unhashed) };
    entries.push(entry);
    prev = entry;
  }
  return entries;
}

/** The anchors a head file allows the log to end at: the head, and the batch being committed. */
const anchorsOf = (head: HeadState): HeadAnchor[] => (head.next ? [head, head.next] : [head]);

/** Whether the log ending at `last` agrees with the anchor file (`null`: no file). */
export function matchesHead(last: HeadAnchor, head: HeadState | null): boolean {
  if (!head) return last.seq === 0;
  return anchorsOf(head).some((a) => a.seq === last.seq && a.hash === last.hash);
}

/**
 * Recomputes the chain over `rows` (ordered by seq) and checks it ends where the anchor file says.
 * Reports the first problem: a missing seq means a removed row, a hash that does not match the
 * row's content an edited row, a prev_hash that does not match the previous row an inserted or
 * reordered one. A chain alone cannot show that its last rows were removed; the anchor can.
 */
export function verifyChain(rows: Iterable<AuditEntry>, head: HeadState | null | 'unreadable'): VerifyResult {
  let expected = 1;
  let prev: HeadAnchor = EMPTY_HEAD;
  let count = 0;
  const fail = (seq: number | null, problem: VerifyProblem, message: string): VerifyResult => ({ ok: false, entries: count, seq, problem, message });

  for (const row of rows) {
    if (row.seq !== expected) {
      return row.seq > expected
        ? fail(expected, 'seq-gap', `seq ${expected} is missing (the next row is seq ${row.seq}): a row was removed`)
        : fail(row.seq, 'seq-gap', `seq ${row.seq} appears after seq ${expected - 1}: the rows were renumbered`);
    }
    if (hashEntry(row) !== row.hash) {
      return fail(row.seq, 'hash-mismatch', `the hash of seq ${row.seq} does not match its content: the row was edited`);
    }
    if (row.prevHash !== prev.hash) {
      return fail(row.seq, 'prev-hash-mismatch', `prev_hash of seq ${row.seq} is not the hash of seq ${prev.seq}: a row was inserted or the rows were reordered`);
    }
    if (row.action === 'audit.head_mismatch') {
      return fail(row.seq, 'head-mismatch-recorded', `seq ${row.seq} records that at start the log did not match audit.head (rows were removed or added while the server was stopped)`);
    }
    prev = row;
    expected++;
    count++;
  }

  if (head === 'unreadable') return fail(null, 'head-unreadable', 'audit.head cannot be read: the anchor of the last entry was damaged');
  if (!head) {
    return count === 0 ? { ok: true, entries: 0, head: null } : fail(null, 'head-missing', `audit.head is missing, so removal of the last entries cannot be ruled out (log ends at seq ${prev.seq})`);
  }
  if (matchesHead(prev, head)) return { ok: true, entries: count, head: { seq: prev.seq, hash: prev.hash } };
  const anchors = anchorsOf(head);
  const lowest = Math.min(...anchors.map((a) => a.seq));
  const highest = Math.max(...anchors.map((a) => a.seq));
  if (prev.seq < highest && !anchors.some((a) => a.seq === prev.seq)) {
    if (prev.seq < lowest) return fail(prev.seq + 1, 'tail-removed', `seq ${prev.seq + 1} is missing: audit.head records seq ${head.seq}, the log ends at seq ${prev.seq}; rows were removed from the end`);
    return fail(prev.seq + 1, 'tail-removed', `seq ${prev.seq + 1} is missing: the log ends inside an append (seq ${lowest}..${highest})`);
  }
  if (prev.seq > highest) {
    return fail(highest + 1, 'unanchored-rows', `seq ${highest + 1} is not anchored: audit.head records seq ${highest}; rows were added outside the server`);
  }
  return fail(prev.seq, 'head-rewritten', `the hash of seq ${prev.seq} differs from the one in audit.head: the log was rewritten`);
}
