/**
 * Server-side state of session tokens: revoked token ids (kept until the token would have
 * expired anyway) and a per-user token generation. A token is valid only while its `gen`
 * claim equals the user's generation; bumping the generation (a password change does it)
 * revokes every token of the user at once, without listing them. A counter, not a
 * "valid after" timestamp: no clock skew and no ambiguity within the same second.
 * Async so a PostgreSQL implementation can slot in.
 */
export interface TokenStore {
  /** Revokes one token until `expiresAt` (seconds since the epoch). Idempotent. */
  revoke(tokenId: string, userId: string, expiresAt: number): Promise<void>;
  isRevoked(tokenId: string): Promise<boolean>;
  /** The user's current token generation (0 until first bumped). */
  generation(userId: string): Promise<number>;
  /** Revokes every token of the user issued so far; returns the new generation. */
  bumpGeneration(userId: string): Promise<number>;
  /** Forgets revocations of tokens expired before `nowSeconds`; returns how many. */
  pruneExpired(nowSeconds: number): Promise<number>;
  close(): Promise<void>;
}

/** TokenStore in memory, for tests and deployments without a database. */
export class MemoryTokenStore implements TokenStore {
  private readonly revoked = new Map<string, number>();
  private readonly generations = new Map<string, number>();

  async revoke(tokenId: string, _userId: string, expiresAt: number): Promise<void> {
    this.revoked.set(tokenId, Math.max(expiresAt, this.revoked.get(tokenId) ?? 0));
  }
  async isRevoked(tokenId: string): Promise<boolean> {
    return this.revoked.has(tokenId);
  }
  async generation(userId: string): Promise<number> {
    return this.generations.get(userId) ?? 0;
  }
  async bumpGeneration(userId: string): Promise<number> {
    const next = (this.generations.get(userId) ?? 0) + 1;
    this.generations.set(userId, next);
    return next;
  }
  async pruneExpired(nowSeconds: number): Promise<number> {
    let n = 0;
    for (const [id, exp] of this.revoked) {
      if (exp < nowSeconds) {
        this.revoked.delete(id);
        n++;
      }
    }
    return n;
  }
  async close(): Promise<void> {}
}
