import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { getRoots } from './layout';
import { StudyDocument } from './study-document';
import { box2d, rect, slab } from './test-support';
import { validateAnnotation, validateDocument } from './validate';

function docWithBox(): { doc: Y.Doc; box: Y.Map<unknown>; id: string } {
  const doc = new Y.Doc();
  const s = new StudyDocument(doc, { userId: 'alice' });
  const id = s.createBox2d(box2d()).id;
  return { doc, box: getRoots(doc).annotations.get(id) as Y.Map<unknown>, id };
}

const codes = (doc: Y.Doc) => validateDocument(doc).map((v) => `${v.code} ${v.path.join('.')}`);

describe('validateDocument', () => {
  it('accepts an empty document and one written through the API', () => {
    expect(validateDocument(new Y.Doc())).toEqual([]);
    expect(validateDocument(docWithBox().doc)).toEqual([]);
  });

  it('reports a missing required field', () => {
    const { doc, box, id } = docWithBox();
    box.delete('label');
    expect(codes(doc)).toEqual([`missing-field annotations.${id}.label`]);
  });

  it('reports a wrong value type and a non-positive size', () => {
    const { doc, box, id } = docWithBox();
    box.set('createdAt', '2024-01-01');
    box.set('geometry', { ...rect, width: 0 });
    expect(codes(doc)).toEqual([`wrong-type annotations.${id}.createdAt`, `invalid-value annotations.${id}.geometry.width`]);
  });

  it('reports geometry stored as a Y.Map instead of one atomic value', () => {
    const { doc, box, id } = docWithBox();
    box.set('geometry', new Y.Map(Object.entries(rect)));
    expect(codes(doc)).toContain(`wrong-type annotations.${id}.geometry`);
  });

  it('reports a box3d whose first slice is after its last', () => {
    const { doc, box, id } = docWithBox();
    box.set('kind', 'box3d');
    box.delete('sopInstanceUid');
    box.delete('frameIndex');
    box.set('geometry', { ...slab, firstSliceIndex: 2, lastSliceIndex: 0 });
    expect(codes(doc)).toEqual([`invalid-value annotations.${id}.geometry.lastSliceIndex`]);
  });

  it('reports a deleted annotation without deletedBy', () => {
    const { doc, box, id } = docWithBox();
    box.set('deleted', true);
    box.set('deletedAt', 1);
    expect(codes(doc)).toEqual([`invalid-value annotations.${id}.deletedBy`]);
  });

  it('reports a key that differs from the id, a bad schema version and a dangling comment', () => {
    const { doc, box, id } = docWithBox();
    box.set('id', 'other');
    getRoots(doc).meta.set('schemaVersion', 2);
    getRoots(doc).comments.set('c1', { id: 'c1', author: 'u', text: 't', createdAt: 1, target: { type: 'annotation', annotationId: 'gone' } });
    expect(codes(doc)).toEqual([
      'schema-version meta.schemaVersion',
      `key-mismatch annotations.${id}.id`,
      'dangling-reference comments.c1.target.annotationId',
    ]);
  });

  it('reports an image state stored under the wrong key', () => {
    const doc = new Y.Doc();
    getRoots(doc).meta.set('schemaVersion', 1);
    getRoots(doc).imageStates.set('study:9.9', { level: 'study', studyInstanceUid: '1.2', status: 'no_finding', setBy: 'u', setAt: 1 });
    expect(codes(doc)).toEqual(['key-mismatch imageStates.study:9.9']);
  });

  it('checks labels against the taxonomy when one is given', () => {
    const { doc } = docWithBox();
    expect(validateDocument(doc, { labels: ['nodule'] })).toEqual([]);
    expect(codes(doc)).toEqual([]);
    expect(validateDocument(doc, { labels: new Set(['mass']) }).map((v) => v.code)).toEqual(['label-not-in-taxonomy']);
  });
});

describe('validateAnnotation', () => {
  const { doc, id } = docWithBox();
  const annotation = new StudyDocument(doc, { userId: 'bob' }).getAnnotation(id);

  it('flags a label that is not in the project taxonomy', () => {
    expect(validateAnnotation(annotation, { labels: ['mass', 'cyst'] })).toEqual([
      { code: 'label-not-in-taxonomy', path: ['label'], message: 'label "nodule" is not in the project taxonomy' },
    ]);
    expect(validateAnnotation(annotation, { labels: new Set(['nodule']) })).toEqual([]);
    expect(validateAnnotation(annotation)).toEqual([]);
  });

  it('reports schema violations of an arbitrary value', () => {
    expect(validateAnnotation({ ...annotation, kind: 'ellipse' }).map((v) => v.path.join('.'))).toEqual(['kind']);
  });
});
