import { execFile } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WEB_APP = join(REPO_ROOT, 'apps', 'web');
export const WEB_DIST = join(WEB_APP, 'dist');

function newestMtime(path: string): number {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) return 0;
  if (!stats.isDirectory()) return stats.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/**
 * Builds the web client when `apps/web/dist` is missing (a clean clone) or older than its
 * sources, so the browser never tests a stale bundle. A build takes about 20 s. It is built into
 * a folder of its own and swapped in, so a server of another test run (several people work in
 * one checkout) never serves a half-written dist.
 */
export async function ensureWebBuild(): Promise<'built' | 'up to date'> {
  const built = newestMtime(join(WEB_DIST, 'index.html'));
  const sources = Math.max(
    ...['src', 'index.html', 'vite.config.ts', 'package.json'].map((name) => newestMtime(join(WEB_APP, name))),
  );
  if (built > sources) return 'up to date';
  const staging = `${WEB_DIST}.building-${process.pid}`;
  const previous = `${WEB_DIST}.previous-${process.pid}`;
  try {
    await promisify(execFile)('pnpm', ['--filter', '@readingroom/web', 'build', '--outDir', staging, '--emptyOutDir'], {
      cwd: REPO_ROOT,
      maxBuffer: 32 * 1024 * 1024,
    });
    if (existsSync(WEB_DIST)) renameSync(WEB_DIST, previous);
    renameSync(staging, WEB_DIST);
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(previous, { recursive: true, force: true });
  }
  return 'built';
}
