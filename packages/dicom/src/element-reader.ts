import { tagKey } from './tag';
import { dictionaryVr } from './vr-dictionary';

/**
 * A minimal little endian element walker that keeps byte positions, so elements can be copied
 * verbatim when re-serialising. dicom-parser's DataSet forgets element order and headers.
 */
export interface RawElement {
  tag: string;
  /** Encoded VR, or the dictionary VR (`UN` if unknown) in implicit VR data; `SQ` for sequences. */
  vr: string;
  /** Offset of the element header. */
  start: number;
  valueStart: number;
  /** Offset just past the value (before any sequence delimiter). */
  valueEnd: number;
  /** Offset just past the whole element, delimiters included. */
  end: number;
  undefinedLength: boolean;
  /** Items of a sequence, each a list of elements. */
  items?: RawElement[][];
}

/** Thrown when the bytes do not form a well-formed little endian dataset. */
export class MalformedDataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MalformedDataError';
  }
}

const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'SV', 'UC', 'UN', 'UR', 'UT', 'UV']);
const UNDEFINED = 0xffffffff;

class Cursor {
  private readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  need(position: number, size: number): void {
    if (position < 0 || position + size > this.bytes.length) throw new MalformedDataError(`read past the end at ${position}`);
  }
  u16(position: number): number {
    this.need(position, 2);
    return this.view.getUint16(position, true);
  }
  u32(position: number): number {
    this.need(position, 4);
    return this.view.getUint32(position, true);
  }
  tag(position: number): number {
    return ((this.u16(position) << 16) | this.u16(position + 2)) >>> 0;
  }
}

const ITEM = 0xfffee000;
const ITEM_DELIMITER = 0xfffee00d;
const SEQUENCE_DELIMITER = 0xfffee0dd;

function isItemTag(cursor: Cursor, position: number, end: number): boolean {
  return position + 8 <= end && cursor.tag(position) === ITEM;
}

/** Reads sequence items from `position`; stops at `end` (defined length) or the sequence delimiter. */
function readItems(cursor: Cursor, position: number, end: number | undefined, explicit: boolean): { items: RawElement[][]; next: number } {
  const items: RawElement[][] = [];
  let p = position;
  const limit = end ?? cursor.bytes.length;
  while (p < limit) {
    const tag = cursor.tag(p);
    const length = cursor.u32(p + 4);
    if (tag === SEQUENCE_DELIMITER) return { items, next: p + 8 };
    if (tag !== ITEM) throw new MalformedDataError(`expected an item at ${p}`);
    if (length === UNDEFINED) {
      const read = readElementList(cursor, p + 8, limit, explicit, true);
      items.push(read.elements);
      p = read.next;
    } else {
      if (p + 8 + length > limit) throw new MalformedDataError(`item at ${p} runs past its sequence`);
      items.push(readElementList(cursor, p + 8, p + 8 + length, explicit, false).elements);
      p += 8 + length;
    }
  }
  if (end === undefined) throw new MalformedDataError('sequence without delimiter');
  return { items, next: p };
}

/** Skips the fragments of encapsulated pixel data up to and including the sequence delimiter. */
function skipFragments(cursor: Cursor, position: number): number {
  let p = position;
  for (;;) {
    const tag = cursor.tag(p);
    const length = cursor.u32(p + 4);
    if (tag === SEQUENCE_DELIMITER) return p + 8;
    if (tag !== ITEM || length === UNDEFINED) throw new MalformedDataError(`bad fragment at ${p}`);
    cursor.need(p + 8, length);
    p += 8 + length;
  }
}

function readElement(cursor: Cursor, start: number, limit: number, explicit: boolean): RawElement {
  const numericTag = cursor.tag(start);
  const tag = tagKey(numericTag);
  let vr: string;
  let length: number;
  let valueStart: number;
  if (explicit && (numericTag >>> 16) !== 0xfffe) {
    cursor.need(start + 4, 2);
    vr = String.fromCharCode(cursor.bytes[start + 4] ?? 0, cursor.bytes[start + 5] ?? 0);
    if (!/^[A-Z]{2}$/.test(vr)) throw new MalformedDataError(`invalid VR at ${start}`);
    if (LONG_VRS.has(vr)) {
      length = cursor.u32(start + 8);
      valueStart = start + 12;
    } else {
      length = cursor.u16(start + 6);
      valueStart = start + 8;
    }
  } else {
    vr = dictionaryVr(tag);
    length = cursor.u32(start + 4);
    valueStart = start + 8;
  }
  if (length === UNDEFINED) {
    if (tag === '7FE00010') {
      const end = skipFragments(cursor, valueStart);
      return { tag, vr: explicit ? vr : 'OB', start, valueStart, valueEnd: end - 8, end, undefinedLength: true };
    }
    // Undefined length is only legal for SQ, and for UN holding an implicit VR sequence.
    const itemsExplicit = explicit && vr !== 'UN';
    const { items, next } = readItems(cursor, valueStart, undefined, itemsExplicit);
    return { tag, vr: vr === 'UN' && explicit ? 'UN' : 'SQ', start, valueStart, valueEnd: next - 8, end: next, undefinedLength: true, items };
  }
  const valueEnd = valueStart + length;
  if (valueEnd > limit) throw new MalformedDataError(`element ${tag} runs past the end of its dataset`);
  if (vr === 'SQ' || (!explicit && vr === 'UN' && length >= 8 && isItemTag(cursor, valueStart, valueEnd))) {
    const { items } = readItems(cursor, valueStart, valueEnd, explicit);
    return { tag, vr: 'SQ', start, valueStart, valueEnd, end: valueEnd, undefinedLength: false, items };
  }
  return { tag, vr, start, valueStart, valueEnd, end: valueEnd, undefinedLength: false };
}

function readElementList(
  cursor: Cursor,
  position: number,
  end: number,
  explicit: boolean,
  untilItemDelimiter: boolean,
): { elements: RawElement[]; next: number } {
  const elements: RawElement[] = [];
  let p = position;
  while (p < end) {
    const tag = cursor.tag(p);
    if (tag === ITEM_DELIMITER) return { elements, next: p + 8 };
    const element = readElement(cursor, p, end, explicit);
    elements.push(element);
    p = element.end;
  }
  if (untilItemDelimiter) throw new MalformedDataError('item without delimiter');
  return { elements, next: p };
}

/**
 * Reads the elements of a little endian dataset in `bytes[position, end)`. Trailing zero
 * padding after the last element (seen in some archives) is ignored.
 */
export function readElements(bytes: Uint8Array, position: number, end: number, explicit: boolean): RawElement[] {
  const cursor = new Cursor(bytes);
  const elements: RawElement[] = [];
  let p = position;
  while (p < end) {
    if (p + 4 <= end && cursor.tag(p) === 0) break;
    const element = readElement(cursor, p, end, explicit);
    elements.push(element);
    p = element.end;
  }
  return elements;
}

/** Reads the File Meta Information group (always explicit VR little endian) after the preamble. */
export function readFileMeta(bytes: Uint8Array): { elements: RawElement[]; end: number } {
  const cursor = new Cursor(bytes);
  const elements: RawElement[] = [];
  let p = 132;
  while (p + 8 <= bytes.length && cursor.u16(p) === 0x0002) {
    const element = readElement(cursor, p, bytes.length, true);
    elements.push(element);
    p = element.end;
  }
  return { elements, end: p };
}
