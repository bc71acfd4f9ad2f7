import { Hono } from 'hono';
import type { Authenticate } from '../../auth/authenticate';
import { requireAuth } from '../../auth/require-auth';

/** `GET /` → the bearer's `{ id, username, isAdmin }`. */
export function meRoutes(authenticate: Authenticate) {
  return new Hono().get('/', requireAuth(authenticate), (c) => {
    const { id, username, isAdmin } = c.var.user;
    return c.json({ id, username, isAdmin });
  });
}
