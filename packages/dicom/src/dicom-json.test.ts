import { describe, expect, it } from 'vitest';
import { readDicomJsonMetadata } from './dicom-json';
import { sample } from './test-support/samples';
import { syntheticInstance } from './test-support/synthetic';

describe('readDicomJsonMetadata', () => {
  it('gives numbers for the image pixel attributes cornerstone reads', () => {
    const json = readDicomJsonMetadata(sample('volume/brain_001.dcm'));
    expect(json['00280010']).toEqual({ vr: 'US', Value: [256] });
    expect(json['00280011']).toEqual({ vr: 'US', Value: [256] });
    expect(json['00280100']).toEqual({ vr: 'US', Value: [16] });
    expect(json['00280030']).toEqual({ vr: 'DS', Value: [0.859375, 0.859375] });
    expect(json['00200013']).toEqual({ vr: 'IS', Value: [1] });
    expect(json['00020010']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.1.2.1'] });
    expect(json['00080060']).toEqual({ vr: 'CS', Value: ['MR'] });
  });

  it('uses dictionary VRs for implicit VR files so numbers stay numbers', () => {
    const json = readDicomJsonMetadata(sample('implicit_little.dcm'));
    expect(json['00280010']).toEqual({ vr: 'US', Value: [256] });
    expect(json['00020010']).toEqual({ vr: 'UI', Value: ['1.2.840.10008.1.2'] });
  });

  it('writes person names as Alphabetic objects and omits pixel data without a bulk data URI builder', () => {
    const json = readDicomJsonMetadata(syntheticInstance({ sopInstanceUid: '1.2.3.4' }));
    expect(json['00100010']).toEqual({ vr: 'PN', Value: [{ Alphabetic: 'Planted^Patient^Name' }] });
    expect(json['7FE00010']).toBeUndefined();
    expect(json['00100030']).toEqual({ vr: 'DA', Value: ['19630405'] });
  });

  it('recurses into sequences', () => {
    const json = readDicomJsonMetadata(syntheticInstance({ sopInstanceUid: '1.2.3.4' }));
    expect(json['00081140']).toEqual({
      vr: 'SQ',
      Value: [{ '00081150': { vr: 'UI', Value: ['1.2.840.10008.5.1.4.1.1.2'] }, '00081155': { vr: 'UI', Value: ['1.2.826.0.1.3680043.99.1.9.1'] } }],
    });
    const nested = readDicomJsonMetadata(sample('jpeg_2000.dcm'))['00082112'];
    expect(nested?.vr).toBe('SQ');
    expect((nested?.Value?.[0] as Record<string, unknown>)['0040A170']).toMatchObject({ vr: 'SQ' });
  });

  it('references pixel data and large binaries through BulkDataURI when a builder is given', () => {
    const json = readDicomJsonMetadata(sample('jpeg_2000.dcm'), (tag) => `bulk/${tag}`);
    expect(json['7FE00010']).toEqual({ vr: 'OB', BulkDataURI: 'bulk/7FE00010' });
  });

  it('inlines small binary values as base64', () => {
    const json = readDicomJsonMetadata(sample('volume/brain_001.dcm'));
    expect(json['00020001']).toEqual({ vr: 'OB', InlineBinary: 'AAE=' });
  });

  it('throws on bytes that are not DICOM', () => {
    expect(() => readDicomJsonMetadata(new TextEncoder().encode('hello'))).toThrow(/not-dicom/);
  });
});
