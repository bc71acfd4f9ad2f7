import { Hono } from 'hono';
import type { AuthVariables } from '../../auth/require-auth';
import { ApiError } from '../../http/api-error';
import { readJson } from '../../http/read-json';
import { errorResponses } from '../../openapi/registry';
import { CreateProjectBody, PatchProjectBody, ProjectListView, ProjectParams, ProjectView } from '../project-api-schemas';
import { ProjectNameTakenError } from '../project-store';
import { mergeSettings, toProjectView } from '../project-views';
import { guardProject, requireGlobalAdmin } from './project-guard';
import { PROJECTS_BASE, type ProjectRoutesDeps } from './project-routes-deps';

async function nameConflictAs409<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof ProjectNameTakenError) throw new ApiError(409, 'project_name_taken', error.message);
    throw error;
  }
}

/** `GET /`, `POST /`, `GET|PATCH|DELETE /:id` of /api/projects. */
export function projectRoutes(deps: ProjectRoutesDeps) {
  const { projects, access, api } = deps;
  const tags = ['projects'];

  api.registerRoute({
    method: 'get', path: PROJECTS_BASE, tags, summary: 'Projects I belong to (all of them for global admins)',
    responses: { 200: { description: 'the projects, by name', schema: ProjectListView }, ...errorResponses(401) },
  });
  api.registerRoute({
    method: 'post', path: PROJECTS_BASE, tags, summary: 'Create a project (global admin)',
    request: { body: CreateProjectBody },
    responses: { 201: { description: 'created', schema: ProjectView }, ...errorResponses(400, 401, 403, 409) },
  });
  api.registerRoute({
    method: 'get', path: `${PROJECTS_BASE}/:id`, tags, summary: 'One project (members)',
    request: { params: ProjectParams },
    responses: { 200: { description: 'the project', schema: ProjectView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'patch', path: `${PROJECTS_BASE}/:id`, tags, summary: 'Change name, description or settings (project or global admin)',
    request: { params: ProjectParams, body: PatchProjectBody },
    responses: { 200: { description: 'the updated project', schema: ProjectView }, ...errorResponses(400, 401, 403, 404, 409) },
  });
  api.registerRoute({
    method: 'delete', path: `${PROJECTS_BASE}/:id`, tags, summary: 'Delete a project with its members, labels and study list (project or global admin)',
    request: { params: ProjectParams },
    responses: { 204: { description: 'deleted' }, ...errorResponses(400, 401, 403, 404) },
  });

  return new Hono<{ Variables: AuthVariables }>()
    .get('/', async (c) => {
      const user = c.var.user;
      const roles = await access.rolesFor(user.id);
      const list = await access.projectsForUser(user);
      return c.json({ projects: list.map((p) => toProjectView(p, roles.get(p.id) ?? null)) });
    })
    .post('/', async (c) => {
      requireGlobalAdmin(c.var.user);
      const body = CreateProjectBody.parse(await readJson(c));
      const project = await nameConflictAs409(projects.createProject({ ...body, createdBy: c.var.user.id }));
      return c.json(toProjectView(project, null), 201);
    })
    .get('/:id', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      const { project, role } = await guardProject(deps, c.var.user, id, 'member');
      return c.json(toProjectView(project, role));
    })
    .patch('/:id', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      const { project, role } = await guardProject(deps, c.var.user, id, 'project-admin');
      const body = PatchProjectBody.parse(await readJson(c));
      const updated = await nameConflictAs409(
        projects.updateProject(id, {
          ...(body.name === undefined ? {} : { name: body.name }),
          ...(body.description === undefined ? {} : { description: body.description }),
          settings: mergeSettings(project.settings, body.settings),
        }),
      );
      if (!updated) throw new ApiError(404, 'project_not_found', 'no such project');
      return c.json(toProjectView(updated, role));
    })
    .delete('/:id', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      await projects.deleteProject(id);
      return c.body(null, 204);
    });
}
