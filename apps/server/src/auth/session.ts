import type { User } from '../users/user-store';

/** The token a request or connection was authenticated with. */
export interface Session {
  /** The token's `jti` (OIDC tokens without one: a hash of the token). */
  readonly tokenId: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** Local tokens carry the user's token generation; null for OIDC tokens. */
  readonly generation: number | null;
  readonly source: 'local' | 'oidc';
}

/** A user as authenticated from a token, with that token's session. */
export interface AuthenticatedUser extends User {
  /** Absent only for users made up by tests. */
  readonly session?: Session;
}

/** The session a sync connection was opened with, from its identity data (see attach-sync-upgrade.ts). */
export function sessionOfIdentity(identity: { readonly data?: unknown }): Session | undefined {
  const data = identity.data as { session?: Session } | null | undefined;
  return data?.session ?? undefined;
}
