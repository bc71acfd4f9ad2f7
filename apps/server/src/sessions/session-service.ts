import {
  assignSession,
  balanceReaders,
  pickLeastLoaded,
  readerLoad,
  setSessionFlags,
  setSessionPhase,
  submitRead,
  type ReadingPhase,
  type ReadingSession,
  type Role,
  type SessionActor,
  type SessionRuleCode,
  type SessionRuleResult,
} from '@readingroom/model';
import type { AuditEvent } from '../audit/audit-log';
import type { AuditSink } from '../audit/audit-recorder';
import { ApiError } from '../http/api-error';
import type { ProjectStore } from '../projects/project-store';
import type { PutAssignmentBody } from './session-api-schemas';
import type { SessionStore } from './session-store';

const STATUS_OF: Readonly<Record<SessionRuleCode, 400 | 403 | 409>> = {
  not_allowed: 403,
  reopen_needs_admin: 403,
  not_assigned: 403,
  already_submitted: 409,
  not_reading: 409,
  not_a_reader: 400,
  not_an_adjudicator: 400,
  not_enough_readers: 409,
};

/** The session a rule produced, or the rule's refusal as an HTTP error (nothing is stored then). */
function orThrow(result: SessionRuleResult): ReadingSession {
  if (!result.ok) throw new ApiError(STATUS_OF[result.code], result.code, result.message);
  return result.session;
}

export interface SessionServiceDeps {
  readonly sessions: SessionStore;
  readonly projects: Pick<ProjectStore, 'listMembers' | 'listStudies'>;
  /** Every change is recorded here (who, when, study, before, after). */
  readonly audit?: AuditSink;
  readonly now?: () => number;
}

type Before = { before: ReadingSession; after: ReadingSession };

/**
 * The session changes the HTTP routes make: each reads, applies a pure rule of
 * `@readingroom/model` and writes in one `modify`, then records an audit event when something
 * changed. Callers have checked that the project exists, lists the study and has the actor.
 */
export function createSessionService(deps: SessionServiceDeps) {
  const now = deps.now ?? Date.now;
  const record = (events: AuditEvent[]) => {
    if (events.length > 0) deps.audit?.record(events);
  };
  const members = async (projectId: string) => new Map<string, Role>((await deps.projects.listMembers(projectId)).map((m) => [m.userId, m.role]));
  const change = (projectId: string, studyUid: string, rule: (s: ReadingSession) => SessionRuleResult): Promise<Before> =>
    deps.sessions.modify(projectId, (draft) => {
      const before = draft.get(studyUid);
      const after = orThrow(rule(before));
      if (JSON.stringify(after) !== JSON.stringify(before)) draft.set(studyUid, after);
      return { before, after };
    });
  const event = (actor: SessionActor, projectId: string, studyUid: string, action: AuditEvent['action'], before: unknown, after: unknown, targetId: string | null = null): AuditEvent =>
    ({ actor: actor.userId, action, projectId, studyUid, targetId, before, after });
  const assignmentOf = (s: ReadingSession) => ({ readers: s.readers, adjudicators: s.adjudicators });
  const changed = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);

  return {
    async setPhase(actor: SessionActor, projectId: string, studyUid: string, phase: ReadingPhase): Promise<ReadingSession> {
      const { before, after } = await change(projectId, studyUid, (s) => setSessionPhase(s, phase, actor));
      if (before.phase !== after.phase) record([event(actor, projectId, studyUid, 'session.phase_changed', { phase: before.phase }, { phase: after.phase })]);
      return after;
    },

    async setFlags(actor: SessionActor, projectId: string, studyUid: string, flags: { readersMayDiscuss?: boolean; revealed?: boolean }): Promise<ReadingSession> {
      const { before, after } = await change(projectId, studyUid, (s) => setSessionFlags(s, flags, actor));
      const flagsOf = (s: ReadingSession) => ({ readersMayDiscuss: s.readersMayDiscuss, revealed: s.revealed });
      if (changed(flagsOf(before), flagsOf(after))) record([event(actor, projectId, studyUid, 'session.flags_changed', flagsOf(before), flagsOf(after))]);
      return after;
    },

    async submit(actor: SessionActor, projectId: string, studyUid: string): Promise<ReadingSession> {
      const at = now();
      const { after } = await change(projectId, studyUid, (s) => submitRead(s, actor, at));
      record([event(actor, projectId, studyUid, 'session.read_submitted', null, { submittedAt: at }, actor.userId)]);
      return after;
    },

    /** Explicit readers/adjudicators, or `readerCount` least-loaded project readers (ties by user id). */
    async assign(actor: SessionActor, projectId: string, studyUid: string, body: PutAssignmentBody): Promise<ReadingSession> {
      const roles = await members(projectId);
      const readerIds = [...roles].filter(([, role]) => role === 'reader').map(([id]) => id);
      const { before, after } = await deps.sessions.modify(projectId, (draft) => {
        const before = draft.get(studyUid);
        let readers = body.readers;
        if (body.readerCount !== undefined) {
          const others = [...draft.all()].filter(([uid]) => uid !== studyUid).map(([, s]) => s);
          const picked = pickLeastLoaded(readerIds, readerLoad(others), body.readerCount);
          if (!picked) throw new ApiError(409, 'not_enough_readers', `the project has ${readerIds.length} readers; ${body.readerCount} asked for`);
          readers = picked;
        }
        const after = orThrow(assignSession(before, { ...(readers ? { readers } : {}), ...(body.adjudicators ? { adjudicators: body.adjudicators } : {}) }, actor, roles));
        if (changed(after, before)) draft.set(studyUid, after);
        return { before, after };
      });
      if (changed(assignmentOf(before), assignmentOf(after))) {
        record([event(actor, projectId, studyUid, 'session.assignment_changed', assignmentOf(before), assignmentOf(after))]);
      }
      return after;
    },

    /**
     * Balanced assignment: `readersPerStudy` project readers to each study (default: every study of
     * the project without readers), least-loaded first, counting assignments as they are made.
     */
    async assignBalanced(actor: SessionActor, projectId: string, readersPerStudy: number, studyUids?: readonly string[]) {
      const roles = await members(projectId);
      const readerIds = [...roles].filter(([, role]) => role === 'reader').map(([id]) => id);
      const projectStudies = (await deps.projects.listStudies(projectId)).map((s) => s.studyInstanceUid);
      const listed = new Set(projectStudies);
      const missing = studyUids?.find((uid) => !listed.has(uid));
      if (missing !== undefined) throw new ApiError(404, 'study_not_found', 'a listed study is not in this project');
      const events: AuditEvent[] = [];
      const assignments = await deps.sessions.modify(projectId, (draft) => {
        const all = draft.all();
        const targets = studyUids ? [...new Set(studyUids)] : projectStudies.filter((uid) => (all.get(uid)?.readers.length ?? 0) === 0);
        const targetSet = new Set(targets);
        const load = readerLoad([...all].filter(([uid]) => !targetSet.has(uid)).map(([, s]) => s));
        const plan = balanceReaders(targets, readersPerStudy, readerIds, load);
        if (!plan) throw new ApiError(409, 'not_enough_readers', `the project has ${readerIds.length} readers; ${readersPerStudy} per study asked for`);
        const out: { studyInstanceUid: string; readers: string[] }[] = [];
        for (const [uid, readers] of plan) {
          const before = draft.get(uid);
          const after = orThrow(assignSession(before, { readers }, actor, roles));
          if (changed(assignmentOf(before), assignmentOf(after))) {
            draft.set(uid, after);
            events.push(event(actor, projectId, uid, 'session.assignment_changed', assignmentOf(before), assignmentOf(after)));
          }
          out.push({ studyInstanceUid: uid, readers: after.readers });
        }
        return out;
      });
      record(events);
      return assignments;
    },
  };
}

export type SessionService = ReturnType<typeof createSessionService>;
