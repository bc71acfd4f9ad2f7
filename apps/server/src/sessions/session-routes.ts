import { Hono } from 'hono';
import { mayManageSession, type ReadingSession, type SessionActor } from '@readingroom/model';
import type { AuthVariables } from '../auth/require-auth';
import { readJson } from '../http/read-json';
import { errorResponses } from '../openapi/registry';
import { PROJECTS_BASE } from '../projects/routes/project-routes-deps';
import { PutAssignmentBody, PutFlagsBody, PutPhaseBody, SessionParams, SessionView, SubmitBody } from './session-api-schemas';
import { authOnce, requireStudyInProject, sessionActor, type SessionRoutesDeps } from './session-routes-deps';
import { sessionPeople } from './session-people';
import { createSessionService } from './session-service';
import { sessionView } from './session-views';

/**
 * `/:id/studies/:studyUid/session` (mount under `PROJECTS_BASE`, behind `requireAuth`): the
 * reading session of one study. Members read it; adjudicators and admins change phase,
 * assignment and flags; a reader submits their own read. Every answer is the session as the
 * caller sees it.
 */
export function sessionRoutes(deps: SessionRoutesDeps) {
  const { api } = deps;
  const tags = ['sessions'];
  const path = `${PROJECTS_BASE}/:id/studies/:studyUid/session`;
  const view = { 200: { description: 'the session as the caller sees it', schema: SessionView } };
  api.registerRoute({
    method: 'get', path, tags, summary: 'The reading session of a study, with the room the caller should open',
    request: { params: SessionParams },
    responses: { ...view, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'put', path: `${path}/phase`, tags, summary: 'Set the phase (adjudicators and admins; leaving final is admin only)',
    request: { params: SessionParams, body: PutPhaseBody },
    responses: { ...view, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'put', path: `${path}/assignment`, tags, summary: 'Assign readers (explicitly or the least-loaded `readerCount`) and adjudicators',
    request: { params: SessionParams, body: PutAssignmentBody },
    responses: { ...view, ...errorResponses(400, 401, 403, 404, 409) },
  });
  api.registerRoute({
    method: 'post', path: `${path}/submit`, tags, summary: "Submit the caller's own read (then locked); 409 when already submitted",
    request: { params: SessionParams, body: SubmitBody },
    responses: { ...view, ...errorResponses(400, 401, 403, 404, 409) },
  });
  api.registerRoute({
    method: 'put', path: `${path}/flags`, tags, summary: 'Set readersMayDiscuss and/or revealed (adjudicators and admins)',
    request: { params: SessionParams, body: PutFlagsBody },
    responses: { ...view, ...errorResponses(400, 401, 403, 404) },
  });

  const service = createSessionService(deps);
  const route = '/:id/studies/:studyUid/session';
  /** Checks the caller and the study; returns the ids and the actor. */
  const context = async (c: { req: { param(): Record<string, string> }; var: AuthVariables }) => {
    const { id, studyUid } = SessionParams.parse(c.req.param());
    const actor = await sessionActor(deps, c.var.user, id);
    await requireStudyInProject(deps.projects, id, studyUid);
    return { id, studyUid, actor };
  };
  /** The session as the caller sees it, with the names of the people it mentions. */
  const answer = async (id: string, studyUid: string, session: ReadingSession, actor: SessionActor) =>
    sessionView(id, studyUid, session, actor, await sessionPeople(deps, id, session, mayManageSession(actor.role)));

  return new Hono<{ Variables: AuthVariables }>()
    .use(route, authOnce(deps.authenticate))
    .use(`${route}/*`, authOnce(deps.authenticate))
    .get(route, async (c) => {
      const { id, studyUid, actor } = await context(c);
      return c.json(await answer(id, studyUid, await deps.sessions.get(id, studyUid), actor));
    })
    .put(`${route}/phase`, async (c) => {
      const { id, studyUid, actor } = await context(c);
      const { phase } = PutPhaseBody.parse(await readJson(c));
      return c.json(await answer(id, studyUid, await service.setPhase(actor, id, studyUid, phase), actor));
    })
    .put(`${route}/assignment`, async (c) => {
      const { id, studyUid, actor } = await context(c);
      const body = PutAssignmentBody.parse(await readJson(c));
      return c.json(await answer(id, studyUid, await service.assign(actor, id, studyUid, body), actor));
    })
    .post(`${route}/submit`, async (c) => {
      const { id, studyUid, actor } = await context(c);
      return c.json(await answer(id, studyUid, await service.submit(actor, id, studyUid), actor));
    })
    .put(`${route}/flags`, async (c) => {
      const { id, studyUid, actor } = await context(c);
      const flags = PutFlagsBody.parse(await readJson(c));
      return c.json(await answer(id, studyUid, await service.setFlags(actor, id, studyUid, flags), actor));
    });
}
