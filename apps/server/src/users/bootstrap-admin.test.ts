import { describe, expect, it } from 'vitest';
import { bootstrapAdmin } from './bootstrap-admin';
import { MemoryUserStore } from './memory-user-store';
import { verifyPassword } from './password';

describe('bootstrapAdmin', () => {
  it('creates admin with the configured password and announces nothing', async () => {
    const users = new MemoryUserStore();
    const messages: string[] = [];
    await bootstrapAdmin(users, 'configured-pw', (m) => messages.push(m));
    const admin = await users.findByUsername('admin');
    expect(admin?.isAdmin).toBe(true);
    expect(await verifyPassword('configured-pw', admin!.passwordHash)).toBe(true);
    expect(messages).toEqual([]);
  });

  it('generates a password and announces it exactly once', async () => {
    const users = new MemoryUserStore();
    const messages: string[] = [];
    await bootstrapAdmin(users, undefined, (m) => messages.push(m));
    expect(messages).toHaveLength(1);
    const password = /password: (\S+)/.exec(messages[0]!)?.[1];
    expect(await verifyPassword(password!, (await users.findByUsername('admin'))!.passwordHash)).toBe(true);
  });

  it('does nothing once any user exists', async () => {
    const users = new MemoryUserStore();
    await users.create({ username: 'ada', passwordHash: 'h', isAdmin: false });
    const messages: string[] = [];
    expect(await bootstrapAdmin(users, undefined, (m) => messages.push(m))).toBeNull();
    expect(await users.findByUsername('admin')).toBeNull();
    expect(messages).toEqual([]);
  });
});
