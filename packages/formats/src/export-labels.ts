import { exportCoco } from './coco/coco-export';
import { prepareExport, type PreparedExport } from './prepare-export';
import { exportSr } from './sr/sr-export';
import type { ExportInput, ExportResult, FormatName, LabelFile } from './types';
import { exportVindrCsv } from './vindr/vindr-export';
import { exportYolo } from './yolo/yolo-export';

const EXPORTERS: Record<FormatName, (prepared: PreparedExport) => LabelFile[]> = {
  coco: exportCoco,
  yolo: exportYolo,
  'vindr-csv': exportVindrCsv,
  'dicom-sr': exportSr,
};

/**
 * Exports one read's labels (a reader's or the consensus) in a format. Pure: returns the files
 * (paths relative to the export root, text or bytes) plus what was left out and why, and what
 * the format could not express. Throws `FormatInputError` for invalid input. The same input
 * always gives the same files.
 */
export function exportLabels(format: FormatName, input: ExportInput): ExportResult {
  const prepared = prepareExport(input);
  const files = EXPORTERS[format](prepared);
  return { files, skipped: prepared.skipped, warnings: prepared.warnings };
}
