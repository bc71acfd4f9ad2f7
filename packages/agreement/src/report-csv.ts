import type { DetectionScores } from './detection-scores';
import type { AgreementReport } from './report';

/** The columns of {@link agreementReportToCsv}. */
export const REPORT_CSV_HEADER = ['section', 'label', 'reader', 'other', 'metric', 'value'] as const;

type Cell = string | number | boolean | null;

/**
 * RFC 4180 field: quoted when it holds a comma, quote or line break. Text starting with = + - @
 * (or a tab / carriage return) gets a leading apostrophe so spreadsheets do not run it as a formula.
 */
function field(value: Cell): string {
  if (value === null) return '';
  if (typeof value !== 'string') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

const SCORE_METRICS = ['tp', 'fp', 'fn', 'precision', 'recall', 'f1', 'meanIoU'] as const satisfies readonly (keyof DetectionScores)[];

/**
 * The report as one long-format CSV table (header `section,label,reader,other,metric,value`,
 * CRLF line ends, empty cell for null): sections `summary`, `class`, `pair`, `reader`,
 * `consensus_class`. Numbers are written with full precision.
 */
export function agreementReportToCsv(report: AgreementReport): string {
  const rows: Cell[][] = [[...REPORT_CSV_HEADER]];
  const summary = (metric: string, value: Cell) => rows.push(['summary', null, null, null, metric, value]);
  summary('readers', report.readers.length);
  summary('images', report.imageCount);
  summary('studies', report.studyCount);
  summary('iou_threshold', report.threshold);
  summary('label_agnostic', report.labelAgnostic);
  summary('unresolved_disagreements', report.unresolvedDisagreements);
  for (const [kind, n] of Object.entries(report.unresolvedByKind)) summary(`unresolved_${kind}`, n);
  for (const c of report.classes) {
    rows.push(['class', c.label, null, null, 'kappa_method', c.method]);
    rows.push(['class', c.label, null, null, 'kappa', c.kappa]);
    for (const [reader, n] of Object.entries(c.imagesPresent)) rows.push(['class', c.label, reader, null, 'images_present', n]);
  }
  for (const p of report.readerPairs) {
    for (const m of SCORE_METRICS) rows.push(['pair', null, p.readerA, p.readerB, m, p[m]]);
  }
  for (const r of report.readerStats) {
    const row = (metric: string, value: Cell) => rows.push(['reader', null, r.readerId, null, metric, value]);
    row('annotations', r.annotations);
    row('annotations_per_study', r.annotationsPerStudy);
    row('images_with_findings', r.imagesWithFindings);
    row('finding_rate', r.findingRate);
    if (r.vsConsensus) for (const m of SCORE_METRICS) row(`consensus_${m}`, r.vsConsensus[m]);
  }
  for (const c of report.consensus.classBalance) {
    rows.push(['consensus_class', c.label, null, null, 'count', c.count]);
    rows.push(['consensus_class', c.label, null, null, 'fraction', c.fraction]);
  }
  return rows.map((r) => r.map(field).join(',')).join('\r\n') + '\r\n';
}
