import { describe, expect, it } from 'vitest';
import { exportLabels } from './export-labels';
import { safeFileStem } from './file-names';
import { ImageInfoSchema, type ExportInput } from './types';
import { YOLO_CLASSES_FILE, YOLO_EXCLUDED_FILE, YOLO_IMAGES_FILE, yoloLabelPath } from './yolo/yolo-export';
import { box2d, demoFixture, demoRead, NOW, READERS, TAXONOMY } from './test-support/demo-fixture';
import { fileAt, placement, reimport, textOf } from './test-support/round-trip';

describe('YOLO export', () => {
  it('writes the classes file in class id order and one label file per labelled image, named by its stem', () => {
    const { input } = demoRead();
    const { files } = exportLabels('yolo', input);
    expect(textOf(fileAt(files, YOLO_CLASSES_FILE))).toBe(TAXONOMY.map((l) => `${l}\n`).join(''));
    const f = demoFixture();
    const dx = textOf(fileAt(files, yoloLabelPath(f.xray.image.imageId)));
    expect(yoloLabelPath(f.xray.image.imageId)).toBe(`yolo/labels/${f.xray.image.imageId}.txt`);
    const [first, second] = dx.trim().split('\n');
    const b = f.xray.box;
    expect(first).toBe(`0 ${(b.x + b.width / 2) / 512} ${(b.y + b.height / 2) / 512} ${b.width / 512} ${b.height / 512}`);
    expect(second?.split(' ')[0]).toBe('2');
  });

  it('writes an empty label file for a no-finding image and none for unreviewed or excluded images', () => {
    const { input } = demoRead();
    const { files } = exportLabels('yolo', input);
    const f = demoFixture();
    expect(textOf(fileAt(files, yoloLabelPath(f.ct.slices[0]!.imageId)))).toBe('');
    expect(files.some((file) => file.path === yoloLabelPath(f.ct.slices[1]!.imageId))).toBe(false);
    expect(files.some((file) => file.path === yoloLabelPath(f.cine.frames[7]!.imageId))).toBe(false);
    expect(textOf(fileAt(files, YOLO_EXCLUDED_FILE))).toBe(`${safeFileStem(f.cine.frames[7]!.imageId)}\t"motion blur"\n`);
    const train = textOf(fileAt(files, YOLO_IMAGES_FILE)).trim().split('\n');
    expect(train).toContain(`./images/${safeFileStem(f.ct.slices[0]!.imageId)}.png`);
    expect(train).not.toContain(`./images/${safeFileStem(f.cine.frames[7]!.imageId)}.png`);
  });
});

describe('YOLO import', () => {
  it('gives back every box with its exact pixel coordinates, 3D boxes as one 2D box per slice', () => {
    const { input, annotations } = demoRead();
    const back = reimport('yolo', exportLabels('yolo', input).files, input);
    expect(back.skipped).toEqual([]);
    const f = demoFixture();
    const expected = annotations.filter((a) => !a.deleted && a.kind === 'box2d').map(placement);
    const ct = annotations.find((a) => a.id === 'ct-1')!;
    const perSlice = f.ct.slices
      .filter((s) => s.sliceIndex! >= f.ct.lesion.first && s.sliceIndex! <= f.ct.lesion.last)
      .map((s) => placement(box2d('x', s, 'nodule', { x: ct.geometry.x, y: ct.geometry.y, width: ct.geometry.width, height: ct.geometry.height })));
    expect(back.annotations.map(placement)).toEqual(expect.arrayContaining([...expected, ...perSlice]));
    expect(back.annotations).toHaveLength(expected.length + perSlice.length);
    expect(back.annotations.every((a) => a.author === 'reader-a' && Object.keys(a.attributes).length === 0)).toBe(true);
  });

  it('gives back image-level no-finding and exclusion states', () => {
    const { input, states } = demoRead();
    const back = reimport('yolo', exportLabels('yolo', input).files, input);
    const strip = (s: { level: string; sopInstanceUid?: string; frameIndex?: number; status: string; reason?: string }) => [s.level, s.sopInstanceUid, s.frameIndex, s.status, s.reason];
    expect(back.imageStates.map(strip)).toEqual(expect.arrayContaining(states.map(strip)));
    expect(back.imageStates).toHaveLength(states.length);
  });

  it('recovers arbitrary floating-point boxes within 1e-9 px on image sizes that are not powers of 2 and 5', () => {
    // 2544 × 3056 and 2140 × 1760 are common radiograph sizes; their normalised values are not finite decimals.
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const images = [
      { columns: 2544, rows: 3056 },
      { columns: 2140, rows: 1760 },
      { columns: 3, rows: 7 },
    ].map(({ columns, rows }, i) =>
      ImageInfoSchema.parse({
        imageId: `img-${i}`,
        studyInstanceUid: '1.2.3',
        seriesInstanceUid: '1.2.3.4',
        sopInstanceUid: `1.2.3.4.${i + 1}`,
        sopClassUid: '1.2.840.10008.5.1.4.1.1.1.1',
        rows,
        columns,
        sliceIndex: null,
        imagePositionPatient: null,
        imageOrientationPatient: null,
        pixelSpacing: null,
      }),
    );
    const annotations = Array.from({ length: 600 }, (_, n) => {
      const image = images[n % images.length]!;
      const width = random() * image.columns * 0.5 + 1e-6;
      const height = random() * image.rows * 0.5 + 1e-6;
      return box2d(`r${n}`, image, 'mass', { x: random() * (image.columns - width), y: random() * (image.rows - height), width, height });
    });
    const input: ExportInput = { readerId: 'reader-a', annotations, taxonomy: [...TAXONOMY], readers: READERS, images, now: NOW };
    const back = reimport('yolo', exportLabels('yolo', input).files, input);
    expect(back.skipped).toEqual([]);
    let exact = 0;
    for (const a of annotations) {
      const b = back.annotations.find((x) => x.kind === 'box2d' && a.kind === 'box2d' && x.sopInstanceUid === a.sopInstanceUid && Math.abs(x.geometry.x - a.geometry.x) < 1e-6 && Math.abs(x.geometry.y - a.geometry.y) < 1e-6);
      expect(b, a.id).toBeDefined();
      for (const key of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(b!.geometry[key] - a.geometry[key])).toBeLessThanOrEqual(1e-9);
      if (JSON.stringify(b!.geometry) === JSON.stringify(a.geometry)) exact++;
    }
    // The digit search makes the round trip exact whenever 40 digits suffice, i.e. in practice always.
    expect(exact).toBe(annotations.length);
  });

  it('skips unknown images, unknown classes, boxes outside the image and malformed lines, saying why', () => {
    const { input } = demoRead();
    const f = demoFixture();
    const label = yoloLabelPath(f.xray.image.imageId);
    const files = [
      { path: YOLO_CLASSES_FILE, content: 'nodule\nmass\n' },
      { path: 'yolo/labels/not-an-image.txt', content: '0 0.5 0.5 0.1 0.1\n' },
      { path: label, content: '0 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n1 0.98 0.5 0.1 0.1\n0 0.5 0.5 0.1\n0 0.5 0.5 zero 0.1\n1 0.5 0.5 0 0.1\n' },
    ];
    const back = reimport('yolo', files, input);
    expect(back.skipped.map((s) => [s.item, s.reason])).toEqual([
      ['yolo/labels/not-an-image.txt', 'unknown-image'],
      [`${label}:2`, 'unknown-class'],
      [`${label}:3`, 'box-outside-image'],
      [`${label}:4`, 'malformed'],
      [`${label}:5`, 'malformed'],
      [`${label}:6`, 'malformed'],
    ]);
    expect(back.annotations).toHaveLength(1);
    expect(back.annotations[0]?.geometry).toEqual({ x: 230.4, y: 230.4, width: 51.2, height: 51.2 });
  });
});
