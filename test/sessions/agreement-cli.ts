// Runs `readingroom agreement` as a separate process, as an operator would next to a running server.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/** `readingroom agreement <args> --data-dir <dataDir>`: its stdout, failing on a non-zero exit. */
export async function agreementCli(dataDir: string, args: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'apps/server/src/cli/main.ts', 'agreement', ...args, '--data-dir', dataDir],
    { cwd: REPO_ROOT, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, READINGROOM_DATA_DIR: undefined } },
  );
  return stdout;
}
