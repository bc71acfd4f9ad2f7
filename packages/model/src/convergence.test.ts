import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import type { Box2dGeometry } from './geometry-schema';
import { readAnnotations, readStudyState } from './read';
import { StudyDocument } from './study-document';
import type { ReviewTarget } from './study-state-schema';
import { box2d, box3d, SERIES, SOP, STUDY } from './test-support';
import { validateDocument } from './validate';

// Random operations by several users on several replicas, with updates queued per replica pair
// and delivered in random subsets and orders (partitions), then a full heal.

const rectArb: fc.Arbitrary<Box2dGeometry> = fc.record({
  x: fc.integer({ min: -40, max: 2000 }).map((n) => n / 4),
  y: fc.integer({ min: -40, max: 2000 }).map((n) => n / 4),
  width: fc.integer({ min: 1, max: 2000 }).map((n) => n / 4),
  height: fc.integer({ min: 1, max: 2000 }).map((n) => n / 4),
});
const sliceArb = fc.record({ first: fc.nat(2), extra: fc.nat(2) });
const targetArb: fc.Arbitrary<ReviewTarget> = fc.oneof(
  fc.constant<ReviewTarget>({ level: 'study', studyInstanceUid: STUDY }),
  fc.constant<ReviewTarget>({ level: 'series', studyInstanceUid: STUDY, seriesInstanceUid: SERIES }),
  fc.constantFrom(...SOP).map<ReviewTarget>((sop) => ({
    level: 'image',
    studyInstanceUid: STUDY,
    seriesInstanceUid: SERIES,
    sopInstanceUid: sop,
  })),
);

const opArb = (replicas: number) => {
  const r = fc.nat(replicas - 1);
  return fc.oneof(
    { weight: 3, arbitrary: fc.record({ t: fc.constant('create2d' as const), r, g: rectArb, frame: fc.nat(2) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('create3d' as const), r, g: rectArb, s: sliceArb }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('move' as const), r, pick: fc.nat(), g: rectArb, s: sliceArb }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('label' as const), r, pick: fc.nat(), label: fc.constantFrom('nodule', 'mass', 'cyst') }) },
    {
      weight: 3,
      arbitrary: fc.record({
        t: fc.constant('attrs' as const),
        r,
        pick: fc.nat(),
        confidence: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
        note: fc.option(fc.option(fc.constantFrom('a', 'bb', 'ccc'), { nil: null }), { nil: undefined }),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('delete' as const), r, pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('restore' as const), r, pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('state' as const), r, target: targetArb, exclude: fc.boolean() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('clearState' as const), r, target: targetArb }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('comment' as const), r, pick: fc.option(fc.nat(), { nil: undefined }) }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('deleteComment' as const), r, pick: fc.nat() }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('undo' as const), r, times: fc.integer({ min: 1, max: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('redo' as const), r, times: fc.integer({ min: 1, max: 3 }) }) },
    { weight: 6, arbitrary: fc.record({ t: fc.constant('deliver' as const), from: r, to: r, picks: fc.array(fc.nat(), { maxLength: 4 }) }) },
  );
};
type Op = ReturnType<typeof opArb> extends fc.Arbitrary<infer T> ? T : never;

const scenarioArb = fc.integer({ min: 3, max: 5 }).chain((replicas) =>
  fc.record({
    replicas: fc.constant(replicas),
    ops: fc.array(opArb(replicas), { minLength: 1, maxLength: 40 }),
    heal: fc.array(fc.nat(), { maxLength: 60 }),
  }),
);

class Network {
  private readonly queues = new Map<string, Uint8Array[]>();
  constructor(readonly docs: Y.Doc[]) {
    docs.forEach((doc, from) => {
      doc.on('update', (update: Uint8Array, origin: unknown) => {
        if (origin === 'remote') return;
        docs.forEach((_, to) => to !== from && this.queue(from, to).push(update));
      });
    });
  }
  queue(from: number, to: number): Uint8Array[] {
    const key = `${from}->${to}`;
    let q = this.queues.get(key);
    if (q === undefined) this.queues.set(key, (q = []));
    return q;
  }
  /** Delivers the queued updates chosen by `picks` (each an index modulo the queue length). */
  deliver(from: number, to: number, picks: number[]): void {
    const q = this.queue(from, to);
    for (const pick of picks) {
      if (q.length === 0) return;
      const [update] = q.splice(pick % q.length, 1);
      const doc = this.docs[to];
      if (update !== undefined && doc !== undefined) Y.applyUpdate(doc, update, 'remote');
    }
  }
  /** Delivers everything, first in the order chosen by `picks`, then the rest. */
  heal(picks: number[]): void {
    const pending = () => [...this.queues.entries()].filter(([, q]) => q.length > 0);
    for (const pick of picks) {
      const open = pending();
      const chosen = open[pick % Math.max(open.length, 1)];
      if (chosen === undefined) return;
      const [from, to] = chosen[0].split('->').map(Number) as [number, number];
      this.deliver(from, to, [pick]);
    }
    for (let open = pending(); open.length > 0; open = pending()) {
      for (const [key, q] of open) {
        const [from, to] = key.split('->').map(Number) as [number, number];
        this.deliver(from, to, q.map(() => 0));
      }
    }
  }
}

function apply(sessions: StudyDocument[], net: Network, op: Op, created: Set<string>): void {
  if (op.t === 'deliver') {
    if (op.from !== op.to) net.deliver(op.from, op.to, op.picks);
    return;
  }
  const s = sessions[op.r];
  if (s === undefined) return;
  const all = s.listAnnotations({ includeDeleted: true });
  const pickBox = (pick: number) => all[pick % Math.max(all.length, 1)];
  const slices = (sl: { first: number; extra: number }) => {
    const last = Math.min(sl.first + sl.extra, SOP.length - 1);
    return { firstSliceIndex: sl.first, lastSliceIndex: last, firstSopInstanceUid: SOP[sl.first] ?? SOP[0], lastSopInstanceUid: SOP[last] ?? SOP[0] };
  };
  switch (op.t) {
    case 'create2d':
      created.add(s.createBox2d(box2d({ geometry: op.g, frameIndex: op.frame })).id);
      return;
    case 'create3d':
      created.add(s.createBox3d(box3d({ geometry: { ...op.g, ...slices(op.s) } })).id);
      return;
    case 'move': {
      const box = pickBox(op.pick);
      if (box) s.moveBox(box.id, box.kind === 'box3d' ? { ...op.g, ...slices(op.s) } : op.g);
      return;
    }
    case 'label': {
      const box = pickBox(op.pick);
      if (box) s.setLabel(box.id, op.label);
      return;
    }
    case 'attrs': {
      const box = pickBox(op.pick);
      if (box) s.setAttributes(box.id, { confidence: op.confidence, note: op.note });
      return;
    }
    case 'delete': {
      const box = pickBox(op.pick);
      if (box) s.deleteAnnotation(box.id);
      return;
    }
    case 'restore': {
      const box = pickBox(op.pick);
      if (box) s.restoreAnnotation(box.id);
      return;
    }
    case 'state':
      s.setImageState(op.target, op.exclude ? { status: 'excluded_poor_quality', reason: 'motion' } : { status: 'no_finding' });
      return;
    case 'clearState':
      s.clearImageState(op.target);
      return;
    case 'comment': {
      const box = op.pick === undefined ? undefined : pickBox(op.pick);
      s.addComment({ text: 'see here', target: box ? { type: 'annotation', annotationId: box.id } : { type: 'study' } });
      return;
    }
    case 'deleteComment': {
      const comments = s.listComments({ includeDeleted: true });
      const comment = comments[op.pick % Math.max(comments.length, 1)];
      if (comment) s.deleteComment(comment.id);
      return;
    }
    case 'undo':
      for (let i = 0; i < op.times; i++) s.undo();
      return;
    case 'redo':
      for (let i = 0; i < op.times; i++) s.redo();
      return;
  }
}

describe('convergence under random concurrent edits', () => {
  it('brings 3-5 partitioned replicas to identical, valid state after healing', () => {
    fc.assert(
      fc.property(scenarioArb, ({ replicas, ops, heal }) => {
        const docs = Array.from({ length: replicas }, (_, i) => {
          const doc = new Y.Doc();
          doc.clientID = i + 1;
          return doc;
        });
        const net = new Network(docs);
        let clock = 1_700_000_000_000;
        const sessions = docs.map((doc, i) => new StudyDocument(doc, { userId: `user-${i}`, now: () => ++clock }));
        const created = new Set<string>();
        for (const op of ops) apply(sessions, net, op, created);
        net.heal(heal);

        const [first, ...rest] = docs;
        if (first === undefined) return;
        const expected = {
          sv: Y.encodeStateVector(first),
          annotations: readAnnotations(first, { includeDeleted: true }),
          study: readStudyState(first),
        };
        expect(validateDocument(first)).toEqual([]);
        for (const doc of rest) {
          expect(doc.store.pendingStructs).toBeNull();
          expect(Y.encodeStateVector(doc)).toEqual(expected.sv);
          expect(readAnnotations(doc, { includeDeleted: true })).toEqual(expected.annotations);
          expect(readStudyState(doc)).toEqual(expected.study);
          expect(validateDocument(doc)).toEqual([]);
        }
        // No annotation is ever removed (undo of a create soft-deletes), and every one reads out.
        expect(expected.annotations.map((a) => a.id).sort()).toEqual([...created].sort());
      }),
      { numRuns: Number(process.env.MODEL_PROPERTY_RUNS ?? 100) },
    );
  });
});
