import { importCoco } from './coco/coco-import';
import { baseName } from './file-names';
import { ImportSession } from './import-session';
import { importSr } from './sr/sr-import';
import type { FormatName, ImportContext, ImportResult, LabelFile } from './types';
import { importVindrCsv } from './vindr/vindr-import';
import { importYolo } from './yolo/yolo-import';

/**
 * Imports labels in a format into one read. Files are matched by name: COCO `*.json`, CSV
 * `*.csv`, YOLO `labels/*.txt` with `classes.txt` and `excluded.txt`, DICOM SR `*.dcm` (or
 * any file starting with a Part 10 preamble). Every file and item is checked at the boundary;
 * what cannot be taken is listed in `skipped` with a reason (unknown image, unknown class, box
 * outside the image, malformed, other reader, slice range, unsupported). Throws
 * `FormatInputError` only for an invalid context.
 */
export function importLabels(format: FormatName, files: readonly LabelFile[], context: ImportContext): ImportResult {
  const session = new ImportSession(context);
  switch (format) {
    case 'coco':
      for (const file of files) if (baseName(file.path).endsWith('.json')) importCoco(session, file);
      break;
    case 'vindr-csv':
      for (const file of files) if (baseName(file.path).endsWith('.csv')) importVindrCsv(session, file);
      break;
    case 'yolo':
      importYolo(session, files);
      break;
    case 'dicom-sr':
      for (const file of files) if (baseName(file.path).endsWith('.dcm') || isPart10(file.content)) importSr(session, file);
      break;
  }
  return session.result();
}

function isPart10(content: string | Uint8Array): boolean {
  return typeof content !== 'string' && content.length > 132 && String.fromCharCode(...content.subarray(128, 132)) === 'DICM';
}
