import { SignJWT, UnsecuredJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { createTokenService } from './tokens';

const secret = 'a'.repeat(48);
const user = { id: 'user-1', username: 'ada' };

describe('token service', () => {
  it('issues a token that verifies to the user id, username and expiry', async () => {
    const tokens = createTokenService({ secret, ttlSeconds: 3600, now: () => 1_700_000_000_000 });
    const issued = await tokens.issueToken(user);
    expect(issued.expiresAt).toBe(1_700_000_000 + 3600);
    const claims = await tokens.verifyToken(issued.token);
    expect(claims).toMatchObject({ userId: 'user-1', username: 'ada', expiresAt: issued.expiresAt });
    expect(claims?.tokenId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('gives every token its own jti', async () => {
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    const a = await tokens.verifyToken((await tokens.issueToken(user)).token);
    const b = await tokens.verifyToken((await tokens.issueToken(user)).token);
    expect(a?.tokenId).not.toBe(b?.tokenId);
  });

  it('rejects a token once it has expired', async () => {
    let now = 1_700_000_000_000;
    const tokens = createTokenService({ secret, ttlSeconds: 60, now: () => now });
    const { token } = await tokens.issueToken(user);
    now += 59_000;
    expect(await tokens.verifyToken(token)).not.toBeNull();
    now += 2_000;
    expect(await tokens.verifyToken(token)).toBeNull();
  });

  it('rejects a token signed with another secret', async () => {
    const forger = createTokenService({ secret: 'b'.repeat(48), ttlSeconds: 60 });
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    expect(await tokens.verifyToken((await forger.issueToken(user)).token)).toBeNull();
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    const [header, , signature] = (await tokens.issueToken(user)).token.split('.');
    const payload = Buffer.from(JSON.stringify({ sub: 'admin-id', username: 'admin', exp: 9e9, iat: 1, jti: 'x' })).toString('base64url');
    expect(await tokens.verifyToken(`${header}.${payload}.${signature}`)).toBeNull();
  });

  it('rejects unsigned (alg none) and other-algorithm tokens even with the right key', async () => {
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    const claims = { username: 'ada', jti: 'j' };
    const unsigned = new UnsecuredJWT(claims).setSubject('user-1').setIssuedAt().setExpirationTime('1h').encode();
    const hs512 = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS512' })
      .setSubject('user-1')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
    expect(await tokens.verifyToken(unsigned)).toBeNull();
    expect(await tokens.verifyToken(hs512)).toBeNull();
  });

  it('rejects garbage and empty tokens without throwing', async () => {
    const tokens = createTokenService({ secret, ttlSeconds: 60 });
    expect(await tokens.verifyToken('')).toBeNull();
    expect(await tokens.verifyToken('not.a.jwt')).toBeNull();
  });
});
