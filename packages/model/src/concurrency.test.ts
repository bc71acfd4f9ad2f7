import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Box2dGeometry } from './geometry-schema';
import { readAnnotations } from './read';
import { StudyDocument } from './study-document';
import { box2d, rect, replica, syncAll } from './test-support';
import { validateDocument } from './validate';

function twoReplicas(clientA = 1, clientB = 2): [StudyDocument, StudyDocument, string] {
  const a = new StudyDocument(replica(clientA), { userId: 'alice' });
  const b = new StudyDocument(replica(clientB), { userId: 'bob' });
  const id = a.createBox2d(box2d()).id;
  syncAll(a.doc, b.doc);
  return [a, b, id];
}

describe('concurrent edits on two replicas', () => {
  it('keeps both a move and a relabel made concurrently on one box', () => {
    const [a, b, id] = twoReplicas();
    const moved = { ...rect, x: 111, y: 222 };
    a.moveBox(id, moved);
    b.setLabel(id, 'mass');
    syncAll(a.doc, b.doc);
    for (const s of [a, b]) expect(s.getAnnotation(id)).toMatchObject({ geometry: moved, label: 'mass' });
    expect(readAnnotations(a.doc)).toEqual(readAnnotations(b.doc));
  });

  it('keeps concurrent edits of confidence and note', () => {
    const [a, b, id] = twoReplicas();
    a.setAttributes(id, { confidence: 5 });
    b.setAttributes(id, { note: 'calcified' });
    syncAll(a.doc, b.doc);
    expect(b.getAnnotation(id)?.attributes).toEqual({ confidence: 5, note: 'calcified' });
  });

  it('converges two concurrent moves to exactly one person’s geometry, never a mix', () => {
    const winners = new Set<string>();
    for (let round = 0; round < 20; round++) {
      const [a, b, id] = round % 4 < 2 ? twoReplicas(1, 2) : twoReplicas(2, 1);
      const fromA: Box2dGeometry = { x: 1, y: 2, width: 3, height: 4 };
      const fromB: Box2dGeometry = { x: 10, y: 20, width: 30, height: 40 };
      a.moveBox(id, fromA);
      b.moveBox(id, fromB);
      if (round % 2 === 0) syncAll(a.doc, b.doc);
      else syncAll(b.doc, a.doc);
      const geometry = a.getAnnotation(id)?.geometry;
      expect(b.getAnnotation(id)?.geometry).toEqual(geometry);
      expect([fromA, fromB]).toContainEqual(geometry);
      winners.add(geometry === undefined ? 'none' : geometry.x === fromA.x ? 'alice' : 'bob');
    }
    expect(winners).toEqual(new Set(['alice', 'bob']));
  });

  it('keeps an edit made concurrently with a delete, and restoring brings the box back with it', () => {
    const [a, b, id] = twoReplicas();
    a.deleteAnnotation(id);
    b.setLabel(id, 'edited while deleted');
    b.moveBox(id, { ...rect, x: 7 });
    syncAll(a.doc, b.doc);
    expect(a.listAnnotations()).toEqual([]);
    expect(a.getAnnotation(id)).toMatchObject({ deleted: true, deletedBy: 'alice', label: 'edited while deleted' });
    b.restoreAnnotation(id);
    syncAll(a.doc, b.doc);
    expect(a.listAnnotations()).toEqual([expect.objectContaining({ id, label: 'edited while deleted', geometry: { ...rect, x: 7 } })]);
    expect(validateDocument(a.doc)).toEqual([]);
  });

  it('keeps another user’s edit when the creator undoes the create', () => {
    const [a, b, id] = twoReplicas();
    b.setLabel(id, 'bob’s label');
    syncAll(a.doc, b.doc);
    a.undo();
    syncAll(a.doc, b.doc);
    expect(b.getAnnotation(id)).toMatchObject({ deleted: true, label: 'bob’s label' });
    b.restoreAnnotation(id);
    expect(b.getAnnotation(id)).toMatchObject({ deleted: false, label: 'bob’s label' });
  });
});

describe('per-user undo', () => {
  it('undoes only the caller’s last change on its replica and keeps the other user’s concurrent change; redo reapplies it', () => {
    const [a, b, id] = twoReplicas();
    a.moveBox(id, { ...rect, x: 50 });
    b.setLabel(id, 'bob');
    syncAll(a.doc, b.doc);
    expect(a.undo()).toBe(true);
    syncAll(a.doc, b.doc);
    for (const s of [a, b]) expect(s.getAnnotation(id)).toMatchObject({ geometry: rect, label: 'bob' });
    expect(a.redo()).toBe(true);
    syncAll(a.doc, b.doc);
    for (const s of [a, b]) expect(s.getAnnotation(id)).toMatchObject({ geometry: { ...rect, x: 50 }, label: 'bob' });
  });

  it('separates two sessions sharing one Y.Doc', () => {
    const doc = new Y.Doc();
    const a = new StudyDocument(doc, { userId: 'alice' });
    const b = new StudyDocument(doc, { userId: 'bob' });
    const id = a.createBox2d(box2d()).id;
    a.setAttributes(id, { confidence: 2 });
    b.setAttributes(id, { note: 'bob’s note' });
    a.undo();
    expect(a.getAnnotation(id)?.attributes).toEqual({ note: 'bob’s note' });
    expect(b.canUndo).toBe(true);
    b.undo();
    expect(a.getAnnotation(id)?.attributes).toEqual({});
  });

  it('does not let undo overwrite a value another user changed since', () => {
    const [a, b, id] = twoReplicas();
    a.setLabel(id, 'alice');
    syncAll(a.doc, b.doc);
    b.setLabel(id, 'bob');
    syncAll(a.doc, b.doc);
    a.undo();
    expect(a.getAnnotation(id)?.label).toBe('bob');
  });
});
