import { MalformedDataError, readElements, readFileMeta, type RawElement } from '../element-reader';
import { encodeDataSet, encodePart10, sortNodes, stringNode, type OutputNode } from '../element-writer';
import { hasPart10Preamble } from '../parse-dataset';
import { decodeText } from '../text-codec';
import { TransferSyntax } from '../transfer-syntax';
import { shiftDa, shiftDt } from './dates';
import { Action, actionFor } from './profile';

/** Application-supplied policies; all must be deterministic for consistent output. */
export interface DeidentifyOptions {
  /** The pseudonym for a patient, from the original Patient ID ('' when absent). ASCII only. */
  patientPseudonym: (originalPatientId: string) => { id: string; name: string };
  /** Days to shift every date of this patient by (see createDateShifter). */
  dateShiftDays: (originalPatientId: string) => number;
  /** The replacement of an instance/series/study/frame-of-reference UID (see createUidMapper). */
  uidMap: (originalUid: string) => string;
  /** Return the original → replacement mapping. It contains identifiers: store it as such. */
  keepMapping?: boolean;
}

/** Original → replacement values of one de-identified instance. Sensitive. */
export interface DeidentifyMapping {
  originalPatientId: string;
  originalPatientName: string;
  pseudonymId: string;
  pseudonymName: string;
  dateShiftDays: number;
  uids: Record<string, string>;
}

/** The de-identified Part 10 file and what was removed. */
export interface DeidentifyResult {
  bytes: Uint8Array;
  /** Tags (`GGGGEEEE`) removed anywhere in the file, sorted, without duplicates. */
  removedTags: string[];
  mapping?: DeidentifyMapping;
}

/** Why {@link deidentify} refused an input; never carries patient data. */
export class DeidentifyError extends Error {
  constructor(
    readonly code: 'not-dicom' | 'unsupported-transfer-syntax' | 'malformed' | 'invalid-pseudonym',
    message: string,
  ) {
    super(message);
    this.name = 'DeidentifyError';
  }
}

/** Written to (0012,0063) De-identification Method. */
export const DEIDENTIFICATION_METHOD = 'Reading Room: PS3.15 E.1 basic subset, dates shifted';
const IMPLEMENTATION_CLASS_UID = '2.25.160958380961466375530474417563431036157';
const IMPLEMENTATION_VERSION_NAME = 'READINGROOM_1';
const STANDARD_UID_ROOT = '1.2.840.10008.';
const SAFE_TEXT = /^[\x20-\x7e]*$/;

interface Context {
  bytes: Uint8Array;
  charset: string | undefined;
  shiftDays: number;
  pseudonym: { id: string; name: string };
  mapUid: (uid: string) => string;
  removed: Set<string>;
}

function valueText(context: Context, element: RawElement): string {
  return decodeText(context.bytes.subarray(element.valueStart, element.valueEnd), context.charset);
}

function values(context: Context, element: RawElement): string[] {
  return valueText(context, element).replace(/[\0 ]+$/, '').split('\\');
}

function raw(context: Context, element: RawElement): OutputNode {
  return { kind: 'raw', tag: element.tag, bytes: context.bytes.subarray(element.start, element.end) };
}

function transformDate(context: Context, element: RawElement): OutputNode | undefined {
  const shift = element.vr === 'DT' ? shiftDt : shiftDa;
  const out: string[] = [];
  for (const value of values(context, element)) {
    if (value.trim() === '') out.push('');
    else {
      const shifted = shift(value, context.shiftDays);
      if (shifted === undefined) return undefined;
      out.push(shifted);
    }
  }
  return stringNode(element.tag, element.vr, out.join('\\'));
}

function transformUids(context: Context, element: RawElement): OutputNode {
  const out = values(context, element).map((uid) => {
    const trimmed = uid.replace(/\0/g, '').trim();
    return trimmed === '' || trimmed.startsWith(STANDARD_UID_ROOT) ? trimmed : context.mapUid(trimmed);
  });
  return stringNode(element.tag, 'UI', out.join('\\'));
}

function transformElement(context: Context, element: RawElement): OutputNode | undefined {
  const action = actionFor(element.tag, element.vr);
  switch (action) {
    case Action.Remove:
      return undefined;
    case Action.Empty:
      return element.items ? { kind: 'sequence', tag: element.tag, items: [] } : { kind: 'value', tag: element.tag, vr: element.vr, value: new Uint8Array() };
    case Action.PseudonymName:
      return stringNode(element.tag, 'PN', context.pseudonym.name);
    case Action.PseudonymId:
      return stringNode(element.tag, 'LO', context.pseudonym.id);
    case Action.MapUid:
      return transformUids(context, element);
    case Action.ShiftDate:
      return transformDate(context, element);
    case Action.Keep:
      if (!element.items) return raw(context, element);
      return { kind: 'sequence', tag: element.tag, items: element.items.map((item) => transformList(context, item)) };
  }
}

function transformList(context: Context, elements: RawElement[]): OutputNode[] {
  const out: OutputNode[] = [];
  for (const element of elements) {
    const node = transformElement(context, element);
    if (node) out.push(node);
    else context.removed.add(element.tag);
  }
  return out;
}

function find(elements: RawElement[], tag: string): RawElement | undefined {
  return elements.find((element) => element.tag === tag);
}

function readText(bytes: Uint8Array, element: RawElement | undefined, charset?: string): string {
  if (!element) return '';
  return decodeText(bytes.subarray(element.valueStart, element.valueEnd), charset).replace(/[\0 ]+$/, '').trim();
}

function readSource(bytes: Uint8Array): { meta: RawElement[]; dataSet: RawElement[]; transferSyntaxUid: string } {
  if (!hasPart10Preamble(bytes)) throw new DeidentifyError('not-dicom', 'no DICM preamble');
  try {
    const { elements: meta, end } = readFileMeta(bytes);
    const transferSyntaxUid = readText(bytes, find(meta, '00020010'));
    if (transferSyntaxUid === TransferSyntax.ExplicitVrBigEndian || transferSyntaxUid === TransferSyntax.DeflatedExplicitVrLittleEndian || transferSyntaxUid === '') {
      throw new DeidentifyError('unsupported-transfer-syntax', 'only little endian, non-deflated transfer syntaxes are supported');
    }
    const explicit = transferSyntaxUid !== TransferSyntax.ImplicitVrLittleEndian;
    return { meta, dataSet: readElements(bytes, end, bytes.length, explicit), transferSyntaxUid };
  } catch (error) {
    if (error instanceof MalformedDataError) throw new DeidentifyError('malformed', error.message);
    throw error;
  }
}

/**
 * De-identifies one Part 10 file (explicit or implicit VR little endian, native or
 * encapsulated pixel data) following the rules in `profile.ts` / DEIDENTIFICATION.md, and
 * returns a new, valid Part 10 file. Pixel data is copied byte for byte: text burned into the
 * pixels is NOT removed. Throws {@link DeidentifyError} for inputs it cannot handle.
 */
export function deidentify(bytes: Uint8Array, options: DeidentifyOptions): DeidentifyResult {
  const { meta, dataSet, transferSyntaxUid } = readSource(bytes);
  const charset = readText(bytes, find(dataSet, '00080005')) || undefined;
  const originalPatientId = readText(bytes, find(dataSet, '00100020'), charset);
  const originalPatientName = readText(bytes, find(dataSet, '00100010'), charset);
  const pseudonym = options.patientPseudonym(originalPatientId);
  if (!SAFE_TEXT.test(pseudonym.id) || !SAFE_TEXT.test(pseudonym.name) || pseudonym.id.length > 64 || pseudonym.name.length > 64 || pseudonym.id.includes('\\') || pseudonym.name.includes('\\')) {
    throw new DeidentifyError('invalid-pseudonym', 'pseudonym id and name must be printable ASCII, at most 64 characters, without backslash');
  }
  const shiftDays = options.dateShiftDays(originalPatientId);
  if (!Number.isInteger(shiftDays)) throw new DeidentifyError('invalid-pseudonym', 'date shift must be a whole number of days');
  const uids = new Map<string, string>();
  const mapUid = (uid: string): string => {
    let mapped = uids.get(uid);
    if (mapped === undefined) {
      mapped = options.uidMap(uid);
      if (!/^[0-9.]{1,64}$/.test(mapped)) throw new DeidentifyError('invalid-pseudonym', 'uidMap must return a valid UID');
      uids.set(uid, mapped);
    }
    return mapped;
  };
  const context: Context = { bytes, charset, shiftDays, pseudonym, mapUid, removed: new Set() };

  const nodes = transformList(context, dataSet);
  const present = new Set(nodes.map((node) => node.tag));
  if (!present.has('00100010')) nodes.push(stringNode('00100010', 'PN', pseudonym.name));
  if (!present.has('00100020')) nodes.push(stringNode('00100020', 'LO', pseudonym.id));
  nodes.push(stringNode('00120062', 'CS', 'YES'), stringNode('00120063', 'LO', DEIDENTIFICATION_METHOD), stringNode('00280303', 'CS', 'MODIFIED'));
  const explicit = transferSyntaxUid !== TransferSyntax.ImplicitVrLittleEndian;
  const encoded = encodeDataSet(sortNodes(nodes), explicit);

  const sopInstanceUid = readText(bytes, find(dataSet, '00080018'));
  const sopClassUid = readText(bytes, find(meta, '00020002')) || readText(bytes, find(dataSet, '00080016'));
  const newMeta: OutputNode[] = [
    { kind: 'value', tag: '00020001', vr: 'OB', value: Uint8Array.of(0, 1) },
    stringNode('00020002', 'UI', sopClassUid),
    stringNode('00020003', 'UI', sopInstanceUid ? mapUid(sopInstanceUid) : mapUid(readText(bytes, find(meta, '00020003')))),
    stringNode('00020010', 'UI', transferSyntaxUid),
    stringNode('00020012', 'UI', IMPLEMENTATION_CLASS_UID),
    stringNode('00020013', 'SH', IMPLEMENTATION_VERSION_NAME),
  ];
  const kept = new Set(['00020000', ...newMeta.map((node) => node.tag)]);
  for (const element of meta) if (!kept.has(element.tag)) context.removed.add(element.tag);

  const result: DeidentifyResult = { bytes: encodePart10(newMeta, encoded), removedTags: [...context.removed].sort() };
  if (options.keepMapping) {
    result.mapping = {
      originalPatientId,
      originalPatientName,
      pseudonymId: pseudonym.id,
      pseudonymName: pseudonym.name,
      dateShiftDays: shiftDays,
      uids: Object.fromEntries(uids),
    };
  }
  return result;
}
