import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { can, type Role } from './permissions';
import { StudyDocument } from './study-document';
import { validateUpdate, type UpdateActor } from './validate-update';
import { box2d, box3d, SERIES, SOP, STUDY } from './test-support';

/** The server's view: a room document; each edit is made on a fresh replica of it, as a client would. */
function setup() {
  const server = new Y.Doc();
  /** Captures what `edit` sends, stages it on a copy of the server doc, reviews it as `actor`. */
  const review = (userId: string, edit: (s: StudyDocument, doc: Y.Doc) => void, actor: UpdateActor) => {
    const doc = new Y.Doc();
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server));
    const session = new StudyDocument(doc, { userId });
    const updates: Uint8Array[] = [];
    doc.on('update', (u: Uint8Array) => updates.push(u));
    edit(session, doc);
    const update = Y.mergeUpdates(updates);
    const staging = new Y.Doc();
    Y.applyUpdate(staging, Y.encodeStateAsUpdate(server));
    let tr: Y.Transaction | null = null;
    staging.on('afterTransaction', (t: Y.Transaction) => (tr ??= t));
    Y.applyUpdate(staging, update);
    const result = validateUpdate(server, staging, tr!, actor);
    return { ...result, accept: () => Y.applyUpdate(server, update) };
  };
  return { review, sync: () => {}, server };
}

const as = (userId: string, role: Role, extra: Partial<UpdateActor> = {}): UpdateActor => ({
  userId,
  can: (action) => can(role, action),
  labels: new Set(['nodule', 'mass']),
  imageSize: () => ({ columns: 256, rows: 256, slices: 20 }),
  ...extra,
});

describe('validateUpdate', () => {
  it('accepts a reader creating, moving, relabelling and deleting their own box', () => {
    const t = setup();
    const created = t.review('alice', (s) => s.createBox2d(box2d()), as('alice', 'reader'));
    expect(created.violations).toEqual([]);
    created.accept();
    const id = [...created.touched.keys()][0]!;
    for (const edit of [
      (s: StudyDocument) => s.moveBox(id, { x: 1, y: 2, width: 3, height: 4 }),
      (s: StudyDocument) => s.setLabel(id, 'mass'),
      (s: StudyDocument) => s.setAttributes(id, { confidence: 4, note: 'spiculated' }),
      (s: StudyDocument) => s.deleteAnnotation(id),
      (s: StudyDocument) => s.restoreAnnotation(id),
    ]) {
      const r = t.review('alice', edit, as('alice', 'reader'));
      expect(r.violations).toEqual([]);
      r.accept();
    }
  });

  it("refuses a reader moving another reader's box but lets an adjudicator do it", () => {
    const t = setup();
    const created = t.review('alice', (s) => s.createBox2d(box2d()), as('alice', 'reader'));
    created.accept();
    t.sync();
    const id = [...created.touched.keys()][0]!;
    const byBob = t.review('bob', (s) => s.moveBox(id, { x: 50, y: 50, width: 5, height: 5 }), as('bob', 'reader'));
    expect(byBob.violations.map((v) => v.message)).toContain("you may not edit another reader's annotation");
    const byAdj = t.review('bob', (s) => s.moveBox(id, { x: 50, y: 50, width: 5, height: 5 }), as('bob', 'adjudicator'));
    expect(byAdj.violations).toEqual([]);
  });

  it('refuses a box whose label is outside the taxonomy', () => {
    const r = setup().review('alice', (s) => s.createBox2d(box2d({ label: 'unicorn' })), as('alice', 'reader'));
    expect(r.violations.map((v) => v.code)).toContain('label-not-in-taxonomy');
  });

  it('refuses a box outside the image and a slice range beyond the series', () => {
    const t = setup();
    const outside = t.review('alice', (s) => s.createBox2d(box2d({ geometry: { x: 250, y: 10, width: 20, height: 5 } })), as('alice', 'reader'));
    expect(outside.violations.map((v) => v.message).join()).toMatch(/outside the 256×256 image/);
    const deep = t.review('alice', (s) => s.createBox3d(box3d({ geometry: { ...box3d().geometry, lastSliceIndex: 25 } })), as('alice', 'reader'));
    expect(deep.violations.map((v) => v.message).join()).toMatch(/exceeds the series' 20 slices/);
  });

  it('refuses an annotation that claims another author', () => {
    const r = setup().review('mallory', (s) => s.createBox2d(box2d({ author: 'alice' })), as('mallory', 'reader'));
    expect(r.violations.map((v) => v.path.join('.'))).toContain(`annotations.${[...r.touched.keys()][0]}.author`);
  });

  it('refuses any write from an observer and a reviewer creating boxes', () => {
    const t = setup();
    expect(t.review('olga', (s) => s.createBox2d(box2d()), as('olga', 'observer')).violations.length).toBeGreaterThan(0);
    expect(t.review('rita', (s) => s.createBox2d(box2d()), as('rita', 'reviewer')).violations.length).toBeGreaterThan(0);
    expect(
      t.review('olga', (s) => s.setImageState({ level: 'study', studyInstanceUid: STUDY }, { status: 'no_finding' }), as('olga', 'observer')).violations,
    ).not.toEqual([]);
  });

  it('refuses hard deletion of an annotation and writes to unknown roots', () => {
    const t = setup();
    const created = t.review('alice', (s) => s.createBox2d(box2d()), as('alice', 'reader'));
    created.accept();
    const id = [...created.touched.keys()][0]!;
    const hard = t.review('alice', (_s, doc) => doc.getMap('annotations').delete(id), as('alice', 'reader'));
    expect(hard.violations.map((v) => v.message)).toContain('annotations are never removed; set deleted instead');
    const stray = t.review('alice', (_s, doc) => doc.getMap('secrets').set('x', 1), as('alice', 'reader'));
    expect(stray.violations.map((v) => v.message).join()).toMatch(/outside the study document's roots/);
  });

  it('refuses changing an immutable field or signing an edit as someone else', () => {
    const t = setup();
    const created = t.review('alice', (s) => s.createBox2d(box2d()), as('alice', 'reader'));
    created.accept();
    const id = [...created.touched.keys()][0]!;
    const author = t.review('alice', (_s, doc) => (doc.getMap('annotations').get(id) as Y.Map<unknown>).set('author', 'bob'), as('alice', 'reader'));
    expect(author.violations.map((v) => v.message)).toContain('author cannot change');
    const signed = t.review('alice', (_s, doc) => (doc.getMap('annotations').get(id) as Y.Map<unknown>).set('updatedBy', 'bob'), as('alice', 'reader'));
    expect(signed.violations.map((v) => v.message)).toContain('updatedBy must be you');
  });

  it('accepts image states and comments signed by the actor and refuses them signed by someone else', () => {
    const t = setup();
    const ok = t.review('alice', (s) => s.setImageState({ level: 'image', sopInstanceUid: SOP[0], seriesInstanceUid: SERIES, studyInstanceUid: STUDY } as never, { status: 'no_finding' }), as('alice', 'reader'));
    expect(ok.violations).toEqual([]);
    const comment = t.review('alice', (s) => s.addComment({ text: 'look here', target: { type: 'study' } as never }), as('alice', 'reader'));
    expect(comment.violations).toEqual([]);
    const forged = t.review('alice', (_s, doc) => doc.getMap('comments').set('c1', { id: 'c1', author: 'bob', text: 'x', createdAt: 1, target: { type: 'study' } }), as('alice', 'reader'));
    expect(forged.violations.length).toBeGreaterThan(0);
  });
});

describe('validateUpdate: consensus provenance, rejections and votes', () => {
  const proposal = () => ({ kind: 'box2d' as const, ...box2d(), sources: [{ readerId: 'r1', annotationId: 'a1' }], origin: 'fused' as const });
  /** A room with one box by the adjudicator `adj` and one by the reader `alice`. */
  function seeded() {
    const t = setup();
    const consensus = t.review('adj', (s) => s.acceptProposal(proposal()), as('adj', 'adjudicator'));
    expect(consensus.violations).toEqual([]);
    consensus.accept();
    const plain = t.review('alice', (s) => s.createBox2d(box2d()), as('alice', 'reader'));
    plain.accept();
    return { t, consensusId: [...consensus.touched.keys()][0]!, aliceBox: [...plain.touched.keys()][0]! };
  }

  it('refuses sources and origin written by a reader, on creation and on an edit of their own box', () => {
    const { t, aliceBox } = seeded();
    const created = t.review('alice', (s) => s.acceptProposal(proposal()), as('alice', 'reader'));
    expect(created.violations.map((v) => v.message)).toContain('only adjudicators may write sources and origin');
    const edited = t.review('alice', (_s, doc) => (doc.getMap('annotations').get(aliceBox) as Y.Map<unknown>).set('origin', 'manual'), as('alice', 'reader'));
    expect(edited.violations.map((v) => v.message)).toContain('only adjudicators may write sources and origin');
  });

  it("lets an adjudicator change a consensus box's sources", () => {
    const { t, consensusId } = seeded();
    const r = t.review('adj', (_s, doc) => {
      const map = doc.getMap('annotations').get(consensusId) as Y.Map<unknown>;
      doc.transact(() => {
        map.set('sources', [{ readerId: 'r1', annotationId: 'a1' }, { readerId: 'r2', annotationId: 'b1' }]);
        map.set('updatedBy', 'adj');
      });
    }, as('adj', 'adjudicator'));
    expect(r.violations).toEqual([]);
  });

  it('accepts rejections from an adjudicator signed by them, and refuses them from a reader or signed by someone else', () => {
    const t = setup();
    const sources = [{ readerId: 'r1', annotationId: 'a1' }];
    expect(t.review('adj', (s) => s.rejectSources(sources, 'duplicate'), as('adj', 'adjudicator')).violations).toEqual([]);
    expect(t.review('alice', (s) => s.rejectSources(sources), as('alice', 'reader')).violations.map((v) => v.message)).toEqual([
      'your role may not reject reader annotations',
    ]);
    const forged = t.review('adj', (_s, doc) => doc.getMap('rejections').set('r1:a1', { readerId: 'r1', annotationId: 'a1', by: 'boss', at: 1 }), as('adj', 'adjudicator'));
    expect(forged.violations.map((v) => v.message)).toEqual(['by must be you']);
    const misfiled = t.review('adj', (_s, doc) => doc.getMap('rejections').set('r1:zz', { readerId: 'r1', annotationId: 'a1', by: 'adj', at: 1 }), as('adj', 'adjudicator'));
    expect(misfiled.violations.map((v) => v.code)).toEqual(['key-mismatch']);
  });

  it("accepts a reviewer's own vote on an existing annotation and refuses an observer's, a forged and a dangling one", () => {
    const { t, aliceBox } = seeded();
    const own = t.review('rita', (s) => s.setVote(aliceBox, 'agree'), as('rita', 'reviewer'));
    expect(own.violations).toEqual([]);
    own.accept();
    expect(t.review('olga', (s) => s.setVote(aliceBox, 'agree'), as('olga', 'observer')).violations.map((v) => v.message)).toEqual(['your role may not vote']);
    const forged = t.review('rita', (_s, doc) => doc.getMap('votes').set(`${aliceBox}:bob`, { annotationId: aliceBox, userId: 'bob', vote: 'disagree', at: 1 }), as('rita', 'reviewer'));
    expect(forged.violations.map((v) => v.message)).toEqual(['a vote must be your own']);
    const dangling = t.review('rita', (_s, doc) => doc.getMap('votes').set('nope:rita', { annotationId: 'nope', userId: 'rita', vote: 'agree', at: 1 }), as('rita', 'reviewer'));
    expect(dangling.violations.map((v) => v.code)).toEqual(['dangling-reference']);
  });

  it("lets a voter remove their own vote but nobody else's", () => {
    const { t, aliceBox } = seeded();
    t.review('rita', (s) => s.setVote(aliceBox, 'disagree'), as('rita', 'reviewer')).accept();
    const byOther = t.review('adj', (_s, doc) => doc.getMap('votes').delete(`${aliceBox}:rita`), as('adj', 'adjudicator'));
    expect(byOther.violations.map((v) => v.message)).toEqual(['only your own vote can be removed']);
    expect(t.review('rita', (s) => s.clearVote(aliceBox), as('rita', 'reviewer')).violations).toEqual([]);
  });
});
