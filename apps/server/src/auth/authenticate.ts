import type { User, UserStore } from '../users/user-store';
import { toUser } from '../users/user-store';
import type { TokenService } from './tokens';

/** Resolves a bearer token to a current user: valid signature, not expired, user still exists. */
export type Authenticate = (token: string | undefined) => Promise<User | null>;

/** Shared by the HTTP middleware and the WebSocket upgrade, so both accept exactly the same tokens. */
export function createAuthenticate(tokens: TokenService, users: UserStore): Authenticate {
  return async (token) => {
    if (!token) return null;
    const claims = await tokens.verifyToken(token);
    if (!claims) return null;
    const record = await users.findById(claims.userId);
    return record ? toUser(record) : null;
  };
}
