import { Hono } from 'hono';
import { can } from '@readingroom/model';
import type { Authenticate } from '../auth/authenticate';
import { requireAuth, type AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import { errorResponses, type OpenApiRegistry } from '../openapi/registry';
import type { Principal, ProjectAccess } from '../projects/project-access';
import type { UserStore } from '../users/user-store';
import { AuditEntryView, AuditExportQuery, AuditPageView, AuditQuery, toFilter } from './audit-api-schemas';
import { exportStream } from './audit-export';
import type { AuditEntry, AuditLog } from './audit-log';

export interface AuditRoutesDeps {
  readonly log: AuditLog;
  /** Writes events still queued (so a reader sees what just happened); optional. */
  readonly flush?: () => Promise<void>;
  readonly users: Pick<UserStore, 'findById'>;
  readonly authenticate: Authenticate;
  readonly access: Pick<ProjectAccess, 'roleIn'>;
  readonly api: OpenApiRegistry;
}

/** Where `auditRoutes` is mounted. */
export const AUDIT_BASE = '/api/audit';

/**
 * Global administrators read everything; anyone else must name a project (`?project=`) in which
 * their role may view the audit (`view-audit`: project admins) and sees only that project's rows.
 * Not being a member and a project that does not exist both answer 403, so ids cannot be probed.
 */
async function projectScope(access: Pick<ProjectAccess, 'roleIn'>, user: Principal, project: string | undefined): Promise<void> {
  if (user.isAdmin) return;
  if (project === undefined) throw new ApiError(403, 'forbidden', 'the audit log across projects needs a global administrator; pass ?project=<id>');
  const role = await access.roleIn(project, user.id);
  if (!role || !can(role, 'view-audit')) throw new ApiError(403, 'forbidden', 'viewing the audit log needs the admin role in this project');
}

const parseJson = (text: string | null): unknown => (text === null ? null : (JSON.parse(text) as unknown));

/** `GET /` (a page of entries) and `GET /export?format=csv|json` (everything matching, streamed). */
export function auditRoutes(deps: AuditRoutesDeps) {
  const { log, users, access, api } = deps;
  const tags = ['audit'];
  api.registerRoute({
    method: 'get', path: AUDIT_BASE, tags, summary: 'Audit entries (global admin, or project admin with ?project=)',
    request: { query: AuditQuery },
    responses: { 200: { description: 'a page of entries', schema: AuditPageView }, ...errorResponses(400, 401, 403) },
  });
  api.registerRoute({
    method: 'get', path: `${AUDIT_BASE}/export`, tags, summary: 'Every matching audit entry as CSV or a JSON array, oldest first (streamed)',
    request: { query: AuditExportQuery },
    responses: {
      200: { description: 'CSV (text/csv) or a JSON array of entries (application/json)', schema: AuditPageView.shape.entries },
      ...errorResponses(400, 401, 403),
    },
  });

  /** Entries as the API shows them, with the actor's current username. */
  const toViews = async (entries: AuditEntry[], names: Map<string, string | null>): Promise<AuditEntryView[]> => {
    for (const e of entries) {
      if (e.actor !== null && !names.has(e.actor)) names.set(e.actor, (await users.findById(e.actor))?.username ?? null);
    }
    return entries.map((e) => ({
      seq: e.seq,
      at: e.at,
      time: new Date(e.at).toISOString(),
      actor: e.actor,
      actorUsername: e.actor === null ? null : (names.get(e.actor) ?? null),
      action: e.action,
      projectId: e.projectId,
      studyUid: e.studyUid,
      room: e.room,
      targetId: e.targetId,
      before: parseJson(e.before),
      after: parseJson(e.after),
      prevHash: e.prevHash,
      hash: e.hash,
    }));
  };

  return new Hono<{ Variables: AuthVariables }>()
    .use('*', requireAuth(deps.authenticate))
    .get('/', async (c) => {
      const q = AuditQuery.parse(c.req.query());
      await projectScope(access, c.var.user, q.project);
      await deps.flush?.();
      const page = await log.query({
        ...toFilter(q),
        ...(q.limit !== undefined ? { limit: q.limit } : {}),
        ...(q.cursor !== undefined ? { cursor: q.cursor } : {}),
        ...(q.order !== undefined ? { order: q.order } : {}),
      });
      return c.json({ entries: await toViews(page.entries, new Map()), nextCursor: page.nextCursor });
    })
    .get('/export', async (c) => {
      const q = AuditExportQuery.parse(c.req.query());
      await projectScope(access, c.var.user, q.project);
      await deps.flush?.();
      const names = new Map<string, string | null>();
      const body = exportStream(log, toFilter(q), q.format, (entries) => toViews(entries, names));
      const stamp = new Date().toISOString().slice(0, 10);
      return new Response(body, {
        headers: {
          'content-type': q.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8',
          'content-disposition': `attachment; filename="audit-${stamp}.${q.format}"`,
          'cache-control': 'no-store',
        },
      });
    });
}
