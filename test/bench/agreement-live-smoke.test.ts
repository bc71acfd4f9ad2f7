/**
 * Keeps the live-adjudication benchmark from rotting: runs `test/bench/agreement-live.ts` as
 * `pnpm bench` does, at a small size, and checks that it measured every edit and that the live
 * engine agreed with a full recompute. A few seconds, mostly tsx start-up.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { REPO_ROOT } from '../durability/server-process';
import type { AgreementBenchResult } from './agreement-live';

const dir = mkdtempSync(join(tmpdir(), 'rr-agreement-bench-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('live adjudication bench measures every edit and matches a full recompute', async () => {
  const json = join(dir, 'result.json');
  const args = ['--import', 'tsx', 'test/bench/agreement-live.ts', '--readers', '3', '--boxes', '20', '--images', '5', '--edits', '40', '--json', json];
  const child = spawn(process.execPath, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const timer = setTimeout(() => child.kill('SIGTERM'), 55_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  expect(code, output).toBe(0);

  const r = JSON.parse(readFileSync(json, 'utf8')) as AgreementBenchResult;
  expect(r.options).toMatchObject({ readers: 3, boxes: 20, images: 5, edits: 40 });
  expect(r.consistent).toBe(true);
  expect(r.totalBoxes).toBeGreaterThan(40);
  expect(r.clusters).toBeGreaterThan(0);
  for (const p of [r.live, r.liveCpu, r.liveWarm, r.full, r.fullCpu]) {
    expect(Number.isFinite(p.p50) && p.p50 >= 0).toBe(true);
    expect(p.p95).toBeGreaterThanOrEqual(p.p50);
    expect(p.max).toBeGreaterThanOrEqual(p.p95);
  }
  expect(r.groupsPerEdit).toBeGreaterThan(0);
  expect(output).toContain('full / live (p50)');
}, 60_000);
