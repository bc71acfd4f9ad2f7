import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type ConfigInput, type RunningServer, type ServerDeps } from '@readingroom/server';

export const ADMIN_PASSWORD = 'admin-password-1';
/** A fixed secret, so tests can sign (expired) tokens the server accepts the signature of. */
export const TOKEN_SECRET = 'reading-room-test-secret-0123456789abcdef';

export interface TestServer {
  readonly dataDir: string;
  /** The running server (replaced by `restart`). */
  readonly server: RunningServer;
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `ws://127.0.0.1:PORT/sync`: the base URL the stock provider appends `/<room>` to. */
  readonly syncUrl: string;
  /** Logs in as admin and returns the token. */
  login(username?: string, password?: string): Promise<string>;
  /** Closes the server and starts a new one on the same data directory (new port). */
  restart(): Promise<void>;
  /** Closes the server and deletes the data directory. Idempotent. */
  close(): Promise<void>;
}

export interface TestServerOptions {
  readonly config?: Partial<ConfigInput>;
  readonly deps?: ServerDeps;
  /** Reuse a data directory (it is then not deleted on close). */
  readonly dataDir?: string;
}

/** Starts a real server on 127.0.0.1 with a fresh SQLite data directory in the OS temp dir. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'readingroom-test-'));
  const boot = () =>
    startServer(
      {
        port: 0,
        host: '127.0.0.1',
        dataDir,
        logLevel: 'silent',
        adminPassword: ADMIN_PASSWORD,
        tokenSecret: TOKEN_SECRET,
        ...options.config,
      },
      { announce: () => {}, ...options.deps },
    );
  let server = await boot();
  let closed = false;
  const handle: TestServer = {
    dataDir,
    get server() {
      return server;
    },
    get url() {
      return server.url;
    },
    get syncUrl() {
      return `${server.url.replace(/^http/, 'ws')}/sync`;
    },
    login: (username = 'admin', password = ADMIN_PASSWORD) => login(server.url, username, password),
    async restart() {
      await server.close();
      server = await boot();
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.close();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return handle;
}

/** `POST /api/auth/login`; returns the session token or throws with the status and body. */
export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { token?: unknown };
  if (!res.ok || typeof body.token !== 'string') throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}
