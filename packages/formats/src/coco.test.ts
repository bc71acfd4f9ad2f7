import { describe, expect, it } from 'vitest';
import { CocoDatasetSchema } from './coco/coco-schema';
import { COCO_FILE } from './coco/coco-export';
import { exportLabels } from './export-labels';
import { demoFixture, demoRead, TAXONOMY } from './test-support/demo-fixture';
import { fileAt, reimport, textOf } from './test-support/round-trip';

function exportCocoJson(input = demoRead().input) {
  const result = exportLabels('coco', input);
  return { result, json: JSON.parse(textOf(fileAt(result.files, COCO_FILE))) as unknown };
}

describe('COCO export', () => {
  it('writes a dataset that passes the COCO schema, with area = width × height for every box', () => {
    const { json } = exportCocoJson();
    const dataset = CocoDatasetSchema.parse(json);
    expect(dataset.annotations.length).toBeGreaterThan(0);
    for (const a of dataset.annotations) expect(a.area).toBe(a.bbox[2] * a.bbox[3]);
    for (const a of dataset.annotations) expect(dataset.images.some((image) => image.id === a.image_id)).toBe(true);
  });

  it('has one image per frame or slice and categories in taxonomy order with ids from 1', () => {
    const { json } = exportCocoJson();
    const dataset = CocoDatasetSchema.parse(json);
    const f = demoFixture();
    expect(dataset.images).toHaveLength(f.images.length);
    expect(dataset.images.map((i) => i.file_name)).toEqual(f.images.map((i) => i.imageId));
    expect(dataset.categories.map((c) => [c.id, c.name])).toEqual(TAXONOMY.map((name, i) => [i + 1, name]));
  });

  it('expands a 3D box to one annotation per slice, linked to a 3D record by its id', () => {
    const { json } = exportCocoJson();
    const dataset = CocoDatasetSchema.parse(json);
    const f = demoFixture();
    const slices = dataset.annotations.filter((a) => a.box3d_id === 'ct-1');
    expect(slices).toHaveLength(f.ct.lesion.last - f.ct.lesion.first + 1);
    expect(slices.map((a) => a.slice_index)).toEqual(Array.from({ length: slices.length }, (_, i) => f.ct.lesion.first + i));
    const record = dataset.boxes_3d?.find((b) => b.id === 'ct-1');
    expect(record).toMatchObject({ first_slice_index: f.ct.lesion.first, last_slice_index: f.ct.lesion.last, category_id: 1, annotation_ids: slices.map((a) => a.id) });
    expect(record?.image_ids).toEqual(slices.map((a) => a.image_id));
  });

  it('keeps reader, author, attributes and review outcomes in extra fields', () => {
    const { json } = exportCocoJson();
    const dataset = CocoDatasetSchema.parse(json);
    const dx1 = dataset.annotations.find((a) => a.annotation_id === 'dx-1');
    expect(dx1).toMatchObject({ reader_id: 'reader-a', author: 'reader-a', attributes: { confidence: 4 } });
    expect(dataset.annotations.some((a) => a.annotation_id === 'dx-deleted')).toBe(false);
    const excluded = dataset.images.find((i) => i.review_state?.status === 'excluded_poor_quality');
    expect(excluded?.review_state).toEqual({ level: 'image', status: 'excluded_poor_quality', reason: 'motion blur' });
    expect(dataset.image_states).toHaveLength(3);
  });

  it('writes consensus sources of a consensus read', () => {
    const { input, annotations } = demoRead('consensus');
    const sources = [{ readerId: 'reader-a', annotationId: 'a1' }, { readerId: 'reader-b', annotationId: 'b7' }];
    const withSources = annotations.map((a) => (a.id === 'dx-1' ? { ...a, sources, origin: 'fused' as const } : a));
    const { json } = exportCocoJson({ ...input, annotations: withSources });
    const dx1 = CocoDatasetSchema.parse(json).annotations.find((a) => a.annotation_id === 'dx-1');
    expect(dx1).toMatchObject({ reader_id: 'consensus', sources, rr_meta: { origin: 'fused' } });
  });
});

describe('COCO import', () => {
  it('gives back identical annotations and image states after an export', () => {
    const { input, annotations, states } = demoRead();
    const back = reimport('coco', exportLabels('coco', input).files, input);
    expect(back.skipped).toEqual([]);
    expect(back.annotations).toEqual(expect.arrayContaining(annotations.filter((a) => !a.deleted)));
    expect(back.annotations).toHaveLength(annotations.filter((a) => !a.deleted).length);
    expect(back.imageStates).toEqual(expect.arrayContaining(states));
    expect(back.imageStates).toHaveLength(states.length);
  });

  it('skips unknown images, unknown classes, boxes outside the image and malformed items, saying why', () => {
    const { input } = demoRead();
    const { json } = exportCocoJson(input);
    const dataset = CocoDatasetSchema.parse(json);
    const first = dataset.annotations.find((a) => a.annotation_id === 'dx-1')!;
    const image = dataset.images.find((i) => i.id === first.image_id)!;
    dataset.images.push({ ...image, id: 999, file_name: 'elsewhere.png', sop_instance_uid: '1.2.3.4', frame_index: 0 });
    dataset.categories.push({ id: 77, name: 'tumour' });
    const extra = (id: number, patch: object) => ({ ...first, id, annotation_id: `x${id}`, ...patch });
    dataset.annotations.push(
      extra(1001, { image_id: 999 }),
      extra(1002, { category_id: 77 }),
      extra(1003, { bbox: [image.width - 5, 10, 10, 10] }),
      extra(1004, { bbox: [1, 2, -3, 4] }),
      extra(1005, { rr_meta: { createdAt: 'yesterday' } }),
    );
    const back = reimport('coco', [{ path: 'c.json', content: JSON.stringify(dataset) }], input);
    expect(back.skipped.map((s) => [s.item, s.reason])).toEqual([
      [`c.json#annotations[${dataset.annotations.length - 5}]`, 'unknown-image'],
      [`c.json#annotations[${dataset.annotations.length - 4}]`, 'unknown-class'],
      [`c.json#annotations[${dataset.annotations.length - 3}]`, 'box-outside-image'],
      [`c.json#annotations[${dataset.annotations.length - 2}]`, 'malformed'],
      [`c.json#annotations[${dataset.annotations.length - 1}]`, 'malformed'],
    ]);
    expect(back.annotations.map((a) => a.id)).not.toContain('x1001');
  });

  it('reports a file that is not JSON or not COCO as malformed', () => {
    const { input } = demoRead();
    const back = reimport('coco', [{ path: 'a.json', content: '{"images": [' }, { path: 'b.json', content: '{"images": []}' }], input);
    expect(back.skipped.map((s) => [s.item, s.reason])).toEqual([['a.json', 'malformed'], ['b.json', 'malformed']]);
  });

  it('takes only the chosen reader when a source reader is given', () => {
    const { input } = demoRead();
    const files = exportLabels('coco', input).files;
    const back = reimport('coco', files, input, { sourceReaderId: 'reader-b' });
    expect(back.annotations).toEqual([]);
    expect(new Set(back.skipped.map((s) => s.reason))).toEqual(new Set(['other-reader']));
  });
});
