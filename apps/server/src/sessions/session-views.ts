import {
  can,
  decideReadingRoom,
  hasSubmitted,
  mayManageSession,
  roomName,
  sessionRoomScope,
  studyStatus,
  submitRule,
  type ReadingSession,
  type SessionActor,
} from '@readingroom/model';
import type { SessionPeople, SessionView, WorklistEntryView } from './session-api-schemas';

/** What the caller does for a study now: read (assigned, or a trainee) while reading; adjudicate when it is time. */
export function taskOf(session: ReadingSession, viewer: SessionActor): WorklistEntryView['task'] {
  const reading = session.phase === 'open' || session.phase === 'blinded';
  if (session.readers.includes(viewer.userId) || viewer.role === 'trainee') return reading ? 'read' : null;
  const status = studyStatus(session);
  if (status !== 'waiting_for_adjudication' && status !== 'adjudicating') return null;
  // Assigned adjudicators; when none are assigned, every project adjudicator.
  const mine = session.adjudicators.length > 0 ? session.adjudicators.includes(viewer.userId) : viewer.role === 'adjudicator';
  return mine && can(viewer.role, 'adjudicate') ? 'adjudicate' : null;
}

const myRoomOf = (projectId: string, studyUid: string, session: ReadingSession, viewer: SessionActor) =>
  roomName({ projectId, studyInstanceUid: studyUid, scope: sessionRoomScope(viewer.userId, viewer.role, session) });

/** The session as `GET …/session` answers it to `viewer`, with the names `sessionPeople` found. */
export function sessionView(projectId: string, studyUid: string, session: ReadingSession, viewer: SessionActor, names: SessionPeople): SessionView {
  const consensus = decideReadingRoom({ userId: viewer.userId, role: viewer.role, scope: { type: 'consensus' }, session });
  const reads = session.readers.includes(viewer.userId) || viewer.role === 'trainee';
  return {
    projectId,
    studyInstanceUid: studyUid,
    phase: session.phase,
    status: studyStatus(session),
    readers: [...session.readers],
    adjudicators: [...session.adjudicators],
    submitted: { ...session.submitted },
    readersMayDiscuss: session.readersMayDiscuss,
    revealed: session.revealed,
    myRoom: myRoomOf(projectId, studyUid, session, viewer),
    myRead: hasSubmitted(session, viewer.userId) ? 'submitted' : reads ? 'reading' : 'none',
    canSubmit: submitRule(session, viewer).ok,
    canAdjudicate: consensus.ok && !consensus.readOnly,
    canManage: mayManageSession(viewer.role),
    people: names.people,
    ...(names.candidates ? { candidates: names.candidates } : {}),
  };
}

/** One row of the worklist for `viewer`. */
export function worklistEntry(projectId: string, studyUid: string, session: ReadingSession, viewer: SessionActor): WorklistEntryView {
  return {
    studyInstanceUid: studyUid,
    phase: session.phase,
    status: studyStatus(session),
    readerCount: session.readers.length,
    readers: [...session.readers],
    submittedCount: session.readers.filter((r) => hasSubmitted(session, r)).length,
    task: taskOf(session, viewer),
    submitted: hasSubmitted(session, viewer.userId),
    myRoom: myRoomOf(projectId, studyUid, session, viewer),
  };
}
