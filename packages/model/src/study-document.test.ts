import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StudyDocumentError } from './errors';
import { getRoots, SCHEMA_VERSION } from './layout';
import { StudyDocument } from './study-document';
import { box2d, box3d, rect, SERIES, SOP, STUDY } from './test-support';
import { validateDocument } from './validate';

function session(userId = 'alice', doc = new Y.Doc()): StudyDocument {
  let t = 1_700_000_000_000;
  return new StudyDocument(doc, { userId, now: () => ++t });
}

describe('StudyDocument', () => {
  it('creates a box2d that reads back with its author, timestamps and schema version', () => {
    const s = session();
    const created = s.createBox2d(box2d({ attributes: { confidence: 4 } }));
    expect(s.getAnnotation(created.id)).toEqual(created);
    expect(created).toMatchObject({ kind: 'box2d', frameIndex: 0, author: 'alice', createdBy: 'alice', deleted: false });
    expect(created.deletedBy).toBeUndefined();
    expect(getRoots(s.doc).meta.get('schemaVersion')).toBe(SCHEMA_VERSION);
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it('creates a box3d attributed to a model when author is given', () => {
    const s = session('preannotator-service');
    const created = s.createBox3d(box3d({ author: 'model:lung-v2' }));
    expect(created).toMatchObject({ kind: 'box3d', author: 'model:lung-v2', createdBy: 'preannotator-service' });
    expect(s.listAnnotations()).toHaveLength(1);
  });

  it('refuses invalid input and writes nothing', () => {
    const s = session();
    expect(() => s.createBox2d(box2d({ geometry: { ...rect, width: 0 } }))).toThrow(StudyDocumentError);
    expect(() => s.createBox2d(box2d({ label: '' }))).toThrow(/label/);
    const id = s.createBox2d(box2d()).id;
    expect(() => s.moveBox(id, { ...rect, height: -3 })).toThrow(StudyDocumentError);
    expect(() => s.setAttributes(id, { confidence: 6 })).toThrow(StudyDocumentError);
    expect(() => s.setLabel('missing', 'x')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(s.listAnnotations()).toHaveLength(1);
    expect(s.getAnnotation(id)?.geometry).toEqual(rect);
  });

  it('refuses a box2d geometry for a box3d', () => {
    const s = session();
    const id = s.createBox3d(box3d()).id;
    expect(() => s.moveBox(id, rect)).toThrow(StudyDocumentError);
  });

  it('moves, relabels and sets and clears attributes, stamping updatedBy', () => {
    const s = session();
    const id = s.createBox2d(box2d()).id;
    const bob = new StudyDocument(s.doc, { userId: 'bob' });
    bob.moveBox(id, { ...rect, x: 99 });
    s.setLabel(id, 'mass');
    s.setAttributes(id, { confidence: 2, note: 'faint' });
    s.setAttributes(id, { note: null });
    const a = s.getAnnotation(id);
    expect(a).toMatchObject({ label: 'mass', geometry: { ...rect, x: 99 }, attributes: { confidence: 2 }, updatedBy: 'alice' });
    expect(a?.attributes.note).toBeUndefined();
  });

  it('soft-deletes and restores an annotation, hiding it from the default listing meanwhile', () => {
    const s = session();
    const id = s.createBox2d(box2d()).id;
    expect(s.deleteAnnotation(id)).toBe(true);
    expect(s.deleteAnnotation(id)).toBe(false);
    expect(s.listAnnotations()).toEqual([]);
    expect(s.listAnnotations({ includeDeleted: true })[0]).toMatchObject({ deleted: true, deletedBy: 'alice' });
    expect(s.restoreAnnotation(id)).toBe(true);
    expect(s.getAnnotation(id)).toMatchObject({ deleted: false });
    expect(s.getAnnotation(id)?.deletedBy).toBeUndefined();
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it('records, replaces and clears study-, series- and image-level states', () => {
    const s = session();
    const image = { level: 'image', studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: SOP[1] } as const;
    s.setImageState({ level: 'study', studyInstanceUid: STUDY }, { status: 'no_finding' });
    s.setImageState(image, { status: 'no_finding' });
    s.setImageState(image, { status: 'excluded_poor_quality', reason: 'motion blur' });
    expect(s.getImageState(image)).toMatchObject({ status: 'excluded_poor_quality', reason: 'motion blur', setBy: 'alice', frameIndex: 0 });
    expect(s.listImageStates()).toHaveLength(2);
    expect(() => s.setImageState(image, { status: 'excluded_poor_quality' } as never)).toThrow(StudyDocumentError);
    expect(s.clearImageState(image)).toBe(true);
    expect(s.clearImageState(image)).toBe(false);
    expect(s.getImageState(image)).toBeUndefined();
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it('adds comments to the study and to an annotation and soft-deletes them', () => {
    const s = session();
    const id = s.createBox2d(box2d()).id;
    const onStudy = s.addComment({ text: 'check prior', target: { type: 'study' } });
    s.addComment({ text: 'is this real?', target: { type: 'annotation', annotationId: id } });
    expect(() => s.addComment({ text: 'x', target: { type: 'annotation', annotationId: 'nope' } })).toThrow(StudyDocumentError);
    expect(s.deleteComment(onStudy.id)).toBe(true);
    expect(s.listComments().map((c) => c.text)).toEqual(['is this real?']);
    expect(s.listComments({ includeDeleted: true })).toHaveLength(2);
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it('undoing a create soft-deletes the box and redo publishes it again', () => {
    const s = session();
    const id = s.createBox2d(box2d()).id;
    expect(s.undo()).toBe(true);
    expect(s.getAnnotation(id)).toMatchObject({ deleted: true, deletedBy: 'alice' });
    expect(s.redo()).toBe(true);
    expect(s.getAnnotation(id)).toMatchObject({ deleted: false });
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it('makes each call its own undo step', () => {
    const s = session();
    const id = s.createBox2d(box2d()).id;
    s.setLabel(id, 'a');
    s.setLabel(id, 'b');
    s.undo();
    expect(s.getAnnotation(id)?.label).toBe('a');
    expect(s.canUndo).toBe(true);
    expect(s.canRedo).toBe(true);
  });

  it('reports each transaction once to observers, flagged local or remote, until unsubscribed', () => {
    const s = session();
    const remote = new Y.Doc();
    const changes: unknown[] = [];
    const stop = s.observe((c) => changes.push(c));
    const id = s.createBox2d(box2d()).id;
    s.setAttributes(id, { confidence: 3 });
    s.addComment({ text: 'hi', target: { type: 'study' } });
    const other = new StudyDocument(remote, { userId: 'bob' });
    Y.applyUpdate(remote, Y.encodeStateAsUpdate(s.doc));
    other.setLabel(id, 'remote label');
    Y.applyUpdate(s.doc, Y.encodeStateAsUpdate(remote, Y.encodeStateVector(s.doc)));
    stop();
    s.setLabel(id, 'unobserved');
    expect(changes).toEqual([
      { local: true, annotationIds: [id], imageStatesChanged: false, commentsChanged: false, reviewChanged: false },
      { local: true, annotationIds: [id], imageStatesChanged: false, commentsChanged: false, reviewChanged: false },
      { local: true, annotationIds: [id], imageStatesChanged: false, commentsChanged: false, reviewChanged: false },
      { local: true, annotationIds: [], imageStatesChanged: false, commentsChanged: true, reviewChanged: false },
      { local: false, annotationIds: [id], imageStatesChanged: false, commentsChanged: false, reviewChanged: false },
    ]);
  });

  it('refuses to write to a document with a newer schema version', () => {
    const doc = new Y.Doc();
    getRoots(doc).meta.set('schemaVersion', 2);
    const s = session('alice', doc);
    expect(() => s.createBox2d(box2d())).toThrow(expect.objectContaining({ code: 'unsupported-schema-version' }));
    expect(getRoots(doc).annotations.size).toBe(0);
  });
});
