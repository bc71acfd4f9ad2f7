import { describe, expect, it } from 'vitest';
import { annotationAtLoad, annotationEvents, commentEvents, imageStateEvents } from './document-diff';

const box = {
  id: 'b1', kind: 'box2d', studyInstanceUid: '1.2.3', seriesInstanceUid: '1.2.3.4', sopInstanceUid: '1.2.3.4.5', frameIndex: 0,
  geometry: { x: 1, y: 2, width: 3, height: 4 }, label: 'nodule', attributes: {}, author: 'u1',
  createdBy: 'u1', createdAt: 100, updatedBy: 'u1', updatedAt: 100, deleted: false,
};

describe('annotationEvents', () => {
  it('records nothing for a box written withdrawn, then its creation when it is published', () => {
    const withdrawn = { ...box, deleted: true, deletedBy: 'u1', deletedAt: 100 };
    const first = annotationEvents('b1', undefined, withdrawn);
    expect(first.events).toEqual([]);
    const second = annotationEvents('b1', first.next, box);
    expect(second.events).toEqual([{ action: 'annotation.created', targetId: 'b1', studyUid: '1.2.3', before: null, after: box }]);
  });

  it('treats a box found deleted at load as published unless it was withdrawn at its creation', () => {
    expect(annotationAtLoad({ ...box, deleted: true, deletedBy: 'u1', deletedAt: 100 }).published).toBe(false);
    expect(annotationAtLoad({ ...box, deleted: true, deletedBy: 'u2', deletedAt: 500 }).published).toBe(true);
    const restored = annotationEvents('b1', annotationAtLoad({ ...box, deleted: true, deletedBy: 'u2', deletedAt: 500 }), box);
    expect(restored.events.map((e) => e.action)).toEqual(['annotation.restored']);
  });

  it('ignores bookkeeping, and reports other changed fields together as annotation.changed', () => {
    const view = annotationAtLoad(box);
    expect(annotationEvents('b1', view, { ...box, updatedBy: 'u2', updatedAt: 200 }).events).toEqual([]);
    const { events } = annotationEvents('b1', view, { ...box, frameIndex: 2, author: 'model-7', label: 'mass', updatedAt: 300 });
    expect(events).toEqual([
      { action: 'annotation.relabelled', targetId: 'b1', studyUid: '1.2.3', before: { label: 'nodule' }, after: { label: 'mass' } },
      { action: 'annotation.changed', targetId: 'b1', studyUid: '1.2.3', before: { author: 'u1', frameIndex: 0 }, after: { author: 'model-7', frameIndex: 2 } },
    ]);
  });

  it('records a box removed from the document outright as deleted, with its last state', () => {
    const { events, next } = annotationEvents('b1', annotationAtLoad(box), undefined);
    expect(events).toEqual([{ action: 'annotation.deleted', targetId: 'b1', studyUid: '1.2.3', before: box, after: null }]);
    expect(next).toBeUndefined();
  });
});

describe('imageStateEvents and commentEvents', () => {
  it('records nothing when a value is written again unchanged', () => {
    const state = { level: 'study', studyInstanceUid: '1.2.3', status: 'no_finding', setBy: 'u1', setAt: 1 };
    expect(imageStateEvents('study:1.2.3', state, { ...state })).toEqual([]);
    const comment = { id: 'c1', author: 'u1', text: 'hi', createdAt: 1, target: { type: 'study' } };
    expect(commentEvents('c1', comment, { ...comment })).toEqual([]);
  });

  it('records a comment that arrives already deleted as added then deleted, and an edited one as changed', () => {
    const comment = { id: 'c1', author: 'u1', text: 'hi', createdAt: 1, target: { type: 'study' } };
    expect(commentEvents('c1', undefined, { ...comment, deleted: true, deletedBy: 'u1', deletedAt: 2 }).map((e) => e.action)).toEqual(['comment.added', 'comment.deleted']);
    expect(commentEvents('c1', comment, { ...comment, text: 'bye' })).toEqual([
      { action: 'comment.changed', targetId: 'c1', studyUid: null, before: comment, after: { ...comment, text: 'bye' } },
    ]);
  });
});
