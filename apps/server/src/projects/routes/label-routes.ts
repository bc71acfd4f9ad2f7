import { Hono } from 'hono';
import type { AuthVariables } from '../../auth/require-auth';
import { ApiError } from '../../http/api-error';
import { readJson } from '../../http/read-json';
import { errorResponses } from '../../openapi/registry';
import { CreateLabelBody, LabelListView, LabelParams, LabelView, PatchLabelBody, ProjectParams } from '../project-api-schemas';
import { LabelConflictError } from '../project-store';
import { toLabelView } from '../project-views';
import { guardProject } from './project-guard';
import { PROJECTS_BASE, type ProjectRoutesDeps } from './project-routes-deps';

async function conflictAs409<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof LabelConflictError) throw new ApiError(409, `label_${error.field}_taken`, error.message);
    throw error;
  }
}

/** `/:id/labels`: the label taxonomy. Members read it; project (or global) admins change it. */
export function labelRoutes(deps: ProjectRoutesDeps) {
  const { projects, api } = deps;
  const tags = ['labels'];
  const path = `${PROJECTS_BASE}/:id/labels`;

  api.registerRoute({
    method: 'get', path, tags, summary: 'The label classes, in order',
    request: { params: ProjectParams },
    responses: { 200: { description: 'label classes', schema: LabelListView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'post', path, tags, summary: 'Add a label class (name and hotkey unique in the project)',
    request: { params: ProjectParams, body: CreateLabelBody },
    responses: { 201: { description: 'created', schema: LabelView }, ...errorResponses(400, 401, 403, 404, 409) },
  });
  api.registerRoute({
    method: 'patch', path: `${path}/:labelId`, tags, summary: 'Change a label class',
    request: { params: LabelParams, body: PatchLabelBody },
    responses: { 200: { description: 'the updated class', schema: LabelView }, ...errorResponses(400, 401, 403, 404, 409) },
  });
  api.registerRoute({
    method: 'delete', path: `${path}/:labelId`, tags, summary: 'Remove a label class',
    request: { params: LabelParams },
    responses: { 204: { description: 'removed' }, ...errorResponses(400, 401, 403, 404) },
  });

  const notFound = () => new ApiError(404, 'label_not_found', 'no such label class in this project');

  return new Hono<{ Variables: AuthVariables }>()
    .get('/:id/labels', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'member');
      return c.json({ labels: (await projects.listLabels(id)).map(toLabelView) });
    })
    .post('/:id/labels', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const body = CreateLabelBody.parse(await readJson(c));
      const label = await conflictAs409(projects.createLabel(id, body));
      if (!label) throw new ApiError(404, 'project_not_found', 'no such project');
      return c.json(toLabelView(label), 201);
    })
    .patch('/:id/labels/:labelId', async (c) => {
      const { id, labelId } = LabelParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const body = PatchLabelBody.parse(await readJson(c));
      const label = await conflictAs409(projects.updateLabel(id, labelId, body));
      if (!label) throw notFound();
      return c.json(toLabelView(label));
    })
    .delete('/:id/labels/:labelId', async (c) => {
      const { id, labelId } = LabelParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      if (!(await projects.deleteLabel(id, labelId))) throw notFound();
      return c.body(null, 204);
    });
}
