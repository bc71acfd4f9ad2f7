import { describe, expect, it } from 'vitest';
import { exportLabels } from './export-labels';
import { importLabels } from './import-labels';
import { repairUtf8 } from './sr/sr-text';
import { FORMATS, FormatInputError } from './types';
import { box2d, box3d, demoFixture, demoRead, NOW, TAXONOMY } from './test-support/demo-fixture';

describe('exportLabels input checks', () => {
  it('throws FormatInputError for an invalid input or an ambiguous image list', () => {
    const { input } = demoRead();
    const f = demoFixture();
    expect(() => exportLabels('coco', { ...input, taxonomy: ['a', 'a'] })).toThrow(FormatInputError);
    expect(() => exportLabels('coco', { ...input, images: [...f.images, { ...f.images[0]!, sopInstanceUid: '1.2.3' }] })).toThrow(/duplicate imageId/);
    expect(() => exportLabels('coco', { ...input, images: [...f.images, { ...f.images[0]!, imageId: 'copy' }] })).toThrow(/duplicate SOP Instance UID/);
    expect(() => exportLabels('coco', { ...input, now: -1 })).toThrow(FormatInputError);
    expect(() => importLabels('coco', [], { readerId: 'r', taxonomy: [], images: f.images, now: NOW })).toThrow(FormatInputError);
  });

  it('leaves out, in every format, annotations with an unknown class or image, a box outside its image or a slice range the images do not match', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const image = f.xray.image;
    const badSlices = box3d('wrong-order', f.ct.slices, 3, 5, 'nodule', { x: 1, y: 1, width: 5, height: 5 });
    const annotations = [
      box2d('ok', image, 'mass', { x: 1, y: 1, width: 5, height: 5 }),
      box2d('tumour', image, 'tumour', { x: 1, y: 1, width: 5, height: 5 }),
      box2d('elsewhere', { ...image, sopInstanceUid: '1.2.3.4' }, 'mass', { x: 1, y: 1, width: 5, height: 5 }),
      box2d('too-wide', image, 'mass', { x: 500, y: 1, width: 12.5, height: 5 }),
      box2d('negative', image, 'mass', { x: -0.5, y: 1, width: 2, height: 5 }),
      { ...badSlices, geometry: { ...badSlices.geometry, firstSopInstanceUid: f.ct.slices[9]!.sopInstanceUid } },
      box3d('past-the-end', f.ct.slices, 30, 31, 'nodule', { x: 1, y: 1, width: 5, height: 5 }),
    ];
    for (const format of FORMATS) {
      const result = exportLabels(format, { ...input, annotations, imageStates: [] });
      expect(result.skipped.map((s) => [s.item, s.reason]), format).toEqual([
        ['tumour', 'unknown-class'],
        ['elsewhere', 'unknown-image'],
        ['too-wide', 'box-outside-image'],
        ['negative', 'box-outside-image'],
        ['wrong-order', 'slice-range'],
      ]);
      const back = importLabels(format, result.files, { readerId: 'reader-a', taxonomy: [...TAXONOMY], images: f.images, now: NOW });
      // 'ok' and 'past-the-end' (as one 3D box, or as two per-slice boxes).
      expect(back.annotations.length, format).toBe(format === 'coco' || format === 'dicom-sr' ? 2 : 3);
    }
  });

  it('warns when an image marked no_finding has boxes', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const image = f.xray.image;
    const result = exportLabels('coco', {
      ...input,
      annotations: [box2d('b', image, 'mass', { x: 1, y: 1, width: 5, height: 5 })],
      imageStates: [{ level: 'series', studyInstanceUid: image.studyInstanceUid, seriesInstanceUid: image.seriesInstanceUid, status: 'no_finding', setBy: 'reader-a', setAt: NOW }],
    });
    expect(result.warnings).toEqual([{ item: image.imageId, message: 'marked no_finding (series level) but has 1 box(es)' }]);
  });

  it('gives the same files for the same input in every format', () => {
    const { input } = demoRead();
    for (const format of FORMATS) {
      const a = exportLabels(format, input).files;
      const b = exportLabels(format, structuredClone(input)).files;
      expect(b, format).toEqual(a);
    }
  });
});

describe('SR text repair', () => {
  it('turns UTF-8 read as Latin-1 back into the text and leaves correct text alone', () => {
    const mangled = String.fromCharCode(...new TextEncoder().encode('Dr Ana Álvarez — ø'));
    expect(repairUtf8(mangled)).toBe('Dr Ana Álvarez — ø');
    expect(repairUtf8('Dr Ana Álvarez')).toBe('Dr Ana Álvarez');
    expect(repairUtf8('plain')).toBe('plain');
    expect(repairUtf8('日本')).toBe('日本');
  });
});
