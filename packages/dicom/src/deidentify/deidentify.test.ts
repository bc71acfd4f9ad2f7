import { describe, expect, it } from 'vitest';
import { dicomParser, type DataSet } from '../dicom-parser-module';
import { parseInstance } from '../parse-instance';
import { ascii, brainSlices, containsBytes, sameBytes, sample, testHmac } from '../test-support/samples';
import { PLANTED, syntheticInstance, syntheticPixels } from '../test-support/synthetic';
import { createDateShifter } from './date-shifter';
import { deidentify, DeidentifyError, type DeidentifyOptions } from './deidentify';
import { createUidMapper } from './uid-mapper';

const options: DeidentifyOptions = {
  patientPseudonym: (id) => ({ id: `RR-${testHmac(ascii(id))[0]}`, name: 'Anonymous^Subject' }),
  dateShiftDays: createDateShifter(testHmac, { maxDays: 100 }),
  uidMap: createUidMapper(testHmac),
};

/** Every UID value anywhere in a dicom-parser dataset, sequences included. */
function collectUids(ds: DataSet, out = new Set<string>()): Set<string> {
  for (const [key, element] of Object.entries(ds.elements)) {
    if (element.items) for (const item of element.items) if (item.dataSet) collectUids(item.dataSet, out);
    if (element.vr === 'UI' || ['x0020000d', 'x0020000e', 'x00080018', 'x00200052', 'x00020003', 'x00081155'].includes(key)) {
      for (const uid of (ds.string(key) ?? '').split('\\')) if (uid && !uid.startsWith('1.2.840.10008.')) out.add(uid);
    }
  }
  return out;
}

function pixelBytes(bytes: Uint8Array): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements['x7fe00010'];
  if (!element) throw new Error('no pixel data');
  return bytes.slice(element.dataOffset, element.dataOffset + element.length);
}

function expectAbsent(output: Uint8Array, identifiers: Iterable<string>): void {
  for (const identifier of identifiers) {
    if (identifier.length < 4) continue;
    expect(containsBytes(output, ascii(identifier)), `identifier of length ${identifier.length} leaked`).toBe(false);
  }
}

describe('deidentify on a synthetic instance with planted identifiers', () => {
  const input = syntheticInstance({ sopInstanceUid: '1.2.826.0.1.3680043.99.1.3.1' });

  it('leaves no byte of any planted identifier, UID or date anywhere in the output', () => {
    const { bytes } = deidentify(input, options);
    expect(containsBytes(input, ascii(PLANTED.privateText))).toBe(true);
    expectAbsent(bytes, [...Object.values(PLANTED), '1.2.826.0.1.3680043.99.1.3.1', '1.2.826.0.1.3680043.99.77', 'PLANTED_AE', 'ACME_PRIVATE']);
    expectAbsent(bytes, collectUids(dicomParser.parseDicom(input)));
  });

  it('writes a valid Part 10 file that keeps the pixel data byte-identical', () => {
    const { bytes } = deidentify(input, options);
    const ds = dicomParser.parseDicom(bytes);
    expect(sameBytes(pixelBytes(bytes), syntheticPixels())).toBe(true);
    expect(ds.string('x00100010')).toBe('Anonymous^Subject');
    expect(ds.string('x00100020')).toMatch(/^RR-\d+$/);
    expect(ds.string('x00120062')).toBe('YES');
    expect(ds.string('x00120063')).toMatch(/PS3\.15/);
    expect(ds.string('x00020003')).toBe(ds.string('x00080018'));
    expect(ds.uint32('x00020000')).toBe(ds.elements['x00020013']!.dataOffset + ds.elements['x00020013']!.length - 144);
    expect(ds.elements['x00100030']?.length).toBe(0);
    expect(ds.elements['x00080050']?.length).toBe(0);
    expect(ds.elements['x00080080']).toBeUndefined();
    expect(ds.elements['x00091001']).toBeUndefined();
    expect(parseInstance(bytes).ok).toBe(true);
  });

  it('cleans nested sequences: shifts their dates, maps their UIDs and drops their person names', () => {
    const shift = options.dateShiftDays(PLANTED.patientId);
    const { bytes } = deidentify(input, options);
    const ds = dicomParser.parseDicom(bytes);
    const referenced = ds.elements['x00081140']?.items?.[0]?.dataSet;
    expect(referenced?.string('x00081155')).toBe(options.uidMap(PLANTED.referencedSopUid));
    expect(referenced?.string('x00081150')).toBe('1.2.840.10008.5.1.4.1.1.2');
    const protocol = ds.elements['x00400260']?.items?.[0]?.dataSet;
    const expectedNested = new Date(Date.UTC(2018, 0, 1) + shift * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    expect(protocol?.string('x00400244')).toBe(expectedNested);
    const mapping = protocol?.elements['x00409096']?.items?.[0]?.dataSet;
    expect(mapping?.elements['x00081070']).toBeUndefined();
    expect(mapping?.string('x00409210')).toBe('HU');
  });

  it('shifts DA and the date part of DT by the patient offset and keeps TM', () => {
    const shift = options.dateShiftDays(PLANTED.patientId);
    expect(shift).not.toBe(0);
    const ds = dicomParser.parseDicom(deidentify(input, options).bytes);
    const expected = new Date(Date.UTC(2019, 1, 14) + shift * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '');
    expect(ds.string('x00080020')).toBe(expected);
    expect(ds.string('x0008002a')).toBe(`${expected}103000.000000`);
    expect(ds.string('x00080030')).toBe('101500');
  });

  it('maps instances of one series to the same new series UID and to different SOP instance UIDs', () => {
    const a = dicomParser.parseDicom(deidentify(syntheticInstance({ sopInstanceUid: '1.2.826.0.1.3680043.99.1.3.1' }), options).bytes);
    const b = dicomParser.parseDicom(deidentify(syntheticInstance({ sopInstanceUid: '1.2.826.0.1.3680043.99.1.3.2' }), options).bytes);
    expect(a.string('x0020000e')).toBe(b.string('x0020000e'));
    expect(a.string('x0020000d')).toBe(b.string('x0020000d'));
    expect(a.string('x00080018')).not.toBe(b.string('x00080018'));
    expect(a.string('x0020000e')).toMatch(/^2\.25\.\d+$/);
  });

  it('lists removed tags, including private, nested and file meta ones', () => {
    const { removedTags } = deidentify(input, options);
    expect(removedTags).toEqual(expect.arrayContaining(['00080080', '00081070', '00090010', '00091001', '00101000', '00020016']));
    expect(removedTags).toEqual([...removedTags].sort());
  });

  it('returns the mapping only when keepMapping is set', () => {
    expect(deidentify(input, options).mapping).toBeUndefined();
    const { mapping } = deidentify(input, { ...options, keepMapping: true });
    expect(mapping?.originalPatientId).toBe(PLANTED.patientId);
    expect(mapping?.uids[PLANTED.seriesUid]).toBe(options.uidMap(PLANTED.seriesUid));
    expect(mapping?.dateShiftDays).toBe(options.dateShiftDays(PLANTED.patientId));
  });

  it('handles implicit VR little endian input the same way', () => {
    const implicit = syntheticInstance({ sopInstanceUid: '1.2.826.0.1.3680043.99.1.3.1', explicit: false });
    const { bytes } = deidentify(implicit, options);
    expectAbsent(bytes, [PLANTED.patientName, PLANTED.patientId, PLANTED.studyUid, PLANTED.referencedSopUid, PLANTED.studyDate, PLANTED.privateText]);
    expect(sameBytes(pixelBytes(bytes), syntheticPixels())).toBe(true);
  });
});

describe('deidentify on sample files', () => {
  it.each(['jpeg_2000.dcm', 'rle.dcm', 'implicit_little.dcm', 'jpeg_baseline_8bit.dcm', 'jpeg_ls.dcm', 'explicit_little.dcm'])(
    'removes the identifiers, UIDs and dates of %s and keeps its pixel data',
    (file) => {
      const input = sample(file);
      const original = dicomParser.parseDicom(input);
      const { bytes } = deidentify(input, options);
      const identifiers = ['x00100010', 'x00100020', 'x00100030', 'x00080050', 'x00080080', 'x00080090', 'x00081050', 'x00081070', 'x00080020', 'x00080021', 'x00080022', 'x00080023', 'x00081010']
        .map((key) => original.string(key)?.trim() ?? '')
        .filter((value) => value !== '' && value !== 'Anonymized');
      expectAbsent(bytes, identifiers);
      expectAbsent(bytes, collectUids(original));
      expect(sameBytes(pixelBytes(bytes), pixelBytes(input))).toBe(true);
      const record = parseInstance(bytes);
      expect(record.ok).toBe(true);
    },
  );

  it('keeps the 20 MR slices together in one new series with one date offset', () => {
    const outputs = brainSlices().map((bytes) => dicomParser.parseDicom(deidentify(bytes, options).bytes));
    expect(new Set(outputs.map((ds) => ds.string('x0020000e'))).size).toBe(1);
    expect(new Set(outputs.map((ds) => ds.string('x00080018'))).size).toBe(20);
    expect(new Set(outputs.map((ds) => ds.string('x00080020'))).size).toBe(1);
    expect(outputs[0]?.string('x00080020')).not.toBe('20010316');
    expect(new Set(outputs.map((ds) => ds.string('x00100020'))).size).toBe(1);
  });

  it('refuses big endian and non-DICOM input with a machine-readable code', () => {
    expect(() => deidentify(sample('explicit_big.dcm'), options)).toThrow(expect.objectContaining({ code: 'unsupported-transfer-syntax' }));
    expect(() => deidentify(ascii('hello'), options)).toThrow(DeidentifyError);
  });

  it('refuses pseudonyms that could not be encoded safely', () => {
    const bad = { ...options, patientPseudonym: () => ({ id: 'Zoë', name: 'x' }) };
    expect(() => deidentify(sample('rle.dcm'), bad)).toThrow(expect.objectContaining({ code: 'invalid-pseudonym' }));
  });
});
