import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { previewUpdate } from './update-preview';
import type { UpdatePreview } from './hooks';

// previewUpdate must say exactly what staging the update would: checked against a staged apply
// on random concurrent edits of three replicas (map sets and deletions, nested maps, arrays,
// text, binary values, several sets of one key per transaction, late and merged deliveries).

/** A small deterministic PRNG (mulberry32). */
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

type AnyType = Y.AbstractType<any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Path of a type from its root: the root's name, then map keys. Null inside arrays or text. */
function pathOf(type: AnyType, doc: Y.Doc): string[] | null {
  const path: string[] = [];
  let t: AnyType = type;
  while (t._item !== null) {
    if (t._item.parentSub === null) return null;
    path.unshift(t._item.parentSub);
    t = t._item.parent as AnyType;
  }
  for (const [name, root] of doc.share) if (root === t) return [name, ...path];
  return null;
}

function typeAtPath(doc: Y.Doc, path: readonly string[]): Y.AbstractType<unknown> | undefined {
  let t: unknown = doc.share.get(path[0]!);
  for (const key of path.slice(1)) t = t instanceof Y.Map ? (t as Y.Map<unknown>).get(key) : undefined;
  return t instanceof Y.AbstractType ? (t as Y.AbstractType<unknown>) : undefined;
}

/** A map's entries as the staged copy holds them, nested maps by their entries, other types by kind. */
function plain(value: unknown): unknown {
  if (value instanceof Y.Map) return Object.fromEntries([...(value as Y.Map<unknown>).entries()].map(([k, v]) => [k, plain(v)]).sort());
  if (value instanceof Y.AbstractType) return `<${value.constructor.name}>`;
  return value;
}

/** The same, read through the preview's view of the room's document. */
function plainAfter(preview: UpdatePreview, value: unknown): unknown {
  if (value instanceof Y.Map) {
    return Object.fromEntries([...preview.after.entriesOf(value as Y.Map<unknown>)].map(([k, v]) => [k, plainAfter(preview, v)]).sort());
  }
  if (value instanceof Y.AbstractType) return `<${value.constructor.name}>`;
  return value;
}

function stageOn(room: Y.Doc, update: Uint8Array) {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(room));
  for (const [name, root] of room.share) if (root instanceof Y.Map) copy.getMap(name); // as the room reads them
  let transaction: Y.Transaction | null = null;
  copy.on('afterTransaction', (tr: Y.Transaction) => {
    transaction ??= tr;
  });
  Y.applyUpdate(copy, update);
  const store = copy.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
  return { copy, transaction: transaction!, incomplete: store.pendingStructs !== null || store.pendingDs !== null };
}

function expectSameAsStaged(room: Y.Doc, update: Uint8Array, preview: UpdatePreview): void {
  const { copy, transaction, incomplete } = stageOn(room, update);
  expect(incomplete).toBe(false);
  const stagedChanged = [...transaction.changed].map(([type, keys]) => [pathOf(type, copy)?.join('/'), [...keys].sort()]).sort();
  const previewChanged = [...preview.changed].map(([type, keys]) => [pathOf(type, room)?.join('/'), [...keys].sort()]).sort();
  expect(previewChanged).toEqual(stagedChanged);
  const advanced = [...transaction.afterState].filter(([c, clock]) => clock > (transaction.beforeState.get(c) ?? 0)).map(([c]) => c);
  expect([...preview.writers].sort()).toEqual(advanced.sort());
  for (const [client, clock] of transaction.beforeState) expect(preview.beforeState.get(client)).toBe(clock);
  // Every root map and every map below it reads the same through the preview as on the copy.
  for (const [name, root] of copy.share) {
    if (!(room.share.get(name) instanceof Y.Map)) continue;
    expect(root).toBeInstanceOf(Y.Map);
    const view = preview.after.getMap(name);
    const rootMap = root as unknown as Y.Map<unknown>;
    for (const [key, value] of rootMap.entries()) {
      expect(view.has(key)).toBe(true);
      expect(plainAfter(preview, view.get(key))).toEqual(plain(value));
    }
    for (const key of room.getMap(name).keys()) expect(view.has(key)).toBe(rootMap.has(key));
    expect(plainAfter(preview, room.getMap(name))).toEqual(plain(root));
  }
  for (const [type] of transaction.changed) {
    const path = pathOf(type, copy);
    if (path && type instanceof Y.Map) expect(plainAfter(preview, typeAtPath(room, path))).toEqual(plain(type));
  }
}

type Edit = (doc: Y.Doc, rand: () => number) => void;
const KEYS = ['k0', 'k1', 'k2', 'k3'];
const pick = <T,>(xs: readonly T[], rand: () => number): T => xs[Math.floor(rand() * xs.length)]!;
const nestedMaps = (doc: Y.Doc): Y.Map<unknown>[] => {
  const out: Y.Map<unknown>[] = [];
  const walk = (m: Y.Map<unknown>) => {
    for (const v of m.values()) {
      if (v instanceof Y.Map) {
        out.push(v as Y.Map<unknown>);
        walk(v as Y.Map<unknown>);
      }
    }
  };
  walk(doc.getMap('a'));
  return out;
};
const anyMap = (doc: Y.Doc, rand: () => number): Y.Map<unknown> => {
  const maps = [doc.getMap<unknown>('a'), doc.getMap<unknown>('b'), ...nestedMaps(doc)];
  return pick(maps, rand);
};

const EDITS: Edit[] = [
  (doc, r) => anyMap(doc, r).set(pick(KEYS, r), { x: Math.floor(r() * 100), s: 'v' }),
  (doc, r) => anyMap(doc, r).set(pick(KEYS, r), Math.floor(r() * 10)),
  (doc, r) => anyMap(doc, r).set(pick(KEYS, r), pick(['a', null, true, [1, 2]], r)),
  (doc, r) => anyMap(doc, r).delete(pick(KEYS, r)),
  (doc, r) => {
    const child = new Y.Map<unknown>();
    child.set('x', 1);
    child.set('inner', new Y.Map<unknown>());
    doc.getMap('a').set(pick(KEYS, r), child);
  },
  (doc, r) => anyMap(doc, r).set(pick(KEYS, r), new Uint8Array([1, 2, 3])),
  (doc, r) => doc.getArray<number>('c').push([Math.floor(r() * 10)]),
  (doc, r) => doc.getText('t').insert(0, pick(['x', 'yz'], r)),
  (doc, r) =>
    doc.transact(() => {
      const m = anyMap(doc, r);
      const key = pick(KEYS, r);
      m.set(key, 1);
      m.set(key, 2);
    }),
  (doc, r) =>
    doc.transact(() => {
      const m = anyMap(doc, r);
      m.set(pick(KEYS, r), 'one');
      m.set(pick(KEYS, r), 'two');
      anyMap(doc, r).delete(pick(KEYS, r));
    }),
];

describe('previewUpdate', () => {
  it('describes exactly what a staged apply changes, for every update it previews', () => {
    let previewed = 0;
    let total = 0;
    for (let seed = 1; seed <= 24; seed++) {
      const rand = prng(seed);
      const room = new Y.Doc();
      // The server's validator reads the roots as maps, which turns them into Y.Maps; the preview
      // only handles maps it knows as such.
      for (const name of ['a', 'b']) room.getMap(name);
      const replicas = [1, 2, 3].map((id) => {
        const doc = new Y.Doc();
        doc.clientID = id * 1000 + seed;
        const outbox: Uint8Array[] = [];
        doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'room' && outbox.push(u));
        return { doc, outbox };
      });
      const deliver = (update: Uint8Array, from: (typeof replicas)[number]) => {
        total++;
        const preview = previewUpdate(room, Y.decodeUpdate(update));
        if (preview) {
          previewed++;
          expectSameAsStaged(room, update, preview);
        }
        Y.applyUpdate(room, update);
        // Like the server: drop what lacks dependencies, and the sender resyncs.
        const store = room.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
        if (store.pendingStructs !== null || store.pendingDs !== null) {
          expect(preview).toBeNull();
          store.pendingStructs = null;
          store.pendingDs = null;
          from.outbox.unshift(Y.encodeStateAsUpdate(from.doc, Y.encodeStateVector(room)));
        }
      };
      for (let step = 0; step < 150; step++) {
        const rep = pick(replicas, rand);
        const roll = rand();
        if (roll < 0.55) pick(EDITS, rand)(rep.doc, rand);
        else if (roll < 0.8 && rep.outbox.length > 0) {
          // deliver the oldest (in order), two merged, or occasionally a later one first
          const late = rep.outbox.length > 1 && rand() < 0.1;
          if (late) deliver(rep.outbox.splice(1, 1)[0]!, rep);
          else if (rep.outbox.length > 1 && rand() < 0.15) deliver(Y.mergeUpdates(rep.outbox.splice(0, 2)), rep);
          else deliver(rep.outbox.shift()!, rep);
        } else {
          Y.applyUpdate(rep.doc, Y.encodeStateAsUpdate(room, Y.encodeStateVector(rep.doc)), 'room');
        }
      }
    }
    // The interesting case must be common, and the fallback must have been exercised too.
    expect(previewed).toBeGreaterThan(total / 10);
    expect(previewed).toBeLessThan(total);
  });

  it('previews a set over the current value and a removal, and refuses nested types and concurrent writes', () => {
    const room = new Y.Doc();
    room.getMap('m');
    const a = new Y.Doc();
    const b = new Y.Doc();
    const updates: Uint8Array[] = [];
    a.on('update', (u: Uint8Array) => updates.push(u));
    a.getMap('m').set('x', 1);
    a.getMap('m').set('y', 1);
    Y.applyUpdate(room, updates[0]!);
    Y.applyUpdate(room, updates[1]!);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(room));

    a.getMap('m').set('x', 2);
    const set = previewUpdate(room, Y.decodeUpdate(updates.at(-1)!));
    expect(set?.after.getMap('m').get('x')).toBe(2);
    a.getMap('m').set('y', 2);
    expect(previewUpdate(room, Y.decodeUpdate(updates.at(-1)!))).toBeNull(); // the set of x is missing: a gap in a's clocks
    Y.applyUpdate(room, updates.at(-2)!);
    Y.applyUpdate(room, updates.at(-1)!);
    a.getMap('m').delete('y');
    const removed = previewUpdate(room, Y.decodeUpdate(updates.at(-1)!));
    expect(removed?.after.getMap('m').has('y')).toBe(false);
    expect([...removed!.after.entriesOf(room.getMap('m'))]).toEqual([['x', 2]]);
    Y.applyUpdate(room, updates.at(-1)!);

    const fromB: Uint8Array[] = [];
    b.on('update', (u: Uint8Array) => fromB.push(u));
    b.getMap('m').set('x', 3); // concurrent with a's set: written right of an item that is no longer current
    expect(previewUpdate(room, Y.decodeUpdate(fromB[0]!))).toBeNull();
    b.getMap('m').set('z', new Y.Map());
    expect(previewUpdate(room, Y.decodeUpdate(fromB[1]!))).toBeNull();
  });

  it('refuses writes into a deleted map, two writes of one key in a hand-merged update, and deletions the room cannot apply', () => {
    const capture = (doc: Y.Doc) => {
      const out: Uint8Array[] = [];
      doc.on('update', (u: Uint8Array, origin: unknown) => origin !== 'room' && out.push(u));
      return out;
    };
    // A write into a map another client has just replaced: Yjs integrates it as deleted.
    const room = new Y.Doc();
    room.getMap('a');
    const a = new Y.Doc();
    const b = new Y.Doc();
    const fromA = capture(a);
    const fromB = capture(b);
    a.getMap('a').set('k', new Y.Map());
    Y.applyUpdate(room, fromA[0]!);
    Y.applyUpdate(b, fromA[0]!, 'room');
    a.getMap('a').set('k', 'replaced');
    (b.getMap('a').get('k') as Y.Map<unknown>).set('x', 1);
    Y.applyUpdate(room, fromA[1]!);
    expect(previewUpdate(room, Y.decodeUpdate(fromB[0]!))).toBeNull();

    // Two items of one client for one new key, merged by hand: Yjs keeps the first.
    const first = new Y.Doc();
    first.clientID = 5;
    const second = new Y.Doc();
    second.clientID = 5;
    const room2 = new Y.Doc();
    room2.getMap('m');
    first.getMap('m').set('x', 1); // clock 0
    second.getMap('z').set('pad', 0); // clock 0, unrelated
    second.getMap('m').set('x', 2); // clock 1, not knowing the first
    const crafted = Y.mergeUpdates([Y.encodeStateAsUpdate(first), Y.encodeStateAsUpdate(second, Y.encodeStateVector(first))]);
    expect(previewUpdate(room2, Y.decodeUpdate(crafted))).toBeNull();

    // Deleting an item the room does not have yet.
    const c = new Y.Doc();
    const fromC = capture(c);
    const room3 = new Y.Doc();
    room3.getMap('m');
    c.getMap('m').set('y', 1);
    c.getMap('m').set('x', 1);
    c.getMap('m').delete('x');
    Y.applyUpdate(room3, fromC[0]!);
    expect(previewUpdate(room3, Y.decodeUpdate(fromC[2]!))).toBeNull();
  });
});
