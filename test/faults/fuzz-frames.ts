import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';

/** Small seeded PRNG (mulberry32), so a failing fuzz run reproduces from its printed seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const bytes = (n: number) => Uint8Array.from({ length: n }, () => int(0, 255));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  return { next, int, bytes, pick };
}
export type Prng = ReturnType<typeof prng>;

export type FrameKind = 'random-bytes' | 'flipped-bytes' | 'truncated-update' | 'huge-varint' | 'unknown-type' | 'text' | 'oversized';

export interface FuzzFrame {
  readonly kind: FrameKind;
  readonly data: Uint8Array | string;
}

const build = (f: (e: encoding.Encoder) => void) => {
  const e = encoding.createEncoder();
  f(e);
  return encoding.toUint8Array(e);
};
const syncFrame = (sub: number, payload: Uint8Array) =>
  build((e) => {
    encoding.writeVarUint(e, 0);
    encoding.writeVarUint(e, sub);
    encoding.writeVarUint8Array(e, payload);
  });

/** Valid client messages built from a scratch document, as mutation material. */
export function validMaterial(rand: Prng): { frames: Uint8Array[]; updates: Uint8Array[] } {
  const doc = new Y.Doc();
  doc.clientID = rand.int(1, 2 ** 31);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  for (let i = 0; i < 12; i++) {
    doc.getMap('m').set(`k${i}`, { v: i, s: 'x'.repeat(i) });
    doc.getArray('a').insert(0, [i, `item-${i}`]);
    doc.getText('t').insert(0, `text ${i} `);
    if (i % 3 === 0) doc.getText('t').delete(0, 2);
  }
  const awareness = new awarenessProtocol.Awareness(doc);
  awareness.setLocalState({ user: 'fuzz', cursor: { slice: 3 } });
  const frames = [
    ...updates.map((u) => syncFrame(2, u)),
    syncFrame(1, Y.encodeStateAsUpdate(doc)),
    syncFrame(0, Y.encodeStateVector(doc)),
    build((e) => {
      encoding.writeVarUint(e, 1);
      encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(awareness, [doc.clientID]));
    }),
  ];
  awareness.destroy();
  return { frames, updates };
}

/**
 * Reference verdict, from lib0 / y-protocols / Yjs alone: true when the frame is certainly not a
 * well-formed client message. Frames it cannot prove invalid (a mutation may produce a valid
 * update, which the server is right to accept) are not used, so the room's content stays exactly
 * what the well-behaved clients wrote.
 */
export function certainlyInvalid(frame: Uint8Array): boolean {
  try {
    const d = decoding.createDecoder(frame);
    const type = decoding.readVarUint(d);
    if (type === 0) {
      const sub = decoding.readVarUint(d);
      if (sub > 2) return true;
      const payload = decoding.readVarUint8Array(d);
      if (decoding.hasContent(d)) return true;
      if (sub === 0) {
        Y.decodeStateVector(payload);
        return false;
      }
      if (payload.length === 0) return true;
      Y.decodeUpdate(payload);
      return false;
    }
    if (type === 1) {
      const update = decoding.readVarUint8Array(d);
      if (decoding.hasContent(d)) return true;
      const inner = decoding.createDecoder(update);
      const n = decoding.readVarUint(inner);
      if (n > 10_000) return true;
      for (let i = 0; i < n; i++) {
        decoding.readVarUint(inner);
        decoding.readVarUint(inner);
        JSON.parse(decoding.readVarString(inner));
      }
      return decoding.hasContent(inner);
    }
    if (type === 3 || type === 100) return decoding.hasContent(d);
    return true; // 2 (auth) and everything else is not a client message
  } catch {
    return true;
  }
}

const withLength = (prefix: number[], len: Uint8Array, tail: Uint8Array) => Uint8Array.from([...prefix, ...len, ...tail]);

/** One offending frame of the given kind (binary kinds are re-drawn until certainly invalid). */
export function offendingFrame(kind: FrameKind, rand: Prng, material: { frames: Uint8Array[]; updates: Uint8Array[] }): FuzzFrame {
  if (kind === 'text') return { kind, data: rand.pick(['hello', '{"type":"sync"}', '\u0000\u0001', 'AAEC', '💥'.repeat(rand.int(1, 20))]) };
  if (kind === 'oversized') {
    const data = new Uint8Array(2 * 1024 * 1024 + rand.int(1, 4096));
    data.set(syncFrame(2, rand.pick(material.updates)));
    return { kind, data };
  }
  for (;;) {
    const data = candidate(kind, rand, material);
    if (certainlyInvalid(data)) return { kind, data };
  }
}

function candidate(kind: FrameKind, rand: Prng, material: { frames: Uint8Array[]; updates: Uint8Array[] }): Uint8Array {
  switch (kind) {
    case 'random-bytes':
      return rand.bytes(rand.int(1, 96));
    case 'flipped-bytes': {
      const data = rand.pick(material.frames).slice();
      const flips = rand.int(1, 3);
      for (let i = 0; i < flips; i++) {
        const at = rand.int(0, data.length - 1);
        data[at] = data[at]! ^ (1 << rand.int(0, 7));
      }
      return data;
    }
    case 'truncated-update': {
      const update = rand.pick(material.updates);
      const cut = update.subarray(0, rand.int(0, update.length - 1));
      // either re-framed consistently (Yjs must reject the short update) or with the original length (frame too short)
      return rand.next() < 0.5 ? syncFrame(rand.int(1, 2), cut) : syncFrame(2, update).subarray(0, rand.int(1, syncFrame(2, update).length - 1));
    }
    case 'huge-varint': {
      const huge = Uint8Array.from({ length: rand.int(9, 20) }, () => 0xff);
      const wide = rand.pick([huge, Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f]), Uint8Array.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01])]);
      const tail = rand.bytes(rand.int(0, 16));
      return rand.pick([
        withLength([], wide, tail), // message type
        withLength([0], wide, tail), // sync sub-type
        withLength([0, 2], wide, tail), // update length
        withLength([1], wide, tail), // awareness length
        withLength([1, 12], wide, tail), // awareness entry count (inside a payload of 12 bytes claimed)
      ]);
    }
    case 'unknown-type': {
      const type = rand.pick([2, rand.int(4, 99), 101, 102, rand.int(103, 100_000)]);
      return build((e) => {
        encoding.writeVarUint(e, type);
        encoding.writeUint8Array(e, rand.bytes(rand.int(0, 32)));
      });
    }
  }
  throw new Error(`no candidate for ${kind}`);
}

/** The fixed mix of 1,000 frames: mostly binary garbage of each kind, some text, two oversized. */
export function fuzzPlan(rand: Prng, total = 1000): FrameKind[] {
  const fixed: FrameKind[] = ['oversized', 'oversized', ...Array<FrameKind>(20).fill('text')];
  const kinds: FrameKind[] = ['random-bytes', 'flipped-bytes', 'truncated-update', 'huge-varint', 'unknown-type'];
  const rest = Array.from({ length: total - fixed.length }, () => rand.pick(kinds));
  const plan = [...fixed, ...rest];
  for (let i = plan.length - 1; i > 0; i--) {
    const j = rand.int(0, i);
    [plan[i], plan[j]] = [plan[j]!, plan[i]!];
  }
  return plan;
}
