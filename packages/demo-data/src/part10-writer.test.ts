import dicomParser from 'dicom-parser';
import { describe, expect, it } from 'vitest';
import { deterministicUid } from './deterministic';
import { EXPLICIT_VR_LITTLE_ENDIAN, formatDecimalString, writePart10 } from './part10-writer';

const minimal = {
  SOPClassUID: '1.2.840.10008.5.1.4.1.1.7',
  SOPInstanceUID: '1.2.3',
  PatientName: 'ODD',
  Rows: 2,
  PixelIntensityRelationshipSign: -1,
  FrameIncrementPointer: 0x00181063,
  PixelSpacing: [0.1 + 0.2, 1 / 3],
} as const;

describe('writePart10', () => {
  const bytes = writePart10(minimal);
  const dataSet = dicomParser.parseDicom(bytes);

  it('writes a 128-byte zero preamble, DICM and a meta group whose length covers its elements', () => {
    expect(bytes.subarray(0, 128).every((b) => b === 0)).toBe(true);
    expect(new TextDecoder().decode(bytes.subarray(128, 132))).toBe('DICM');
    const groupLength = dataSet.uint32('x00020000')!;
    const lastMeta = dataSet.elements.x00020013!;
    expect(132 + 12 + groupLength).toBe(lastMeta.dataOffset + lastMeta.length);
    expect(dataSet.string('x00020010')).toBe(EXPLICIT_VR_LITTLE_ENDIAN);
    expect(dataSet.string('x00020003')).toBe('1.2.3');
  });

  it('pads odd-length text with a space and UIDs with NUL to even lengths', () => {
    expect(dataSet.elements.x00100010?.length).toBe(4);
    expect(bytes[dataSet.elements.x00100010!.dataOffset + 3]).toBe(0x20);
    const uid = dataSet.elements.x00080018!;
    expect(uid.length).toBe(6);
    expect(bytes[uid.dataOffset + 5]).toBe(0);
  });

  it('writes binary VRs (US, SS, AT) and decimal strings dicom-parser reads back', () => {
    expect(dataSet.uint16('x00280010')).toBe(2);
    expect(dataSet.int16('x00281041')).toBe(-1);
    expect(dataSet.attributeTag('x00280009')).toBe('x00181063');
    expect(dataSet.string('x00280030')).toBe('0.3\\0.333333333333');
  });

  it('keeps decimal strings within 16 characters', () => {
    for (const value of [1 / 3, -158.75, 123456789.123456, -0.000012345678901, 1e21]) {
      const text = formatDecimalString(value);
      expect(text.length).toBeLessThanOrEqual(16);
      expect(Math.abs(Number(text) - value) / Math.abs(value)).toBeLessThan(1e-6);
    }
    expect(() => formatDecimalString(Number.NaN)).toThrow(RangeError);
  });

  it('refuses a dataset without SOP Class and Instance UIDs', () => {
    expect(() => writePart10({ PatientName: 'X' })).toThrow(TypeError);
  });
});

describe('deterministicUid', () => {
  it('derives the same 2.25 UID from the same seed and purpose, and different ones otherwise', () => {
    const uid = deterministicUid('seed', 'series');
    expect(uid).toBe(deterministicUid('seed', 'series'));
    expect(uid).toMatch(/^2\.25\.[1-9]\d{0,38}$/);
    expect(uid.length).toBeLessThanOrEqual(64);
    expect(deterministicUid('seed', 'study')).not.toBe(uid);
    expect(deterministicUid('other', 'series')).not.toBe(uid);
  });
});
