import { safeFileStem, srPath, YOLO_CLASSES_FILE, type FormatName } from '@readingroom/formats';

/** The summary at the root of every export (`ExportReportView`). */
export const REPORT_FILE = 'export-report.json';

const dirOf = (path: string) => path.slice(0, path.lastIndexOf('/') + 1);

/**
 * Where a file of `exportLabels` goes in an export: one folder per format, one subfolder per read
 * (`consensus`, or the reader's id encoded like `safeFileStem`), then the format's own layout
 * without its top folder:
 *
 *     coco/<read>/coco.json
 *     yolo/<read>/classes.txt, images.txt, excluded.txt, labels/<image>.txt
 *     vindr-csv/<read>/annotations.csv
 *     dicom-sr/<read>/<StudyInstanceUID>.dcm      (one SR document per study of the read)
 */
export function exportPath(format: FormatName, readerId: string, path: string): string {
  const prefix = format === 'yolo' ? dirOf(YOLO_CLASSES_FILE) : format === 'dicom-sr' ? dirOf(srPath(readerId, '1')) : '';
  const rest = prefix !== '' && path.startsWith(prefix) ? path.slice(prefix.length) : path;
  return `${format}/${safeFileStem(readerId)}/${rest}`;
}
