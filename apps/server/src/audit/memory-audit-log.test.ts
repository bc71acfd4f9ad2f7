import { runAuditLogTests } from './audit-log.suite';
import type { AuditEntry } from './audit-log';
import { MemoryAuditLog } from './memory-audit-log';

runAuditLogTests('MemoryAuditLog', async () => {
  const log = new MemoryAuditLog();
  const index = (seq: number) => {
    const i = log.rows.findIndex((r) => r.seq === seq);
    if (i < 0) throw new Error(`no row ${seq}`);
    return i;
  };
  return {
    log,
    async edit(seq, column, value) {
      const i = index(seq);
      log.rows[i] = { ...log.rows[i]!, [column]: value } as AuditEntry;
    },
    async remove(seq) {
      log.rows.splice(index(seq), 1);
    },
    async insertRaw(entry) {
      log.rows.push(entry);
      log.rows.sort((a, b) => a.seq - b.seq);
    },
    async renumber(fromSeq, delta) {
      for (let i = 0; i < log.rows.length; i++) if (log.rows[i]!.seq >= fromSeq) log.rows[i] = { ...log.rows[i]!, seq: log.rows[i]!.seq + delta };
    },
    async cleanup() {},
  };
});
