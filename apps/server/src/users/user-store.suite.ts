import { describe, expect, it } from 'vitest';
import { UsernameTakenError, type UserStore } from './user-store';

/** Behaviour every UserStore must have; each implementation calls this once. */
export function runUserStoreTests(name: string, open: () => Promise<UserStore>): void {
  describe(`UserStore: ${name}`, () => {
    it('creates a user and finds it by username and by id, with its password hash', async () => {
      const store = await open();
      const created = await store.create({ username: 'ada', passwordHash: 'h1', isAdmin: true });
      expect(created).toMatchObject({ username: 'ada', isAdmin: true });
      expect(created).not.toHaveProperty('passwordHash');
      expect(await store.findByUsername('ada')).toMatchObject({ id: created.id, passwordHash: 'h1', isAdmin: true });
      expect(await store.findById(created.id)).toMatchObject({ username: 'ada' });
      await store.close();
    });

    it('returns null for users that do not exist', async () => {
      const store = await open();
      expect(await store.findByUsername('nobody')).toBeNull();
      expect(await store.findById('00000000-0000-0000-0000-000000000000')).toBeNull();
      await store.close();
    });

    it('refuses a second user with the same username', async () => {
      const store = await open();
      await store.create({ username: 'ada', passwordHash: 'h', isAdmin: false });
      await expect(store.create({ username: 'ada', passwordHash: 'h', isAdmin: false })).rejects.toBeInstanceOf(UsernameTakenError);
      await store.close();
    });

    it('replaces a password hash, and reports false for an unknown id', async () => {
      const store = await open();
      const user = await store.create({ username: 'ada', passwordHash: 'old', isAdmin: false });
      expect(await store.setPassword(user.id, 'new')).toBe(true);
      expect((await store.findById(user.id))?.passwordHash).toBe('new');
      expect(await store.setPassword('missing', 'x')).toBe(false);
      await store.close();
    });

    it('lists users by username without password hashes', async () => {
      const store = await open();
      await store.create({ username: 'zed', passwordHash: 'h', isAdmin: false });
      await store.create({ username: 'ada', passwordHash: 'h', isAdmin: true });
      const list = await store.list();
      expect(list.map((u) => u.username)).toEqual(['ada', 'zed']);
      expect(list[0]).not.toHaveProperty('passwordHash');
      await store.close();
    });
  });
}
