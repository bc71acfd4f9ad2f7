import { describe, expect, it } from 'vitest';
import type { Catalog } from '../catalog/catalog';
import { recordFixture } from '../catalog/catalog.suite';
import { SqliteCatalog } from '../catalog/sqlite-catalog';
import { StudyImageIndex } from './image-index';

async function catalogWith(instances: Array<{ series: string; sop: string; rows: number; columns: number; frames?: number }>): Promise<Catalog> {
  const catalog = SqliteCatalog.open({ filename: ':memory:' });
  for (const i of instances) await add(catalog, i);
  return catalog;
}

async function add(catalog: Catalog, i: { series: string; sop: string; rows: number; columns: number; frames?: number }) {
  const record = recordFixture({ study: '1.1', series: i.series, sop: i.sop });
  await catalog.addInstance(
    { ...record, instance: { ...record.instance, rows: i.rows, columns: i.columns, numberOfFrames: i.frames ?? 1 } },
    { path: `dicom/${i.sop}.dcm`, hash: `h-${i.sop}`, size: 1 },
  );
}

describe('StudyImageIndex', () => {
  it('answers instance sizes and, for a series, its largest size and its slice count', async () => {
    const catalog = await catalogWith([
      { series: '1.1.1', sop: '1.1.1.1', rows: 256, columns: 192 },
      { series: '1.1.1', sop: '1.1.1.2', rows: 256, columns: 192 },
      { series: '1.1.2', sop: '1.1.2.1', rows: 512, columns: 512, frames: 30 },
    ]);
    const index = new StudyImageIndex(catalog);
    await index.ensure('1.1');
    expect(index.sizeOf({ studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', sopInstanceUid: '1.1.1.2' })).toEqual({ rows: 256, columns: 192 });
    expect(index.sizeOf({ studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1' })).toEqual({ rows: 256, columns: 192, slices: 2 });
    expect(index.sizeOf({ studyInstanceUid: '1.1', seriesInstanceUid: '1.1.2' })).toEqual({ rows: 512, columns: 512, slices: 30 });
    // an instance named under the wrong series is unknown
    expect(index.sizeOf({ studyInstanceUid: '1.1', seriesInstanceUid: '1.1.2', sopInstanceUid: '1.1.1.1' })).toBeNull();
    await catalog.close();
  });

  it('calls a study the catalog lacks null, and one not loaded yet undefined', async () => {
    const catalog = await catalogWith([]);
    const index = new StudyImageIndex(catalog);
    expect(index.images('9.9')).toBeUndefined();
    await index.ensure('9.9');
    expect(index.images('9.9')).toBeNull();
    expect(index.sizeOf({ studyInstanceUid: '9.9', seriesInstanceUid: '9.9.1' })).toBeNull();
    await catalog.close();
  });

  it('reloads a study when a reference misses, at most once per interval, to see images imported meanwhile', async () => {
    const catalog = await catalogWith([{ series: '1.1.1', sop: '1.1.1.1', rows: 10, columns: 10 }]);
    let t = 0;
    const index = new StudyImageIndex(catalog, { minReloadMs: 1000, now: () => t });
    await index.ensure('1.1');
    await add(catalog, { series: '1.1.1', sop: '1.1.1.2', rows: 20, columns: 20 });
    const ref = { studyInstanceUid: '1.1', seriesInstanceUid: '1.1.1', sopInstanceUid: '1.1.1.2' };
    expect(index.sizeOf(ref)).toBeNull(); // loaded at t=0: too recent to reload
    t = 1500;
    expect(index.sizeOf(ref)).toBeNull(); // starts a reload
    await new Promise((r) => setTimeout(r, 20));
    expect(index.sizeOf(ref)).toEqual({ rows: 20, columns: 20 });
    await catalog.close();
  });
});
