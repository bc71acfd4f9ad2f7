import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { StudyDocument, type Role } from '@readingroom/model';
import { previewUpdate, type AcceptDecision, type ConnectionIdentity, type StagedUpdate, type UpdateProposal } from '@readingroom/sync-server';
import type { SyncAccessData } from './access-data';
import { createAcceptUpdate } from './accept-update';
import { MemoryClientIdRegistry } from './client-id-registry';
import type { StudyImages } from './image-index';

// The accept step reviews plain edits from the decoded update (`proposal.preview()`) instead of a
// staged copy. Both must decide every update alike: here the same updates (valid edits of several
// roles, concurrent edits, and hand-made offending writes) go to one accept step that may preview
// and one that can only stage, and every decision, code and message must match.

const STUDY = '1.2.3';
const SERIES = '1.2.3.4';
const SOP = ['1.2.3.4.1', '1.2.3.4.2'] as const;
const ROOM = `p/p1/s/${STUDY}`;
const images: StudyImages = {
  instances: new Map(SOP.map((sop) => [sop, { seriesUid: SERIES, rows: 256, columns: 256 }])),
  series: new Map([[SERIES, { rows: 256, columns: 256, slices: 2 }]]),
};
const sizeOf = (ref: { sopInstanceUid?: string; seriesInstanceUid: string }) =>
  ref.sopInstanceUid ? (images.instances.get(ref.sopInstanceUid) ?? null) : (images.series.get(ref.seriesInstanceUid) ?? null);
const acceptStep = () =>
  createAcceptUpdate({ clientIds: new MemoryClientIdRegistry(), taxonomy: () => new Set(['nodule', 'mass']), images: { images: () => images, sizeOf, noteMiss: () => {} } });

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const pick = <T,>(xs: readonly T[], r: () => number): T => xs[Math.floor(r() * xs.length)]!;

interface Writer {
  readonly userId: string;
  readonly identity: ConnectionIdentity;
  readonly clientId: number;
  doc: Y.Doc;
  session: StudyDocument;
  outbox: Uint8Array[];
}

type Op = (w: Writer, r: () => number) => void;
const annotations = (w: Writer) => w.doc.getMap<unknown>('annotations');
const someBox = (w: Writer, r: () => number): Y.Map<unknown> | undefined => {
  const maps = [...annotations(w).values()].filter((v): v is Y.Map<unknown> => v instanceof Y.Map);
  return maps.length > 0 ? pick(maps, r) : undefined;
};
const someId = (w: Writer, r: () => number) => {
  const ids = [...annotations(w).keys()];
  return ids.length > 0 ? pick(ids, r) : 'missing';
};

/** Edits through StudyDocument: valid unless the role or the target says otherwise. */
const EDITS: Op[] = [
  (w, r) => void w.session.createBox2d({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: pick(SOP, r), geometry: { x: 5, y: 5, width: 10, height: 10 }, label: 'nodule' }),
  (w, r) => w.session.moveBox(someId(w, r), { x: Math.floor(r() * 300), y: 5, width: 10, height: 10 }),
  (w, r) => w.session.moveBox(someId(w, r), { x: Math.floor(r() * 200), y: Math.floor(r() * 200), width: 20, height: 20 }),
  (w, r) => w.session.setLabel(someId(w, r), pick(['nodule', 'mass', 'unicorn'], r)),
  (w, r) => w.session.setAttributes(someId(w, r), { confidence: pick([1, 5, null], r), note: pick(['n', null, undefined], r) }),
  (w, r) => void w.session.deleteAnnotation(someId(w, r)),
  (w, r) => void w.session.restoreAnnotation(someId(w, r)),
  (w, r) => void w.session.setImageState({ level: 'image', studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: pick(SOP, r) }, { status: 'no_finding' }),
  (w, r) => void w.session.clearImageState({ level: 'image', studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: pick(SOP, r) }),
  (w, r) => void w.session.addComment({ text: 'c', target: { type: 'annotation', annotationId: someId(w, r) } }),
  (w, r) => void w.session.setVote(someId(w, r), pick(['agree', 'disagree'] as const, r)),
  (w, r) => void w.session.clearVote(someId(w, r)),
];

/** Hand-made writes that skip StudyDocument's own checks. */
const OFFENDING: Op[] = [
  (w, r) => someBox(w, r)?.set(pick(['author', 'createdBy', 'updatedBy', 'deletedBy', 'kind', 'id', 'sopInstanceUid', 'label'], r), pick(['intruder', w.userId, 'box3d', ''], r)),
  (w, r) => someBox(w, r)?.set('geometry', pick([{ x: -1, y: 0, width: 1, height: 1 }, { x: 0, y: 0, width: 0, height: 1 }, 'flat', { x: 1, y: 1, width: 2, height: 2 }], r)),
  (w, r) => someBox(w, r)?.set(pick(['surprise', 'deleted', 'updatedAt', 'sources', 'origin'], r), pick([true, 1.5, 'x', null, [1]], r)),
  (w, r) => someBox(w, r)?.delete(pick(['label', 'deletedAt', 'geometry', 'updatedBy', 'attributes'], r)),
  (w, r) => someBox(w, r)?.set('attributes', pick([{ confidence: 3 }, new Y.Map()], r)),
  (w, r) => (someBox(w, r)?.get('attributes') as Y.Map<unknown> | undefined)?.set(pick(['confidence', 'note', 'colour'], r), pick([0, 3, 'x', {}], r)),
  (w, r) => annotations(w).set(someId(w, r), pick([{ plain: true }, 'x'], r)),
  (w, r) => annotations(w).delete(someId(w, r)),
  (w, r) => w.doc.getMap(pick(['imageStates', 'comments', 'votes', 'meta', 'rejections', 'elsewhere'], r)).set(`k${Math.floor(r() * 3)}`, pick([{ status: 'no_finding' }, 1, 'x'], r)),
  (w, r) => w.doc.getMap(pick(['imageStates', 'comments', 'votes'], r)).delete(`k${Math.floor(r() * 3)}`),
  (w, r) =>
    w.doc.transact(() => {
      const box = someBox(w, r);
      box?.set('geometry', { x: 1, y: 1, width: 3, height: 3 });
      box?.set('geometry', { x: 2, y: 2, width: 3, height: 3 });
      box?.set('updatedBy', w.userId);
    }),
];

function stageOn(room: Y.Doc, update: Uint8Array): StagedUpdate {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(room));
  let transaction: Y.Transaction | null = null;
  copy.on('afterTransaction', (tr: Y.Transaction) => {
    transaction ??= tr;
  });
  Y.applyUpdate(copy, update);
  const store = copy.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
  return { doc: copy, transaction: transaction!, incomplete: store.pendingStructs !== null || store.pendingDs !== null };
}

describe('the accept step with previews', () => {
  it('decides every update exactly as when it stages every update', () => {
    let previewed = 0;
    let previewedAccepted = 0;
    let refused = 0;
    let total = 0;
    for (let seed = 1; seed <= 12; seed++) {
      const r = prng(seed);
      const room = new Y.Doc();
      const previewing = acceptStep();
      const staging = acceptStep();
      const roles: Role[] = ['reader', 'reader', 'adjudicator', 'trainee'];
      const writers: Writer[] = roles.map((role, i) => {
        const userId = `${role}${i}`;
        const identity: ConnectionIdentity = { userId, data: { role, projectId: 'p1', studyUid: STUDY, scope: { type: 'shared' }, readOnly: false } satisfies SyncAccessData };
        const w = { userId, identity, clientId: 100 * seed + i, doc: new Y.Doc(), session: null as unknown as StudyDocument, outbox: [] as Uint8Array[] };
        return w;
      });
      const reset = (w: Writer) => {
        w.session?.destroy();
        w.doc = new Y.Doc();
        Y.applyUpdate(w.doc, Y.encodeStateAsUpdate(room), 'room');
        w.doc.clientID = w.clientId; // after loading, or Yjs would take the room's copy of its own writes for another client's
        w.session = new StudyDocument(w.doc, { userId: w.userId });
        w.outbox = [];
        w.doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'room' && w.outbox.push(u));
      };
      writers.forEach(reset);
      for (let step = 0; step < 250; step++) {
        const w = pick(writers, r);
        const roll = r();
        if (roll < 0.5) {
          try {
            pick(r() < 0.7 ? EDITS : OFFENDING, r)(w, r);
          } catch {
            // StudyDocument refused the input (missing box, invalid value): nothing written
          }
        } else if (roll < 0.85 && w.outbox.length > 0) {
          const update = w.outbox.length > 1 && r() < 0.1 ? Y.mergeUpdates(w.outbox.splice(0, 2)) : w.outbox.shift()!;
          total++;
          const base = { room: ROOM, identity: w.identity, update, via: 'sync-update' as const, doc: room };
          let previewResult: ReturnType<typeof previewUpdate> | undefined;
          const withPreview: UpdateProposal = {
            ...base,
            stage: () => stageOn(room, update),
            preview: () => (previewResult = previewUpdate(room, Y.decodeUpdate(update))),
          };
          const a: AcceptDecision = previewing(withPreview);
          const b: AcceptDecision = staging({ ...base, stage: () => stageOn(room, update) });
          expect(a).toEqual(b);
          if (previewResult) {
            previewed++;
            if (a.accept) previewedAccepted++;
          }
          if (a.accept) {
            Y.applyUpdate(room, update);
            const store = room.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
            store.pendingStructs = null;
            store.pendingDs = null;
          } else {
            refused++;
            reset(w); // the client starts again from the room's state
          }
        } else {
          Y.applyUpdate(w.doc, Y.encodeStateAsUpdate(room, Y.encodeStateVector(w.doc)), 'room');
        }
      }
    }
    expect(previewed).toBeGreaterThan(total / 4);
    expect(previewedAccepted).toBeGreaterThan(previewed / 4);
    expect(refused).toBeGreaterThan(total / 20);
    expect(refused).toBeLessThan(total);
  });

  it('re-checks a remembered annotation in full whenever an edit of it is not plainly valid', () => {
    const room = new Y.Doc();
    const previewing = acceptStep();
    const staging = acceptStep();
    const identity: ConnectionIdentity = { userId: 'reader1', data: { role: 'reader', projectId: 'p1', studyUid: STUDY, scope: { type: 'shared' }, readOnly: false } satisfies SyncAccessData };
    const offer = (update: Uint8Array) => {
      const base = { room: ROOM, identity, update, via: 'sync-update' as const, doc: room };
      let previewed = false;
      const a = previewing({
        ...base,
        stage: () => stageOn(room, update),
        preview: () => {
          const p = previewUpdate(room, Y.decodeUpdate(update));
          previewed = p !== null;
          return p;
        },
      });
      const b = staging({ ...base, stage: () => stageOn(room, update) });
      expect(a).toEqual(b);
      if (a.accept) Y.applyUpdate(room, update);
      return { accepted: a.accept, previewed };
    };
    /** A writer that starts from the room's state, makes one change, and offers what it wrote. */
    const edit = (change: (session: StudyDocument, box: Y.Map<unknown>) => void) => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, Y.encodeStateAsUpdate(room));
      const sent: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array) => sent.push(u));
      change(new StudyDocument(doc, { userId: 'reader1' }), doc.getMap('annotations').get(id) as Y.Map<unknown>);
      expect(sent).toHaveLength(1);
      return offer(sent[0]!);
    };
    const first = new Y.Doc();
    const created: Uint8Array[] = [];
    first.on('update', (u: Uint8Array) => created.push(u));
    const id = new StudyDocument(first, { userId: 'reader1' }).createBox2d({ studyInstanceUid: STUDY, seriesInstanceUid: SERIES, sopInstanceUid: SOP[0], geometry: { x: 5, y: 5, width: 10, height: 10 }, label: 'nodule' }).id;
    for (const u of created) expect(offer(u).accepted).toBe(true);
    const move = (x: number) => edit((session) => session.moveBox(id, { x, y: 6, width: 10, height: 10 }));
    // Accepted plain edits: the memo learns the annotation, then answers for it.
    expect(move(6)).toEqual({ accepted: true, previewed: true });
    expect(move(7)).toEqual({ accepted: true, previewed: true });
    expect(edit((session) => session.setAttributes(id, { confidence: 4 }))).toEqual({ accepted: true, previewed: true });
    expect(move(8)).toEqual({ accepted: true, previewed: true });
    // Each of these is previewed and refused exactly as staging refuses it; the room keeps its state.
    const attributes = (box: Y.Map<unknown>) => box.get('attributes') as Y.Map<unknown>;
    const refused: Array<(session: StudyDocument, box: Y.Map<unknown>) => void> = [
      (_, box) => box.set('surprise', 'a string'), // a key the schema does not have
      (session) => session.setLabel(id, 'unicorn'), // not in the taxonomy
      (_, box) => box.set('deleted', true), // a deleted annotation needs deletedBy: a check on the whole
      (_, box) => box.set('geometry', { x: 1, y: 1, width: 0, height: 1 }), // an invalid value
      (_, box) => attributes(box).set('colour', 'red'), // an attribute the schema does not have
      (_, box) => attributes(box).set('note', 'n'.repeat(10_001)), // an attribute too long
      (_, box) => box.delete('label'), // a required key removed
      (_, box) => box.set('kind', 'box3d'), // the discriminator
      (_, box) => box.set('updatedBy', 'someone else'), // valid for the schema, refused by a rule
      (_, box) => box.set('updatedBy', ''), // an invalid value of a key the memo has seen valid values of
      (_, box) => box.set('updatedAt', -1), // the same for a number
      (_, box) => box.set('origin', 'taken'), // origin needs sources: a whole check reading a changed key
    ];
    for (const change of refused) {
      expect(edit(change)).toEqual({ accepted: false, previewed: true });
      expect(move(9)).toEqual({ accepted: true, previewed: true });
    }
  });
});
