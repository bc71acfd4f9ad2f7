/**
 * Runs the Reading Room server CLI (or any tsx script) as a child process, for tests and the
 * benchmark: free port, readiness polling, login, SIGKILL. Every child is tracked and killed
 * when this process exits, so nothing is left behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SERVER_CLI = 'apps/server/src/cli/main.ts';
export const ADMIN_PASSWORD = 'durability-admin-password-1';
export const TOKEN_SECRET = 'durability-token-secret-0123456789abcdef';

const children = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', killAllChildren);
}

/** SIGKILLs every child started through this module that is still running. */
export function killAllChildren(): void {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
}

/** A free TCP port on 127.0.0.1 (listen on 0, read, close). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      if (address === null || typeof address === 'string') return reject(new Error('no port'));
      srv.close(() => resolve(address.port));
    });
  });
}

export interface ChildServer {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  readonly httpUrl: string;
  /** `ws://127.0.0.1:<port>/sync` — append `/<room>`. */
  readonly syncUrl: string;
  /** Output collected so far (for error messages). */
  output(): string;
  /** Resolves with the exit code/signal once the process is gone. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** kill -9 and wait for the process to be gone. */
  kill9(): Promise<void>;
  /** SIGTERM (clean shutdown), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `node --import tsx <script> ...args` in the repository root (one process, no wrapper). */
export function spawnTsx(script: string, args: string[], env: NodeJS.ProcessEnv, port: number): ChildServer {
  installExitHook();
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  const collect = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 20_000) out = out.slice(-20_000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  if (child.pid === undefined) throw new Error(`could not spawn ${script}`);
  const isRunning = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    pid: child.pid,
    port,
    httpUrl: `http://127.0.0.1:${port}`,
    syncUrl: `ws://127.0.0.1:${port}/sync`,
    output: () => out,
    exited,
    async kill9() {
      if (isRunning()) child.kill('SIGKILL');
      await exited;
    },
    async stop(graceMs = 5_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Starts the Reading Room CLI `serve` on a free port with `dataDir`; resolves once `/readyz` is 200. */
export async function startReadingRoom(dataDir: string, timeoutMs = 30_000): Promise<ChildServer> {
  const port = await freePort();
  const server = spawnTsx(
    SERVER_CLI,
    ['serve', '--no-demo', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'silent'],
    { READINGROOM_ADMIN_PASSWORD: ADMIN_PASSWORD, READINGROOM_TOKEN_SECRET: TOKEN_SECRET, LOG_LEVEL: 'silent' },
    port,
  );
  await waitReady(server, '/readyz', timeoutMs);
  return server;
}

/** Polls `GET <path>` until 200; fails early if the process exits. */
export async function waitReady(server: ChildServer, path: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void server.exited.then((e) => (gone = e));
  for (;;) {
    if (gone !== null) {
      const e: { code: number | null; signal: NodeJS.Signals | null } = gone;
      throw new Error(`server exited before ready (code ${e.code}, signal ${e.signal}):\n${server.output()}`);
    }
    try {
      const res = await fetch(server.httpUrl + path, { signal: AbortSignal.timeout(1_000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`server not ready after ${timeoutMs} ms:\n${server.output()}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** `POST /api/auth/login` as admin → token. */
export async function login(server: ChildServer, password = ADMIN_PASSWORD): Promise<string> {
  const res = await fetch(`${server.httpUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password }),
  });
  const body = (await res.json()) as { token?: unknown };
  if (res.status !== 200 || typeof body.token !== 'string') {
    throw new Error(`login failed: ${res.status} ${JSON.stringify(body)}`);
  }
  return body.token;
}
