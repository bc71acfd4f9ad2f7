import { Hono } from 'hono';
import { requireAuth, type AuthVariables } from '../../auth/require-auth';
import { errorResponses } from '../../openapi/registry';
import { UserListView } from '../project-api-schemas';
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
  return new Hono<{ Variables: AuthVariables }>().get('/', requireAuth(deps.authenticate), async (c) => {
    requireGlobalAdmin(c.var.user);
    const users = (await deps.users.list()).map(({ id, username, isAdmin }) => ({ id, username, isAdmin }));
    return c.json({ users });
  });
}
