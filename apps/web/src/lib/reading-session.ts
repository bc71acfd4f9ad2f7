import {
  decideReadingRoom,
  hasSubmitted,
  parseRoomName,
  type ReadingPhase,
  type ReadingSession,
  type Role,
  type StudyRoom,
  type StudyStatus,
} from '@readingroom/model';

export { hasSubmitted };

/**
 * The reading session of one study as `GET /api/projects/:id/studies/:studyUid/session` answers
 * it (docs/reading-sessions.md; the server's `SessionView`).
 */
export interface ReadingSessionView extends Readonly<ReadingSession> {
  readonly projectId: string;
  readonly studyInstanceUid: string;
  readonly status: StudyStatus;
  /** The sync room the caller should open now. */
  readonly myRoom: string;
  /** The caller's own read: none expected, in progress, or submitted. */
  readonly myRead: 'none' | 'reading' | 'submitted';
  readonly canSubmit: boolean;
  /** The caller may write the consensus now. */
  readonly canAdjudicate: boolean;
  /** The caller may set the phase, assignment and flags. */
  readonly canManage: boolean;
  /** Names of the assigned readers and adjudicators (and, for managers, of every candidate). */
  readonly people: Readonly<Record<string, SessionPerson>>;
  /** Only for those who manage the session: every member who may be assigned as a reader. */
  readonly candidates?: readonly ReaderCandidate[];
}

/** A user a session view names. `role` is their project role; null when no longer a member. */
export interface SessionPerson {
  readonly username: string;
  readonly role: string | null;
}

/** A project member who may be assigned as a reader. */
export interface ReaderCandidate {
  readonly id: string;
  readonly username: string;
  readonly role: 'reader' | 'trainee';
}

/** The username of `userId` when the session view names them, else `fallback` (e.g. "Reader 2"). */
export function personName(view: Pick<ReadingSessionView, 'people'> | null, userId: string, fallback: string): string {
  return view?.people[userId]?.username ?? fallback;
}

export type SessionFlags = Pick<ReadingSession, 'readersMayDiscuss' | 'revealed'>;

/** What the caller does for a study of the worklist. */
export type WorklistTask = 'read' | 'adjudicate' | null;

/** One study of `GET /api/projects/:id/worklist`. */
export interface WorklistEntry {
  readonly studyInstanceUid: string;
  readonly phase: ReadingPhase;
  readonly status: StudyStatus;
  readonly readerCount: number;
  /** The assigned readers (user ids). */
  readonly readers: readonly string[];
  readonly submittedCount: number;
  readonly task: WorklistTask;
  readonly submitted: boolean;
  readonly myRoom: string;
}

export const STATUS_TEXT: Readonly<Record<StudyStatus, string>> = {
  unassigned: 'Unassigned',
  reading: 'Reading',
  waiting_for_adjudication: 'Waiting for adjudication',
  adjudicating: 'Adjudicating',
  final: 'Final',
};

export const PHASE_TEXT: Readonly<Record<ReadingPhase, string>> = {
  open: 'Open session',
  blinded: 'Blinded read',
  adjudication: 'Adjudication',
  final: 'Final',
};

/** The room named by `myRoom`, parsed (null when it is not a study room). */
export function myStudyRoom(view: Pick<ReadingSessionView, 'myRoom'>): StudyRoom | null {
  return parseRoomName(view.myRoom);
}

/**
 * How the caller may use `myRoom` now, by the same rules the server's sync door applies
 * (`decideReadingRoom`): the page offers no edit the server would refuse.
 */
export function myRoomAccess(view: ReadingSessionView, userId: string, role: Role) {
  const room = myStudyRoom(view);
  if (!room) return null;
  return decideReadingRoom({ userId, role, scope: room.scope, session: view });
}

/** Whether the caller may write to `myRoom` (role and session together). */
export function mayWriteMyRoom(view: ReadingSessionView, userId: string, role: Role): boolean {
  const access = myRoomAccess(view, userId, role);
  return access !== null && access.ok && !access.readOnly;
}

/** Why `myRoom` is read-only for the caller, in words for the user (null when writable). */
export function readOnlyReason(view: ReadingSessionView, userId: string, role: Role): string | null {
  const access = myRoomAccess(view, userId, role);
  if (!access || !access.ok || !access.readOnly) return null;
  const scope = myStudyRoom(view)?.scope.type;
  switch (access.because) {
    case 'submitted':
      return 'You submitted your read: it is locked and shown read-only.';
    case 'role':
      return 'Your role may look, not edit: read-only.';
    case 'not_owner':
      return scope === 'consensus' ? 'You are looking at the consensus, read-only.' : "You are looking at another reader's read, read-only.";
    case 'phase':
      if (view.phase === 'final') return 'This study is final: read-only.';
      if (scope === 'consensus') return 'The consensus is written only during adjudication: read-only.';
      return `The ${view.phase} phase allows no editing here: read-only.`;
  }
}
