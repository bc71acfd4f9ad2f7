import { createHmac, randomUUID } from 'node:crypto';

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/**
 * Signs an HS256 JWT by hand (no library), so tests can craft expired or forged tokens.
 * Claims default to a plausible session for `sub`.
 */
export function signJwt(secret: string, claims: Record<string, unknown>): string {
  const header = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const payload = b64url(JSON.stringify(claims));
  const signature = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  return `${header}.${payload}.${b64url(signature)}`;
}

/** Reads the (unverified) payload of a JWT. */
export function jwtPayload(token: string): Record<string, unknown> {
  const part = token.split('.')[1];
  if (!part) throw new Error('not a JWT');
  return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Claims like the server's own, for the user `sub`, expiring at `exp` (seconds). */
export function sessionClaims(sub: string, username: string, exp: number): Record<string, unknown> {
  return { username, sub, iat: exp - 3600, exp, jti: randomUUID() };
}
