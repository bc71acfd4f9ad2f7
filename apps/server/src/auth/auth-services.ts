import { join } from 'node:path';
import { CloseCode } from '@readingroom/protocol';
import type { Logger, SyncServer } from '@readingroom/sync-server';
import type { Config } from '../config/config-schema';
import { LoginLimiter } from '../limits/login-limiter';
import { createOidcAuthenticate } from '../oidc/oidc-authenticate';
import { createOidcVerifier } from '../oidc/oidc-verifier';
import { SqliteOidcAccounts } from '../oidc/sqlite-oidc-accounts';
import type { ProjectStore } from '../projects/project-store';
import type { UserStore } from '../users/user-store';
import { createAuthenticate, type Authenticate } from './authenticate';
import { sessionOfIdentity } from './session';
import { startSessionSweep } from './session-sweep';
import { createSessions, type Sessions } from './sessions';
import { SqliteTokenStore } from './sqlite-token-store';
import type { TokenService } from './tokens';

/** The databases behind authentication, in `<dataDir>/readingroom.db` (open after the user store). */
export interface AuthStores {
  readonly tokens: SqliteTokenStore;
  readonly accounts: SqliteOidcAccounts;
  close(): Promise<void>;
}

export function openAuthStores(config: Pick<Config, 'dataDir'>): AuthStores {
  const filename = join(config.dataDir, 'readingroom.db');
  const tokens = SqliteTokenStore.open({ filename });
  let accounts: SqliteOidcAccounts;
  try {
    accounts = SqliteOidcAccounts.open({ filename });
  } catch (error) {
    void tokens.close();
    throw error;
  }
  return {
    tokens,
    accounts,
    async close() {
      await accounts.close();
      await tokens.close();
    },
  };
}

export interface AuthServicesDeps {
  readonly stores: AuthStores;
  readonly tokens: TokenService;
  readonly users: UserStore;
  readonly projects: ProjectStore;
  readonly sync: Pick<SyncServer, 'closeConnections'>;
  readonly logger: Logger;
}

export interface AuthServices {
  readonly authenticate: Authenticate;
  readonly sessions: Sessions;
  readonly loginLimiter: LoginLimiter;
  /** Stops the periodic check of open connections. */
  stop(): void;
}

/**
 * Authentication as the server runs it: local tokens checked against revocations and token
 * generations, provider tokens when OpenID Connect is configured, logout closing the token's
 * sync connections at once, and a periodic sweep for revocations made elsewhere.
 */
export function createAuthServices(config: Config, deps: AuthServicesDeps): AuthServices {
  const { stores, tokens, users, projects, sync, logger } = deps;
  const oidc =
    config.oidcIssuer && config.oidcAudience && config.oidcJwksUrl
      ? createOidcAuthenticate({
          verify: createOidcVerifier(
            {
              issuer: config.oidcIssuer,
              audience: config.oidcAudience,
              jwksUrl: config.oidcJwksUrl,
              rolesClaim: config.oidcRolesClaim,
              usernameClaim: config.oidcUsernameClaim,
            },
            logger,
          ),
          accounts: stores.accounts,
          projects,
          store: stores.tokens,
          logger,
        })
      : undefined;
  const authenticate = createAuthenticate(tokens, users, { store: stores.tokens, oidc });
  const sessions = createSessions({
    tokens,
    store: stores.tokens,
    onRevoked: (session) => {
      sync.closeConnections((c) => sessionOfIdentity(c.identity)?.tokenId === session.tokenId, CloseCode.Unauthorized, 'token revoked');
    },
  });
  const loginLimiter = new LoginLimiter({
    maxFailuresPerUsername: config.loginMaxFailures,
    maxFailuresPerIp: config.loginMaxFailuresPerIp,
    windowMs: config.loginWindow * 1000,
    lockoutMs: config.loginLockout * 1000,
  });
  const sweep = startSessionSweep({ sync, store: stores.tokens, users, intervalMs: config.sessionCheckIntervalMs, logger });
  return { authenticate, sessions, loginLimiter, stop: () => sweep.stop() };
}
