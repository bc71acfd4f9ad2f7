/**
 * Keeps `pnpm bench` from rotting: runs the real orchestrator (child processes, both servers)
 * in a tiny configuration and checks that it measured latencies for both. Takes ~15-20 s on an
 * idle 2-core machine; the 60 s timeout only absorbs a loaded CI box (server start via tsx).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../durability/server-process';
import type { ConfigResult } from './run';

const dir = mkdtempSync(join(tmpdir(), 'rr-bench-smoke-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('bench runs against both servers and measures latencies', async () => {
  const json = join(dir, 'result.json');
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/bench/run.ts', '--clients', '2', '--duration', '1.5', '--warmup', '0.5', '--json', json, '--no-validation-cost'],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), 55_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  expect(code, output).toBe(0);

  const { results } = JSON.parse(readFileSync(json, 'utf8')) as { results: ConfigResult[] };
  expect(results.map((r) => r.server).sort()).toEqual(['ref', 'rr']);
  for (const r of results) {
    expect(r.samples, `${r.server}: no latencies\n${output}`).toBeGreaterThan(3);
    expect(Number.isFinite(r.p50) && r.p50 >= 0, `${r.server} p50`).toBe(true);
    expect(r.p99).toBeGreaterThanOrEqual(r.p50);
    expect(r.rssPeakMb).toBeGreaterThan(0);
    expect(r.disconnects).toBe(0);
  }
  expect(output).toContain('RR / ref');
}, 60_000);
