/**
 * `pnpm bench`: Reading Room vs the reference y-websocket server (`@y/websocket-server@0.1.1`),
 * side by side in one run. For each N (clients in one room) and each server: start the server as
 * a child process, spread the N clients over 2-4 forked worker processes (./client-worker.ts),
 * let every client edit boxes at a fixed rate, and measure edit-to-remote latency (p50/p99/max),
 * edits delivered per second, and the server process's CPU% and RSS (pidusage every 250 ms).
 *
 * Flags:
 *   --quick               short smoke run (N = 2, 10; 1 s warm-up, 3 s measured)
 *   --clients 2,10,50     client counts (default 2,10,50)
 *   --servers rr,ref      which servers (default both)
 *   --duration <s>        measured seconds per config (default 8)
 *   --warmup <s>          warm-up seconds per config (default 2)
 *   --rate <n>            edits per second per client (default 5)
 *   --json <file>         also write the results as JSON
 *   --no-validation-cost  skip the validation-cost run that follows (./validation-cost.ts)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import pidusage from 'pidusage';
import {
  ADMIN_PASSWORD,
  REPO_ROOT,
  SERVER_CLI,
  TOKEN_SECRET,
  freePort,
  killAllChildren,
  login,
  spawnTsx,
  waitReady,
  type ChildServer,
} from '../durability/server-process';
import type { ParentMessage, WorkerMessage, WorkerResult } from './client-worker';
import { runValidationCost } from './validation-cost';

export type ServerKind = 'rr' | 'ref';
export const SERVER_LABEL: Record<ServerKind, string> = { rr: 'Reading Room', ref: 'reference' };

export interface BenchOptions {
  clients: number[];
  servers: ServerKind[];
  durationS: number;
  warmupS: number;
  rate: number;
  boxesPerClient: number;
}

export interface ConfigResult {
  server: ServerKind;
  clients: number;
  workers: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** Remote deliveries per second (each edit counts once per receiving client). */
  deliveredPerS: number;
  /** Expected deliveries per second if nothing is lost: edits/s × (N − 1). */
  expectedPerS: number;
  editsPerS: number;
  cpuMean: number;
  cpuMax: number;
  rssPeakMb: number;
  disconnects: number;
}

const WORKER = fileURLToPath(new URL('./client-worker.ts', import.meta.url));
const workers = new Set<ChildProcess>();
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const trace = (what: string) => {
  if (process.env.BENCH_TRACE) console.error(`[trace ${new Date().toISOString().slice(17, 23)}] ${what}`);
};

function killWorkers(): void {
  for (const w of workers) if (w.exitCode === null && w.signalCode === null) w.kill('SIGKILL');
  workers.clear();
}

function workerCount(n: number): number {
  return n <= 2 ? 2 : n <= 10 ? 2 : 4;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

function nextMessage(w: ChildProcess, type: WorkerMessage['type'], timeoutMs: number): Promise<WorkerMessage> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`worker did not send ${type} within ${timeoutMs} ms`)), timeoutMs);
    const onMessage = (m: WorkerMessage) => {
      if (m.type === 'error') done(new Error(`worker error: ${m.message}`));
      else if (m.type === type) done(null, m);
    };
    const onExit = (code: number | null) => done(new Error(`worker exited (${code}) while waiting for ${type}`));
    const done = (err: Error | null, m?: WorkerMessage) => {
      clearTimeout(timer);
      w.off('message', onMessage);
      w.off('exit', onExit);
      if (err) reject(err);
      else resolve(m!);
    };
    w.on('message', onMessage);
    w.once('exit', onExit);
  });
}

async function startServer(kind: ServerKind, dataDir: string): Promise<{ server: ChildServer; token: string }> {
  const port = await freePort();
  if (kind === 'rr') {
    // --no-demo: `serve` would otherwise seed the demo project into the fresh data dir first.
    // All clients log in as one user, so lift the per-user connection cap (default 20).
    const server = spawnTsx(
      SERVER_CLI,
      ['serve', '--no-demo', '--port', String(port), '--host', '127.0.0.1', '--data-dir', dataDir, '--log-level', 'silent'],
      {
        READINGROOM_ADMIN_PASSWORD: ADMIN_PASSWORD,
        READINGROOM_TOKEN_SECRET: TOKEN_SECRET,
        READINGROOM_MAX_CONNECTIONS_PER_USER: '1000',
        LOG_LEVEL: 'silent',
      },
      port,
    );
    await waitReady(server, '/readyz', 30_000);
    return { server, token: await login(server) };
  }
  const server = spawnTsx('test/bench/reference-server.ts', ['--port', String(port), '--host', '127.0.0.1'], {}, port);
  await waitReady(server, '/readyz', 30_000);
  return { server, token: 'ignored' };
}

interface RunningServer {
  readonly kind: ServerKind;
  readonly server: ChildServer;
  readonly token: string;
  readonly dataDir: string | null;
}

function forkWorker(): ChildProcess {
  const proc = fork(WORKER, [], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  workers.add(proc);
  proc.once('exit', () => workers.delete(proc));
  return proc;
}

async function stopWorker(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
  if (p.connected) p.send({ type: 'exit' } satisfies ParentMessage);
  const timer = setTimeout(() => p.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Runs one (server, N) configuration on an already running server, with the first
 * `workerCount(N)` processes of the pool (each worker drops its previous clients on init).
 * Each configuration uses its own room, so it starts from an empty document.
 */
export async function runConfig(target: RunningServer, n: number, o: BenchOptions, pool: ChildProcess[]): Promise<ConfigResult> {
  const { kind, server, token } = target;
  const w = Math.min(workerCount(n), pool.length);
  const counts = Array.from({ length: w }, (_, i) => Math.floor(n / w) + (i < n % w ? 1 : 0)).filter((c) => c > 0);
  const procs = pool.slice(0, counts.length);
  const room = `bench-${kind}-${n}-${Date.now()}`;
  let first = 0;
  for (const [i, proc] of procs.entries()) {
    const count = counts[i]!;
    const init: ParentMessage = {
      type: 'init',
      serverUrl: server.syncUrl,
      room,
      token,
      clients: count,
      firstClient: first,
      rate: o.rate,
      boxesPerClient: o.boxesPerClient,
    };
    first += count;
    proc.send(init);
  }
  await Promise.all(procs.map((p) => nextMessage(p, 'ready', 60_000)));
  trace('clients synced');

  const t0 = now();
  const start: ParentMessage = {
    type: 'start',
    measureFrom: t0 + o.warmupS * 1000,
    measureTo: t0 + (o.warmupS + o.durationS) * 1000,
    collectUntil: t0 + (o.warmupS + o.durationS) * 1000 + 1_000,
  };
  const results = procs.map((p) => nextMessage(p, 'result', (o.warmupS + o.durationS) * 1000 + 30_000));
  for (const p of procs) p.send(start);

  // Sample the server process during the measured window only.
  await sleep(Math.max(0, start.measureFrom - now()));
  pidusage.clear();
  await pidusage(server.pid); // baseline: the next sample's CPU% covers the interval since
  const cpu: number[] = [];
  let rss = 0;
  while (now() < start.measureTo) {
    await sleep(250);
    const s = await pidusage(server.pid);
    cpu.push(s.cpu);
    rss = Math.max(rss, s.memory);
  }
  const all = (await Promise.all(results)) as WorkerResult[];
  trace('results in');
  // Disconnect this configuration's clients before the next one starts.
  for (const p of procs) p.send({ type: 'reset' } satisfies ParentMessage);
  await Promise.all(procs.map((p) => nextMessage(p, 'reset-done', 10_000)));

  let total = 0;
  for (const r of all) total += r.latencies.length;
  const lat = new Float64Array(total);
  let k = 0;
  for (const r of all) for (const v of r.latencies) lat[k++] = v;
  lat.sort();
  const edits = all.reduce((a, r) => a + r.editsInWindow, 0);
  return {
    server: kind,
    clients: n,
    workers: procs.length,
    samples: lat.length,
    p50: percentile(lat, 50),
    p99: percentile(lat, 99),
    max: lat.length > 0 ? lat[lat.length - 1]! : Number.NaN,
    deliveredPerS: lat.length / o.durationS,
    expectedPerS: (edits / o.durationS) * (n - 1),
    editsPerS: edits / o.durationS,
    cpuMean: cpu.length > 0 ? cpu.reduce((a, b) => a + b, 0) / cpu.length : Number.NaN,
    cpuMax: cpu.length > 0 ? Math.max(...cpu) : Number.NaN,
    rssPeakMb: rss / 1024 / 1024,
    disconnects: all.reduce((a, r) => a + r.disconnects, 0),
  };
}

/**
 * Starts every server once (Reading Room with a fresh temp data dir) and a pool of client
 * processes, then runs each N against each server in turn (side by side, same run).
 */
export async function runBench(o: BenchOptions, log: (line: string) => void = console.log): Promise<ConfigResult[]> {
  const poolSize = Math.max(...o.clients.map(workerCount));
  const pool = Array.from({ length: poolSize }, forkWorker);
  const servers: RunningServer[] = [];
  try {
    for (const kind of o.servers) {
      const dataDir = kind === 'rr' ? mkdtempSync(join(tmpdir(), 'rr-bench-')) : null;
      const started = await startServer(kind, dataDir ?? '');
      servers.push({ kind, ...started, dataDir });
      trace(`${kind} ready`);
    }
    const out: ConfigResult[] = [];
    for (const n of o.clients) {
      for (const target of servers) {
        log(`… ${SERVER_LABEL[target.kind]}, N=${n}: ${o.warmupS}s warm-up + ${o.durationS}s measured`);
        out.push(await runConfig(target, n, o, pool));
      }
      log(formatTable(out.filter((r) => r.clients === n), o));
      log(`(load average now: ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
    }
    return out;
  } finally {
    await Promise.all(pool.map(stopWorker));
    for (const s of servers) {
      await s.server.stop(5_000);
      if (s.dataDir) rmSync(s.dataDir, { recursive: true, force: true });
    }
    pidusage.clear();
    trace('all stopped');
  }
}

const f = (v: number, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '–');

export function formatTable(rows: ConfigResult[], o: BenchOptions): string {
  const rr = rows.find((r) => r.server === 'rr');
  const ref = rows.find((r) => r.server === 'ref');
  const n = rows[0]?.clients ?? 0;
  const lines = [
    '',
    `N = ${n} clients, ${o.rate} edits/s each (${rows[0]?.workers ?? 0} client processes)`,
    `| metric | Reading Room | reference | RR / ref |`,
    `|---|---:|---:|---:|`,
  ];
  const row = (name: string, get: (r: ConfigResult) => number, d = 1) => {
    const a = rr ? get(rr) : Number.NaN;
    const b = ref ? get(ref) : Number.NaN;
    lines.push(`| ${name} | ${f(a, d)} | ${f(b, d)} | ${f(a / b, 2)} |`);
  };
  row('latency p50 (ms)', (r) => r.p50);
  row('latency p99 (ms)', (r) => r.p99);
  row('latency max (ms)', (r) => r.max);
  row('edits/s made', (r) => r.editsPerS, 0);
  row('remote deliveries/s', (r) => r.deliveredPerS, 0);
  row('  expected deliveries/s', (r) => r.expectedPerS, 0);
  row('server CPU % (mean)', (r) => r.cpuMean);
  row('server CPU % (max sample)', (r) => r.cpuMax);
  row('server RSS peak (MB)', (r) => r.rssPeakMb);
  const disc = rows.reduce((a, r) => a + r.disconnects, 0);
  if (disc > 0) lines.push(`(!) ${disc} client disconnects during the run`);
  return lines.join('\n');
}

function parseArgs(argv: string[]): { options: BenchOptions; json: string | null } {
  const get = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const quick = argv.includes('--quick');
  const options: BenchOptions = {
    clients: (get('clients') ?? (quick ? '2,10' : '2,10,50')).split(',').map(Number),
    servers: (get('servers') ?? 'rr,ref').split(',') as ServerKind[],
    durationS: Number(get('duration') ?? (quick ? 3 : 8)),
    warmupS: Number(get('warmup') ?? (quick ? 1 : 2)),
    rate: Number(get('rate') ?? 5),
    boxesPerClient: 3,
  };
  for (const s of options.servers) if (s !== 'rr' && s !== 'ref') throw new Error(`unknown server ${s}`);
  return { options, json: get('json') ?? null };
}

async function main(): Promise<void> {
  const { options, json } = parseArgs(process.argv.slice(2));
  const cleanup = () => {
    killWorkers();
    killAllChildren();
  };
  process.once('exit', cleanup);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.once(sig, () => {
      cleanup();
      process.exit(130);
    });
  }
  console.log(
    `Reading Room bench — Node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`,
  );
  const started = Date.now();
  const results = await runBench(options);
  console.log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
  // In process, after the servers are gone: what validating every update costs the sync core.
  if (!process.argv.includes('--no-validation-cost')) {
    const quick = process.argv.includes('--quick');
    await runValidationCost({ rounds: quick ? 3 : 7, writers: 4, boxesPerWriter: 25, movesPerWriter: quick ? 200 : 600 });
  }
  if (json) writeFileSync(json, JSON.stringify({ options, results, node: process.version, cores: cpus().length, loadavg: loadavg() }, null, 2));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      killWorkers();
      killAllChildren();
      process.exit(1);
    },
  );
}
