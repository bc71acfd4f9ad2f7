import type { SkipReason } from '@readingroom/dicom';

/** Why a file was not imported: the parser's reasons, or the file could not be read. */
export type ImportSkipReason = SkipReason | 'unreadable';

/** One skipped file. `message` never contains patient data. */
export interface SkippedFile {
  /** The path given on the command line (or walked to), or the uploaded/zip entry name. */
  readonly path: string;
  readonly reason: ImportSkipReason;
  readonly message: string;
}

/** What an import did. Counts only: no UIDs, names or IDs. */
export interface ImportSummary {
  /** Studies and series that received at least one new instance. */
  readonly studies: number;
  readonly series: number;
  readonly instances: number;
  readonly alreadyPresent: number;
  readonly skipped: Partial<Record<ImportSkipReason, number>>;
  readonly skippedFiles: readonly SkippedFile[];
}

/** At least one file imported, or every file already present. */
export function importSucceeded(summary: ImportSummary): boolean {
  return summary.instances > 0 || (summary.alreadyPresent > 0 && summary.skippedFiles.length === 0);
}

/** `skipped <path>: <reason> (<message>)` */
export function formatSkip(skip: SkippedFile): string {
  return `skipped ${skip.path}: ${skip.reason} (${skip.message})`;
}

/** A few lines for people: imported counts, already present, skipped by reason. */
export function formatSummary(summary: ImportSummary): string {
  const lines = [
    `imported ${summary.instances} instance${summary.instances === 1 ? '' : 's'} in ${summary.series} series of ${summary.studies} stud${summary.studies === 1 ? 'y' : 'ies'}`,
    `already present: ${summary.alreadyPresent}`,
  ];
  const reasons = Object.entries(summary.skipped).sort(([a], [b]) => a.localeCompare(b));
  const total = reasons.reduce((sum, [, n]) => sum + (n ?? 0), 0);
  lines.push(`skipped: ${total}${reasons.length > 0 ? ` (${reasons.map(([r, n]) => `${r}: ${n}`).join(', ')})` : ''}`);
  return `${lines.join('\n')}\n`;
}
