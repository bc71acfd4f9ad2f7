import type { AuthenticatedUser, Session } from './session';
import type { IssuedToken, TokenService } from './tokens';
import type { TokenStore } from './token-store';

/** Issuing, rotating and ending sessions; the auth routes' view of tokens. */
export interface Sessions {
  /** A new token for the user, bound to the user's current token generation. */
  issue(user: { id: string; username: string }): Promise<IssuedToken>;
  /**
   * A new token for the bearer of a valid local token; the old one is revoked for any further
   * authentication. Connections already open with it stay open (they were authorised when they
   * opened, and the stock y-websocket client would reconnect with the old token forever).
   * Null for tokens that are not ours to refresh (OIDC).
   */
  refresh(user: AuthenticatedUser): Promise<IssuedToken | null>;
  /** Revokes the bearer's token and closes the connections opened with it. */
  revoke(user: AuthenticatedUser): Promise<void>;
}

export interface SessionsOptions {
  readonly tokens: TokenService;
  readonly store: TokenStore;
  /** Told after a token was revoked by logout, to close its open connections. */
  readonly onRevoked?: (session: Session, userId: string) => void;
}

export function createSessions({ tokens, store, onRevoked }: SessionsOptions): Sessions {
  return {
    async issue(user) {
      return tokens.issueToken(user, await store.generation(user.id));
    },

    async refresh(user) {
      const session = user.session;
      if (!session || session.source !== 'local') return null;
      const issued = await tokens.issueToken(user, await store.generation(user.id));
      await store.revoke(session.tokenId, user.id, session.expiresAt);
      return issued;
    },

    async revoke(user) {
      const session = user.session;
      if (!session) return;
      await store.revoke(session.tokenId, user.id, session.expiresAt);
      onRevoked?.(session, user.id);
    },
  };
}
