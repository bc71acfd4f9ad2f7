import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { createAuthenticate } from './authenticate';
import { createSessions } from './sessions';
import { SqliteTokenStore } from './sqlite-token-store';
import { MemoryTokenStore, type TokenStore } from './token-store';
import { createTokenService } from './tokens';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const tempDb = () => {
  const dir = mkdtempSync(join(tmpdir(), 'rr-tokens-'));
  dirs.push(dir);
  return join(dir, 'readingroom.db');
};

const suites: Array<[string, () => TokenStore]> = [
  ['memory', () => new MemoryTokenStore()],
  ['sqlite', () => SqliteTokenStore.open({ filename: tempDb() })],
];

for (const [name, open] of suites) {
  describe(`${name} token store`, () => {
    it('remembers revoked tokens until they would have expired', async () => {
      const store = open();
      await store.revoke('a', 'u', 100);
      await store.revoke('b', 'u', 200);
      await store.revoke('a', 'u', 50); // never shortens
      expect(await store.isRevoked('a')).toBe(true);
      expect(await store.isRevoked('c')).toBe(false);
      expect(await store.pruneExpired(150)).toBe(1);
      expect(await store.isRevoked('a')).toBe(false);
      expect(await store.isRevoked('b')).toBe(true);
      await store.close();
    });

    it('counts token generations per user from 0', async () => {
      const store = open();
      expect(await store.generation('u')).toBe(0);
      expect(await store.bumpGeneration('u')).toBe(1);
      expect(await store.bumpGeneration('u')).toBe(2);
      expect(await store.generation('v')).toBe(0);
      await store.close();
    });
  });
}

describe('sqlite token store next to the users', () => {
  it('moves the token generation on whenever a password changes, through any connection to the database', async () => {
    const filename = tempDb();
    const users = SqliteUserStore.open({ filename });
    const store = SqliteTokenStore.open({ filename });
    const user = await users.create({ username: 'ada', passwordHash: 'scrypt$x', isAdmin: false });
    expect(await store.generation(user.id)).toBe(0);
    const cli = SqliteUserStore.open({ filename });
    await cli.setPassword(user.id, 'scrypt$y');
    await cli.close();
    expect(await store.generation(user.id)).toBe(1);
    await users.setPassword(user.id, 'scrypt$z');
    expect(await store.generation(user.id)).toBe(2);
    await store.close();
    await users.close();
  });

  it('authenticates a token only while it is not revoked and its generation is current', async () => {
    const filename = tempDb();
    const users = SqliteUserStore.open({ filename });
    const store = SqliteTokenStore.open({ filename });
    const tokens = createTokenService({ secret: 's'.repeat(40), ttlSeconds: 600 });
    const authenticate = createAuthenticate(tokens, users, { store });
    const revoked: string[] = [];
    const sessions = createSessions({ tokens, store, onRevoked: (s) => revoked.push(s.tokenId) });
    const user = await users.create({ username: 'ada', passwordHash: 'scrypt$x', isAdmin: false });

    const a = await sessions.issue(user);
    const b = await sessions.issue(user);
    const asA = await authenticate(a.token);
    expect(asA).toMatchObject({ id: user.id, session: { source: 'local', generation: 0 } });
    await sessions.revoke(asA!);
    expect(revoked).toEqual([asA!.session!.tokenId]);
    expect(await authenticate(a.token)).toBeNull();
    expect(await authenticate(b.token)).not.toBeNull();

    const refreshed = await sessions.refresh((await authenticate(b.token))!);
    expect(await authenticate(b.token)).toBeNull();
    expect(await authenticate(refreshed!.token)).not.toBeNull();

    await users.setPassword(user.id, 'scrypt$new');
    expect(await authenticate(refreshed!.token)).toBeNull();
    const after = await sessions.issue(user);
    expect(await authenticate(after.token)).toMatchObject({ session: { generation: 1 } });
    await store.close();
    await users.close();
  });
});
