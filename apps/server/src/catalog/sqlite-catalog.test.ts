import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { createKeyedCipher } from '../crypto/data-cipher';
import { encryptionKeyFromBytes } from '../crypto/encryption-key';
import { runCatalogTests, recordFixture } from './catalog.suite';
import { ContentStore, contentPath, sha256Hex, storeContent } from './file-store';
import { SqliteCatalog } from './sqlite-catalog';

const cipher = createKeyedCipher(encryptionKeyFromBytes(randomBytes(32)));

runCatalogTests('SQLite (in memory)', () => SqliteCatalog.open({ filename: ':memory:' }));
runCatalogTests('SQLite, encrypted at rest', () => SqliteCatalog.open({ filename: ':memory:', cipher }));

describe('SqliteCatalog encrypted at rest', () => {
  it('stores no identifying value in the clear yet finds studies by Patient ID and Accession Number', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'rr-catalog-enc-')), 'catalog.db');
    const catalog = SqliteCatalog.open({ filename, cipher });
    const record = recordFixture({ study: '1.2.3', series: '1.2.3.4', sop: '1.2.3.4.5' }, { patientId: 'PID-SECRET-1' });
    await catalog.addInstance(
      { ...record, patient: { ...record.patient, patientName: 'Secretname^Zed' }, study: { ...record.study, accessionNumber: 'ACC-SECRET-9', studyDescription: 'Chest secret' } },
      { path: 'dicom/aa/x.dcm', hash: 'x', size: 1 },
    );
    expect(await catalog.searchStudies({ patientId: 'PID-SECRET-1' })).toMatchObject([
      { studyInstanceUid: '1.2.3', patientId: 'PID-SECRET-1', patientName: 'Secretname^Zed', accessionNumber: 'ACC-SECRET-9', studyDescription: 'Chest secret' },
    ]);
    expect(await catalog.searchStudies({ accessionNumber: 'ACC-SECRET-9' })).toHaveLength(1);
    expect(await catalog.searchStudies({ patientId: 'PID-OTHER' })).toEqual([]);
    expect((await catalog.searchSeries('1.2.3', {}))?.[0]?.seriesDescription).toBe('Axial');
    await catalog.close();
    const db = new Database(filename);
    const dump = JSON.stringify([db.prepare('SELECT * FROM patients').all(), db.prepare('SELECT * FROM studies').all(), db.prepare('SELECT * FROM series').all()]);
    db.close();
    for (const secret of ['PID-SECRET-1', 'Secretname', 'ACC-SECRET-9', 'Chest secret', 'Axial']) expect(dump).not.toContain(secret);
  });
});

describe('SqliteCatalog on disk', () => {
  it('keeps its index across reopening and records the schema version', async () => {
    const filename = join(mkdtempSync(join(tmpdir(), 'rr-catalog-')), 'catalog.db');
    const first = SqliteCatalog.open({ filename });
    await first.addInstance(recordFixture({ study: '1', series: '1.1', sop: '1.1.1' }), { path: 'dicom/aa/x.dcm', hash: 'x', size: 1 });
    await first.close();
    const second = SqliteCatalog.open({ filename });
    expect(await second.counts()).toEqual({ studies: 1, series: 1, instances: 1 });
    await second.close();
    const db = new Database(filename);
    expect(db.pragma('user_version', { simple: true })).toBe(2);
    db.close();
  });
});

describe('content-addressed file store', () => {
  it('writes a file once under dicom/<aa>/<sha256>.dcm and leaves no temporary files', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rr-store-'));
    const bytes = new TextEncoder().encode('some bytes');
    const hash = sha256Hex(bytes);
    const stored = storeContent(dataDir, bytes);
    expect(stored).toEqual({ path: contentPath(hash), hash, size: bytes.length });
    expect(stored.path).toBe(`dicom/${hash.slice(0, 2)}/${hash}.dcm`);
    const mtime = statSync(join(dataDir, stored.path)).mtimeMs;
    expect(storeContent(dataDir, bytes)).toEqual(stored);
    expect(statSync(join(dataDir, stored.path)).mtimeMs).toBe(mtime);
    expect(readFileSync(join(dataDir, stored.path))).toEqual(Buffer.from(bytes));
    expect(readdirSync(join(dataDir, 'dicom', hash.slice(0, 2)))).toEqual([`${hash}.dcm`]);
  });

  it('with encryption, names files by HMAC, seals them bound to that name and reads the plaintext back', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rr-store-enc-'));
    const files = new ContentStore(dataDir, cipher);
    const bytes = new TextEncoder().encode('DICM Plantedname^Zyxwv');
    const stored = files.store(bytes);
    expect(stored.hash).not.toBe(sha256Hex(bytes));
    expect(stored).toEqual({ path: contentPath(stored.hash), hash: stored.hash, size: bytes.length });
    const onDisk = readFileSync(join(dataDir, stored.path));
    expect(onDisk.includes('Plantedname')).toBe(false);
    expect(Buffer.from(await files.read(stored)).toString()).toBe('DICM Plantedname^Zyxwv');
    expect(files.store(bytes)).toEqual(stored);
    // The same envelope under another name (a swapped file) does not open.
    await expect(files.read({ ...stored, hash: 'f'.repeat(64) })).rejects.toThrow(/failed authentication/);
    const chunks: Buffer[] = [];
    for await (const chunk of files.stream(stored)) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('DICM Plantedname^Zyxwv');
  });
});
