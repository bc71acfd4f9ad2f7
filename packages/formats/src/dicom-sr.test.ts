import { box3dToPatient, buildSeriesGeometry } from '@readingroom/geometry';
import { describe, expect, it } from 'vitest';
import { exportLabels } from './export-labels';
import { planeOf } from './sr/sr-geometry';
import { readPart10, writePart10 } from './sr/dcmjs-data';
import { labelCodeValue } from './sr/sr-codes';
import { repairNestedText } from './sr/sr-text';
import { srPath } from './sr/sr-export';
import { box3d, demoFixture, demoRead, NOW } from './test-support/demo-fixture';
import { fileAt, reimport } from './test-support/round-trip';
import type { LabelFile } from './types';

type Node = Record<string, unknown>;
const list = (value: unknown): Node[] => (value === undefined || value === null ? [] : Array.isArray(value) ? value : [value]) as Node[];
const meaning = (item: Node) => list(item['ConceptNameCodeSequence'])[0]?.['CodeMeaning'];
const children = (item: Node, name: string) => list(item['ContentSequence']).filter((c) => meaning(c) === name);
const numbers = (value: unknown) => list(value) as unknown as number[];
const bytesOf = (file: LabelFile) => file.content as Uint8Array;

/** dcmjs' reading, plus the package's repair of text in sequence items (dcmjs 0.52 decodes it as Latin-1). */
function read(bytes: Uint8Array): Node {
  const dataset = readPart10(bytes);
  repairNestedText(dataset);
  return dataset;
}

function groupsOf(dataset: Node): Node[] {
  return children(dataset, 'Imaging Measurements').flatMap((m) => children(m, 'Measurement Group'));
}

function groupById(dataset: Node, id: string): Node {
  const group = groupsOf(dataset).find((g) => children(g, 'Tracking Identifier')[0]?.['TextValue'] === id);
  if (!group) throw new Error(`no measurement group ${id}`);
  return group;
}

describe('DICOM SR export', () => {
  it('writes one TID 1500 report per study of the read, with the reader as person observer', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const { files } = exportLabels('dicom-sr', input);
    expect(files.map((file) => file.path).sort()).toEqual([f.ct.study, f.xray.study, f.cine.study].map((s) => srPath('reader-a', s)).sort());
    const dataset = read(bytesOf(fileAt(files, srPath('reader-a', f.xray.study))));
    expect(list(dataset['ContentTemplateSequence'])[0]).toMatchObject({ MappingResource: 'DCMR', TemplateIdentifier: '1500' });
    expect(meaning(dataset)).toBe('Imaging Measurement Report');
    expect(dataset['StudyInstanceUID']).toBe(f.xray.study);
    expect(dataset['SpecificCharacterSet']).toBe('ISO_IR 192');
    const name = list(children(dataset, 'Person Observer Name')[0]?.['PersonName'])[0];
    expect(typeof name === 'string' ? name : name?.['Alphabetic']).toBe('Dr Ana Álvarez');
    expect(children(dataset, "Person Observer's Login Name")[0]?.['TextValue']).toBe('reader-a');
  });

  it('writes each 2D box as a closed 5-point SCOORD polyline on its source image and frame, labelled in the 99RR scheme', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const { files } = exportLabels('dicom-sr', input);
    const dx = read(bytesOf(fileAt(files, srPath('reader-a', f.xray.study))));
    const group = groupById(dx, 'dx-1');
    const finding = list(children(group, 'Finding')[0]?.['ConceptCodeSequence'])[0];
    expect(finding).toMatchObject({ CodeValue: labelCodeValue('nodule'), CodingSchemeDesignator: '99RR', CodeMeaning: 'nodule' });
    const region = children(group, 'Image Region')[0]!;
    expect(region['ValueType']).toBe('SCOORD');
    expect(region['GraphicType']).toBe('POLYLINE');
    const b = f.xray.box;
    expect(numbers(region['GraphicData'])).toEqual([b.x, b.y, b.x + b.width, b.y, b.x + b.width, b.y + b.height, b.x, b.y + b.height, b.x, b.y].map(Math.fround));
    const source = list(list(region['ContentSequence'])[0]?.['ReferencedSOPSequence'])[0];
    expect(source).toMatchObject({ ReferencedSOPClassUID: f.xray.image.sopClassUid, ReferencedSOPInstanceUID: f.xray.image.sopInstanceUid });
    expect(source?.['ReferencedFrameNumber']).toBeUndefined();
    // dcmjs splits text at backslashes when reading; the import joins the parts again.
    expect(list(children(group, 'Comment')[0]?.['TextValue']).join('\\')).toBe('spiculated, "check" CT — ø 12 mm,\nsee C:\\prior\\\\x, trailing space');

    const cine = read(bytesOf(fileAt(files, srPath('reader-a', f.cine.study))));
    const cineSource = list(list(children(groupById(cine, 'cine-1'), 'Image Region')[0]?.['ContentSequence'])[0]?.['ReferencedSOPSequence'])[0];
    expect(numbers(cineSource?.['ReferencedFrameNumber'])).toEqual([3]);
  });

  it('writes a 3D box as a SCOORD3D polygon on each end slice at the patient positions the geometry package computes', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const { files } = exportLabels('dicom-sr', input);
    const ct = read(bytesOf(fileAt(files, srPath('reader-a', f.ct.study))));
    expect(ct['SOPClassUID']).toBe('1.2.840.10008.5.1.4.1.1.88.34');
    const regions = children(groupById(ct, 'ct-1'), 'Image Region');
    expect(regions.map((r) => [r['ValueType'], r['GraphicType'], r['ReferencedFrameOfReferenceUID']])).toEqual([
      ['SCOORD3D', 'POLYGON', f.ct.slices[0]!.frameOfReferenceUid],
      ['SCOORD3D', 'POLYGON', f.ct.slices[0]!.frameOfReferenceUid],
    ]);
    // Independent path: the series' stack geometry (corner convention shifted to pixel centres).
    const series = buildSeriesGeometry(f.ct.slices.map(planeOf));
    const b = f.ct.lesion.box;
    const placed = box3dToPatient(series, { x: b.x - 0.5, y: b.y - 0.5, width: b.width, height: b.height, firstSliceIndex: f.ct.lesion.first, lastSliceIndex: f.ct.lesion.last });
    if (placed.fallback !== null) throw new Error(placed.reason);
    const expected = [placed.corners.slice(0, 4), placed.corners.slice(4, 8)].map((c) => [...c, c[0]!].flatMap((p) => [...p]));
    regions.forEach((region, i) => {
      const data = numbers(region['GraphicData']);
      expect(data).toHaveLength(15);
      data.forEach((v, j) => expect(Math.abs(v - expected[i]![j]!)).toBeLessThan(1e-4));
    });
  });

  it('writes the same bytes for the same input, and a new SOP Instance UID in the same series for a later export', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const path = srPath('reader-a', f.xray.study);
    const a = bytesOf(fileAt(exportLabels('dicom-sr', input).files, path));
    const b = bytesOf(fileAt(exportLabels('dicom-sr', input).files, path));
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const later = read(bytesOf(fileAt(exportLabels('dicom-sr', { ...input, now: NOW + 86_400_000 }).files, path)));
    const first = read(a);
    expect(later['SOPInstanceUID']).not.toBe(first['SOPInstanceUID']);
    expect(later['SeriesInstanceUID']).toBe(first['SeriesInstanceUID']);
    expect([first['ContentDate'], first['ContentTime']]).toEqual(['20250314', '093015.250']);
    expect(later['ContentDate']).toBe('20250315');
  });
});

describe('DICOM SR import', () => {
  it('gives back identical annotations and image states after an export', () => {
    const { input, annotations, states } = demoRead();
    const back = reimport('dicom-sr', exportLabels('dicom-sr', input).files, input);
    expect(back.skipped).toEqual([]);
    expect(back.warnings).toEqual([]);
    const live = annotations.filter((a) => !a.deleted);
    expect(back.annotations).toEqual(expect.arrayContaining(live));
    expect(back.annotations).toHaveLength(live.length);
    expect(back.imageStates).toEqual(expect.arrayContaining(states));
    expect(back.imageStates).toHaveLength(states.length);
  });

  it('falls back to SCOORDs on the end slices for a 3D box without patient geometry, and reads it back', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const cine3d = box3d('cine-3d', f.cine.frames, 2, 4, 'mass', { x: 8, y: 9.5, width: 20, height: 30.25 });
    const exported = exportLabels('dicom-sr', { ...input, annotations: [cine3d], imageStates: [] });
    expect(exported.warnings).toEqual([{ item: 'cine-3d', message: expect.stringContaining('no patient geometry') }]);
    const back = reimport('dicom-sr', exported.files, input);
    expect(back.annotations).toEqual([cine3d]);
  });

  it('rebuilds boxes from the SR content alone (32-bit coordinates) when the JSON records are missing', () => {
    const { input, annotations } = demoRead();
    const stripped = exportLabels('dicom-sr', input).files.map((file) => ({ ...file, content: withoutRecords(bytesOf(file)) }));
    const back = reimport('dicom-sr', stripped, input);
    expect(back.skipped).toEqual([]);
    for (const a of annotations.filter((x) => !x.deleted)) {
      const b = back.annotations.find((x) => x.id === a.id);
      expect(b, a.id).toMatchObject({ kind: a.kind, label: a.label, author: 'reader-a' });
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(b!.geometry[key] - a.geometry[key]), `${a.id}.${key}`).toBeLessThan(1e-4);
      if (a.kind === 'box3d' && b?.kind === 'box3d') expect([b.geometry.firstSopInstanceUid, b.geometry.lastSopInstanceUid]).toEqual([a.geometry.firstSopInstanceUid, a.geometry.lastSopInstanceUid]);
    }
    expect(back.annotations.find((x) => x.id === 'dx-1')?.attributes).toEqual({ confidence: 4, note: 'spiculated, "check" CT — ø 12 mm,\nsee C:\\prior\\\\x, trailing space' });
    expect(back.imageStates.map((s) => s.setBy)).toEqual(['reader-a', 'reader-a', 'reader-a']);
  });

  it('uses the SR content and warns when a record disagrees with it', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const path = srPath('reader-a', f.xray.study);
    const dataset = read(bytesOf(fileAt(exportLabels('dicom-sr', input).files, path)));
    const region = children(groupById(dataset, 'dx-2'), 'Image Region')[0]!;
    region['GraphicData'] = [10, 20, 30, 20, 30, 40, 10, 40, 10, 20];
    const back = reimport('dicom-sr', [{ path, content: rewrite(dataset) }], input);
    expect(back.warnings).toEqual([{ item: `${path}#group[1]`, message: expect.stringContaining('disagrees') }]);
    expect(back.annotations.find((a) => a.id === 'dx-2')?.geometry).toEqual({ x: 10, y: 20, width: 20, height: 20 });
  });

  it('skips groups on unknown images or with unknown findings, unreadable files and other readers, saying why', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const path = srPath('reader-a', f.xray.study);
    const file = fileAt(exportLabels('dicom-sr', input).files, path);
    const dataset = read(bytesOf(file));
    const [g1, g2] = groupsOf(dataset);
    list(list(children(g1!, 'Image Region')[0]?.['ContentSequence'])[0]?.['ReferencedSOPSequence'])[0]!['ReferencedSOPInstanceUID'] = '1.2.3.999';
    list(children(g2!, 'Finding')[0]?.['ConceptCodeSequence'])[0]!['CodeValue'] = 'RR0000000000';
    list(children(g2!, 'Finding')[0]?.['ConceptCodeSequence'])[0]!['CodeMeaning'] = 'tumour';
    const back = reimport('dicom-sr', [{ path, content: rewrite(dataset) }, { path: 'junk.dcm', content: new Uint8Array([1, 2, 3]) }], input);
    expect(back.skipped.map((s) => [s.item, s.reason])).toEqual([
      [`${path}#group[0]`, 'unknown-image'],
      [`${path}#group[1]`, 'unknown-class'],
      ['junk.dcm', 'malformed'],
    ]);
    const other = reimport('dicom-sr', [file], input, { sourceReaderId: 'reader-b' });
    expect(other.skipped.map((s) => [s.item, s.reason])).toEqual([[path, 'other-reader']]);
  });
});

function rewrite(dataset: Node): Uint8Array {
  return writePart10(dataset, { implementationClassUid: '2.25.1', implementationVersionName: 'TEST' });
}

/** The document with every `99RR RRREC` (JSON record) item removed. */
function withoutRecords(bytes: Uint8Array): Uint8Array {
  const dataset = read(bytes);
  const strip = (item: Node) => {
    if (item['ContentSequence'] === undefined) return;
    const kept = list(item['ContentSequence']).filter((c) => list(c['ConceptNameCodeSequence'])[0]?.['CodeValue'] !== 'RRREC');
    kept.forEach(strip);
    item['ContentSequence'] = kept;
  };
  strip(dataset);
  return rewrite(dataset);
}
