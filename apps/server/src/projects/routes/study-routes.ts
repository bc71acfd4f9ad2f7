import { Hono } from 'hono';
import type { AuthVariables } from '../../auth/require-auth';
import { ApiError } from '../../http/api-error';
import { readJson } from '../../http/read-json';
import { errorResponses } from '../../openapi/registry';
import { z } from 'zod';
import { AddStudiesBody, AddStudiesView, ProjectParams, StudyListView, StudyParams } from '../project-api-schemas';

const LinkUpstreamView = z.object({ added: z.number().int(), total: z.number().int() });
import { guardProject } from './project-guard';
import { PROJECTS_BASE, type ProjectRoutesDeps } from './project-routes-deps';

/** `/:id/studies`: which studies belong to the project. Members read; project (or global) admins change. */
export function studyRoutes(deps: ProjectRoutesDeps) {
  const { projects, api } = deps;
  const tags = ['studies'];
  const path = `${PROJECTS_BASE}/:id/studies`;

  api.registerRoute({
    method: 'get', path, tags, summary: 'Study instance UIDs of the project, oldest first',
    request: { params: ProjectParams },
    responses: { 200: { description: 'studies', schema: StudyListView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'post', path, tags, summary: 'Add studies (already present ones are kept)',
    request: { params: ProjectParams, body: AddStudiesBody },
    responses: { 200: { description: 'how many were new', schema: AddStudiesView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'delete', path: `${path}/:studyUid`, tags, summary: 'Remove a study from the project',
    request: { params: StudyParams },
    responses: { 204: { description: 'removed' }, ...errorResponses(400, 401, 403, 404) },
  });

  api.registerRoute({
    method: 'post', path: `${path}/link-upstream`, tags, summary: "Link every study of the project's upstream DICOMweb server",
    request: { params: ProjectParams, body: z.object({}).describe('no fields; send {}') },
    responses: { 200: { description: 'how many were new, of how many upstream', schema: LinkUpstreamView }, ...errorResponses(400, 401, 403, 404, 409, 502) },
  });

  return new Hono<{ Variables: AuthVariables }>()
    .get('/:id/studies', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'member');
      const studies = (await projects.listStudies(id)).map((s) => ({ ...s, addedAt: new Date(s.addedAt).toISOString() }));
      return c.json({ studies });
    })
    .post('/:id/studies', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const { studyInstanceUids } = AddStudiesBody.parse(await readJson(c));
      return c.json({ added: await projects.addStudies(id, studyInstanceUids, c.var.user.id) });
    })
    .post('/:id/studies/link-upstream', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      const { project } = await guardProject(deps, c.var.user, id, 'project-admin');
      const upstream = deps.imageSources?.upstreamFor(project);
      if (!upstream) throw new ApiError(409, 'not_upstream', 'the project takes its images from local files');
      const studies = await upstream.listUpstreamStudies();
      const added = await projects.addStudies(id, studies.map((s) => s.studyInstanceUid), c.var.user.id);
      return c.json({ added, total: studies.length });
    })
    .delete('/:id/studies/:studyUid', async (c) => {
      const { id, studyUid } = StudyParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      if (!(await projects.removeStudy(id, studyUid))) throw new ApiError(404, 'study_not_found', 'the study is not in this project');
      return c.body(null, 204);
    });
}
