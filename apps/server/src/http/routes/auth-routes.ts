import { Hono } from 'hono';
import { z } from 'zod';
import type { TokenService } from '../../auth/tokens';
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
}

/** `POST /login` → `{ token, expiresAt }` (expiresAt: ISO 8601). */
export function authRoutes({ users, tokens }: AuthRoutesDeps) {
  // Verified against when the user does not exist, so unknown users cost the same scrypt time.
  let dummyHash: Promise<string> | undefined;

  return new Hono().post('/login', async (c) => {
    const { username, password } = loginBody.parse(await readJson(c));
    const user = await users.findByUsername(username);
    const hash = user?.passwordHash ?? (await (dummyHash ??= hashPassword('not-a-real-password')));
    const ok = await verifyPassword(password, hash);
    if (!user || !ok) throw new ApiError(401, 'invalid_credentials', 'wrong username or password');
    const issued = await tokens.issueToken(user);
    return c.json({ token: issued.token, expiresAt: new Date(issued.expiresAt * 1000).toISOString() });
  });
}
