import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStorage } from '@readingroom/storage-sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteAuditLog } from '../audit/sqlite-audit-log';
import { recordFixture } from '../catalog/catalog.suite';
import { ContentStore } from '../catalog/file-store';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { appendMapping, DEID_MAPPING_FILE, readMappings } from '../import/deid-secret';
import { DEFAULT_SETTINGS } from '../projects/project-schemas';
import { runProjectStoreTests } from '../projects/project-store.suite';
import { SqliteProjectStore } from '../projects/sqlite-project-store';
import { createKeyedCipher, plaintextCipher, type DataCipher } from './data-cipher';
import { EncryptedStorage } from './encrypted-storage';
import { encryptionKeyFromBytes, type EncryptionKey } from './encryption-key';
import { readMarker } from './encryption-marker';
import { EncryptionSetupError, openEncryption } from './open-encryption';
import { rekeyDataDir } from './rekey-data-dir';

const SECRETS = ['pneumothorax-XYZ', 'secret-note-XYZ', 'Secretname^Zed', 'PID-SECRET-1', 'ACC-SECRET-9', 'taxonomy-desc-XYZ', 'ORIG-UID-XYZ'];
const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));
const newKey = () => encryptionKeyFromBytes(randomBytes(32));
const keyText = (raw: Buffer) => raw.toString('base64');

runProjectStoreTests('sqlite, encrypted at rest', async () =>
  SqliteProjectStore.open({ filename: join(tempDir('rr-projects-enc-'), 'readingroom.db'), cipher: createKeyedCipher(newKey()) }),
);

/** Every file under `dir`, recursively. */
function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((p) => join(dir, p))
    .filter((p) => statSync(p).isFile());
}

/** `secret in file` for every known secret found in any file under `dir` (UTF-8 or UTF-16LE). */
function findSecrets(dir: string): string[] {
  const found: string[] = [];
  for (const file of allFiles(dir)) {
    const bytes = readFileSync(file);
    for (const secret of SECRETS) {
      if (bytes.includes(Buffer.from(secret, 'utf8')) || bytes.includes(Buffer.from(secret, 'utf16le'))) found.push(`${secret} in ${file}`);
    }
  }
  return found;
}

const expectNoSecrets = (dir: string) => expect(findSecrets(dir)).toEqual([]);

const MAPPING = { originalPatientId: 'PID-SECRET-1', originalPatientName: 'Secretname^Zed', pseudonymId: 'RR-1', pseudonymName: 'ANONYMOUS^1', dateShiftDays: -3, uids: { 'ORIG-UID-XYZ': '2.25.1' } };

/** Writes one of everything, through the stores, with `cipher`. */
async function populate(dataDir: string, cipher: DataCipher) {
  const rooms = SqliteStorage.open({ filename: join(dataDir, 'rooms.db') });
  const storage = cipher.enabled ? new EncryptedStorage(rooms, cipher) : rooms;
  await storage.appendUpdates('room-1', [{ update: Buffer.from('update pneumothorax-XYZ'), userId: 'alice', receivedAt: 1 }]);
  await storage.compact('room-1', Buffer.from('snapshot pneumothorax-XYZ'), 1);
  await storage.appendUpdates('room-1', [{ update: Buffer.from('update secret-note-XYZ'), userId: 'bob', receivedAt: 2 }]);
  await storage.close();

  const projects = SqliteProjectStore.open({ filename: join(dataDir, 'readingroom.db'), cipher });
  const project = await projects.createProject({ name: 'Chest', description: 'taxonomy-desc-XYZ', settings: DEFAULT_SETTINGS, createdBy: 'u' });
  await projects.createLabel(project.id, { name: 'pneumothorax-XYZ', colour: '#ff0000', hotkey: 'p', kind: 'box2d', attributes: [] });
  await projects.close();

  const files = new ContentStore(dataDir, cipher);
  const stored = files.store(Buffer.from('DICM Secretname^Zed PID-SECRET-1'));
  const catalog = SqliteCatalog.open({ filename: join(dataDir, 'catalog.db'), cipher });
  const record = recordFixture({ study: '1.2.3', series: '1.2.3.4', sop: '1.2.3.4.5' }, { patientId: 'PID-SECRET-1' });
  await catalog.addInstance({ ...record, patient: { ...record.patient, patientName: 'Secretname^Zed' }, study: { ...record.study, accessionNumber: 'ACC-SECRET-9' } }, stored);
  await catalog.close();

  appendMapping(join(dataDir, DEID_MAPPING_FILE), MAPPING, cipher);

  const audit = await SqliteAuditLog.open({ dataDir, cipher });
  await audit.append([{ actor: 'u', action: 'annotation.relabelled', targetId: 'a1', before: { label: 'pneumothorax-XYZ' }, after: { note: 'secret-note-XYZ' } }]);
  await audit.close();
}

/** Reads everything back with `cipher` and checks it is what `populate` wrote. */
async function expectReadable(dataDir: string, cipher: DataCipher) {
  const storage = new EncryptedStorage(SqliteStorage.open({ filename: join(dataDir, 'rooms.db') }), cipher);
  const room = await storage.loadRoom('room-1');
  expect(Buffer.from(room.snapshot!).toString()).toBe('snapshot pneumothorax-XYZ');
  expect(room.updates.map((u) => [u.seq, Buffer.from(u.update).toString(), u.userId])).toEqual([[2, 'update secret-note-XYZ', 'bob']]);
  await storage.close();

  const projects = SqliteProjectStore.open({ filename: join(dataDir, 'readingroom.db'), cipher });
  const [project] = await projects.listProjects();
  expect(project?.description).toBe('taxonomy-desc-XYZ');
  expect((await projects.listLabels(project!.id)).map((l) => l.name)).toEqual(['pneumothorax-XYZ']);
  await projects.close();

  const catalog = SqliteCatalog.open({ filename: join(dataDir, 'catalog.db'), cipher });
  const [study] = await catalog.searchStudies({ patientId: 'PID-SECRET-1' });
  expect(study).toMatchObject({ patientName: 'Secretname^Zed', accessionNumber: 'ACC-SECRET-9' });
  expect(await catalog.searchStudies({ accessionNumber: 'ACC-SECRET-9' })).toHaveLength(1);
  const instance = await catalog.getInstance('1.2.3', '1.2.3.4', '1.2.3.4.5');
  expect(Buffer.from(await new ContentStore(dataDir, cipher).read(instance!.file)).toString()).toBe('DICM Secretname^Zed PID-SECRET-1');
  await catalog.close();
  expect(readdirSync(join(dataDir, 'dicom'), { recursive: true }).filter((p) => String(p).endsWith('.dcm'))).toHaveLength(1);

  expect(readMappings(join(dataDir, DEID_MAPPING_FILE), cipher)).toEqual([MAPPING]);

  const audit = await SqliteAuditLog.open({ dataDir, cipher });
  const { entries } = await audit.query({ actions: ['annotation.relabelled'] });
  expect(entries.map((e) => [e.before, e.after])).toEqual([['{"label":"pneumothorax-XYZ"}', '{"note":"secret-note-XYZ"}']]);
  expect(await audit.verify()).toMatchObject({ ok: true });
  await audit.close();
  expect(SqliteAuditLog.verifyDataDir(dataDir, cipher)).toMatchObject({ ok: true });
}

const open = (dataDir: string, raw: Buffer | null) => openEncryption(dataDir, raw ? { encryptionKey: keyText(raw) } : {});

describe('rekeyDataDir', () => {
  it('encrypts a plaintext directory in place, then rotates it, leaving no plaintext and refusing the old key', async () => {
    const dataDir = tempDir('rr-rekey-');
    await populate(dataDir, plaintextCipher);
    // The search works: every secret is there in the clear before the migration.
    expect(new Set(findSecrets(dataDir).map((f) => f.split(' in ')[0]))).toEqual(new Set(SECRETS));
    const firstRaw = randomBytes(32);
    const first: EncryptionKey = encryptionKeyFromBytes(firstRaw);
    expect(() => open(dataDir, firstRaw)).toThrow(EncryptionSetupError);

    await rekeyDataDir(dataDir, null, first);
    expectNoSecrets(dataDir);
    await expectReadable(dataDir, open(dataDir, firstRaw));

    const secondRaw = randomBytes(32);
    const summary = await rekeyDataDir(dataDir, first, encryptionKeyFromBytes(secondRaw));
    expect(summary).toMatchObject({ roomValues: 2, projects: 1, labels: 1, files: 1, removedFiles: 1, mappings: 1, auditEntries: 1 });
    expectNoSecrets(dataDir);
    await expectReadable(dataDir, open(dataDir, secondRaw));
    expect(() => open(dataDir, firstRaw)).toThrow(/is not the key of/);
    expect(readMarker(dataDir)?.pendingKeyId).toBeUndefined();
  });

  it('keeps data written encrypted from the start readable across a rotation', async () => {
    const dataDir = tempDir('rr-rekey-');
    const raw = randomBytes(32);
    await populate(dataDir, open(dataDir, raw));
    expectNoSecrets(dataDir);
    const nextRaw = randomBytes(32);
    await rekeyDataDir(dataDir, encryptionKeyFromBytes(raw), encryptionKeyFromBytes(nextRaw));
    await expectReadable(dataDir, open(dataDir, nextRaw));
  });

  it('finishes an interrupted rotation when run again, and refuses to start a server meanwhile', async () => {
    const dataDir = tempDir('rr-rekey-');
    const raw = randomBytes(32);
    await populate(dataDir, open(dataDir, raw));
    const nextRaw = randomBytes(32);
    const next = encryptionKeyFromBytes(nextRaw);
    // Simulate a crash after the rooms and projects were rewritten but before the catalog was.
    const current = encryptionKeyFromBytes(raw);
    const { rekeyRooms } = await import('./rekey-sqlite');
    const { writeMarker, markerFor } = await import('./encryption-marker');
    writeMarker(dataDir, markerFor(current, next.idHex));
    rekeyRooms(join(dataDir, 'rooms.db'), createKeyedCipher(next, { alsoDecryptWith: [current] }), createKeyedCipher(next));
    expect(() => open(dataDir, raw)).toThrow(/interrupted/);
    await rekeyDataDir(dataDir, current, next);
    await expectReadable(dataDir, open(dataDir, nextRaw));
  });

  it('refuses to rotate with a key that is not the directory key', async () => {
    const dataDir = tempDir('rr-rekey-');
    await populate(dataDir, open(dataDir, randomBytes(32)));
    await expect(rekeyDataDir(dataDir, newKey(), newKey())).rejects.toThrow(/is not the key of/);
  });
});
