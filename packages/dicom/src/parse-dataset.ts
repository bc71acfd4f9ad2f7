import { dicomParser, type DataSet, type Element, type ParseDicomOptions } from './dicom-parser-module';
import { SkipReason, type ParseFailure } from './skip-reason';
import { TransferSyntax } from './transfer-syntax';
import { dictionaryVr } from './vr-dictionary';
import { tagFromParserKey } from './tag';

/** Options shared by the parsing entry points. */
export interface ParseOptions {
  /**
   * Raw DEFLATE decompressor for the Deflated Explicit VR Little Endian transfer syntax
   * (e.g. `zlib.inflateRawSync` or `pako.inflateRaw`). Without it such files are `unsupported`.
   */
  inflateRaw?: (deflated: Uint8Array) => Uint8Array;
}

/** A dataset parsed by dicom-parser, with its transfer syntax. */
export interface ParsedDataSet {
  ok: true;
  dataSet: DataSet;
  transferSyntaxUid: string;
}

/** True when the 128-byte preamble is followed by the `DICM` magic. */
export function hasPart10Preamble(bytes: Uint8Array): boolean {
  return bytes.length >= 132 && bytes[128] === 0x44 && bytes[129] === 0x49 && bytes[130] === 0x43 && bytes[131] === 0x4d;
}

function failure(reason: ParseFailure['reason'], message: string): ParseFailure {
  return { ok: false, reason, message };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Implicit VR needs a dictionary to recognise defined-length sequences. */
const vrCallback = (key: string): string => dictionaryVr(tagFromParserKey(key));

/**
 * A raw dataset without preamble is only accepted when it starts like one: an even group no
 * higher than 0x0008, and when the parse finds a SOP Instance UID. Random bytes fail this.
 */
function looksLikeRawDataSet(bytes: Uint8Array): boolean {
  if (bytes.length < 8) return false;
  const group = (bytes[0] ?? 0) | ((bytes[1] ?? 0) << 8);
  return group === 0x0008 || group === 0x0002;
}

/** Every element (and encapsulated fragment) must end inside the buffer: dicom-parser is lenient. */
function findOverrun(dataSet: DataSet, size: number): string | undefined {
  for (const [key, element] of Object.entries(dataSet.elements)) {
    if (element.dataOffset + element.length > size) return key;
    for (const fragment of element.fragments ?? []) {
      if (fragment.position + fragment.length > size) return key;
    }
    for (const item of element.items ?? []) {
      if (item.dataSet) {
        const inner = findOverrun(item.dataSet, size);
        if (inner) return inner;
      }
    }
  }
  return undefined;
}

function pixelDataHasDelimiter(dataSet: DataSet, element: Element): boolean {
  if (!element.encapsulatedPixelData) return true;
  return !dataSet.warnings.some((warning) => warning.includes('missing sequence delimiter'));
}

/**
 * Parses Part 10 bytes (or a bare implicit VR dataset) with dicom-parser and classifies
 * failures as skip reasons. Deflated data is inflated through `options.inflateRaw`.
 */
export function parseDataSet(bytes: Uint8Array, options: ParseOptions = {}): ParsedDataSet | ParseFailure {
  const part10 = hasPart10Preamble(bytes);
  if (!part10 && !looksLikeRawDataSet(bytes)) return failure(SkipReason.NotDicom, 'no DICM preamble and no dataset header');
  let transferSyntaxUid: string = TransferSyntax.ImplicitVrLittleEndian;
  if (part10) {
    try {
      const meta = dicomParser.readPart10Header(bytes);
      transferSyntaxUid = meta.string('x00020010') ?? '';
    } catch (error) {
      return failure(SkipReason.Truncated, `file meta information unreadable: ${errorText(error)}`);
    }
    if (transferSyntaxUid === '') return failure(SkipReason.Unsupported, 'file meta information has no transfer syntax');
  }
  const parseOptions: ParseDicomOptions = { vrCallback: vrCallback as unknown as (tag: string) => void };
  if (!part10) parseOptions.TransferSyntaxUID = TransferSyntax.ImplicitVrLittleEndian;
  if (transferSyntaxUid === TransferSyntax.DeflatedExplicitVrLittleEndian) {
    const inflateRaw = options.inflateRaw;
    if (!inflateRaw) return failure(SkipReason.Unsupported, 'deflated transfer syntax needs an inflateRaw function');
    parseOptions.inflater = ((array: Uint8Array, position: number) => {
      const inflated = inflateRaw(array.subarray(position));
      const full = new Uint8Array(position + inflated.length);
      full.set(array.subarray(0, position), 0);
      full.set(inflated, position);
      return full;
    }) as unknown as ParseDicomOptions['inflater'];
  }
  let dataSet: DataSet;
  try {
    dataSet = dicomParser.parseDicom(bytes, parseOptions);
  } catch (error) {
    if (!part10) return failure(SkipReason.NotDicom, `not parseable as a dataset: ${errorText(error)}`);
    return failure(SkipReason.Truncated, `dataset unreadable: ${errorText(error)}`);
  }
  if (!part10 && dataSet.elements['x00080018'] === undefined) {
    return failure(SkipReason.NotDicom, 'bare dataset without SOP Instance UID');
  }
  const overrun = findOverrun(dataSet, dataSet.byteArray.length);
  if (overrun) return failure(SkipReason.Truncated, `element ${tagFromParserKey(overrun)} runs past the end of the data`);
  const pixelData = dataSet.elements['x7fe00010'];
  if (pixelData && !pixelDataHasDelimiter(dataSet, pixelData)) {
    return failure(SkipReason.Truncated, 'encapsulated pixel data has no sequence delimiter');
  }
  return { ok: true, dataSet, transferSyntaxUid };
}
