import type { AuditEntry, AuditEvent, AuditFilter, AuditLog, AuditPage, HeadState, VerifyResult } from './audit-log';
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT } from './audit-log';
import { chainEntries, EMPTY_HEAD, verifyChain } from './chain';

/** Whether an entry passes a filter (paging aside). Shared with tests. */
export function matchesFilter(entry: AuditEntry, filter: AuditFilter): boolean {
  return (
    (filter.projectId === undefined || entry.projectId === filter.projectId) &&
    (filter.studyUid === undefined || entry.studyUid === filter.studyUid) &&
    (filter.actor === undefined || entry.actor === filter.actor) &&
    (filter.actions === undefined || (filter.actions as readonly string[]).includes(entry.action)) &&
    (filter.from === undefined || entry.at >= filter.from) &&
    (filter.to === undefined || entry.at < filter.to)
  );
}

/** Clamps a requested page size to 1..MAX_QUERY_LIMIT. */
export const pageLimit = (limit: number | undefined): number => Math.max(1, Math.min(MAX_QUERY_LIMIT, Math.floor(limit ?? DEFAULT_QUERY_LIMIT)));

/**
 * The audit log in memory, for tests. `rows` and `head` are exposed (for tamper tests) the way
 * a database file is exposed to whoever can open it; the class itself only appends.
 */
export class MemoryAuditLog implements AuditLog {
  /** The stored rows, in seq order. Tests may tamper with them. */
  readonly rows: AuditEntry[] = [];
  /** The anchor kept apart from the rows (the `audit.head` file of the SQLite log). */
  head: HeadState | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  async append(events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    if (events.length === 0) return [];
    const entries = chainEntries(this.rows.at(-1) ?? EMPTY_HEAD, events, this.now);
    this.rows.push(...entries);
    const last = entries.at(-1)!;
    this.head = { seq: last.seq, hash: last.hash };
    return entries;
  }

  async query(filter: AuditFilter = {}): Promise<AuditPage> {
    const limit = pageLimit(filter.limit);
    const desc = filter.order === 'desc';
    const ordered = desc ? [...this.rows].reverse() : this.rows;
    const entries: AuditEntry[] = [];
    for (const entry of ordered) {
      if (filter.cursor !== undefined && (desc ? entry.seq >= filter.cursor : entry.seq <= filter.cursor)) continue;
      if (!matchesFilter(entry, filter)) continue;
      entries.push(entry);
      if (entries.length === limit + 1) break;
    }
    const more = entries.length > limit;
    if (more) entries.pop();
    return { entries, nextCursor: more ? entries.at(-1)!.seq : null };
  }

  async verify(): Promise<VerifyResult> {
    return verifyChain([...this.rows].sort((a, b) => a.seq - b.seq), this.head);
  }

  async close(): Promise<void> {}
}
