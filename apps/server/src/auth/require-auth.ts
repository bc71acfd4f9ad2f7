import { createMiddleware } from 'hono/factory';
import { ApiError } from '../http/api-error';
import type { Authenticate } from './authenticate';
import type { AuthenticatedUser } from './session';

export interface AuthVariables {
  user: AuthenticatedUser;
}

/** Reads `Authorization: Bearer <token>`; sets `c.var.user` or answers 401 `unauthorized`. */
export function requireAuth(authenticate: Authenticate) {
  return createMiddleware<{ Variables: AuthVariables }>(async function requireAuth(c, next) {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const user = await authenticate(match?.[1]);
    if (!user) {
      c.header('WWW-Authenticate', 'Bearer');
      throw new ApiError(401, 'unauthorized', 'a valid bearer token is required');
    }
    c.set('user', user);
    await next();
  });
}
