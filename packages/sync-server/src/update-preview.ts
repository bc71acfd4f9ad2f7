import * as Y from 'yjs';
import type { UpdatePreview } from './hooks';

/** A Yjs update as `Y.decodeUpdate` returns it. */
export type DecodedUpdate = ReturnType<typeof Y.decodeUpdate>;

/** Marks a key the update removes (`Y.Map.delete`). */
const REMOVED: unique symbol = Symbol('removed');
/** A key the update sets: the new item's id and value. */
interface Written {
  readonly client: number;
  readonly clock: number;
  readonly value: unknown;
}
/** Per map the update writes: key → what it writes there, or REMOVED. */
type Pending = Map<Y.Map<unknown>, Map<string, Written | typeof REMOVED>>;

/**
 * What applying `decoded` to `doc` would do, worked out without applying it — for the one shape
 * of update whose effect can be read off the update alone: it only sets entries of maps `doc`
 * already has, each to one plain (JSON) value over the key's current value (or into a key that
 * never had one), and removes entries holding plain values. That is what a client sends for an
 * ordinary edit of existing data: moving a box, relabelling it, deleting or restoring it.
 *
 * Returns null for anything else, and the caller stages the update instead: GC or skipped
 * structs; structs the document already has, or whose predecessors it lacks (every struct must
 * depend on the document alone, not on other structs of the update); nested types, text or array
 * content; an entry written right of anything but the key's current item (a concurrent write:
 * Yjs' conflict resolution decides); two writes to one key; a write into a deleted map; deletions
 * of unknown items, of nested types or of anything but plain map entries, the items the update
 * overwrites and items already deleted.
 *
 * Why the result is exact: Yjs integrates an item whose origin is the key's current (rightmost)
 * item with no conflict search (nothing lies between them), makes it the key's value and deletes
 * the old one; an item for a key with no item at all becomes its value likewise. Deleting a live
 * map item removes its key. Each of these records exactly (map, key) in `transaction.changed`,
 * nothing else changes, and the clocks of exactly `writers` advance.
 */
export function previewUpdate(doc: Y.Doc, decoded: DecodedUpdate): UpdatePreview | null {
  // Runs for every incoming update: no closures (tsx names each one as it is made), few allocations.
  const { structs, ds } = decoded;
  const store = doc.store;
  const pending: Pending = new Map();
  const overwritten: Y.Item[] = [];
  const writers = new Set<number>();
  let client = -1;
  let nextClock = 0;
  for (let s = 0; s < structs.length; s++) {
    const struct = structs[s]!;
    if (!(struct instanceof Y.Item)) return null; // GC or Skip
    if (struct.id.client !== client) {
      client = struct.id.client;
      if (writers.has(client)) return null;
      writers.add(client);
      nextClock = Y.getState(store, client);
    }
    // Exactly the next clock: nothing the document has already, nothing missing before it.
    if (struct.id.clock !== nextClock || struct.length !== 1) return null;
    nextClock++;
    if (struct.rightOrigin !== null || !(struct.content instanceof Y.ContentAny)) return null;
    let map: Y.Map<unknown>;
    let key: string;
    if (struct.origin !== null) {
      // Written right of an existing item: it must be the current item of a map key.
      const left = itemAt(store, struct.origin);
      if (left === null || left.id.clock + left.length - 1 !== struct.origin.clock) return null;
      if (left.parentSub === null || !(left.parent instanceof Y.Map)) return null;
      map = left.parent as Y.Map<unknown>;
      key = left.parentSub;
      if (map._map.get(key) !== left) return null;
      overwritten.push(left);
    } else {
      // Written into a key that has never had an item.
      if (struct.parentSub === null) return null;
      const parent = struct.parent as unknown;
      const type = typeof parent === 'string' ? doc.share.get(parent) : parent instanceof Y.ID ? typeAt(store, parent) : null;
      if (!(type instanceof Y.Map)) return null;
      map = type as Y.Map<unknown>;
      key = struct.parentSub;
      if (map._map.has(key)) return null;
    }
    // Defensive: with gc on (every room), a deleted map's items are gone and the checks above fail already.
    if (map._item !== null && map._item.deleted) return null;
    const written: Written = { client: struct.id.client, clock: struct.id.clock, value: struct.content.getContent()[0] };
    if (!record(pending, map, key, written)) return null;
  }
  for (const [deleting, ranges] of ds.clients) {
    const state = Y.getState(store, deleting);
    const known = store.clients.get(deleting);
    for (let r = 0; r < ranges.length; r++) {
      const { clock, len } = ranges[r]!;
      if (!known || len <= 0 || clock + len > state) return null;
      for (let i = Y.findIndexSS(known, clock); i < known.length && known[i]!.id.clock < clock + len; i++) {
        const struct = known[i]!;
        if (struct.deleted || overwritten.includes(struct as Y.Item)) continue;
        // A live item: only the value of a map key (live map items are always the key's current one).
        if (!(struct instanceof Y.Item) || struct.length !== 1 || struct.parentSub === null) return null;
        if (!(struct.parent instanceof Y.Map) || !(struct.content instanceof Y.ContentAny)) return null;
        if (!record(pending, struct.parent as Y.Map<unknown>, struct.parentSub, REMOVED)) return null;
      }
    }
  }
  return pending.size === 0 ? null : new Preview(doc, pending, writers);
}

/** Notes one write of the update; false when the key is written twice. */
function record(pending: Pending, map: Y.Map<unknown>, key: string, value: Written | typeof REMOVED): boolean {
  let entries = pending.get(map);
  if (!entries) pending.set(map, (entries = new Map()));
  if (entries.has(key)) return false;
  entries.set(key, value);
  return true;
}

/** The item holding `id` in the store, or null (unknown, or garbage-collected). */
function itemAt(store: Y.Doc['store'], id: Y.ID): Y.Item | null {
  if (id.clock >= Y.getState(store, id.client)) return null;
  const structs = store.clients.get(id.client);
  if (!structs) return null;
  const struct = structs[Y.findIndexSS(structs, id.clock)];
  return struct instanceof Y.Item ? struct : null;
}

/** The type whose item is `id`, or null. */
function typeAt(store: Y.Doc['store'], id: Y.ID): Y.AbstractType<unknown> | null {
  const item = itemAt(store, id);
  return item !== null && item.content instanceof Y.ContentType ? (item.content.type as Y.AbstractType<unknown>) : null;
}

class Preview implements UpdatePreview {
  readonly changed = new Map<Y.AbstractType<any>, Set<string>>(); // eslint-disable-line @typescript-eslint/no-explicit-any
  readonly beforeState: StoreClocks;
  readonly after: DocumentAfterPending;
  constructor(
    doc: Y.Doc,
    pending: Pending,
    readonly writers: ReadonlySet<number>,
  ) {
    for (const [map, entries] of pending) this.changed.set(map, new Set(entries.keys()));
    this.beforeState = new StoreClocks(doc.store);
    this.after = new DocumentAfterPending(doc, pending);
  }
}

/** The document's clock per client, read when asked (the whole state vector is seldom needed). */
class StoreClocks {
  constructor(private readonly store: Y.Doc['store']) {}
  get(client: number): number {
    return Y.getState(this.store, client);
  }
}

/** A map as it reads after the update's pending sets and removals. */
class MapAfterPending {
  constructor(
    private readonly map: Y.Map<unknown>,
    private readonly pending: ReadonlyMap<string, Written | typeof REMOVED>,
  ) {}
  get(key: string): unknown {
    if (!this.pending.has(key)) return this.map.get(key);
    const written = this.pending.get(key)!;
    return written === REMOVED ? undefined : written.value;
  }
  has(key: string): boolean {
    return this.pending.has(key) ? this.pending.get(key) !== REMOVED : this.map.has(key);
  }
}

/**
 * The room's document as it reads after a previewed update: its own types, with the entries the
 * update sets or removes. Read-only; valid until the room's document changes.
 */
class DocumentAfterPending {
  constructor(
    private readonly doc: Y.Doc,
    private readonly pending: Pending,
  ) {}
  get share(): ReadonlyMap<string, Y.AbstractType<any>> { // eslint-disable-line @typescript-eslint/no-explicit-any
    return this.doc.share;
  }
  getMap(name: string): { get(key: string): unknown; has(key: string): boolean } {
    const map = this.doc.getMap<unknown>(name);
    const pending = this.pending.get(map);
    return pending ? new MapAfterPending(map, pending) : map;
  }
  entriesOf(map: Y.Map<unknown>): Iterable<[string, unknown]> {
    const pending = this.pending.get(map);
    const entries: [string, unknown][] = [];
    // forEach: the same entries in the same order as `entries()`, without its iterator chain
    map.forEach((value, key) => {
      const written = pending?.get(key);
      if (written === undefined) entries.push([key, value]);
      else if (written !== REMOVED) entries.push([key, written.value]);
    });
    if (pending) for (const [key, written] of pending) if (written !== REMOVED && !map.has(key)) entries.push([key, written.value]);
    return entries;
  }
  itemOf(map: Y.Map<unknown>, key: string): Written | null {
    const written = this.pending.get(map)?.get(key);
    if (written !== undefined) return written === REMOVED ? null : written;
    const item = map._map.get(key);
    if (!item || item.deleted) return null;
    const content = item.content.getContent();
    return { client: item.id.client, clock: item.id.clock, value: content[content.length - 1] };
  }
}
