import { Hono } from 'hono';
import { membershipEvent } from '../../audit/http-audit';
import type { AuthVariables } from '../../auth/require-auth';
import { ApiError } from '../../http/api-error';
import { readJson } from '../../http/read-json';
import { errorResponses } from '../../openapi/registry';
import { MemberListView, MemberParams, MemberView, PostMemberBody, ProjectParams, PutMemberBody } from '../project-api-schemas';
import type { ProjectRole } from '../project-schemas';
import { guardProject } from './project-guard';
import { PROJECTS_BASE, type ProjectRoutesDeps } from './project-routes-deps';

/** `/:id/members`: list, set a role by user id or by username, remove. All need the project (or global) admin. */
export function memberRoutes(deps: ProjectRoutesDeps) {
  const { projects, users, api } = deps;
  const tags = ['members'];
  const path = `${PROJECTS_BASE}/:id/members`;

  api.registerRoute({
    method: 'get', path, tags, summary: 'Members and their roles',
    request: { params: ProjectParams },
    responses: { 200: { description: 'members', schema: MemberListView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'post', path, tags, summary: 'Add a member by username, or change their role',
    request: { params: ProjectParams, body: PostMemberBody },
    responses: { 200: { description: 'the membership', schema: MemberView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'put', path: `${path}/:userId`, tags, summary: 'Add a member by user id, or change their role',
    request: { params: MemberParams, body: PutMemberBody },
    responses: { 200: { description: 'the membership', schema: MemberView }, ...errorResponses(400, 401, 403, 404) },
  });
  api.registerRoute({
    method: 'delete', path: `${path}/:userId`, tags, summary: 'Remove a member',
    request: { params: MemberParams },
    responses: { 204: { description: 'removed' }, ...errorResponses(400, 401, 403, 404) },
  });

  const audit = (actor: string, projectId: string, userId: string, before: string | null, after: string | null) => {
    const event = membershipEvent(actor, projectId, userId, before, after);
    if (event) deps.audit?.record([event]);
  };

  const setRole = async (actor: string, projectId: string, user: { id: string; username: string } | null, role: ProjectRole) => {
    if (!user) throw new ApiError(404, 'user_not_found', 'no such user');
    const before = await deps.access.roleIn(projectId, user.id);
    await projects.setMember(projectId, user.id, role);
    audit(actor, projectId, user.id, before, role);
    return { userId: user.id, username: user.username, role };
  };

  return new Hono<{ Variables: AuthVariables }>()
    .get('/:id/members', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const members = await Promise.all(
        (await projects.listMembers(id)).map(async (m) => ({ userId: m.userId, username: (await users.findById(m.userId))?.username ?? null, role: m.role })),
      );
      return c.json({ members });
    })
    .post('/:id/members', async (c) => {
      const { id } = ProjectParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const { username, role } = PostMemberBody.parse(await readJson(c));
      return c.json(await setRole(c.var.user.id, id, await users.findByUsername(username), role));
    })
    .put('/:id/members/:userId', async (c) => {
      const { id, userId } = MemberParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const { role } = PutMemberBody.parse(await readJson(c));
      return c.json(await setRole(c.var.user.id, id, await users.findById(userId), role));
    })
    .delete('/:id/members/:userId', async (c) => {
      const { id, userId } = MemberParams.parse(c.req.param());
      await guardProject(deps, c.var.user, id, 'project-admin');
      const before = await deps.access.roleIn(id, userId);
      if (!(await projects.removeMember(id, userId))) throw new ApiError(404, 'member_not_found', 'the user is not a member');
      audit(c.var.user.id, id, userId, before, null);
      return c.body(null, 204);
    });
}
