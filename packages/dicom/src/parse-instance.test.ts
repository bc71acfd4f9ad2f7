import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { InstanceRecordSchema } from './instance-record';
import { parseInstance } from './parse-instance';
import { brainSlices, sample } from './test-support/samples';
import { syntheticInstance } from './test-support/synthetic';

describe('parseInstance', () => {
  it('indexes the 20 MR slices as one 256x256 series with 0.859375 mm spacing and distinct positions', () => {
    const records = brainSlices().map((bytes) => {
      const result = parseInstance(bytes);
      if (!result.ok) throw new Error(result.message);
      return result.instance;
    });
    expect(records).toHaveLength(20);
    for (const record of records) {
      expect(InstanceRecordSchema.parse(record)).toEqual(record);
      expect(record.series.modality).toBe('MR');
      expect(record.instance.rows).toBe(256);
      expect(record.instance.columns).toBe(256);
      expect(record.instance.pixelSpacing).toEqual([0.859375, 0.859375]);
      expect(record.instance.imageOrientationPatient).toHaveLength(6);
      expect(record.instance.bitsAllocated).toBe(16);
      expect(record.instance.transferSyntaxUid).toBe('1.2.840.10008.1.2.1');
    }
    expect(new Set(records.map((r) => r.series.seriesInstanceUid)).size).toBe(1);
    expect(new Set(records.map((r) => r.instance.sopInstanceUid)).size).toBe(20);
    expect(new Set(records.map((r) => JSON.stringify(r.instance.imagePositionPatient))).size).toBe(20);
  });

  it.each([
    ['jpeg_2000.dcm', '1.2.840.10008.1.2.4.91', 'CT'],
    ['jpeg_baseline_8bit.dcm', '1.2.840.10008.1.2.4.50', 'XA'],
    ['jpeg_lossless_sel1.dcm', '1.2.840.10008.1.2.4.70', 'CT'],
    ['jpeg_ls.dcm', '1.2.840.10008.1.2.4.81', 'MR'],
    ['rle.dcm', '1.2.840.10008.1.2.5', 'CT'],
    ['implicit_little.dcm', '1.2.840.10008.1.2', 'MR'],
    ['explicit_big.dcm', '1.2.840.10008.1.2.2', 'MR'],
  ])('indexes %s and reports its transfer syntax', (file, transferSyntaxUid, modality) => {
    const result = parseInstance(sample(file));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.instance.instance.transferSyntaxUid).toBe(transferSyntaxUid);
    expect(result.instance.series.modality).toBe(modality);
  });

  it('reports the frame count of a multi-frame file', () => {
    const result = parseInstance(sample('jpeg_baseline_8bit.dcm'));
    expect(result.ok && result.instance.instance.numberOfFrames).toBe(96);
  });

  it('reports deflated files as unsupported unless an inflater is supplied, and indexes them with one', () => {
    const bytes = sample('deflated.dcm');
    expect(parseInstance(bytes)).toMatchObject({ ok: false, reason: 'unsupported' });
    const inflated = parseInstance(bytes, { inflateRaw: (data) => new Uint8Array(inflateRawSync(data)) });
    expect(inflated.ok).toBe(true);
  });

  it('reports a copy cut in the middle of the pixel data as truncated', () => {
    const bytes = sample('volume/brain_002.dcm');
    expect(parseInstance(bytes.slice(0, bytes.length - 5000))).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('reports encapsulated pixel data cut short as truncated', () => {
    const bytes = sample('rle.dcm');
    expect(parseInstance(bytes.slice(0, bytes.length - 1000))).toMatchObject({ ok: false, reason: 'truncated' });
  });

  it('reports random bytes and text as not-dicom', () => {
    let seed = 42;
    const random = Uint8Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff);
    expect(parseInstance(random)).toMatchObject({ ok: false, reason: 'not-dicom' });
    expect(parseInstance(new TextEncoder().encode('patient list\nnot an image\n'.repeat(20)))).toMatchObject({ ok: false, reason: 'not-dicom' });
    expect(parseInstance(new Uint8Array())).toMatchObject({ ok: false, reason: 'not-dicom' });
  });

  it('reports an instance without pixel data as no-pixel-data', () => {
    const bytes = syntheticInstance({ sopInstanceUid: '1.2.3.4', withPixelData: false });
    expect(parseInstance(bytes)).toMatchObject({ ok: false, reason: 'no-pixel-data' });
  });

  it('reads a synthetic implicit VR instance written by the package writer', () => {
    const result = parseInstance(syntheticInstance({ sopInstanceUid: '1.2.3.4', explicit: false }));
    expect(result.ok && result.instance.instance).toMatchObject({ rows: 4, columns: 4, pixelSpacing: [0.5, 0.5], transferSyntaxUid: '1.2.840.10008.1.2' });
  });

  it('never puts patient data into failure messages', () => {
    const bytes = syntheticInstance({ sopInstanceUid: '1.2.3.4', withPixelData: false });
    const result = parseInstance(bytes);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).not.toMatch(/Planted|PID-/);
  });
});
