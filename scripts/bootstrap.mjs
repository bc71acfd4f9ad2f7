#!/usr/bin/env node
// Fresh-machine entry point behind the README's two Quick start commands. Needs only Node 20:
// installs the pinned pnpm, installs the workspace (compiling better-sqlite3 against the local
// Node headers, as no prebuilt binary can be downloaded), then starts the server or runs the tests.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const PNPM_VERSION = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.split('@')[1];
const mode = process.argv[2];
const passthrough = process.argv.slice(3);

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function pnpmVersion() {
  const r = spawnSync('pnpm', ['--version'], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

function ensurePnpm() {
  if (pnpmVersion() === PNPM_VERSION) return;
  console.log(`> installing pnpm ${PNPM_VERSION}`);
  if (run('npm', ['install', '--global', `pnpm@${PNPM_VERSION}`]) !== 0 || pnpmVersion() !== PNPM_VERSION) {
    console.error(`Could not install pnpm ${PNPM_VERSION} globally (try: sudo npm install -g pnpm@${PNPM_VERSION}).`);
    process.exit(1);
  }
}

function install() {
  ensurePnpm();
  const env = {};
  // node-gyp would otherwise try to download Node headers; use the ones installed with Node.
  for (const dir of [process.env.npm_config_nodedir, '/usr', '/usr/local', dirname(dirname(process.execPath))]) {
    if (dir && existsSync(join(dir, 'include', 'node', 'node.h'))) {
      env.npm_config_nodedir = dir;
      break;
    }
  }
  const args = ['install', ...(process.env.CI ? ['--frozen-lockfile'] : [])];
  if (run('pnpm', args, env) !== 0) process.exit(1);
}

function summarize(reportPath) {
  if (!existsSync(reportPath)) return null;
  const report = JSON.parse(readFileSync(reportPath, 'utf8'));
  return {
    passed: report.numPassedTests ?? 0,
    failed: report.numFailedTests ?? 0,
    skipped: (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0),
    // A file that fails to load has no failed test but is a failure all the same.
    suitesFailed: report.numFailedTestSuites ?? 0,
  };
}

if (mode === 'start') {
  install();
  // The server serves the web client from apps/web/dist.
  if (run('pnpm', ['--filter', '@readingroom/web', 'build']) !== 0) process.exit(1);
  process.exit(run('pnpm', ['readingroom', 'serve', ...passthrough]));
} else if (mode === 'test') {
  install();
  // The suites use real services from Debian (Orthanc, Chromium, dcmtk); install what is missing.
  if (run('bash', ['scripts/ci-services.sh']) !== 0) {
    console.error('Could not install the Debian packages the tests need (see scripts/ci-services.sh); run it as root.');
    process.exit(1);
  }
  const reportDir = join(root, 'test-results');
  mkdirSync(reportDir, { recursive: true });
  const reportPath = join(reportDir, 'vitest.json');
  const typecheck = run('pnpm', ['typecheck']);
  const tests = run('pnpm', ['exec', 'vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${reportPath}`, ...passthrough]);
  const s = summarize(reportPath);
  const passed = s?.passed ?? 0;
  let failed = (s?.failed ?? 0) + (typecheck === 0 ? 0 : 1);
  if (tests !== 0 && (s?.failed ?? 0) === 0) failed += Math.max(1, s?.suitesFailed ?? 1);
  if (typecheck !== 0) console.log('typecheck failed (counted as one failure)');
  console.log(`${passed} passed, ${failed} failed${s?.skipped ? `, ${s.skipped} skipped` : ''}`);
  process.exit(typecheck === 0 && tests === 0 && failed === 0 ? 0 : 1);
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test [args...]');
  process.exit(2);
}
