import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startServer } from '../server';
import { runCli } from './program';

function cli(dataDir: string) {
  const out: string[] = [];
  const err: string[] = [];
  const run = (...argv: string[]) => runCli(argv, { stdout: (t) => out.push(t), stderr: (t) => err.push(t), env: { READINGROOM_DATA_DIR: dataDir } });
  return { run, stdout: () => out.join(''), stderr: () => err.join('') };
}

describe('readingroom project', () => {
  it('adds a project, makes a user a member, lists it, and the server then shows it to that member', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rr-cli-project-'));
    const c = cli(dataDir);
    expect(await c.run('user', 'add', 'alice', '--password', 'alice-password-1')).toBe(0);
    expect(await c.run('project', 'add', 'Lung screening', '--description', 'LDCT')).toBe(0);
    expect(await c.run('project', 'member', 'Lung screening', 'alice', 'reader')).toBe(0);
    expect(c.stdout()).toContain('"alice" is reader in "Lung screening"');
    expect(await c.run('project', 'list')).toBe(0);
    expect(c.stdout()).toMatch(/Lung screening\t[0-9a-f-]{36}\t1 member\tlocal/);

    const server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminPassword: 'admin-password-1' });
    try {
      const login = await fetch(`${server.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'alice', password: 'alice-password-1' }),
      });
      const { token } = (await login.json()) as { token: string };
      const res = await fetch(`${server.url}/api/projects`, { headers: { authorization: `Bearer ${token}` } });
      const body = (await res.json()) as { projects: { name: string; description: string; role: string }[] };
      expect(body.projects).toEqual([expect.objectContaining({ name: 'Lung screening', description: 'LDCT', role: 'reader' })]);
    } finally {
      await server.close();
    }
  });

  it('exits 1 for a duplicate project, an unknown project or user, and an unknown role', async () => {
    const c = cli(mkdtempSync(join(tmpdir(), 'rr-cli-project-')));
    await c.run('user', 'add', 'alice', '--password', 'alice-password-1');
    await c.run('project', 'add', 'P');
    expect(await c.run('project', 'add', 'P')).toBe(1);
    expect(c.stderr()).toContain('a project named "P" already exists');
    expect(await c.run('project', 'member', 'Nope', 'alice', 'reader')).toBe(1);
    expect(c.stderr()).toContain('no project "Nope"');
    expect(await c.run('project', 'member', 'P', 'nobody', 'reader')).toBe(1);
    expect(c.stderr()).toContain('no user "nobody"');
    expect(await c.run('project', 'member', 'P', 'alice', 'boss')).toBe(1);
    expect(c.stderr()).toContain('invalid role "boss"');
    expect(await c.run('project', 'member', 'P', 'alice')).toBe(2);
  });
});
