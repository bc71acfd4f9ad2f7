import { Hono } from 'hono';
import type { AuthVariables } from '../auth/require-auth';
import type { SessionRoutesDeps } from './session-routes-deps';
import { sessionRoutes } from './session-routes';
import { worklistRoutes } from './worklist-routes';

/** The reading-session routes; mount at `PROJECTS_BASE` (each route authenticates). */
export function sessionsApi(deps: SessionRoutesDeps) {
  return new Hono<{ Variables: AuthVariables }>().route('/', sessionRoutes(deps)).route('/', worklistRoutes(deps));
}
