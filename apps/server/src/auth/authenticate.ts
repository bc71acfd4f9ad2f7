import { decodeProtectedHeader } from 'jose';
import type { UserStore } from '../users/user-store';
import { toUser } from '../users/user-store';
import type { AuthenticatedUser } from './session';
import type { TokenService } from './tokens';
import type { TokenStore } from './token-store';

/**
 * Resolves a bearer token to a current user: valid signature, not expired, not revoked, user
 * still exists. The user carries the token's session (id, expiry).
 */
export type Authenticate = (token: string | undefined) => Promise<AuthenticatedUser | null>;

export interface AuthenticateOptions {
  /** Revocations and token generations; without it, no token is ever revoked. */
  readonly store?: TokenStore;
  /** Verifies tokens from an OpenID Connect provider (anything not signed HS256). */
  readonly oidc?: Authenticate;
}

/** Shared by the HTTP middleware and the WebSocket upgrade, so both accept exactly the same tokens. */
export function createAuthenticate(tokens: TokenService, users: UserStore, options: AuthenticateOptions = {}): Authenticate {
  const { store, oidc } = options;
  return async (token) => {
    if (!token) return null;
    // Our own tokens are HS256; anything else can only be the identity provider's. Deciding
    // by the header keeps forged local tokens from costing a JWKS lookup, and never lets an
    // OIDC key vouch for a local token or the reverse (each verifier pins its algorithms).
    if (oidc && !isHs256(token)) return oidc(token);
    const claims = await tokens.verifyToken(token);
    if (!claims) return null;
    if (store && (await store.isRevoked(claims.tokenId))) return null;
    const record = await users.findById(claims.userId);
    if (!record) return null;
    if (store && (await store.generation(record.id)) !== claims.generation) return null;
    return {
      ...toUser(record),
      session: { tokenId: claims.tokenId, expiresAt: claims.expiresAt, generation: claims.generation, source: 'local' },
    };
  };
}

function isHs256(token: string): boolean {
  try {
    return decodeProtectedHeader(token).alg === 'HS256';
  } catch {
    return false;
  }
}
