import { z } from 'zod';
import { AUDIT_ACTIONS, isAuditAction, type AuditAction } from './audit-actions';
import type { AuditFilter } from './audit-log';
import { MAX_QUERY_LIMIT } from './audit-log';

// Query and response shapes of /api/audit. The routes parse with these and the OpenAPI document
// is generated from them.

const time = z
  .string()
  .max(40)
  .describe('epoch milliseconds or an ISO 8601 date-time')
  .transform((s, ctx) => {
    const ms = /^\d{1,16}$/.test(s) ? Number(s) : Date.parse(s);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: 'expected epoch milliseconds or an ISO 8601 date-time' });
      return z.NEVER;
    }
    return ms;
  });

const actions = z
  .string()
  .max(2_000)
  .describe(`comma-separated actions: ${AUDIT_ACTIONS.join(', ')}`)
  .transform((s, ctx) => {
    const list = s.split(',').map((a) => a.trim()).filter((a) => a.length > 0);
    const unknown = list.filter((a) => !isAuditAction(a));
    if (unknown.length > 0) {
      ctx.addIssue({ code: 'custom', message: `unknown action(s); expected some of: ${AUDIT_ACTIONS.join(', ')}` });
      return z.NEVER;
    }
    return list as AuditAction[];
  });

const filterShape = {
  project: z.string().min(1).max(256).optional().describe('project id (required unless you are a global administrator)'),
  study: z.string().min(1).max(256).optional().describe('study instance UID'),
  actor: z.string().min(1).max(256).optional().describe('user id of who acted'),
  action: actions.optional(),
  from: time.optional().describe('from this time on (inclusive)'),
  to: time.optional().describe('before this time (exclusive)'),
};

export const AuditQuery = z.strictObject({
  ...filterShape,
  limit: z.coerce.number().int().min(1).max(MAX_QUERY_LIMIT).optional().describe(`page size, default 100, at most ${MAX_QUERY_LIMIT}`),
  cursor: z.coerce.number().int().min(0).optional().describe('`nextCursor` of the previous page'),
  order: z.enum(['asc', 'desc']).optional().describe('by sequence number; default asc (oldest first)'),
});

export const AuditExportQuery = z.strictObject({
  ...filterShape,
  format: z.enum(['csv', 'json']).default('json'),
});

type FilterInput = { project?: string | undefined; study?: string | undefined; actor?: string | undefined; action?: AuditAction[] | undefined; from?: number | undefined; to?: number | undefined };

/** The log filter of parsed query parameters (paging aside). */
export function toFilter(q: FilterInput): AuditFilter {
  return {
    ...(q.project !== undefined ? { projectId: q.project } : {}),
    ...(q.study !== undefined ? { studyUid: q.study } : {}),
    ...(q.actor !== undefined ? { actor: q.actor } : {}),
    ...(q.action !== undefined ? { actions: q.action } : {}),
    ...(q.from !== undefined ? { from: q.from } : {}),
    ...(q.to !== undefined ? { to: q.to } : {}),
  };
}

export const AuditEntryView = z.object({
  seq: z.number().int(),
  at: z.number().int().describe('epoch milliseconds'),
  time: z.iso.datetime(),
  actor: z.string().nullable().describe('user id; null for the system or an unknown user'),
  actorUsername: z.string().nullable(),
  action: z.string(),
  projectId: z.string().nullable(),
  studyUid: z.string().nullable(),
  room: z.string().nullable(),
  targetId: z.string().nullable(),
  before: z.unknown().describe('JSON value or null'),
  after: z.unknown().describe('JSON value or null'),
  prevHash: z.string(),
  hash: z.string(),
});
export type AuditEntryView = z.infer<typeof AuditEntryView>;

export const AuditPageView = z.object({ entries: z.array(AuditEntryView), nextCursor: z.number().int().nullable() });
