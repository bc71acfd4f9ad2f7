// Encryption at rest end to end: a real server on real files, a DICOM upload with known patient
// data, a project taxonomy, and a stock y-websocket client writing a labelled box with a note
// through StudyDocument. Then every byte of the data directory is searched for those values, the
// server is restarted with, without and with a wrong key, and the key is rotated by the CLI.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomName, StudyDocument } from '@readingroom/model';
import { startServer, type ConfigInput } from '@readingroom/server';
import { runCli } from '../../apps/server/src/cli/program';
import { buildPlantedFile, PLANTED } from '../dicomweb/fixtures';
import { openStockClient, type StockClient } from '../support/stock-client';
import { ADMIN_PASSWORD, login, startTestServer, TOKEN_SECRET, type TestServer } from '../support/test-server';
import { until } from '../support/until';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const LABEL = 'pneumothorax-XYZ';
const NOTE = 'secret-note-XYZ';
const PROJECT_DESCRIPTION = 'project-description-XYZ';
/** Everything that must never appear in the clear in any file of an encrypted data directory. */
const SECRETS = [LABEL, NOTE, PROJECT_DESCRIPTION, PLANTED.patientName, 'Plantedname', PLANTED.patientId, PLANTED.accession, PLANTED.institution, PLANTED.birthDate];

/** Every regular file under `dir`, recursively (SQLite -wal and -shm files included). */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true);
}

/** Which secrets occur in which files, as UTF-8/ASCII or UTF-16LE bytes. */
function findSecrets(dir: string): string[] {
  const found: string[] = [];
  for (const file of allFiles(dir)) {
    const bytes = readFileSync(file);
    for (const secret of SECRETS) {
      for (const encoding of ['utf8', 'utf16le'] as const) {
        if (bytes.includes(Buffer.from(secret, encoding))) found.push(`${secret} (${encoding}) in ${file.slice(dir.length + 1)}`);
      }
    }
  }
  return found;
}

async function cli(...args: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(args, { stdout: (t) => (out += t), stderr: (t) => (err += t), env: {} });
  return { code, out, err };
}

/** `readingroom serve` as its own process, for the exit code an operator sees. */
function serveProcess(dataDir: string): Promise<{ code: number | null; err: string }> {
  return new Promise((done, fail) => {
    const env = { ...process.env };
    for (const name of ['READINGROOM_ENCRYPTION_KEY', 'READINGROOM_ENCRYPTION_KEY_FILE', 'READINGROOM_DATA_DIR']) delete env[name];
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'apps/server/src/cli/main.ts', 'serve', '--data-dir', dataDir, '--port', '0', '--host', '127.0.0.1', '--no-demo', '--log-level', 'silent'],
      { cwd: REPO_ROOT, env },
    );
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    // A server that started anyway would never exit by itself.
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', fail);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, err });
    });
  });
}

interface Written {
  readonly projectId: string;
  readonly room: string;
  readonly boxId: string;
}

/** Uploads the planted DICOM file, builds the project, writes a labelled box with a note. */
async function populate(server: TestServer): Promise<Written> {
  const token = await server.login();
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return text ? (JSON.parse(text) as any) : null;
  };
  const me = await api('GET', '/api/me');
  const projectId: string = (await api('POST', '/api/projects', { name: 'Chest', description: PROJECT_DESCRIPTION })).id;
  await api('POST', `/api/projects/${projectId}/labels`, { name: LABEL, colour: '#ff0000' });

  const form = new FormData();
  form.append('file', new Blob([buildPlantedFile(PLANTED)]), 'planted.dcm');
  const upload = await fetch(`${server.url}/api/import?project=${projectId}`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  expect(upload.status).toBe(200);
  expect(await upload.json()).toMatchObject({ instances: 1 });

  const room = roomName({ projectId, studyInstanceUid: PLANTED.study, scope: { type: 'shared' } });
  let writer: StockClient | undefined;
  let observer: StockClient | undefined;
  try {
    writer = await openStockClient({ syncUrl: server.syncUrl, room, token });
    const study = new StudyDocument(writer.doc, { userId: me.id });
    const box = study.createBox2d({
      studyInstanceUid: PLANTED.study,
      seriesInstanceUid: PLANTED.series,
      sopInstanceUid: PLANTED.sop,
      geometry: { x: 0, y: 0, width: 2, height: 2 },
      label: LABEL,
    });
    study.setAttributes(box.id, { note: NOTE });
    // A second client seeing the note means the server accepted and applied it.
    observer = await openStockClient({ syncUrl: server.syncUrl, room, token });
    const seen = new StudyDocument(observer.doc, { userId: me.id });
    await until(() => seen.getAnnotation(box.id)?.attributes.note === NOTE, 10_000, 'the note to reach a second client');
    return { projectId, room, boxId: box.id };
  } finally {
    writer?.destroy();
    observer?.destroy();
  }
}

describe('encryption at rest with a real server', () => {
  const root = mkdtempSync(join(tmpdir(), 'rr-encryption-'));
  const keyA = join(root, 'key-a');
  const keyB = join(root, 'key-b');
  const dataDir = join(root, 'data');
  const plainDir = join(root, 'plain');
  const config = (keyFile: string | null): Partial<ConfigInput> => (keyFile ? { encryptionKeyFile: keyFile } : {});
  const boot = (keyFile: string | null) =>
    startServer(
      { port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminPassword: ADMIN_PASSWORD, tokenSecret: TOKEN_SECRET, ...config(keyFile) },
      { announce: () => {}, webRoot: null },
    );
  let written: Written;

  beforeAll(async () => {
    expect((await cli('key', 'generate', '--out', keyA)).code).toBe(0);
    expect((await cli('key', 'generate', '--out', keyB)).code).toBe(0);
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the test values in the clear in a data directory without encryption (the byte search works)', async () => {
    const server = await startTestServer({ dataDir: plainDir, deps: { webRoot: null } });
    try {
      await populate(server);
    } finally {
      await server.close();
    }
    const found = findSecrets(plainDir).join('\n');
    for (const secret of [LABEL, NOTE, PROJECT_DESCRIPTION, PLANTED.patientName, PLANTED.patientId]) expect(found).toContain(secret);
  });

  it('with encryption on, no label, note, project description or patient identifier appears in any byte of the data directory', async () => {
    const server = await startTestServer({ dataDir, config: config(keyA), deps: { webRoot: null } });
    try {
      written = await populate(server);
      // While running too: WAL files hold the newest pages.
      expect(findSecrets(dataDir)).toEqual([]);
    } finally {
      await server.close();
    }
    expect(allFiles(dataDir).some((f) => f.endsWith('.dcm'))).toBe(true);
    expect(allFiles(dataDir).some((f) => f.endsWith('rooms.db'))).toBe(true);
    expect(findSecrets(dataDir)).toEqual([]);
    expect(readFileSync(join(dataDir, 'encryption.json'), 'utf8')).not.toContain(readFileSync(keyA, 'utf8').trim());
  });

  it('encrypts an existing plaintext directory with `readingroom encrypt`, refusing the key before that', async () => {
    const bootPlain = (keyFile: string) =>
      startServer({ port: 0, host: '127.0.0.1', dataDir: plainDir, logLevel: 'silent', tokenSecret: TOKEN_SECRET, encryptionKeyFile: keyFile }, { announce: () => {}, webRoot: null });
    await expect(bootPlain(keyA)).rejects.toThrow(/holds unencrypted data; .*readingroom encrypt/);
    const run = await cli('encrypt', '--data-dir', plainDir, '--encryption-key-file', keyA);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    expect(findSecrets(plainDir)).toEqual([]);
    const server = await bootPlain(keyA);
    try {
      const token = await login(server.url, 'admin', ADMIN_PASSWORD);
      const res = await fetch(`${server.url}/dicomweb/studies?PatientID=${encodeURIComponent(PLANTED.patientId)}`, { headers: { authorization: `Bearer ${token}` } });
      expect(((await res.json()) as any)[0]['00100010'].Value[0].Alphabetic).toBe(PLANTED.patientName);
    } finally {
      await server.close();
    }
    expect((await cli('encrypt', '--data-dir', plainDir, '--encryption-key-file', keyA)).err).toMatch(/already encrypted/);
  });

  /** Starts with `keyFile` and checks the study, the taxonomy and the document all read back. */
  async function expectReadableWith(keyFile: string) {
    const server = await boot(keyFile);
    let reader: StockClient | undefined;
    try {
      const token = await login(server.url, 'admin', ADMIN_PASSWORD);
      const get = async (path: string) => {
        const res = await fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${token}`, accept: 'application/dicom+json, application/json' } });
        expect(res.status, path).toBe(200);
        return (await res.json()) as any;
      };
      const studies = await get(`/dicomweb/studies?PatientID=${encodeURIComponent(PLANTED.patientId)}`);
      expect(studies).toHaveLength(1);
      expect(studies[0]['0020000D'].Value).toEqual([PLANTED.study]);
      expect(studies[0]['00100010'].Value[0].Alphabetic).toBe(PLANTED.patientName);
      expect(studies[0]['00080050'].Value).toEqual([PLANTED.accession]);
      const project = await get(`/api/projects/${written.projectId}`);
      expect(project.description).toBe(PROJECT_DESCRIPTION);
      expect((await get(`/api/projects/${written.projectId}/labels`)).labels.map((l: { name: string }) => l.name)).toEqual([LABEL]);
      const file = await fetch(`${server.url}/dicomweb/studies/${PLANTED.study}/series/${PLANTED.series}/instances/${PLANTED.sop}`, {
        headers: { authorization: `Bearer ${token}`, accept: 'application/dicom' },
      });
      expect(file.status).toBe(200);
      expect(Buffer.from(await file.arrayBuffer()).includes(Buffer.from(PLANTED.patientName))).toBe(true);

      reader = await openStockClient({ syncUrl: `${server.url.replace(/^http/, 'ws')}/sync`, room: written.room, token });
      const doc = new StudyDocument(reader.doc, { userId: 'reader-check' });
      expect(doc.getAnnotation(written.boxId)).toMatchObject({ label: LABEL, attributes: { note: NOTE } });
    } finally {
      reader?.destroy();
      await server.close();
    }
  }

  it('serves everything again after a restart with the key', async () => {
    await expectReadableWith(keyA);
    expect(findSecrets(dataDir)).toEqual([]);
  });

  it('refuses to start without the key, or with a wrong key, with a clear error', async () => {
    await expect(boot(null)).rejects.toThrow(/is encrypted \(key id [0-9a-f]{16}\) and no key was given/);
    await expect(boot(keyB)).rejects.toThrow(/is not the key of .* refusing to start/);
    const served = await serveProcess(dataDir);
    expect(served.code).toBe(1);
    expect(served.err).toMatch(/^error: the data directory .* is encrypted/);
    expect(served.err).not.toContain(readFileSync(keyA, 'utf8').trim());
  });

  it('rotates the key with `key rotate`: the new key opens everything, the old one is refused', async () => {
    const rotated = await cli('key', 'rotate', '--new-key-file', keyB, '--data-dir', dataDir, '--encryption-key-file', keyA);
    expect(rotated.err).toBe('');
    expect(rotated.code).toBe(0);
    expect(rotated.out).toMatch(/re-encrypted \d+ document updates and snapshots, 1 projects, 1 labels, 1 DICOM files \(1 old files removed\)/);
    expect(findSecrets(dataDir)).toEqual([]);
    await expectReadableWith(keyB);
    await expect(boot(keyA)).rejects.toThrow(/is not the key of/);
    expect((await cli('key', 'rotate', '--new-key-file', keyB, '--data-dir', dataDir, '--encryption-key-file', keyA)).code).toBe(1);
  });
});
