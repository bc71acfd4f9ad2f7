import type { DataSet, Element } from './dicom-parser-module';
import { toBase64 } from './base64';
import { parseDataSet, type ParseOptions } from './parse-dataset';
import { tagFromParserKey } from './tag';
import { decodeText } from './text-codec';
import { dictionaryVr } from './vr-dictionary';

/** One attribute in the DICOM JSON model (PS3.18 F.2.2). */
export interface DicomJsonAttribute {
  vr: string;
  Value?: unknown[];
  InlineBinary?: string;
  BulkDataURI?: string;
}

/** A dataset in the DICOM JSON model: `GGGGEEEE` → attribute. */
export type DicomJsonDataSet = Record<string, DicomJsonAttribute>;

/** Options of {@link readDicomJsonMetadata} beyond the bulk data URI builder. */
export interface DicomJsonOptions extends ParseOptions {
  /** Binary values longer than this many bytes become BulkDataURI when a URI builder is given. Default 1024. */
  bulkDataThreshold?: number;
}

const PIXEL_DATA_TAGS = new Set(['7FE00010', '7FE00008', '7FE00009']);
const SPLIT_STRING_VRS = new Set(['AE', 'AS', 'CS', 'DA', 'DT', 'LO', 'SH', 'TM', 'UC', 'UI']);
const TEXT_VRS = new Set(['LT', 'ST', 'UT', 'UR']);
const BINARY_VRS = new Set(['OB', 'OD', 'OF', 'OL', 'OV', 'OW', 'UN']);
const NUMERIC: Record<string, { size: number; read: (ds: DataSet, key: string, index: number) => number | undefined }> = {
  US: { size: 2, read: (ds, key, i) => ds.uint16(key, i) },
  SS: { size: 2, read: (ds, key, i) => ds.int16(key, i) },
  UL: { size: 4, read: (ds, key, i) => ds.uint32(key, i) },
  SL: { size: 4, read: (ds, key, i) => ds.int32(key, i) },
  FL: { size: 4, read: (ds, key, i) => ds.float(key, i) },
  FD: { size: 8, read: (ds, key, i) => ds.double(key, i) },
};

interface Context {
  bulkDataUri: ((tag: string) => string) | undefined;
  threshold: number;
  charset: string | undefined;
}

function elementVr(key: string, element: Element): string {
  if (element.vr) return element.vr;
  if (element.items) return 'SQ';
  return dictionaryVr(tagFromParserKey(key));
}

function valueBytes(ds: DataSet, element: Element): Uint8Array {
  return ds.byteArray.subarray(element.dataOffset, element.dataOffset + element.length);
}

function stringValues(raw: string, vr: string): Array<string | null> {
  const trimmed = raw.replace(/[\0 ]+$/, '');
  if (TEXT_VRS.has(vr)) return [trimmed];
  return trimmed.split('\\').map((part) => {
    const value = vr === 'UI' ? part.replace(/\0/g, '').trim() : part.trim();
    return value === '' ? null : value;
  });
}

function personName(value: string | null): unknown {
  if (value === null) return null;
  const [alphabetic, ideographic, phonetic] = value.split('=');
  const name: Record<string, string> = {};
  if (alphabetic) name['Alphabetic'] = alphabetic;
  if (ideographic) name['Ideographic'] = ideographic;
  if (phonetic) name['Phonetic'] = phonetic;
  return name;
}

function numberString(value: string | null): number | null {
  if (value === null) return null;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : null;
}

function attributeTags(ds: DataSet, element: Element): string[] {
  const out: string[] = [];
  for (let offset = 0; offset + 4 <= element.length; offset += 4) {
    const group = ds.byteArrayParser.readUint16(ds.byteArray, element.dataOffset + offset);
    const elem = ds.byteArrayParser.readUint16(ds.byteArray, element.dataOffset + offset + 2);
    out.push(((group << 16) | elem).toString(16).toUpperCase().padStart(8, '0').slice(-8));
  }
  return out;
}

function convertElement(ds: DataSet, key: string, element: Element, context: Context): DicomJsonAttribute | undefined {
  const tag = tagFromParserKey(key);
  const vr = elementVr(key, element);
  if (vr === 'SQ') {
    const items = (element.items ?? []).map((item) => (item.dataSet ? convertDataSet(item.dataSet, context) : {}));
    return items.length > 0 ? { vr, Value: items } : { vr };
  }
  if (PIXEL_DATA_TAGS.has(tag) || (BINARY_VRS.has(vr) && element.length > context.threshold && context.bulkDataUri)) {
    return context.bulkDataUri ? { vr, BulkDataURI: context.bulkDataUri(tag) } : undefined;
  }
  if (element.length === 0) return { vr };
  if (BINARY_VRS.has(vr)) return { vr, InlineBinary: toBase64(valueBytes(ds, element)) };
  const numeric = NUMERIC[vr];
  if (numeric) {
    const values: number[] = [];
    for (let i = 0; i < Math.floor(element.length / numeric.size); i += 1) {
      const value = numeric.read(ds, key, i);
      if (value !== undefined) values.push(value);
    }
    return { vr, Value: values };
  }
  if (vr === 'AT') return { vr, Value: attributeTags(ds, element) };
  const raw = decodeText(valueBytes(ds, element), context.charset);
  const values = stringValues(raw, vr);
  if (values.every((value) => value === null || value === '')) return { vr };
  if (vr === 'PN') return { vr, Value: values.map(personName) };
  if (vr === 'IS' || vr === 'DS') return { vr, Value: values.map(numberString) };
  if (SPLIT_STRING_VRS.has(vr) || TEXT_VRS.has(vr)) return { vr, Value: values };
  // Unknown VR in an implicit dataset: keep the bytes rather than guess.
  return { vr: 'UN', InlineBinary: toBase64(valueBytes(ds, element)) };
}

function convertDataSet(ds: DataSet, parent: Context): DicomJsonDataSet {
  const charset = ds.elements['x00080005'] ? ds.string('x00080005') : parent.charset;
  const context = { ...parent, charset };
  const out: DicomJsonDataSet = {};
  for (const key of Object.keys(ds.elements).sort()) {
    const element = ds.elements[key];
    const tag = tagFromParserKey(key);
    if (!element || tag.endsWith('0000') || tag.startsWith('FFFE')) continue;
    const attribute = convertElement(ds, key, element, context);
    if (attribute) out[tag] = attribute;
  }
  return out;
}

/**
 * The DICOM JSON model (PS3.18 F.2) of one instance, as served by WADO-RS `/metadata`: file
 * meta and dataset attributes, sequences recursively, numbers for IS/DS/US/SS/UL/SL/FL/FD,
 * `{Alphabetic}` objects for PN. Pixel data is omitted, or a BulkDataURI when `bulkDataUri` is
 * given (as are other binary values above `bulkDataThreshold`); small binaries are InlineBinary.
 * Throws when the bytes cannot be parsed; index with {@link parseInstance} first.
 */
export function readDicomJsonMetadata(
  bytes: Uint8Array,
  bulkDataUri?: (tag: string) => string,
  options: DicomJsonOptions = {},
): DicomJsonDataSet {
  const parsed = parseDataSet(bytes, options);
  if (!parsed.ok) throw new Error(`cannot read DICOM metadata: ${parsed.reason}: ${parsed.message}`);
  return convertDataSet(parsed.dataSet, {
    bulkDataUri,
    threshold: options.bulkDataThreshold ?? 1024,
    charset: undefined,
  });
}
