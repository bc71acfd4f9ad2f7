import { z } from 'zod';
import { DicomUidSchema, EpochMsSchema, MAX_ASSIGNED, ReadingPhaseSchema, STUDY_STATUSES, UserIdSchema } from '@readingroom/model';
import { ProjectRoleSchema } from '../projects/project-schemas';

// Request and response shapes of the reading-session routes (docs/reading-sessions.md). Routes
// parse with these and the OpenAPI document is generated from them.

export const SessionParams = z.object({ id: z.uuid(), studyUid: DicomUidSchema });

export const PutPhaseBody = z.strictObject({ phase: ReadingPhaseSchema });

const userList = z.array(UserIdSchema).max(MAX_ASSIGNED);
export const PutAssignmentBody = z
  .strictObject({
    readers: userList.optional().describe('the assigned readers (replaces the list)'),
    adjudicators: userList.optional().describe('the assigned adjudicators (replaces the list)'),
    readerCount: z.number().int().min(0).max(MAX_ASSIGNED).optional().describe('instead of `readers`: this many of the least-loaded project readers'),
  })
  .refine((b) => b.readers === undefined || b.readerCount === undefined, 'give `readers` or `readerCount`, not both')
  .refine((b) => b.readers !== undefined || b.adjudicators !== undefined || b.readerCount !== undefined, 'nothing to change');
export type PutAssignmentBody = z.infer<typeof PutAssignmentBody>;

export const PutFlagsBody = z
  .strictObject({ readersMayDiscuss: z.boolean().optional(), revealed: z.boolean().optional() })
  .refine((b) => b.readersMayDiscuss !== undefined || b.revealed !== undefined, 'nothing to change');

export const SubmitBody = z.strictObject({}).describe('no fields; send {}');

export const PostAssignmentsBody = z.strictObject({
  readersPerStudy: z.number().int().min(1).max(MAX_ASSIGNED),
  studyInstanceUids: z.array(DicomUidSchema).min(1).max(10_000).optional().describe('default: every study of the project without readers'),
});

export const WorklistQuery = z.object({
  mine: z.enum(['true', 'false']).optional().describe('`true`: only the studies where the caller has a task (my queue)'),
});

// Responses.

const StudyStatusSchema = z.enum(STUDY_STATUSES);
export const MY_READ = ['none', 'reading', 'submitted'] as const;
export const TASKS = ['read', 'adjudicate'] as const;

const PersonView = z.object({
  username: z.string(),
  role: ProjectRoleSchema.nullable().describe('their project role; null when no longer a member'),
});
export const CandidateView = z.object({ id: z.string(), username: z.string(), role: z.enum(['reader', 'trainee']) });
export type CandidateView = z.infer<typeof CandidateView>;

/** Names of the people a session view mentions (user ids are opaque; usernames are not patient data). */
export const SessionPeople = z.object({
  people: z.record(z.string(), PersonView).describe('user id → username and project role, for the assigned readers and adjudicators (and, when `canManage`, every candidate)'),
  candidates: z.array(CandidateView).optional().describe('only when `canManage`: every project member who may be assigned as a reader (role reader or trainee), by username'),
});
export type SessionPeople = z.infer<typeof SessionPeople>;

export const SessionView = z.object({
  projectId: z.string(),
  studyInstanceUid: z.string(),
  phase: ReadingPhaseSchema,
  status: StudyStatusSchema,
  readers: z.array(z.string()),
  adjudicators: z.array(z.string()),
  submitted: z.record(z.string(), EpochMsSchema).describe('user id → when their read was submitted (epoch ms)'),
  readersMayDiscuss: z.boolean(),
  revealed: z.boolean(),
  myRoom: z.string().describe('the sync room the caller should open for this study now'),
  myRead: z.enum(MY_READ).describe('the caller\'s own read: none expected, in progress, or submitted'),
  canSubmit: z.boolean(),
  canAdjudicate: z.boolean().describe('the caller may write the consensus now'),
  canManage: z.boolean().describe('the caller may set the phase, assignment and flags'),
}).extend(SessionPeople.shape);
export type SessionView = z.infer<typeof SessionView>;

export const AssignmentsView = z.object({
  assignments: z.array(z.object({ studyInstanceUid: z.string(), readers: z.array(z.string()) })),
});

export const WorklistEntryView = z.object({
  studyInstanceUid: z.string(),
  phase: ReadingPhaseSchema,
  status: StudyStatusSchema,
  readerCount: z.number().int(),
  readers: z.array(z.string()).describe('the assigned readers (user ids)'),
  submittedCount: z.number().int().describe('assigned readers who submitted'),
  task: z.enum(TASKS).nullable().describe('what the caller does for this study now'),
  submitted: z.boolean().describe('the caller submitted their read'),
  myRoom: z.string(),
});
export const WorklistView = z.object({ studies: z.array(WorklistEntryView) });
export type WorklistEntryView = z.infer<typeof WorklistEntryView>;
