import { Hono } from 'hono';
import { requireAuth, type AuthVariables } from '../../auth/require-auth';
import { errorResponses } from '../../openapi/registry';
import { z } from 'zod';
import { ApiError } from '../../http/api-error';
import { readJson } from '../../http/read-json';
import { generatePassword, hashPassword } from '../../users/password';
import { passwordSchema, usernameSchema, UsernameTakenError } from '../../users/user-store';
import { UserListView } from '../project-api-schemas';

const NewUserBody = z.strictObject({ username: usernameSchema, password: passwordSchema.optional(), isAdmin: z.boolean().optional() });
const NewUserView = z.object({ id: z.string(), username: z.string(), isAdmin: z.boolean(), password: z.string().optional() });
import { requireGlobalAdmin } from './project-guard';
import { labelRoutes } from './label-routes';
import { memberRoutes } from './member-routes';
import { projectRoutes } from './project-routes';
import type { ProjectRoutesDeps } from './project-routes-deps';
import { studyRoutes } from './study-routes';

/** Everything under `/api/projects` (mount it at `PROJECTS_BASE`); every route needs a bearer token. */
export function projectsApi(deps: ProjectRoutesDeps) {
  return new Hono<{ Variables: AuthVariables }>()
    .use('*', requireAuth(deps.authenticate))
    .route('/', projectRoutes(deps))
    .route('/', memberRoutes(deps))
    .route('/', labelRoutes(deps))
    .route('/', studyRoutes(deps));
}

/** `GET /api/users` (mount at `/api/users`): id, username and isAdmin of every user, for picking members. Global admins only. */
export function userListRoutes(deps: Pick<ProjectRoutesDeps, 'users' | 'authenticate' | 'api'>) {
  deps.api.registerRoute({
    method: 'get', path: '/api/users', tags: ['users'], summary: 'All users (global admin)',
    responses: { 200: { description: 'users, by username', schema: UserListView }, ...errorResponses(401, 403) },
  });
  deps.api.registerRoute({
    method: 'post', path: '/api/users', tags: ['users'], summary: 'Create a user (global admin); a password is generated when none is given',
    request: { body: NewUserBody },
    responses: { 201: { description: 'the user, and the generated password if any', schema: NewUserView }, ...errorResponses(400, 401, 403, 409) },
  });
  return new Hono<{ Variables: AuthVariables }>()
    .get('/', requireAuth(deps.authenticate), async (c) => {
      requireGlobalAdmin(c.var.user);
      const users = (await deps.users.list()).map(({ id, username, isAdmin }) => ({ id, username, isAdmin }));
      return c.json({ users });
    })
    .post('/', requireAuth(deps.authenticate), async (c) => {
      requireGlobalAdmin(c.var.user);
      const body = NewUserBody.parse(await readJson(c));
      const generated = body.password === undefined ? generatePassword() : null;
      try {
        const user = await deps.users.create({
          username: body.username,
          passwordHash: await hashPassword(body.password ?? generated!),
          isAdmin: body.isAdmin ?? false,
        });
        return c.json({ id: user.id, username: user.username, isAdmin: user.isAdmin, ...(generated ? { password: generated } : {}) }, 201);
      } catch (error) {
        if (error instanceof UsernameTakenError) throw new ApiError(409, 'username_taken', error.message);
        throw error;
      }
    });
}
