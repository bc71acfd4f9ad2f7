import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { verifyPassword } from '../users/password';
import { startServer } from '../server';
import { runCli } from './program';

const REPO_ROOT = resolve(import.meta.dirname, '../../../..');

function cli(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const run = (...argv: string[]) => runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env });
  return { run, out, err, stdout: () => out.join(''), stderr: () => err.join('') };
}

const tmpDir = () => mkdtempSync(join(tmpdir(), 'rr-cli-'));

async function passwordOf(dataDir: string, username: string) {
  const store = SqliteUserStore.open({ filename: join(dataDir, 'readingroom.db') });
  try {
    return (await store.findByUsername(username))?.passwordHash;
  } finally {
    await store.close();
  }
}

describe('readingroom user', () => {
  it('adds a user whose password then logs in over HTTP', async () => {
    const dataDir = tmpDir();
    const c = cli();
    expect(await c.run('user', 'add', 'dr.house', '--password', 'vicodin-123', '--data-dir', dataDir)).toBe(0);
    expect(c.stdout()).toContain('created user "dr.house"');
    expect(c.stdout()).not.toContain('vicodin');

    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent' }, { announce: () => {} });
    try {
      const res = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'dr.house', password: 'vicodin-123' }),
      });
      expect(res.status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('generates and prints a password when none is given, and marks admins', async () => {
    const dataDir = tmpDir();
    const c = cli({ READINGROOM_DATA_DIR: dataDir });
    expect(await c.run('user', 'add', 'ada', '--admin')).toBe(0);
    const password = /password: (\S+)/.exec(c.stdout())?.[1];
    expect(await verifyPassword(password!, (await passwordOf(dataDir, 'ada'))!)).toBe(true);
    expect(await c.run('user', 'list')).toBe(0);
    expect(c.stdout()).toMatch(/ada\tadmin\t/);
  });

  it('changes a password with passwd', async () => {
    const dataDir = tmpDir();
    const c = cli({ READINGROOM_DATA_DIR: dataDir });
    await c.run('user', 'add', 'ada', '--password', 'first-password');
    expect(await c.run('user', 'passwd', 'ada', '--password', 'second-password')).toBe(0);
    expect(await verifyPassword('second-password', (await passwordOf(dataDir, 'ada'))!)).toBe(true);
  });

  it('exits 1 with a clear message for a taken or invalid username, a short password or an unknown user', async () => {
    const dataDir = tmpDir();
    const c = cli({ READINGROOM_DATA_DIR: dataDir });
    await c.run('user', 'add', 'ada', '--password', 'first-password');
    expect(await c.run('user', 'add', 'ada', '--password', 'first-password')).toBe(1);
    expect(c.stderr()).toContain('user "ada" already exists');
    expect(await c.run('user', 'add', 'Not Valid')).toBe(1);
    expect(c.stderr()).toContain('invalid username');
    expect(await c.run('user', 'add', 'bob', '--password', 'short')).toBe(1);
    expect(c.stderr()).toContain('at least 8 characters');
    expect(await c.run('user', 'passwd', 'nobody')).toBe(1);
    expect(c.stderr()).toContain('no user "nobody"');
  });

  it('exits 2 on usage errors and 0 for --help', async () => {
    const c = cli();
    expect(await c.run('user', 'add')).toBe(2);
    expect(await c.run('frobnicate')).toBe(2);
    expect(await c.run('serve', '--no-such-flag')).toBe(2);
    expect(await c.run('--help')).toBe(0);
  });

  it('runs as a process: user add, then list, with exit codes', () => {
    const dataDir = tmpDir();
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'apps/server/src/cli/main.ts', ...args], {
        cwd: REPO_ROOT,
        encoding: 'utf8',
        env: { ...process.env, READINGROOM_DATA_DIR: dataDir },
      });
    const add = run('user', 'add', 'cli-user', '--password', 'password-123');
    expect(add.stderr).toBe('');
    expect(add.status).toBe(0);
    const list = run('user', 'list');
    expect(list.stdout).toContain('cli-user');
    expect(run('user', 'add').status).toBe(2);
  }, 90_000); // three cold tsx starts; slow on a loaded two-core machine
});
