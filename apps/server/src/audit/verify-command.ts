import type { CliIo } from '../cli/cli-io';
import { ExitCode } from '../cli/cli-io';
import type { FieldCipher } from '../crypto/data-cipher';
import type { VerifyResult } from './audit-log';
import { SqliteAuditLog } from './sqlite-audit-log';

/** The lines `readingroom audit verify` prints for a result, and its exit code. */
export function reportVerification(result: VerifyResult, io: Pick<CliIo, 'stdout' | 'stderr'>): number {
  if (result.ok) {
    io.stdout(`audit log intact: ${result.entries} entries\n`);
    // Worth copying somewhere else now and then: a log rewritten later will not end in this hash.
    if (result.head) io.stdout(`head: seq ${result.head.seq} sha256 ${result.head.hash}\n`);
    return ExitCode.Ok;
  }
  const where = result.seq === null ? 'audit log broken' : `audit log broken at seq ${result.seq}`;
  io.stderr(`${where}: ${result.message} [${result.problem}]\n`);
  io.stderr(`${result.entries} entries before it verified\n`);
  return ExitCode.Error;
}

/** `readingroom audit verify`: read-only, safe while the server runs. `cipher`: of an encrypted data directory. */
export function verifyAuditCommand(dataDir: string, io: Pick<CliIo, 'stdout' | 'stderr'>, cipher?: FieldCipher): number {
  return reportVerification(SqliteAuditLog.verifyDataDir(dataDir, cipher), io);
}
