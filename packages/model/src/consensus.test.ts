import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { AnnotationSchema } from './annotation-schema';
import { MAX_SOURCES, RejectionSchema, SourcesSchema } from './consensus-schema';
import { getRoots } from './layout';
import { readAnnotations, readStudyState } from './read';
import { StudyDocument } from './study-document';
import { box2d, box3d, rect, SERIES, SOP, STUDY } from './test-support';
import { validateDocument } from './validate';

const adjudicator = (doc = new Y.Doc()) => new StudyDocument(doc, { userId: 'adj', now: () => 1_700_000_000_000 });
const src = (readerId: string, annotationId: string) => ({ readerId, annotationId });

describe('consensus annotation schema', () => {
  const base = {
    id: 'c1', kind: 'box2d', studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: SOP[0], geometry: rect, label: 'nodule',
    attributes: {}, author: 'adj', createdBy: 'adj', createdAt: 1, updatedBy: 'adj', updatedAt: 1, deleted: false,
  };

  it('accepts an annotation without provenance (schema version 1 documents stay valid)', () => {
    expect(AnnotationSchema.safeParse(base).success).toBe(true);
  });

  it('accepts fused sources with an origin and a manual box without sources', () => {
    expect(AnnotationSchema.safeParse({ ...base, sources: [src('r1', 'a'), src('r2', 'b')], origin: 'fused' }).success).toBe(true);
    expect(AnnotationSchema.safeParse({ ...base, origin: 'manual' }).success).toBe(true);
  });

  it('refuses sources without an origin, a non-manual origin without sources, and a taken box with two sources', () => {
    expect(AnnotationSchema.safeParse({ ...base, sources: [src('r1', 'a')] }).success).toBe(false);
    expect(AnnotationSchema.safeParse({ ...base, origin: 'majority' }).success).toBe(false);
    expect(AnnotationSchema.safeParse({ ...base, sources: [src('r1', 'a'), src('r2', 'b')], origin: 'taken' }).success).toBe(false);
    expect(AnnotationSchema.safeParse({ ...base, origin: 'guessed' }).success).toBe(false);
  });

  it(`refuses more than ${MAX_SOURCES} sources, duplicate sources and an empty list`, () => {
    const many = Array.from({ length: MAX_SOURCES + 1 }, (_, i) => src(`r${i}`, 'a'));
    expect(SourcesSchema.safeParse(many.slice(0, MAX_SOURCES)).success).toBe(true);
    expect(SourcesSchema.safeParse(many).success).toBe(false);
    expect(SourcesSchema.safeParse([src('r1', 'a'), src('r1', 'a')]).success).toBe(false);
    expect(SourcesSchema.safeParse([]).success).toBe(false);
  });

  it('refuses a rejection with unknown keys or an empty reason', () => {
    const rejection = { readerId: 'r1', annotationId: 'a', by: 'adj', at: 1 };
    expect(RejectionSchema.safeParse(rejection).success).toBe(true);
    expect(RejectionSchema.safeParse({ ...rejection, reason: '' }).success).toBe(false);
    expect(RejectionSchema.safeParse({ ...rejection, score: 3 }).success).toBe(false);
  });
});

describe('StudyDocument adjudication', () => {
  it('accepts a proposal as a consensus annotation authored by the adjudicator, with sources and origin', () => {
    const s = adjudicator();
    const sources = [src('r1', 'a1'), src('r2', 'b7')];
    const made = s.acceptProposal({ kind: 'box2d', ...box2d(), sources, origin: 'fused' });
    expect(made).toMatchObject({ author: 'adj', createdBy: 'adj', sources, origin: 'fused', kind: 'box2d' });
    expect(readAnnotations(s.doc)).toEqual([made]);
    expect(getRoots(s.doc).annotations.get(made.id)).toBeInstanceOf(Y.Map);
    expect((getRoots(s.doc).annotations.get(made.id) as Y.Map<unknown>).get('sources')).toEqual(sources);
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it('refuses a proposal with invalid provenance and writes nothing', () => {
    const s = adjudicator();
    expect(() => s.acceptProposal({ kind: 'box3d', ...box3d(), origin: 'majority' })).toThrow(expect.objectContaining({ code: 'invalid-input' }));
    expect(() => s.acceptProposal({ kind: 'box2d', ...box2d(), sources: [src('r1', 'a'), src('r1', 'a')], origin: 'fused' })).toThrow(
      expect.objectContaining({ code: 'invalid-input' }),
    );
    expect(getRoots(s.doc).annotations.size).toBe(0);
  });

  it("takes a reader's box as a copy whose only source is that box, without the reader's attributes", () => {
    const readerDoc = new StudyDocument(new Y.Doc(), { userId: 'r1' });
    const readerBox = readerDoc.createBox3d(box3d({ attributes: { confidence: 2, note: 'maybe' } }));
    const s = adjudicator();
    const taken = s.takeReaderBox(readerBox, 'r1');
    expect(taken).toMatchObject({
      kind: 'box3d',
      geometry: readerBox.geometry,
      label: readerBox.label,
      seriesInstanceUid: readerBox.seriesInstanceUid,
      author: 'adj',
      attributes: {},
      sources: [{ readerId: 'r1', annotationId: readerBox.id }],
      origin: 'taken',
    });
    expect(taken.id).not.toBe(readerBox.id);
    readerDoc.deleteAnnotation(readerBox.id);
    expect(() => s.takeReaderBox(readerDoc.getAnnotation(readerBox.id)!, 'r1')).toThrow(expect.objectContaining({ code: 'invalid-input' }));
  });

  it('rejects reader boxes in one undoable step and can withdraw a rejection', () => {
    const s = adjudicator();
    const rejected = s.rejectSources([src('r1', 'a1'), src('r2', 'b2')], 'not a nodule');
    expect(rejected).toEqual([
      { readerId: 'r1', annotationId: 'a1', by: 'adj', at: 1_700_000_000_000, reason: 'not a nodule' },
      { readerId: 'r2', annotationId: 'b2', by: 'adj', at: 1_700_000_000_000, reason: 'not a nodule' },
    ]);
    expect([...getRoots(s.doc).rejections.keys()].sort()).toEqual(['r1:a1', 'r2:b2']);
    expect(s.withdrawRejection(src('r2', 'b2'))).toBe(true);
    expect(s.withdrawRejection(src('r2', 'b2'))).toBe(false);
    expect(s.listRejections().map((r) => r.annotationId)).toEqual(['a1']);
    expect(s.undo()).toBe(true); // the withdrawal
    expect(s.undo()).toBe(true); // the rejection of both
    expect(s.listRejections()).toEqual([]);
    expect(validateDocument(s.doc)).toEqual([]);
  });

  it("records, replaces and clears the session user's vote on an existing annotation only", () => {
    const doc = new Y.Doc();
    const id = new StudyDocument(doc, { userId: 'r1' }).createBox2d(box2d()).id;
    const reviewer = new StudyDocument(doc, { userId: 'rev', now: () => 5 });
    expect(reviewer.setVote(id, 'agree')).toEqual({ annotationId: id, userId: 'rev', vote: 'agree', at: 5 });
    reviewer.setVote(id, 'disagree');
    expect(readStudyState(doc).votes).toEqual([{ annotationId: id, userId: 'rev', vote: 'disagree', at: 5 }]);
    expect([...getRoots(doc).votes.keys()]).toEqual([`${id}:rev`]);
    expect(() => reviewer.setVote('missing', 'agree')).toThrow(expect.objectContaining({ code: 'not-found' }));
    expect(reviewer.clearVote(id)).toBe(true);
    expect(reviewer.clearVote(id)).toBe(false);
    expect(reviewer.listVotes(id)).toEqual([]);
  });
});

describe('validateDocument on consensus roots', () => {
  it('reports a vote on a missing annotation and a rejection stored under the wrong key', () => {
    const doc = new Y.Doc();
    const roots = getRoots(doc);
    roots.meta.set('schemaVersion', 1);
    roots.votes.set('gone:u1', { annotationId: 'gone', userId: 'u1', vote: 'agree', at: 1 });
    roots.rejections.set('r1:x', { readerId: 'r1', annotationId: 'y', by: 'adj', at: 1 });
    expect(validateDocument(doc).map((v) => [v.code, v.path.join('.')])).toEqual([
      ['key-mismatch', 'rejections.r1:x'],
      ['dangling-reference', 'votes.gone:u1.annotationId'],
    ]);
  });
});
