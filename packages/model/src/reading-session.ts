import { z } from 'zod';
import { can, type Role } from './permissions';
import { EpochMsSchema, UserIdSchema } from './primitives';

/**
 * Reading sessions (docs/reading-sessions.md): per project and study, who reads, who
 * adjudicates, which reads are submitted, and the phase that decides which documents each
 * participant may open. Pure: the server stores the session and calls these rules.
 */

export const READING_PHASES = ['open', 'blinded', 'adjudication', 'final'] as const;
export type ReadingPhase = (typeof READING_PHASES)[number];
export const ReadingPhaseSchema = z.enum(READING_PHASES);

/** Most readers (and adjudicators) one study may have assigned. */
export const MAX_ASSIGNED = 50;

const uniqueUsers = z
  .array(UserIdSchema)
  .max(MAX_ASSIGNED)
  .refine((ids) => new Set(ids).size === ids.length, 'a user is listed twice');

export const ReadingSessionSchema = z.strictObject({
  phase: ReadingPhaseSchema,
  /** Assigned readers (user ids). */
  readers: uniqueUsers,
  /** Assigned adjudicators; project adjudicators and admins may act anyway. */
  adjudicators: uniqueUsers,
  /** user id → when their read was submitted (epoch ms). A submitted read is locked. */
  submitted: z.record(UserIdSchema, EpochMsSchema),
  /** In adjudication/final, readers may look at every read and the consensus (read-only). */
  readersMayDiscuss: z.boolean(),
  /** Teaching: trainees' reads visible to other trainees, consensus visible to trainees. */
  revealed: z.boolean(),
});
export type ReadingSession = z.infer<typeof ReadingSessionSchema>;

/** The session of a study nobody configured: open, nobody assigned. */
export function defaultReadingSession(): ReadingSession {
  return { phase: 'open', readers: [], adjudicators: [], submitted: {}, readersMayDiscuss: false, revealed: false };
}

export const STUDY_STATUSES = ['unassigned', 'reading', 'waiting_for_adjudication', 'adjudicating', 'final'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

/** Whether `userId` submitted their read. */
export const hasSubmitted = (session: Pick<ReadingSession, 'submitted'>, userId: string): boolean =>
  Object.prototype.hasOwnProperty.call(session.submitted, userId);

/**
 * The worklist status: the phase decides `adjudicating` and `final`; before that, `unassigned`
 * without readers, `reading` while an assigned reader has not submitted, else
 * `waiting_for_adjudication`.
 */
export function studyStatus(session: Pick<ReadingSession, 'phase' | 'readers' | 'submitted'>): StudyStatus {
  switch (session.phase) {
    case 'final':
      return 'final';
    case 'adjudication':
      return 'adjudicating';
    case 'open':
    case 'blinded':
      if (session.readers.length === 0) return 'unassigned';
      return session.readers.every((r) => hasSubmitted(session, r)) ? 'waiting_for_adjudication' : 'reading';
  }
}

/** Who acts on a session: their project role (a global administrator acts as `admin`). */
export interface SessionActor {
  readonly userId: string;
  readonly role: Role;
}

export const SESSION_RULE_CODES = [
  /** The actor's role may not manage sessions (set phase, assign, set flags). */
  'not_allowed',
  /** Leaving `final` is for admins only. */
  'reopen_needs_admin',
  /** Only an assigned reader, or a trainee for their own read, submits. */
  'not_assigned',
  'already_submitted',
  /** Reads are submitted only while the phase is `open` or `blinded`. */
  'not_reading',
  /** An assigned reader must be a project member with the reader or trainee role. */
  'not_a_reader',
  /** An assigned adjudicator must be a project member with the adjudicator or admin role. */
  'not_an_adjudicator',
  /** Fewer project readers than asked for. */
  'not_enough_readers',
] as const;
export type SessionRuleCode = (typeof SESSION_RULE_CODES)[number];

export type SessionRuleResult = { readonly ok: true; readonly session: ReadingSession } | { readonly ok: false; readonly code: SessionRuleCode; readonly message: string };

const refuse = (code: SessionRuleCode, message: string): SessionRuleResult => ({ ok: false, code, message });
const done = (session: ReadingSession): SessionRuleResult => ({ ok: true, session });

/** Roles that may be assigned as readers, and as adjudicators. */
export const READER_ROLES: ReadonlySet<Role> = new Set<Role>(['reader', 'trainee']);
export const ADJUDICATOR_ROLES: ReadonlySet<Role> = new Set<Role>(['adjudicator', 'admin']);

/** Whether a role sets phases, assignments and flags: adjudicators and admins. */
export const mayManageSession = (role: Role): boolean => can(role, 'adjudicate');

/** Sets the phase: adjudicators and admins; leaving `final` (reopen) is admin only. */
export function setSessionPhase(session: ReadingSession, phase: ReadingPhase, actor: SessionActor): SessionRuleResult {
  if (!mayManageSession(actor.role)) return refuse('not_allowed', `your role (${actor.role}) may not set the phase`);
  if (session.phase === 'final' && phase !== 'final' && actor.role !== 'admin') return refuse('reopen_needs_admin', 'only an admin reopens a final study');
  return done({ ...session, phase });
}

/** Sets `readersMayDiscuss` and/or `revealed`: adjudicators and admins. */
export function setSessionFlags(
  session: ReadingSession,
  flags: Partial<Pick<ReadingSession, 'readersMayDiscuss' | 'revealed'>>,
  actor: SessionActor,
): SessionRuleResult {
  if (!mayManageSession(actor.role)) return refuse('not_allowed', `your role (${actor.role}) may not change the session flags`);
  return done({
    ...session,
    readersMayDiscuss: flags.readersMayDiscuss ?? session.readersMayDiscuss,
    revealed: flags.revealed ?? session.revealed,
  });
}

/** Whether `actor` may submit their own read now (and if not, why). */
export function submitRule(session: ReadingSession, actor: SessionActor): SessionRuleResult {
  if (!session.readers.includes(actor.userId) && actor.role !== 'trainee') return refuse('not_assigned', 'you are not an assigned reader of this study');
  if (hasSubmitted(session, actor.userId)) return refuse('already_submitted', 'your read is already submitted');
  if (session.phase !== 'open' && session.phase !== 'blinded') return refuse('not_reading', `reads are not submitted in the ${session.phase} phase`);
  return done(session);
}

/** Submits the actor's own read at `at` (epoch ms); a submitted read is locked for good. */
export function submitRead(session: ReadingSession, actor: SessionActor, at: number): SessionRuleResult {
  const rule = submitRule(session, actor);
  if (!rule.ok) return rule;
  return done({ ...session, submitted: { ...session.submitted, [actor.userId]: at } });
}

/**
 * Replaces the assigned readers and/or adjudicators: adjudicators and admins. Every reader must
 * be a member (`members`: user id → project role) with the reader or trainee role, every
 * adjudicator one with the adjudicator or admin role. Submissions are kept.
 */
export function assignSession(
  session: ReadingSession,
  change: { readonly readers?: readonly string[]; readonly adjudicators?: readonly string[] },
  actor: SessionActor,
  members: ReadonlyMap<string, Role>,
): SessionRuleResult {
  if (!mayManageSession(actor.role)) return refuse('not_allowed', `your role (${actor.role}) may not assign readers`);
  for (const id of change.readers ?? []) {
    const role = members.get(id);
    if (!role || !READER_ROLES.has(role)) return refuse('not_a_reader', `user ${id} is not a reader or trainee of the project`);
  }
  for (const id of change.adjudicators ?? []) {
    const role = members.get(id);
    if (!role || !ADJUDICATOR_ROLES.has(role)) return refuse('not_an_adjudicator', `user ${id} is not an adjudicator or admin of the project`);
  }
  return done({
    ...session,
    readers: change.readers ? [...new Set(change.readers)] : session.readers,
    adjudicators: change.adjudicators ? [...new Set(change.adjudicators)] : session.adjudicators,
  });
}

/**
 * The `count` candidates with the least load (studies they are assigned to read), ties broken by
 * user id: deterministic. Null when there are fewer candidates than `count`.
 */
export function pickLeastLoaded(candidates: readonly string[], load: ReadonlyMap<string, number>, count: number): string[] | null {
  const unique = [...new Set(candidates)];
  if (unique.length < count) return null;
  const loadOf = (id: string) => load.get(id) ?? 0;
  return unique.sort((a, b) => loadOf(a) - loadOf(b) || (a < b ? -1 : a > b ? 1 : 0)).slice(0, count);
}

/**
 * Assigns `perStudy` readers to each study in order, each time the least-loaded ones (ties by
 * user id), counting the assignments made so far: the loads end up at most one apart when they
 * started equal. Null when there are fewer candidates than `perStudy`.
 */
export function balanceReaders(
  studies: readonly string[],
  perStudy: number,
  candidates: readonly string[],
  initialLoad: ReadonlyMap<string, number>,
): Map<string, string[]> | null {
  const load = new Map(initialLoad);
  const out = new Map<string, string[]>();
  for (const study of studies) {
    const picked = pickLeastLoaded(candidates, load, perStudy);
    if (!picked) return null;
    for (const id of picked) load.set(id, (load.get(id) ?? 0) + 1);
    out.set(study, picked);
  }
  return out;
}

/** How many studies each user is an assigned reader of, over `sessions`. */
export function readerLoad(sessions: Iterable<Pick<ReadingSession, 'readers'>>): Map<string, number> {
  const load = new Map<string, number>();
  for (const s of sessions) for (const id of s.readers) load.set(id, (load.get(id) ?? 0) + 1);
  return load;
}
