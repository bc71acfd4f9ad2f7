import type { AuditAction } from './audit-actions';

/** Something that happened, as handed to the log. `before` / `after` are JSON-serializable. */
export interface AuditEvent {
  /** Epoch milliseconds; defaults to the time of the append. */
  readonly at?: number;
  /** User id of who did it; null for the system (or an unknown user, e.g. a failed login). */
  readonly actor: string | null;
  readonly action: AuditAction;
  readonly projectId?: string | null;
  readonly studyUid?: string | null;
  readonly room?: string | null;
  /** What was acted on: an annotation id, image state key, comment id, user id... */
  readonly targetId?: string | null;
  readonly before?: unknown;
  readonly after?: unknown;
}

/**
 * One row of the chain. `before` / `after` are the canonical JSON text that was hashed (null when
 * absent). `hash` = SHA-256 over every other field and `prevHash` (see `audit-hash.ts`).
 */
export interface AuditEntry {
  readonly seq: number;
  readonly at: number;
  readonly actor: string | null;
  /** An `AuditAction`; typed as text because verification reads rows as stored. */
  readonly action: string;
  readonly projectId: string | null;
  readonly studyUid: string | null;
  readonly room: string | null;
  readonly targetId: string | null;
  readonly before: string | null;
  readonly after: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

/** Query filters; all optional and combined with AND. */
export interface AuditFilter {
  readonly projectId?: string;
  readonly studyUid?: string;
  readonly actor?: string;
  /** Any of these actions. */
  readonly actions?: readonly AuditAction[];
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
  /** Default 100, at most 1000. */
  readonly limit?: number;
  /** Continue after this seq (exclusive), in the direction of `order`. */
  readonly cursor?: number;
  /** By seq; default `asc` (oldest first). */
  readonly order?: 'asc' | 'desc';
}

export interface AuditPage {
  readonly entries: AuditEntry[];
  /** Pass as `cursor` for the next page; null when this page is the last. */
  readonly nextCursor: number | null;
}

/** The latest seq and hash, kept outside the table (`audit.head`) so removing the last rows shows. */
export interface HeadAnchor {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The anchor file's content. During an append it also names the state being committed (`next`),
 * so a crash between the database commit and the final head write is not mistaken for tampering.
 */
export interface HeadState extends HeadAnchor {
  readonly next?: HeadAnchor;
}

export const VERIFY_PROBLEMS = [
  'seq-gap',
  'hash-mismatch',
  'prev-hash-mismatch',
  'head-mismatch-recorded',
  'tail-removed',
  'unanchored-rows',
  'head-rewritten',
  'head-missing',
  'head-unreadable',
] as const;
export type VerifyProblem = (typeof VERIFY_PROBLEMS)[number];

export type VerifyResult =
  | { readonly ok: true; readonly entries: number; readonly head: HeadAnchor | null }
  | {
      readonly ok: false;
      /** Rows checked before the break. */
      readonly entries: number;
      /** The first broken seq (null when the anchor file itself is the problem). */
      readonly seq: number | null;
      readonly problem: VerifyProblem;
      readonly message: string;
    };

/**
 * Append-only, hash-chained audit trail. There is deliberately no update or delete. Implementations
 * run `runAuditLogTests` (audit-log.suite.ts).
 */
export interface AuditLog {
  /** Appends the events in one transaction, in order; resolves with the stored entries. */
  append(events: readonly AuditEvent[]): Promise<AuditEntry[]>;
  query(filter?: AuditFilter): Promise<AuditPage>;
  /** Recomputes the chain from the first row and checks the head anchor. */
  verify(): Promise<VerifyResult>;
  close(): Promise<void>;
}

export const DEFAULT_QUERY_LIMIT = 100;
export const MAX_QUERY_LIMIT = 1000;
