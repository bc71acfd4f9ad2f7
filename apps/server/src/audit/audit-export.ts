import type { AuditEntry, AuditFilter, AuditLog } from './audit-log';
import type { AuditEntryView } from './audit-api-schemas';

export const CSV_COLUMNS = ['seq', 'time', 'actor', 'actor_username', 'action', 'project_id', 'study_uid', 'room', 'target_id', 'before', 'after', 'prev_hash', 'hash'] as const;

/**
 * One CSV field (RFC 4180 quoting). A text field starting with `=`, `+`, `-`, `@`, tab or CR is
 * prefixed with `'` so a spreadsheet does not run it as a formula (labels and notes are typed by users).
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvRow(v: AuditEntryView, entry: AuditEntry): string {
  const fields = [v.seq, v.time, v.actor, v.actorUsername, v.action, v.projectId, v.studyUid, v.room, v.targetId, entry.before, entry.after, v.prevHash, v.hash];
  return `${fields.map(csvField).join(',')}\r\n`;
}

/**
 * Streams every entry matching `filter`, oldest first, a page at a time (so memory stays flat
 * however long the log is), as CSV with a header row or as one JSON array.
 */
export function exportStream(
  log: AuditLog,
  filter: AuditFilter,
  format: 'csv' | 'json',
  toView: (entries: AuditEntry[]) => Promise<AuditEntryView[]>,
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: number | undefined;
  let started = false;
  let first = true;
  let done = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      let chunk = '';
      if (!started) {
        started = true;
        chunk += format === 'csv' ? `${CSV_COLUMNS.join(',')}\r\n` : '[';
      }
      const page = await log.query({ ...filter, limit: 500, order: 'asc', ...(cursor !== undefined ? { cursor } : {}) });
      const views = await toView(page.entries);
      page.entries.forEach((entry, i) => {
        const view = views[i]!;
        if (format === 'csv') chunk += csvRow(view, entry);
        else {
          chunk += `${first ? '\n' : ',\n'}${JSON.stringify(view)}`;
          first = false;
        }
      });
      if (page.nextCursor === null) {
        done = true;
        if (format === 'json') chunk += first ? ']\n' : '\n]\n';
      } else cursor = page.nextCursor;
      if (chunk) controller.enqueue(encoder.encode(chunk));
      if (done) controller.close();
    },
  });
}
