import * as Y from 'yjs';
import { z } from 'zod';
import { type Annotation, AnnotationSchema } from './annotation-schema';
import { ANNOTATION_KEY, ROOT } from './layout';
import { plainAnnotation } from './read';
import { type AnnotationRules, checkAnnotation } from './validate';
import type { Violation } from './violation';

/** The Yjs item that holds a key of a map: its id and value. */
export interface HeldValue {
  readonly client: number;
  readonly clock: number;
  readonly value: unknown;
}

/** Reads maps of a document as they are after an update (see `DocumentAfter`). */
export interface HeldValueView {
  /** A map's entries after the update. */
  entriesOf?(map: Y.Map<unknown>): Iterable<[string, unknown]>;
  /**
   * The item that holds `key` of `map` after the update, or null when no live item does (the key
   * is absent). `map` is a map of the document before the update.
   */
  itemOf?(map: Y.Map<unknown>, key: string): HeldValue | null;
}

/** One state of an annotation that passed the full check (schema), and what identifies it. */
interface CheckedState {
  /** The items holding the keys of the annotation's map: same items, same content. */
  readonly holders: Holders;
  /** Its nested `attributes` map (null when it has none) and the items holding that map's keys. */
  readonly attributes: Y.Map<unknown> | null;
  readonly attributeHolders: Holders | null;
  /** The output of `AnnotationSchema` for that state. Shared between states: never mutate. */
  readonly output: Readonly<Record<string, unknown>>;
  /** The keys of `output` the whole-object checks read when they passed on it (see `WholeCheckReads`). */
  readonly wholeReads: WholeCheckReads;
}

interface ItemId {
  readonly client: number;
  readonly clock: number;
}

/**
 * The items holding the keys of a map (`_map`, in its order, deleted holders included), each with
 * whether it is live. An item the room does not hold yet (written by the update being checked) is
 * known by its id until `matches` meets it in the room and keeps the item itself.
 */
class Holders {
  private constructor(
    private readonly keys: string[],
    private readonly items: (Y.Item | ItemId)[],
    private readonly live: boolean[],
  ) {}

  /**
   * The holders of `map` after an update, as `view` tells them: for `changed` keys (every key
   * when omitted) the item `view.itemOf` names; for the others, the map's own.
   */
  static after(map: Y.Map<unknown>, view: Required<HeldValueView>, changed?: ReadonlySet<string>): Holders {
    const keys: string[] = [];
    const items: (Y.Item | ItemId)[] = [];
    const live: boolean[] = [];
    for (const [key, item] of map._map) {
      keys.push(key);
      if (changed && !changed.has(key)) {
        items.push(item);
        live.push(!item.deleted);
        continue;
      }
      const held = view.itemOf(map, key);
      if (!held) {
        items.push(item); // removed (or absent all along): its holder is deleted
        live.push(false);
      } else {
        items.push(held.client === item.id.client && held.clock === item.id.clock ? item : { client: held.client, clock: held.clock });
        live.push(true);
      }
    }
    // Keys the map never had come after the others, in the order the update writes them.
    const added = changed ?? new Set(Array.from(view.entriesOf(map), ([key]) => key));
    for (const key of added) {
      if (map._map.has(key)) continue;
      const held = view.itemOf(map, key);
      if (!held) continue;
      keys.push(key);
      items.push({ client: held.client, clock: held.clock });
      live.push(true);
    }
    return new Holders(keys, items, live);
  }

  /** Whether `map` is held by exactly these items now (and each live exactly when recorded so). */
  matches(map: Y.Map<unknown>): boolean {
    if (map._map.size !== this.items.length) return false;
    let i = 0;
    for (const item of map._map.values()) {
      const expected = this.items[i]!;
      if (expected !== item) {
        // Not the same object: only an item recorded by id may match, by its id (then keep the item).
        if (expected instanceof Y.Item || expected.client !== item.id.client || expected.clock !== item.id.clock) return false;
        this.items[i] = item;
      }
      if (item.deleted === this.live[i]) return false;
      i++;
    }
    return true;
  }
}

/**
 * Remembers the last state of each annotation of a room's document that passed `AnnotationSchema`,
 * so that validating an update that sets or removes a few plain keys of it (moving a box: its
 * `geometry`, `updatedBy`, `updatedAt`) parses only those keys instead of the whole annotation.
 *
 * Why that equals the full parse: a state is identified by the Yjs items holding its keys (an
 * item's content never changes), so an annotation whose live items are those of a remembered
 * state has that state's plain value and parse output. `AnnotationSchema` is a discriminated union
 * of strict objects without checks of their own, plus checks on the whole; such a strict object
 * parses an input iff every key of the input is in its shape and every shape entry parses that
 * key's value, and its output is the per-key outputs. So with the discriminator unchanged, the
 * new state parses iff each changed key parses with its shape entry and the whole checks pass on
 * the per-key outputs merged into the remembered output, which is then the full parse's output.
 * The memo only ever answers "valid, and this is the output": anything else (an unknown key, a
 * failing key, a failing check, a changed discriminator or a schema of another form) goes through
 * the full `plainAnnotation` + `checkAnnotation`, which produces the same violations as ever.
 *
 * Keyed by the room's annotation `Y.Map`s (weakly), so one memo may serve every room of a process.
 */
export class AnnotationCheckMemo {
  private readonly states = new WeakMap<Y.Map<unknown>, CheckedState>();

  /**
   * The last primitive input each per-key schema accepted, and its output: a writer sets the same
   * `updatedBy` on every edit. Zod's schemas of primitives are pure, so an input equal to the
   * last one (`Object.is`) has the same output. Objects (geometry) are parsed every time.
   */
  private readonly lastPrimitive = new WeakMap<z.ZodType, { readonly input: unknown; readonly output: unknown }>();

  /** `entry.safeParse(input)`'s output, or FAILED. */
  private parseKey(entry: z.ZodType, input: unknown): unknown {
    const primitive = input === null || (typeof input !== 'object' && typeof input !== 'function');
    if (primitive) {
      const last = this.lastPrimitive.get(entry);
      if (last !== undefined && Object.is(last.input, input)) return last.output;
    }
    const parsed = entry.safeParse(input);
    if (!parsed.success) return FAILED;
    if (primitive) this.lastPrimitive.set(entry, { input, output: parsed.data });
    return parsed.data;
  }

  /**
   * The parse output of `map`'s state after an update that changed `keys` of it, when a
   * remembered state of `map` is its state now, the changed keys and whole checks pass and the
   * label is in the taxonomy of `rules`; else null (then check in full and `remember`). On
   * success the memo moves on to the new state.
   */
  afterUpdate(map: Y.Map<unknown>, view: HeldValueView, keys: ReadonlySet<string>, rules: AnnotationRules): Annotation | null {
    const schema = decomposition();
    const state = this.states.get(map);
    if (!schema || !state || !hasItems(view) || !matchesState(map, state)) return null;
    const option = schema.optionFor(state.output[schema.discriminator]);
    if (!option) return null;
    const output: Record<string, unknown> = { ...state.output };
    let attributeHolders = state.attributeHolders;
    for (const key of keys) {
      if (key === schema.discriminator) return null;
      const entry = option.shape[key];
      if (!entry) return null;
      let input: unknown;
      let present: boolean;
      if (key === ANNOTATION_KEY.attributes) {
        // Changed inside the nested map (a changed `attributes` item itself is left to the full check).
        const now = map._map.get(key);
        const held = view.itemOf(map, key);
        if (!now || now.deleted || !held || held.client !== now.id.client || held.clock !== now.id.clock) return null;
        if (!state.attributes || held.value !== state.attributes) return null;
        input = plainAttributes(state.attributes, view);
        if (input === null) return null;
        attributeHolders = Holders.after(state.attributes, view);
        present = true;
      } else {
        const held = view.itemOf(map, key);
        if (held && held.value instanceof Y.AbstractType) return null;
        input = held?.value;
        present = held !== null;
      }
      const parsed = this.parseKey(entry, input);
      if (parsed === FAILED) return null;
      // As a strict object does: an undefined output is kept only for a key the input has.
      if (parsed !== undefined || present) output[key] = parsed;
      else delete output[key];
    }
    // The whole-object checks passed on the remembered output; when no changed key is one they
    // read, they read the same values now and pass again (they are pure), so they need not run.
    let wholeReads = state.wholeReads;
    if (wholeReads.readsAny(keys)) {
      const ran = WholeCheckReads.run(schema.whole, output);
      if (ran === null) return null;
      wholeReads = ran;
    }
    if (rules.labels !== undefined && !(rules.labels instanceof Set ? rules.labels : new Set(rules.labels)).has(output[ANNOTATION_KEY.label])) {
      return null;
    }
    this.states.set(map, { holders: Holders.after(map, view, keys), attributes: state.attributes, attributeHolders, output, wholeReads });
    return output as Annotation;
  }

  /**
   * Remembers that `map`'s state after an update, which changed `keys` of it, parsed with
   * `output` (from `checkAnnotation` on that state, with no violations). Needs `view.itemOf`.
   */
  remember(map: Y.Map<unknown>, view: HeldValueView, keys: ReadonlySet<string>, output: Annotation): void {
    const schema = decomposition();
    if (!schema || !hasItems(view)) return;
    // Which keys the whole checks read on this output (they pass on it: it is `AnnotationSchema`'s output).
    const wholeReads = WholeCheckReads.run(schema.whole, output);
    if (wholeReads === null) return;
    const holder = view.itemOf(map, ANNOTATION_KEY.attributes);
    const attributes = holder?.value instanceof Y.Map ? (holder.value as Y.Map<unknown>) : null;
    // A nested map the room does not hold yet cannot be remembered (its items are unknown).
    if (attributes && attributes._item?.parentSub !== ANNOTATION_KEY.attributes) return;
    const attributeHolders = attributes ? Holders.after(attributes, view) : null;
    this.states.set(map, { holders: Holders.after(map, view, keys), attributes, attributeHolders, output, wholeReads });
  }
}

/** `parseKey`'s answer for an input its schema refuses. */
const FAILED: unique symbol = Symbol('failed');

/**
 * The keys of an annotation's parse output that the schema's whole-object checks read when they
 * ran on it and passed. The checks are pure functions of what they read: on an output that
 * differs only in keys they did not read, they read the same values, take the same path and
 * pass again. Reads are recorded through a proxy: `get`, `has` and property descriptors record
 * their key; listing the keys (or anything else the proxy does not record) counts as reading
 * every key, and then the checks run for every change.
 */
class WholeCheckReads {
  private constructor(
    private readonly keys: Set<string>,
    private all: boolean,
  ) {}

  /** Runs `whole` on `output`, recording what it reads; null when the checks fail. */
  static run(whole: z.ZodType, output: Readonly<Record<string, unknown>>): WholeCheckReads | null {
    const reads = new WholeCheckReads(new Set(), false);
    const tracked = new Proxy(output, new ReadRecorder(reads));
    return whole.safeParse(tracked).success ? reads : null;
  }

  /** Whether any of `keys` is one the checks read. */
  readsAny(keys: ReadonlySet<string>): boolean {
    if (this.all) return true;
    for (const key of keys) if (this.keys.has(key)) return true;
    return false;
  }

  record(key: string | symbol): void {
    if (typeof key === 'string') this.keys.add(key);
    else this.all = true;
  }

  readAll(): void {
    this.all = true;
  }
}

/** Proxy handler of `WholeCheckReads.run`: a read-only view of the output that notes each read. */
class ReadRecorder implements ProxyHandler<Record<string, unknown>> {
  constructor(private readonly reads: WholeCheckReads) {}
  get(target: Record<string, unknown>, key: string | symbol, receiver: unknown): unknown {
    this.reads.record(key);
    return Reflect.get(target, key, receiver);
  }
  has(target: Record<string, unknown>, key: string | symbol): boolean {
    this.reads.record(key);
    return Reflect.has(target, key);
  }
  getOwnPropertyDescriptor(target: Record<string, unknown>, key: string | symbol): PropertyDescriptor | undefined {
    this.reads.record(key);
    return Reflect.getOwnPropertyDescriptor(target, key);
  }
  ownKeys(target: Record<string, unknown>): ArrayLike<string | symbol> {
    this.reads.readAll();
    return Reflect.ownKeys(target);
  }
  getPrototypeOf(target: Record<string, unknown>): object | null {
    this.reads.readAll();
    return Reflect.getPrototypeOf(target);
  }
  // The checks only read: a write through the proxy is refused (throws in strict code) rather
  // than changing the output, which remembered states share.
  set(): boolean {
    this.reads.readAll();
    return false;
  }
  defineProperty(): boolean {
    this.reads.readAll();
    return false;
  }
  deleteProperty(): boolean {
    this.reads.readAll();
    return false;
  }
}

function hasItems(view: HeldValueView): view is Required<HeldValueView> {
  return view.itemOf !== undefined && view.entriesOf !== undefined;
}

/** Whether `map`'s items (nested attributes included) are exactly those of `state`. */
function matchesState(map: Y.Map<unknown>, state: CheckedState): boolean {
  if (!state.holders.matches(map)) return false;
  const holder = map._map.get(ANNOTATION_KEY.attributes);
  const attributes = holder && !holder.deleted && holder.content instanceof Y.ContentType ? holder.content.type : null;
  if (attributes !== state.attributes) return false;
  return attributes === null || state.attributeHolders!.matches(attributes as Y.Map<unknown>);
}

/** The attributes after the update as a plain object; null if one is not a plain value. */
function plainAttributes(attributes: Y.Map<unknown>, view: Required<HeldValueView>): Record<string, unknown> | null {
  const value: Record<string, unknown> = {};
  for (const [key, attribute] of view.entriesOf(attributes)) {
    if (attribute instanceof Y.AbstractType) return null;
    value[key] = attribute;
  }
  return value;
}

interface Decomposition {
  readonly discriminator: string;
  optionFor(discriminator: unknown): { readonly shape: Readonly<Record<string, z.ZodType>> } | undefined;
  /** The checks `AnnotationSchema` runs on the whole parsed annotation. */
  readonly whole: z.ZodType;
}

let cached: Decomposition | null | undefined;

/**
 * `AnnotationSchema` taken apart as the memo needs it, or null when it is not of the form the
 * memo relies on (then the memo never answers and every annotation is checked in full).
 */
function decomposition(): Decomposition | null {
  if (cached !== undefined) return cached;
  cached = null;
  const def = (AnnotationSchema as unknown as { def: { type: string; discriminator?: unknown; options?: unknown[]; checks?: unknown[] } }).def;
  if (def.type !== 'union' || typeof def.discriminator !== 'string' || !Array.isArray(def.options)) return null;
  const discriminator = def.discriminator;
  const options: { values: unknown[]; shape: Record<string, z.ZodType> }[] = [];
  for (const option of def.options) {
    const o = (option as { def?: { type?: string; shape?: Record<string, z.ZodType>; catchall?: { def?: { type?: string } }; checks?: unknown[] } }).def;
    if (o?.type !== 'object' || !o.shape || o.catchall?.def?.type !== 'never' || (o.checks?.length ?? 0) > 0) return null;
    const tag = (o.shape[discriminator] as unknown as { def?: { type?: string; values?: unknown[] } } | undefined)?.def;
    if (tag?.type !== 'literal' || !Array.isArray(tag.values)) return null;
    options.push({ values: tag.values, shape: o.shape });
  }
  const whole = z.any().check(...((def.checks ?? []) as Parameters<z.ZodAny['check']>));
  cached = { discriminator, optionFor: (value) => options.find((o) => o.values.includes(value)), whole };
  return cached;
}

/** A document after an update, as `checkAnnotationAfter` reads it (a `DocumentAfter`). */
export interface AnnotationsAfter extends HeldValueView {
  getMap(name: string): { get(key: string): unknown };
}

/**
 * `plainAnnotation` then `checkAnnotation` of annotation `id` as it is after an update that
 * changed `keys` of it (`*created`: the whole entry), with `memo` answering instead when it can:
 * for an annotation the room's document already holds, seen through a preview of the update.
 */
export function checkAnnotationAfter(
  before: Y.Doc,
  after: AnnotationsAfter,
  id: string,
  keys: ReadonlySet<string>,
  rules: AnnotationRules,
  memo?: AnnotationCheckMemo,
): CheckedAfter {
  const entry = after.getMap(ROOT.annotations).get(id);
  // The memo keys on the room's own map: only a preview reads the room's maps (a staged copy has its own).
  const room = memo && after.itemOf && !keys.has(CREATED) ? before.getMap(ROOT.annotations).get(id) : undefined;
  const known = room instanceof Y.Map && room === entry ? memo!.afterUpdate(room as Y.Map<unknown>, after, keys, rules) : null;
  if (known) return { problems: NONE, violations: NONE, annotation: known, parsed: known };
  const plain = plainAnnotation(id, entry, after);
  if (plain.problems.length > 0) return { problems: plain.problems, violations: NONE, annotation: null, parsed: null };
  const checked = checkAnnotation(plain.value, rules);
  if (room instanceof Y.Map && room === entry && checked.annotation && checked.violations.length === 0) {
    memo!.remember(room as Y.Map<unknown>, after, keys, checked.annotation);
  }
  return { problems: NONE, violations: checked.violations, annotation: checked.annotation, parsed: checked.parsed };
}

/** What `checkAnnotationAfter` found. */
export interface CheckedAfter {
  /** Structural problems (`plainAnnotation`); when any, nothing was parsed. */
  readonly problems: readonly Violation[];
  /** Schema and taxonomy violations, paths relative to the annotation. */
  readonly violations: readonly Violation[];
  /** The parsed annotation when it has no problems and no violations. */
  readonly annotation: Annotation | null;
  /** The schema's output, whether or not the label is in the taxonomy (null: no parse, or it failed). */
  readonly parsed: Annotation | null;
}

const NONE: readonly Violation[] = Object.freeze([]);

const CREATED = '*created';
