import { can, canWriteDocument, type Role } from './permissions';
import { hasSubmitted, type ReadingSession } from './reading-session';
import type { RoomScope } from './room-name';

/**
 * Which study documents a project member may open, and how, by reading-session phase
 * (docs/reading-sessions.md, "Who may open which room, by phase"). Pure; the server's sync door
 * adds the membership checks around it.
 */

/** What the room rules read of a session. */
export type ReadingRoomSession = Pick<ReadingSession, 'phase' | 'readers' | 'submitted' | 'readersMayDiscuss' | 'revealed'>;

/**
 * How a member takes part in a study's session:
 * - `trainee`: the trainee role (reads in their own document; sees others' only when revealed);
 * - `reader`: the reader role, or anyone assigned as a reader (whatever their role now: an
 *   assigned reader stays blinded until unassigned);
 * - `lead`: adjudicators and admins;
 * - `watcher`: observers and reviewers.
 */
export type ReadingSeat = 'trainee' | 'reader' | 'lead' | 'watcher';

export function seatOf(userId: string, role: Role, session: Pick<ReadingSession, 'readers'>): ReadingSeat {
  if (role === 'trainee') return 'trainee';
  if (role === 'reader' || session.readers.includes(userId)) return 'reader';
  if (can(role, 'adjudicate')) return 'lead';
  return 'watcher';
}

export const READING_ROOM_REFUSALS = ['blinded_read', 'not_your_document', 'cannot_see_others'] as const;
export type ReadingRoomRefusal = (typeof READING_ROOM_REFUSALS)[number];

/**
 * Why a granted room is read-only: the role may not write documents; the room is another
 * user's read; the caller's read is submitted; the phase allows no writing there.
 */
export const READ_ONLY_CAUSES = ['role', 'not_owner', 'submitted', 'phase'] as const;
export type ReadOnlyCause = (typeof READ_ONLY_CAUSES)[number];

export type ReadingRoomDecision =
  | { readonly ok: true; readonly readOnly: false }
  | { readonly ok: true; readonly readOnly: true; readonly because: ReadOnlyCause }
  | { readonly ok: false; readonly reason: ReadingRoomRefusal };

const WRITE: ReadingRoomDecision = { ok: true, readOnly: false };
const readOnly = (because: ReadOnlyCause): ReadingRoomDecision => ({ ok: true, readOnly: true, because });
const refused = (reason: ReadingRoomRefusal): ReadingRoomDecision => ({ ok: false, reason });

function sharedRoom(userId: string, seat: ReadingSeat, s: ReadingRoomSession): ReadingRoomDecision {
  if (seat === 'trainee') return refused(s.phase === 'blinded' ? 'blinded_read' : 'cannot_see_others');
  if (seat === 'reader' && s.phase === 'blinded') return refused('blinded_read');
  if (s.phase !== 'open') return readOnly('phase');
  // In an open session a reader's read is their part of the shared document: locked once submitted.
  return hasSubmitted(s, userId) ? readOnly('submitted') : WRITE;
}

function ownRoom(userId: string, s: ReadingRoomSession): ReadingRoomDecision {
  if (hasSubmitted(s, userId)) return readOnly('submitted');
  return s.phase === 'open' || s.phase === 'blinded' ? WRITE : readOnly('phase');
}

function othersRoom(seat: ReadingSeat, s: ReadingRoomSession): ReadingRoomDecision {
  switch (seat) {
    case 'lead':
      return readOnly('not_owner');
    case 'reader':
      return discussing(s) ? readOnly('not_owner') : refused('not_your_document');
    case 'trainee':
      return s.revealed ? readOnly('not_owner') : refused('not_your_document');
    case 'watcher':
      return refused('not_your_document');
  }
}

function consensusRoom(seat: ReadingSeat, s: ReadingRoomSession): ReadingRoomDecision {
  switch (seat) {
    case 'lead':
      return s.phase === 'adjudication' ? WRITE : readOnly('phase');
    case 'trainee':
      return s.revealed ? readOnly('not_owner') : refused('cannot_see_others');
    case 'watcher':
      return s.phase === 'blinded' ? refused('blinded_read') : readOnly('not_owner');
    case 'reader':
      return s.phase === 'open' || s.phase === 'final' || discussing(s) ? readOnly('not_owner') : refused('blinded_read');
  }
}

/** Readers may look at every read and the consensus: after reading, when the flag allows. */
const discussing = (s: ReadingRoomSession) => (s.phase === 'adjudication' || s.phase === 'final') && s.readersMayDiscuss;

function bySession(userId: string, role: Role, scope: RoomScope, s: ReadingRoomSession): ReadingRoomDecision {
  const seat = seatOf(userId, role, s);
  switch (scope.type) {
    case 'shared':
      return sharedRoom(userId, seat, s);
    case 'reader':
      return scope.userId === userId ? ownRoom(userId, s) : othersRoom(seat, s);
    case 'consensus':
      return consensusRoom(seat, s);
  }
}

/**
 * Whether a member with `role` may open the study room `scope` under the session, and whether
 * read-only. By room:
 *
 * - shared: `open` as the role allows (an open session hides nothing), except that a submitted
 *   read is locked; `blinded`: readers and trainees refused (`blinded_read`), read-only for the
 *   others; `adjudication`/`final`: read-only. Trainees never (`cannot_see_others`).
 * - own `r/<me>`: writable while `open`/`blinded` and not submitted; read-only afterwards.
 * - another's `r/<u>`: adjudicators and admins read-only in any phase; readers read-only in
 *   `adjudication`/`final` when `readersMayDiscuss`; trainees read-only when `revealed`; refused
 *   otherwise (`not_your_document`).
 * - consensus: adjudicators and admins write only in `adjudication`, read it otherwise;
 *   observers and reviewers read it except in `blinded`; readers read it in `open`, `final`,
 *   and in `adjudication` when `readersMayDiscuss` (else `blinded_read`); trainees when
 *   `revealed` (else `cannot_see_others`).
 *
 * On top, roles that may not write documents (observers, reviewers) are read-only everywhere.
 */
export function decideReadingRoom(input: { readonly userId: string; readonly role: Role; readonly scope: RoomScope; readonly session: ReadingRoomSession }): ReadingRoomDecision {
  const decision = bySession(input.userId, input.role, input.scope, input.session);
  if (decision.ok && !decision.readOnly && !canWriteDocument(input.role)) return readOnly('role');
  return decision;
}

/**
 * The room a member should open for the study now (`myRoom`): trainees their own read; readers
 * the shared document in `open`, their own in `blinded` and in `adjudication` (the consensus when
 * `readersMayDiscuss`), the consensus in `final`; everyone else the shared document in
 * `open`/`blinded` and the consensus in `adjudication`/`final`. Always a room
 * `decideReadingRoom` grants.
 */
export function sessionRoomScope(userId: string, role: Role, session: ReadingRoomSession): RoomScope {
  const seat = seatOf(userId, role, session);
  if (seat === 'trainee') return { type: 'reader', userId };
  if (seat === 'reader') {
    switch (session.phase) {
      case 'open':
        return { type: 'shared' };
      case 'blinded':
        return { type: 'reader', userId };
      case 'adjudication':
        return session.readersMayDiscuss ? { type: 'consensus' } : { type: 'reader', userId };
      case 'final':
        return { type: 'consensus' };
    }
  }
  return session.phase === 'open' || session.phase === 'blinded' ? { type: 'shared' } : { type: 'consensus' };
}
