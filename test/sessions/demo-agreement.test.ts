// Acceptance: the agreement report for the demo project is produced by the CLI and by the API,
// and they agree. The data directory is seeded by `readingroom demo` (three finished reads of
// the synthetic CT and a consensus in progress), then served by a real server.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPORT_CSV_HEADER } from '@readingroom/agreement';
import { demoCommand } from '../../apps/server/src/demo/demo-command';
import { DEMO_PROJECT_NAME } from '../../apps/server/src/demo/demo-taxonomy';
import { ADMIN_PASSWORD, login, startTestServer, type TestServer } from '../support/test-server';
import { agreementCli } from './agreement-cli';

let dataDir: string;
let server: TestServer;
let adminToken: string;
let projectId: string;
/** One-time passwords the demo printed, by username. */
const passwords: Record<string, string> = {};

async function get(token: string, path: string) {
  const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'rr-demo-agreement-'));
  let out = '';
  const io = { stdout: (s: string) => void (out += s), stderr: (s: string) => void (out += s), env: {} };
  expect(await demoCommand({ dataDir, adminPassword: ADMIN_PASSWORD }, io)).toBe(0);
  for (const m of out.matchAll(/^ {2}(\S+)\s+\S+\s+(\S+)$/gm)) passwords[m[1]!] = m[2]!;
  server = await startTestServer({ dataDir });
  adminToken = await server.login();
  const projects = JSON.parse((await get(adminToken, '/api/projects')).text) as { projects: { id: string; name: string }[] };
  projectId = projects.projects.find((p) => p.name === DEMO_PROJECT_NAME)!.id;
}, 180_000);

afterAll(async () => {
  await server?.close();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the demo project', () => {
  it('has an agreement report that the CLI and the API produce alike, in JSON and CSV', async () => {
    const api = JSON.parse((await get(adminToken, `/api/projects/${projectId}/agreement`)).text);
    const cli = JSON.parse(await agreementCli(dataDir, ['--project', DEMO_PROJECT_NAME]));
    expect(cli).toEqual(api);

    const csv = await get(adminToken, `/api/projects/${projectId}/agreement?format=csv`);
    expect(csv.text.split('\r\n')[0]).toBe(REPORT_CSV_HEADER.join(','));
    expect(await agreementCli(dataDir, ['--project', DEMO_PROJECT_NAME, '--format', 'csv'])).toBe(csv.text);
  });

  it('reports meaningful agreement on the CT: three readers, a missed nodule, a label conflict, one nodule left to adjudicate', async () => {
    const { report, readerNames, studies } = JSON.parse((await get(adminToken, `/api/projects/${projectId}/agreement`)).text);
    expect(Object.values(readerNames).sort()).toEqual(['reader1', 'reader2', 'reader3']);
    expect(studies.filter((s: { readers: unknown[] }) => s.readers.length > 0)).toHaveLength(1);
    expect(studies.find((s: { readers: unknown[] }) => s.readers.length > 0)).toMatchObject({ phase: 'adjudication', hasConsensus: true, imagesFrom: 'catalog' });
    expect(report.studyCount).toBe(1);
    expect(report.imageCount).toBeGreaterThanOrEqual(128);

    const nodule = report.classes.find((c: { label: string }) => c.label === 'nodule');
    expect(nodule.method).toBe('fleiss');
    expect(nodule.kappa).toBeGreaterThan(0.5);
    expect(nodule.kappa).toBeLessThan(1);
    expect(report.classes.find((c: { label: string }) => c.label === 'mass').imagesPresent).toBeDefined();

    const byName = Object.fromEntries(
      report.readerStats.map((r: { readerId: string; vsConsensus: Record<string, number> }) => [readerNames[r.readerId], r.vsConsensus]),
    );
    expect(byName.reader1).toMatchObject({ tp: 3, fp: 1, fn: 0 }); // found all four; one not adjudicated yet
    expect(byName.reader2).toMatchObject({ tp: 2, fp: 1, fn: 1 }); // called the 18 mm nodule a mass, missed the 6 mm one
    expect(byName.reader3).toMatchObject({ tp: 3, fp: 2, fn: 0 }); // plus a false positive (rejected)
    expect(report.unresolvedDisagreements).toBe(1);
    expect(report.unresolvedByKind.partial).toBe(1);
    expect(report.consensus).toEqual({ boxes: 3, classBalance: [{ label: 'nodule', count: 3, fraction: 1 }] });
  });

  it('shows the report to a demo reader (the CT readers may discuss it) and to the observer', async () => {
    const reader1 = await login(server.url, 'reader1', passwords.reader1!);
    const mine = await get(reader1, `/api/projects/${projectId}/agreement`);
    expect(mine.status).toBe(200);
    expect(JSON.parse(mine.text).withheldStudies).toBe(0);
    const observer = await login(server.url, 'observer', passwords.observer!);
    expect((await get(observer, `/api/projects/${projectId}/agreement`)).status).toBe(200);
  });
});
