import { execFileSync } from 'node:child_process';
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// ---- TLS ----

export interface SelfSignedCert {
  readonly dir: string;
  readonly certFile: string;
  readonly keyFile: string;
  /** The certificate, to trust it as its own CA. */
  readonly cert: Buffer;
  dispose(): void;
}

/** A fresh self-signed certificate for 127.0.0.1 and localhost, made by the openssl command line. */
export function makeSelfSignedCert(): SelfSignedCert {
  const dir = mkdtempSync(join(tmpdir(), 'readingroom-tls-'));
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', keyFile, '-out', certFile, '-days', '1', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  );
  return { dir, certFile, keyFile, cert: readFileSync(certFile), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface HttpsAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTPS request trusting `ca` (Node's fetch cannot be given a CA per request). */
export function requestHttps(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string; ca?: Buffer } = {},
): Promise<HttpsAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: options.method ?? 'GET', headers: options.headers, ca: options.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

// ---- an OpenID Connect provider's JWKS, served by the test ----

const b64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

export interface TestJwksProvider {
  /** `http://127.0.0.1:<port>`: the issuer the server is configured with. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Key id published in the JWKS. */
  readonly kid: string;
  /** How many times the JWKS was fetched. */
  readonly fetches: number;
  /** Signs an RS256 JWT with the published key (or `key` / `kid` to forge). */
  sign(claims: Record<string, unknown>, options?: { kid?: string; key?: KeyObject; alg?: string }): string;
  /** Claims of a plausible token: issuer, audience, subject, expiring in 10 minutes. */
  claims(sub: string, extra?: Record<string, unknown>): Record<string, unknown>;
  close(): Promise<void>;
}

/**
 * A tiny identity provider: an RSA key pair made with node:crypto, its public half published
 * as a JWKS at `/.well-known/jwks.json` on 127.0.0.1, and a signer for tokens. The JWTs are
 * assembled by hand so that the test does not share a library with the code under test.
 */
export async function startJwksProvider(audience: string): Promise<TestJwksProvider> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `test-key-${randomUUID().slice(0, 8)}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
  let fetches = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === '/.well-known/jwks.json') {
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ keys: [jwk] }));
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const nowSeconds = () => Math.floor(Date.now() / 1000);
  return {
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    kid,
    get fetches() {
      return fetches;
    },
    sign(claims, options = {}) {
      const header = b64url(JSON.stringify({ alg: options.alg ?? 'RS256', typ: 'JWT', kid: options.kid ?? kid }));
      const payload = b64url(JSON.stringify(claims));
      const signature = sign('sha256', Buffer.from(`${header}.${payload}`), options.key ?? privateKey);
      return `${header}.${payload}.${b64url(signature)}`;
    },
    claims(sub, extra = {}) {
      const now = nowSeconds();
      return { iss: issuer, aud: audience, sub, iat: now, exp: now + 600, jti: randomUUID(), ...extra };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Another RSA private key, for forged signatures. */
export function otherRsaKey(): KeyObject {
  return createPrivateKey(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'pem', type: 'pkcs8' }));
}
