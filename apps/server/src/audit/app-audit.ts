import type { Logger } from '@readingroom/sync-server';
import type { AuditLog } from './audit-log';
import { AuditRecorder } from './audit-recorder';
import { MemoryAuditLog } from './memory-audit-log';

/** The audit log and the recorder that batches appends into it, as the HTTP app uses them. */
export interface AppAudit {
  readonly log: AuditLog;
  readonly recorder: AuditRecorder;
}

/** An in-memory audit (tests, and apps built without a data directory). */
export function memoryAudit(logger: Logger): AppAudit {
  const log = new MemoryAuditLog();
  return { log, recorder: new AuditRecorder(log, logger) };
}
