import { afterEach, describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { ADMIN_PASSWORD, startTestServer, type TestServer } from '../support/test-server';
import { RawClient, encodeStep1, encodeUpdate, roomUrl } from '../support/raw-client';
import { makeSelfSignedCert, requestHttps, type SelfSignedCert } from './transport-fixtures';

let server: TestServer | undefined;
let cert: SelfSignedCert | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  cert?.dispose();
  cert = undefined;
});

async function startTlsServer(): Promise<{ server: TestServer; cert: SelfSignedCert }> {
  cert = makeSelfSignedCert();
  server = await startTestServer({ config: { tlsCertFile: cert.certFile, tlsKeyFile: cert.keyFile } });
  return { server, cert };
}

async function loginHttps(url: string, ca: Buffer): Promise<string> {
  const res = await requestHttps(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
    ca,
  });
  expect(res.status).toBe(200);
  return (JSON.parse(res.body) as { token: string }).token;
}

describe('HTTPS and WSS', () => {
  it('serves the API over HTTPS when a certificate and key are configured', async () => {
    const { server, cert } = await startTlsServer();
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await requestHttps(`${server.url}/healthz`, { ca: cert.cert })).status).toBe(200);
    const token = await loginHttps(server.url, cert.cert);
    const me = await requestHttps(`${server.url}/api/me`, { headers: { authorization: `Bearer ${token}` }, ca: cert.cert });
    expect(me.status).toBe(200);
    expect(JSON.parse(me.body)).toMatchObject({ username: 'admin' });
  });

  it('refuses plain HTTP on the TLS port and a client that does not trust the certificate', async () => {
    const { server } = await startTlsServer();
    const plain = server.url.replace(/^https/, 'http');
    await expect(fetch(`${plain}/healthz`)).rejects.toThrow();
    await expect(requestHttps(`${server.url}/healthz`)).rejects.toThrow(/self[- ]signed|certificate/i);
  });

  it('syncs over WSS with a client that trusts the certificate', async () => {
    const { server, cert } = await startTlsServer();
    const token = await loginHttps(server.url, cert.cert);
    expect(server.syncUrl).toMatch(/^wss:\/\//);
    const a = await RawClient.connect(roomUrl(server.syncUrl, 'tls-room', token), { ca: cert.cert });
    const b = await RawClient.connect(roomUrl(server.syncUrl, 'tls-room', token), { ca: cert.cert });
    a.send(encodeStep1(new Uint8Array([0])));
    await a.nextMessage((m) => m.kind === 'sync-step2');
    const doc = new Y.Doc();
    doc.getMap('m').set('over', 'tls');
    a.send(encodeUpdate(Y.encodeStateAsUpdate(doc)));
    const update = await b.nextMessage((m) => m.kind === 'sync-update');
    const seen = new Y.Doc();
    if (update.kind === 'sync-update') Y.applyUpdate(seen, update.update);
    expect(seen.getMap('m').get('over')).toBe('tls');
    await a.close();
    await b.close();
  });

  it('will not start with only one of certificate and key, naming what is missing', async () => {
    cert = makeSelfSignedCert();
    await expect(startTestServer({ config: { tlsCertFile: cert.certFile } })).rejects.toThrow(/tlsKeyFile/);
    await expect(startTestServer({ config: { tlsCertFile: cert.certFile, tlsKeyFile: `${cert.dir}/missing.pem` } })).rejects.toThrow(
      /tlsKeyFile: cannot read/,
    );
  });
});

describe('WebSocket origin allow-list', () => {
  it('refuses an upgrade from another origin with 403 before any room is loaded', async () => {
    server = await startTestServer();
    const token = await server.login();
    const url = roomUrl(server.syncUrl, 'origin-room', token);
    expect(await RawClient.refusedStatus(url, { origin: 'https://evil.example' })).toBe(403);
    expect(await RawClient.refusedStatus(url, { origin: 'http://127.0.0.1:1' })).toBe(403);
    expect(server.server.sync.roomCount).toBe(0);
  });

  it('allows the server\'s own origin and clients that send no Origin (control)', async () => {
    server = await startTestServer();
    const token = await server.login();
    const url = roomUrl(server.syncUrl, 'origin-room', token);
    const same = await RawClient.connect(url, { origin: server.url });
    const none = await RawClient.connect(url);
    expect(server.server.sync.connectionCount).toBe(2);
    await same.close();
    await none.close();
  });

  it('allows configured origins, and only those', async () => {
    server = await startTestServer({ config: { allowedOrigins: 'https://viewer.example.org, http://localhost:5173' } });
    const token = await server.login();
    const url = roomUrl(server.syncUrl, 'origin-room', token);
    const listed = await RawClient.connect(url, { origin: 'https://viewer.example.org' });
    expect(await RawClient.refusedStatus(url, { origin: 'https://viewer.example.org.evil.example' })).toBe(403);
    await listed.close();
  });
});
