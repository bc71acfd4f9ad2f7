import type { FormatName, LabelFile } from '@readingroom/formats';
import { looksLikeZip, unzipBounded } from '../import/unzip';
import { REPORT_FILE } from './export-layout';

/** A file as uploaded or read from disk, before it is known to be labels. */
export interface RawFile {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** Names given to a single uploaded file without a name, so the format's importer recognises it. */
export const DEFAULT_FILE_NAMES: Readonly<Record<FormatName, string>> = {
  coco: 'coco.json',
  'vindr-csv': 'annotations.csv',
  'dicom-sr': 'labels.dcm',
  yolo: 'labels/image.txt',
};

const TEXT = /\.(json|csv|txt)$/i;
const decoder = new TextDecoder('utf-8');

/**
 * Turns uploaded or read files into label files: zips are expanded (bounded: `maxBytes` in all,
 * 100 000 entries), text files (`.json`, `.csv`, `.txt`) are decoded as UTF-8 (without a byte
 * order mark), everything else stays bytes (DICOM SR). An export's own `export-report.json` is
 * left out. Throws `ZipRefusedError` for a zip that is too large or unreadable.
 */
export function labelFilesOf(raw: readonly RawFile[], maxBytes: number): LabelFile[] {
  const out: LabelFile[] = [];
  let budget = maxBytes;
  for (const file of raw) {
    const entries = looksLikeZip(file.bytes) ? unzipBounded(file.bytes, { maxBytes: budget }).map((e) => ({ name: e.name, bytes: e.bytes })) : [file];
    for (const entry of entries) {
      budget -= entry.bytes.byteLength;
      const path = entry.name.replace(/\\/g, '/').replace(/^\/+/, '');
      if (path === '' || path.endsWith('/') || path.split('/').at(-1) === REPORT_FILE) continue;
      const content = TEXT.test(path) ? decoder.decode(entry.bytes).replace(/^\uFEFF/, '') : entry.bytes;
      out.push({ path, content });
    }
  }
  return out;
}
