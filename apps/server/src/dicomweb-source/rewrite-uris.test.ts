import { describe, expect, it } from 'vitest';
import type { DicomJson } from '../dicomweb/study-source';
import { dropUris, ourUriMapper, rewriteDatasetUris, upstreamResourcePath } from './rewrite-uris';

const root = new URL('http://pacs.internal:8042/dicom-web/');
const up = 'http://pacs.internal:8042/dicom-web/studies/1.2/series/1.3/instances/1.4';
const dataset: DicomJson = {
  '0020000D': { vr: 'UI', Value: ['1.2'] },
  '0020000E': { vr: 'UI', Value: ['1.3'] },
  '00080018': { vr: 'UI', Value: ['1.4'] },
  '00280008': { vr: 'IS', Value: [3] },
  '00081190': { vr: 'UR', Value: [up] },
  '00420011': { vr: 'OB', BulkDataURI: `${up}/bulk/00420011?token=x` },
  '00540016': { vr: 'SQ', Value: [{ '00091001': { vr: 'OB', BulkDataURI: 'http://elsewhere/not-dicomweb' } }] },
  '7FE00010': { vr: 'OW', BulkDataURI: `${up}/bulk/7fe00010` },
};

describe('rewriteDatasetUris with ourUriMapper', () => {
  const out = rewriteDatasetUris(dataset, ourUriMapper(root, 'https://rr.example/dicomweb/'));

  it('points pixel data at our frames resource for every frame', () => {
    expect(out['7FE00010']?.BulkDataURI).toBe('https://rr.example/dicomweb/studies/1.2/series/1.3/instances/1.4/frames/1,2,3');
  });

  it('moves other bulk data and retrieve URLs under our base, without query strings', () => {
    expect(out['00420011']?.BulkDataURI).toBe('https://rr.example/dicomweb/studies/1.2/series/1.3/instances/1.4/bulk/00420011');
    expect(out['00081190']?.Value).toEqual(['https://rr.example/dicomweb/studies/1.2/series/1.3/instances/1.4']);
  });

  it('drops URIs inside sequences that name no DICOMweb resource, keeping the element', () => {
    const item = (out['00540016']?.Value?.[0] ?? {}) as DicomJson;
    expect(item['00091001']).toEqual({ vr: 'OB' });
    expect(JSON.stringify(out)).not.toContain('pacs.internal');
    expect(JSON.stringify(out)).not.toContain('elsewhere');
  });

  it('leaves the input untouched', () => {
    expect(dataset['7FE00010']?.BulkDataURI).toContain('pacs.internal');
  });
});

describe('dropUris', () => {
  it('removes retrieve URLs from QIDO answers', () => {
    const out = rewriteDatasetUris({ '00081190': { vr: 'UR', Value: [up] }, '0020000D': { vr: 'UI', Value: ['1.2'] } }, dropUris);
    expect(out).toEqual({ '00081190': { vr: 'UR' }, '0020000D': { vr: 'UI', Value: ['1.2'] } });
  });
});

describe('upstreamResourcePath', () => {
  it('accepts relative URIs and other hosts by path only', () => {
    expect(upstreamResourcePath('/dicom-web/studies/1/series/2', root)).toBe('/studies/1/series/2');
    expect(upstreamResourcePath('https://public.example/wado/studies/1', root)).toBe('/studies/1');
    expect(upstreamResourcePath('https://public.example/other', root)).toBeUndefined();
    expect(upstreamResourcePath('http://[bad', root)).toBeUndefined();
  });
});
