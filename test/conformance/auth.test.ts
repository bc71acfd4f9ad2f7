import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, TOKEN_SECRET, type TestServer } from '../support/test-server';
import { jwtPayload, sessionClaims, signJwt } from '../support/jwt';
import { RawClient, roomUrl } from '../support/raw-client';
import { sleep } from '../support/until';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const nowSeconds = () => Math.floor(Date.now() / 1000);

async function expectRefused(url: string): Promise<void> {
  expect(await RawClient.refusedStatus(url)).toBe(401);
  expect(server!.server.sync.roomCount).toBe(0);
  expect(server!.server.sync.connectionCount).toBe(0);
}

describe('sync upgrade authentication', () => {
  it('accepts a valid token (control for the refusals below)', async () => {
    server = await startTestServer();
    const token = await server.login();
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'auth', token));
    expect(server.server.sync.roomCount).toBe(1);
    await raw.close();
  });

  it('refuses an upgrade without a token with HTTP 401 and loads no room', async () => {
    server = await startTestServer();
    await expectRefused(roomUrl(server.syncUrl, 'auth'));
    await expectRefused(`${server.syncUrl}/auth?token=`);
  });

  it('refuses a well-signed token whose exp is in the past with HTTP 401 and loads no room', async () => {
    server = await startTestServer();
    const { sub } = jwtPayload(await server.login());
    const expired = signJwt(TOKEN_SECRET, sessionClaims(String(sub), 'admin', nowSeconds() - 5));
    await expectRefused(roomUrl(server.syncUrl, 'auth', expired));
    // the same claims with a future exp are accepted, so it is the expiry that was refused
    const fresh = signJwt(TOKEN_SECRET, sessionClaims(String(sub), 'admin', nowSeconds() + 600));
    const raw = await RawClient.connect(roomUrl(server.syncUrl, 'auth', fresh));
    await raw.close();
  });

  it('refuses a token issued by the server once its tokenTtl has elapsed', async () => {
    server = await startTestServer({ config: { tokenTtl: 1 } });
    const token = await server.login();
    await sleep(2100);
    await expectRefused(roomUrl(server.syncUrl, 'auth', token));
  });

  it('refuses a token signed with another secret, and a malformed token, with HTTP 401 and loads no room', async () => {
    server = await startTestServer();
    const { sub } = jwtPayload(await server.login());
    const forged = signJwt('an-entirely-different-secret-of-40-chars!!', sessionClaims(String(sub), 'admin', nowSeconds() + 600));
    await expectRefused(roomUrl(server.syncUrl, 'auth', forged));
    await expectRefused(roomUrl(server.syncUrl, 'auth', 'not-a-jwt'));
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify(sessionClaims(String(sub), 'admin', nowSeconds() + 600))).toString('base64url')}.`;
    await expectRefused(roomUrl(server.syncUrl, 'auth', none));
  });
});
