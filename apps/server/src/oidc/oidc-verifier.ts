import { createHash } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { Logger } from '@readingroom/sync-server';
import { claimValues, readClaim } from './role-claims';

export interface OidcOptions {
  readonly issuer: string;
  readonly audience: string;
  readonly jwksUrl: string;
  /** Claim carrying `readingroom:...` role values (name or dotted path). */
  readonly rolesClaim: string;
  /** Claim proposing the username of a newly provisioned user. */
  readonly usernameClaim: string;
  /** Leeway for exp/nbf/iat, in seconds. */
  readonly clockToleranceSeconds?: number;
}

/** What a verified identity-provider token says. */
export interface OidcIdentity {
  /** `<issuer>|<sub>`: stable across username changes at the provider. */
  readonly externalId: string;
  readonly proposedUsername: string | null;
  readonly roleValues: readonly string[];
  /** The token's `jti`, or a hash of the whole token when it has none. */
  readonly tokenId: string;
  /** Seconds since the epoch. */
  readonly expiresAt: number;
}

/** Asymmetric algorithms only: a provider's public key must never verify an HMAC. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export type OidcVerifier = (token: string) => Promise<OidcIdentity | null>;

/**
 * Verifies bearer JWTs from an OpenID Connect provider: signature against the provider's JWKS
 * (fetched, cached and refetched on an unknown key id by jose, at most every 30 s), issuer,
 * audience, expiry (required) and a subject. Resolves null for anything that fails.
 */
export function createOidcVerifier(options: OidcOptions, logger: Logger): OidcVerifier {
  const jwks = createRemoteJWKSet(new URL(options.jwksUrl));
  return async (token) => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['sub', 'exp'],
        clockTolerance: options.clockToleranceSeconds ?? 30,
      }));
    } catch (err) {
      // Only the error class: messages may quote claims.
      logger.debug({ reason: (err as { code?: string }).code ?? (err as Error).name }, 'oidc token refused');
      return null;
    }
    if (!payload.sub || !payload.exp) return null;
    const proposed = readClaim(payload, options.usernameClaim);
    return {
      externalId: `${options.issuer}|${payload.sub}`,
      proposedUsername: typeof proposed === 'string' ? proposed : null,
      roleValues: claimValues(readClaim(payload, options.rolesClaim)),
      tokenId: typeof payload.jti === 'string' && payload.jti ? `oidc:${payload.jti}` : `oidc-sha256:${createHash('sha256').update(token).digest('hex')}`,
      expiresAt: payload.exp,
    };
  };
}
