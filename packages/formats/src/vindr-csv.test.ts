import { describe, expect, it } from 'vitest';
import { exportLabels } from './export-labels';
import { FormatInputError } from './types';
import { NO_FINDING, VINDR_FILE } from './vindr/vindr-export';
import { box2d, demoFixture, demoRead, TAXONOMY } from './test-support/demo-fixture';
import { fileAt, placement, reimport, textOf } from './test-support/round-trip';

const csvOf = (input = demoRead().input) => textOf(fileAt(exportLabels('vindr-csv', input).files, VINDR_FILE));

describe('VinDr-CXR CSV export', () => {
  it('starts with the exact VinDr-CXR header and ends every line with CRLF', () => {
    const text = csvOf();
    expect(text.startsWith('image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max\r\n')).toBe(true);
    expect(text.endsWith('\r\n')).toBe(true);
    expect(text.replace(/\r\n/g, '').includes('\n')).toBe(false);
  });

  it('writes one row per box with class id, reader and corner coordinates, quoting a class name with a comma and quotes', () => {
    const text = csvOf();
    const f = demoFixture();
    const id = f.xray.image.imageId;
    const b = f.xray.box;
    expect(text).toContain(`${id},nodule,0,reader-a,${b.x},${b.y},${b.x + b.width},${b.y + b.height}\r\n`);
    // x_max = 0.1 + 100.20000000000002 is the exact decimal sum, not the double sum 100.30000000000001;
    // y_max = 0.3333333333333333 + 31.41592653589793 likewise.
    expect(String(0.1 + 100.20000000000002)).toBe("100.30000000000001");
    expect(text).toContain(`${id},"consolidation, ""patchy""",2,reader-a,0.1,0.3333333333333333,100.30000000000002,31.7492598692312633\r\n`);
  });

  it('writes a "No finding" row with class id = taxonomy length and empty coordinates for a no-finding image', () => {
    const text = csvOf();
    const f = demoFixture();
    expect(text).toContain(`${f.ct.slices[0]!.imageId},${NO_FINDING},${TAXONOMY.length},reader-a,,,,\r\n`);
    expect(text).toContain(`${f.cine.frames[1]!.imageId},${NO_FINDING},4,reader-a,,,,\r\n`);
    expect(text).not.toContain(f.cine.frames[7]!.imageId);
  });

  it('expands a study-level no-finding to a row per image of the study', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const text = csvOf({ ...input, annotations: [], imageStates: [{ level: 'study', studyInstanceUid: f.ct.study, status: 'no_finding', setBy: 'reader-a', setAt: 1 }] });
    expect(text.trim().split('\r\n')).toHaveLength(1 + f.ct.slices.length);
  });

  it('refuses a taxonomy that itself has a "No finding" label', () => {
    const { input } = demoRead();
    expect(() => exportLabels('vindr-csv', { ...input, taxonomy: [...TAXONOMY, NO_FINDING] })).toThrow(FormatInputError);
  });
});

describe('VinDr-CXR CSV import', () => {
  it('gives back every box with exact coordinates and the no-finding images', () => {
    const { input, annotations, states } = demoRead();
    const back = reimport('vindr-csv', exportLabels('vindr-csv', input).files, input);
    expect(back.skipped).toEqual([]);
    const expected2d = annotations.filter((a) => !a.deleted && a.kind === 'box2d').map(placement);
    expect(back.annotations.map(placement)).toEqual(expect.arrayContaining(expected2d));
    const f = demoFixture();
    expect(back.annotations).toHaveLength(expected2d.length + f.ct.lesion.last - f.ct.lesion.first + 1);
    const noFinding = states.filter((s) => s.status === 'no_finding');
    expect(back.imageStates.map((s) => s.level === 'image' && [s.sopInstanceUid, s.frameIndex, s.status])).toEqual(
      expect.arrayContaining(noFinding.map((s) => s.level === 'image' && [s.sopInstanceUid, s.frameIndex, s.status])),
    );
    expect(back.imageStates).toHaveLength(noFinding.length);
  });

  it('skips rows of unknown images, unknown classes, boxes outside the image and malformed rows, saying why', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const id = f.xray.image.imageId;
    const csv = [
      'image_id,class_name,class_id,rad_id,x_min,y_min,x_max,y_max',
      `${id},nodule,0,reader-a,1,2,3,4`,
      `nope,nodule,0,reader-a,1,2,3,4`,
      `${id},Aortic enlargement,0,reader-a,1,2,3,4`,
      `${id},nodule,0,reader-a,500,2,513,4`,
      `${id},nodule,0,reader-a,5,2,3,4`,
      `${id},nodule,0,reader-a,1,2,3`,
      `${id},nodule,0,reader-a,1,two,3,4`,
      `${id},${NO_FINDING},14,reader-a,1,2,3,4`,
      `${id},mass,0,reader-a,1,2,3,4`,
      `${id},mass,1,R11,1,2,3,4`,
    ].join('\r\n');
    const back = reimport('vindr-csv', [{ path: 'a.csv', content: csv }], input, { sourceReaderId: 'reader-a' });
    expect(back.skipped.map((s) => [s.item, s.reason])).toEqual([
      ['a.csv:3', 'unknown-image'],
      ['a.csv:4', 'unknown-class'],
      ['a.csv:5', 'box-outside-image'],
      ['a.csv:6', 'malformed'],
      ['a.csv:7', 'malformed'],
      ['a.csv:8', 'malformed'],
      ['a.csv:9', 'malformed'],
      ['a.csv:11', 'other-reader'],
    ]);
    expect(back.annotations.map((a) => a.label)).toEqual(['nodule', 'mass']);
    expect(back.warnings).toEqual([{ item: 'a.csv:10', message: 'class_id 0 for "mass"; the taxonomy has it at 1' }]);
  });

  it('rejects a file whose header is not the VinDr-CXR header', () => {
    const { input } = demoRead();
    const back = reimport('vindr-csv', [{ path: 'a.csv', content: 'image_id,label,x,y,w,h\r\n' }], input);
    expect(back.skipped).toEqual([{ item: 'a.csv:1', reason: 'malformed', message: expect.stringContaining('header') }]);
  });

  it('keeps a box drawn on the demo radiograph exactly, whatever its floats', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const odd = box2d('odd', f.xray.image, 'mass', { x: 0.30000000000000004, y: 1e-7, width: 511.69999999999993, height: 2 ** -30 });
    const back = reimport('vindr-csv', exportLabels('vindr-csv', { ...input, annotations: [odd], imageStates: [] }).files, input);
    expect(back.annotations.map((a) => a.geometry)).toEqual([odd.geometry]);
  });
});
