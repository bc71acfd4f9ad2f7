import { randomUUID } from 'node:crypto';
import { SignJWT, jwtVerify } from 'jose';

const ALGORITHM = 'HS256';

/** What a verified token says about its bearer. */
export interface TokenClaims {
  readonly userId: string;
  readonly username: string;
  readonly tokenId: string;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
  /** The user's token generation when issued; a password change moves it on (0 when absent). */
  readonly generation: number;
}

export interface IssuedToken {
  readonly token: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** Signs and checks session tokens (HS256 JWTs) with one secret and lifetime. */
export interface TokenService {
  /** `generation`: the user's current token generation (see TokenStore), 0 by default. */
  issueToken(user: { id: string; username: string }, generation?: number): Promise<IssuedToken>;
  /** Resolves with the claims, or null for a missing, malformed, forged, expired or wrong-algorithm token. */
  verifyToken(token: string): Promise<TokenClaims | null>;
}

export interface TokenServiceOptions {
  readonly secret: string;
  readonly ttlSeconds: number;
  /** Clock in milliseconds; tests move it. */
  readonly now?: () => number;
}

export function createTokenService({ secret, ttlSeconds, now = Date.now }: TokenServiceOptions): TokenService {
  const key = new TextEncoder().encode(secret);
  const nowSeconds = () => Math.floor(now() / 1000);

  return {
    async issueToken(user, generation = 0) {
      const issuedAt = nowSeconds();
      const expiresAt = issuedAt + ttlSeconds;
      const token = await new SignJWT({ username: user.username, gen: generation })
        .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
        .setSubject(user.id)
        .setIssuedAt(issuedAt)
        .setExpirationTime(expiresAt)
        .setJti(randomUUID())
        .sign(key);
      return { token, expiresAt };
    },

    async verifyToken(token) {
      if (!token) return null;
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: [ALGORITHM],
          currentDate: new Date(nowSeconds() * 1000),
          requiredClaims: ['sub', 'exp', 'iat', 'jti'],
        });
        if (typeof payload.username !== 'string' || !payload.sub || !payload.jti || !payload.exp || payload.iat === undefined) return null;
        const generation = payload.gen ?? 0;
        if (typeof generation !== 'number' || !Number.isSafeInteger(generation)) return null;
        return {
          userId: payload.sub,
          username: payload.username,
          tokenId: payload.jti,
          issuedAt: payload.iat,
          expiresAt: payload.exp,
          generation,
        };
      } catch {
        return null;
      }
    },
  };
}
