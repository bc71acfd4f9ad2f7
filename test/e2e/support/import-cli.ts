import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './web-build';

/** Runs `readingroom import <paths> --data-dir <dataDir>` as a user would, and returns its output. */
export async function importWithCli(dataDir: string, paths: readonly string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(REPO_ROOT, 'apps/server/src/cli/main.ts'), 'import', ...paths, '--data-dir', dataDir],
    { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024 },
  );
  return stdout;
}
