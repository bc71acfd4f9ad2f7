import { ATTRIBUTES, type AttributeKeyword, type AttributeValue, type Dataset } from './attributes';
import { deterministicUid } from './deterministic';

/** Explicit VR Little Endian (PS3.5 A.2), the only transfer syntax this package writes. */
export const EXPLICIT_VR_LITTLE_ENDIAN = '1.2.840.10008.1.2.1';

/** Identifies this writer in the file meta information; fixed, so output stays deterministic. */
export const IMPLEMENTATION_CLASS_UID = deterministicUid('reading-room', 'demo-data implementation class');
export const IMPLEMENTATION_VERSION_NAME = 'READINGROOM_DEMO';

// VRs whose explicit-VR header has two reserved bytes and a 32-bit length (PS3.5 7.1.2).
const LONG_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'SQ', 'UC', 'UN', 'UR', 'UT']);
const NUMERIC_STRING_VRS = new Set(['DS', 'IS']);

/**
 * Formats a number as a DICOM Decimal String: at most 16 characters, no superfluous digits.
 * Throws for values that cannot be written (NaN, infinities).
 */
export function formatDecimalString(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as a DS`);
  for (let precision = 12; precision >= 1; precision--) {
    const text = String(Number(value.toPrecision(precision)));
    if (text.length <= 16) return text;
  }
  throw new RangeError(`cannot fit ${value} into 16 characters`);
}

function textOf(vr: string, value: AttributeValue): string {
  if (value instanceof Uint8Array) throw new TypeError(`a ${vr} value cannot be bytes`);
  const parts = Array.isArray(value) ? value : [value as string | number];
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      if (vr === 'DS') return formatDecimalString(part);
      if (vr === 'IS' && Number.isInteger(part)) return String(part);
      throw new TypeError(`a ${vr} value must be a string, got ${part}`);
    })
    .join('\\');
}

function encodeAscii(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7e) throw new RangeError(`non-ASCII character in ${JSON.stringify(text)}`);
    bytes[i] = code;
  }
  return bytes;
}

function numbersOf(value: AttributeValue): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'number')) return value as number[];
  throw new TypeError(`expected numbers, got ${String(value)}`);
}

/** The value field of one element, already padded to even length. */
function encodeValue(vr: string, value: AttributeValue): Uint8Array {
  if (vr === 'OB' || vr === 'OW') {
    if (!(value instanceof Uint8Array)) throw new TypeError(`${vr} needs bytes`);
    if (value.length % 2 === 0) return value;
    const padded = new Uint8Array(value.length + 1);
    padded.set(value);
    return padded;
  }
  if (vr === 'US' || vr === 'SS' || vr === 'UL' || vr === 'AT') {
    const numbers = numbersOf(value);
    const size = vr === 'UL' || vr === 'AT' ? 4 : 2;
    const bytes = new Uint8Array(numbers.length * size);
    const view = new DataView(bytes.buffer);
    numbers.forEach((n, i) => {
      if (vr === 'US') view.setUint16(i * 2, n, true);
      else if (vr === 'SS') view.setInt16(i * 2, n, true);
      else if (vr === 'UL') view.setUint32(i * 4, n, true);
      else {
        // AT: group then element, each little endian.
        view.setUint16(i * 4, n >>> 16, true);
        view.setUint16(i * 4 + 2, n & 0xffff, true);
      }
    });
    return bytes;
  }
  let text = textOf(vr, value);
  if (NUMERIC_STRING_VRS.has(vr) && text.split('\\').some((part) => part.length > (vr === 'DS' ? 16 : 12))) {
    throw new RangeError(`${vr} value too long: ${text}`);
  }
  if (text.length % 2 === 1) text += vr === 'UI' ? '\u0000' : ' ';
  return encodeAscii(text);
}

interface EncodedElement {
  tag: number;
  vr: string;
  value: Uint8Array;
}

function encodeElements(dataset: Dataset, pixelDataVr: 'OB' | 'OW' = 'OW'): EncodedElement[] {
  const elements: EncodedElement[] = [];
  for (const [keyword, value] of Object.entries(dataset) as [AttributeKeyword, AttributeValue | undefined][]) {
    if (value === undefined) continue;
    const [tag, dictionaryVr] = ATTRIBUTES[keyword];
    const vr = keyword === 'PixelData' ? pixelDataVr : dictionaryVr;
    elements.push({ tag, vr, value: encodeValue(vr, value) });
  }
  // Data elements must appear in ascending tag order (PS3.5 7.1).
  return elements.sort((a, b) => a.tag - b.tag);
}

function headerLength(vr: string): number {
  return LONG_VRS.has(vr) ? 12 : 8;
}

function writeElements(target: Uint8Array, offset: number, elements: readonly EncodedElement[]): number {
  const view = new DataView(target.buffer, target.byteOffset, target.byteLength);
  let at = offset;
  for (const { tag, vr, value } of elements) {
    view.setUint16(at, tag >>> 16, true);
    view.setUint16(at + 2, tag & 0xffff, true);
    target[at + 4] = vr.charCodeAt(0);
    target[at + 5] = vr.charCodeAt(1);
    if (LONG_VRS.has(vr)) {
      view.setUint16(at + 6, 0, true);
      view.setUint32(at + 8, value.length, true);
      at += 12;
    } else {
      if (value.length > 0xffff) throw new RangeError(`value of ${tag.toString(16)} too long for ${vr}`);
      view.setUint16(at + 6, value.length, true);
      at += 8;
    }
    target.set(value, at);
    at += value.length;
  }
  return at;
}

function byteSize(elements: readonly EncodedElement[]): number {
  return elements.reduce((sum, e) => sum + headerLength(e.vr) + e.value.length, 0);
}

/**
 * Writes a DICOM Part 10 file (PS3.10 7.1): 128-byte preamble, `DICM`, file meta information
 * (group 0002, with its group length) and the dataset, all Explicit VR Little Endian. The
 * SOP Class and Instance UIDs of the meta group are taken from the dataset. Pixel Data is
 * written as OW unless `pixelDataVr` says OB (for 8-bit samples).
 */
export function writePart10(dataset: Dataset, options: { pixelDataVr?: 'OB' | 'OW' } = {}): Uint8Array {
  const sopClassUid = dataset.SOPClassUID;
  const sopInstanceUid = dataset.SOPInstanceUID;
  if (typeof sopClassUid !== 'string' || typeof sopInstanceUid !== 'string') {
    throw new TypeError('a Part 10 dataset needs SOPClassUID and SOPInstanceUID');
  }
  const metaBody = encodeElements({
    FileMetaInformationVersion: new Uint8Array([0, 1]),
    MediaStorageSOPClassUID: sopClassUid,
    MediaStorageSOPInstanceUID: sopInstanceUid,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: IMPLEMENTATION_VERSION_NAME,
  });
  const meta = [...encodeElements({ FileMetaInformationGroupLength: byteSize(metaBody) }), ...metaBody];
  const body = encodeElements(dataset, options.pixelDataVr);
  const file = new Uint8Array(132 + byteSize(meta) + byteSize(body));
  file.set(encodeAscii('DICM'), 128);
  const end = writeElements(file, writeElements(file, 132, meta), body);
  if (end !== file.length) throw new Error(`internal: wrote ${end} of ${file.length} bytes`);
  return file;
}

const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The little-endian bytes of 16-bit samples (a view when the host is little endian). */
export function littleEndianBytes(samples: Int16Array | Uint16Array): Uint8Array {
  if (LITTLE_ENDIAN_HOST) return new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
  const bytes = new Uint8Array(samples.byteLength);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < samples.length; i++) view.setUint16(i * 2, (samples[i] ?? 0) & 0xffff, true);
  return bytes;
}
