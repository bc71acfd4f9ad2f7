import { Hono } from 'hono';
import { defaultReadingSession, mayManageSession } from '@readingroom/model';
import type { AuthVariables } from '../auth/require-auth';
import { ApiError } from '../http/api-error';
import { readJson } from '../http/read-json';
import { errorResponses } from '../openapi/registry';
import { ProjectParams } from '../projects/project-api-schemas';
import { PROJECTS_BASE } from '../projects/routes/project-routes-deps';
import { AssignmentsView, PostAssignmentsBody, WorklistQuery, WorklistView } from './session-api-schemas';
import { authOnce, sessionActor, type SessionRoutesDeps } from './session-routes-deps';
import { createSessionService } from './session-service';
import { worklistEntry } from './session-views';

/**
 * `/:id/assignments` (balanced assignment of readers) and `/:id/worklist` (every study with its
 * status and the caller's task). Mount under `PROJECTS_BASE`, behind `requireAuth`.
 */
export function worklistRoutes(deps: SessionRoutesDeps) {
  const { api } = deps;
  const tags = ['sessions'];
  api.registerRoute({
    method: 'post', path: `${PROJECTS_BASE}/:id/assignments`, tags,
    summary: 'Assign readers to studies, balanced across the project readers (adjudicators and admins)',
    request: { params: ProjectParams, body: PostAssignmentsBody },
    responses: { 200: { description: 'the readers of each study assigned', schema: AssignmentsView }, ...errorResponses(400, 401, 403, 404, 409) },
  });
  api.registerRoute({
    method: 'get', path: `${PROJECTS_BASE}/:id/worklist`, tags,
    summary: "Every study of the project with its status, phase and the caller's task",
    request: { params: ProjectParams, query: WorklistQuery },
    responses: { 200: { description: 'studies, oldest first', schema: WorklistView }, ...errorResponses(400, 401, 403, 404) },
  });

  const service = createSessionService(deps);
  return new Hono<{ Variables: AuthVariables }>()
    .use('/:id/assignments', authOnce(deps.authenticate))
    .use('/:id/worklist', authOnce(deps.authenticate))
    .post('/:id/assignments', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      const actor = await sessionActor(deps, c.var.user, id);
      if (!mayManageSession(actor.role)) throw new ApiError(403, 'not_allowed', `your role (${actor.role}) may not assign readers`);
      const body = PostAssignmentsBody.parse(await readJson(c));
      return c.json({ assignments: await service.assignBalanced(actor, id, body.readersPerStudy, body.studyInstanceUids) });
    })
    .get('/:id/worklist', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      const actor = await sessionActor(deps, c.var.user, id);
      const { mine } = WorklistQuery.parse(c.req.query());
      const [studies, sessions] = await Promise.all([deps.projects.listStudies(id), deps.sessions.list(id)]);
      const entries = studies.map((s) => worklistEntry(id, s.studyInstanceUid, sessions.get(s.studyInstanceUid) ?? defaultReadingSession(), actor));
      return c.json({ studies: mine === 'true' ? entries.filter((e) => e.task !== null) : entries });
    });
}
