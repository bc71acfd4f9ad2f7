import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { runCatalogTests, recordFixture } from './catalog.suite';
import { contentPath, sha256Hex, storeContent } from './file-store';
import { SqliteCatalog } from './sqlite-catalog';

runCatalogTests('SQLite (in memory)', () => SqliteCatalog.open({ filename: ':memory:' }));

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
    expect(db.pragma('user_version', { simple: true })).toBe(1);
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
});
