import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import type { Logger } from '@readingroom/sync-server';
import type { Authenticate } from '../../auth/authenticate';
import type { LoginEvent, LoginListener } from '../../auth/login-event';
import { requireAuth } from '../../auth/require-auth';
import { createSessions, type Sessions } from '../../auth/sessions';
import { MemoryTokenStore } from '../../auth/token-store';
import type { IssuedToken, TokenService } from '../../auth/tokens';
import type { LoginLimiter } from '../../limits/login-limiter';
import { hashPassword, verifyPassword } from '../../users/password';
import type { UserStore } from '../../users/user-store';
import { ApiError } from '../api-error';
import { readJson } from '../read-json';

const loginBody = z.object({
  username: z.string().min(1).max(256),
  password: z.string().min(1).max(1024),
});

export interface AuthRoutesDeps {
  readonly users: UserStore;
  readonly tokens: TokenService;
  readonly authenticate: Authenticate;
  /** Issues, rotates and revokes tokens; without it, tokens are issued plainly and revocation lives only in memory. */
  readonly sessions?: Sessions;
  /** Failed-login throttling and lockout; none when absent. */
  readonly loginLimiter?: LoginLimiter;
  /** Told of every login attempt, successful or not (the audit log subscribes). */
  readonly onLogin?: LoginListener;
  readonly logger?: Logger;
}

const tokenBody = (issued: IssuedToken) => ({ token: issued.token, expiresAt: new Date(issued.expiresAt * 1000).toISOString() });

/** The client's address as the TCP connection shows it (not X-Forwarded-For, which anyone can send). */
function clientAddress(c: Context): string | null {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress ?? null;
}

/**
 * `POST /login` → `{ token, expiresAt }` (expiresAt: ISO 8601); 401 `invalid_credentials`;
 * 429 `too_many_attempts` with `Retry-After` once locked out.
 * `POST /refresh` (bearer) → a new token; the presented one is revoked.
 * `POST /logout` (bearer) → 204; the token is revoked and its sync connections closed.
 */
export function authRoutes(deps: AuthRoutesDeps) {
  const { users, loginLimiter } = deps;
  const sessions = deps.sessions ?? createSessions({ tokens: deps.tokens, store: new MemoryTokenStore() });
  // Verified against when the user does not exist, so unknown users cost the same scrypt time.
  let dummyHash: Promise<string> | undefined;

  const report = (event: Omit<LoginEvent, 'at'>) => {
    try {
      deps.onLogin?.({ ...event, at: Date.now() });
    } catch (err) {
      deps.logger?.error({ err: { message: (err as Error).message } }, 'login listener failed');
    }
  };

  return new Hono()
    .post('/login', async (c) => {
      const { username, password } = loginBody.parse(await readJson(c));
      const ip = clientAddress(c);
      const attempt = loginLimiter?.attempt(username, ip) ?? { allowed: true as const, done: () => {} };
      if (!attempt.allowed) {
        report({ ok: false, username, userId: null, ip, reason: 'locked_out' });
        c.header('Retry-After', String(attempt.retryAfterSeconds));
        throw new ApiError(429, 'too_many_attempts', 'too many failed logins; try again later');
      }
      let ok = false;
      let user: Awaited<ReturnType<UserStore['findByUsername']>> = null;
      try {
        user = await users.findByUsername(username);
        const hash = user?.passwordHash ?? (await (dummyHash ??= hashPassword('not-a-real-password')));
        ok = (await verifyPassword(password, hash)) && user !== null;
      } finally {
        attempt.done(ok);
      }
      if (!user || !ok) {
        report({ ok: false, username, userId: user?.id ?? null, ip, reason: 'invalid_credentials' });
        throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
      }
      report({ ok: true, username, userId: user.id, ip });
      return c.json(tokenBody(await sessions.issue(user)));
    })
    .post('/refresh', requireAuth(deps.authenticate), async (c) => {
      const issued = await sessions.refresh(c.var.user);
      if (!issued) throw new ApiError(400, 'not_refreshable', 'only tokens issued by this server can be refreshed');
      return c.json(tokenBody(issued));
    })
    .post('/logout', requireAuth(deps.authenticate), async (c) => {
      await sessions.revoke(c.var.user);
      return c.body(null, 204);
    });
}
