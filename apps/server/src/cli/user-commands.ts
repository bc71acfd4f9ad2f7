import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { z } from 'zod';
import type { Config } from '../config/config-schema';
import { generatePassword, hashPassword } from '../users/password';
import { SqliteUserStore } from '../users/sqlite-user-store';
import { UsernameTakenError, passwordSchema, usernameSchema, type UserStore } from '../users/user-store';
import { CliError, type CliIo } from './cli-io';

function check<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new CliError(`invalid ${what}: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}

/** Opens the user database of a data directory for one CLI command. */
export async function withUserStore<T>(config: Pick<Config, 'dataDir'>, fn: (users: UserStore) => Promise<T>): Promise<T> {
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const users = SqliteUserStore.open({ filename: join(config.dataDir, 'readingroom.db') });
  try {
    return await fn(users);
  } finally {
    await users.close();
  }
}

export interface AddUserOptions {
  readonly admin?: boolean;
  readonly password?: string;
}

/** `user add`: creates a user; without a password, generates one and prints it once. */
export async function addUser(users: UserStore, username: string, options: AddUserOptions, io: CliIo): Promise<void> {
  const name = check(usernameSchema, username, 'username');
  const password = options.password === undefined ? generatePassword() : check(passwordSchema, options.password, 'password');
  try {
    await users.create({ username: name, passwordHash: await hashPassword(password), isAdmin: options.admin === true });
  } catch (error) {
    if (error instanceof UsernameTakenError) throw new CliError(error.message);
    throw error;
  }
  io.stdout(`created user "${name}"${options.admin ? ' (admin)' : ''}\n`);
  if (options.password === undefined) io.stdout(`password: ${password}\n`);
}

/** `user passwd`: sets a new password (generated and printed when not given). */
export async function changePassword(users: UserStore, username: string, options: { password?: string }, io: CliIo): Promise<void> {
  const password = options.password === undefined ? generatePassword() : check(passwordSchema, options.password, 'password');
  const user = await users.findByUsername(username);
  if (!user) throw new CliError(`no user "${username}"`);
  await users.setPassword(user.id, await hashPassword(password));
  io.stdout(`password changed for "${username}"\n`);
  if (options.password === undefined) io.stdout(`password: ${password}\n`);
}

/** `user list`: one line per user. */
export async function listUsers(users: UserStore, io: CliIo): Promise<void> {
  const all = await users.list();
  if (all.length === 0) io.stdout('no users\n');
  for (const user of all) {
    io.stdout(`${user.username}\t${user.isAdmin ? 'admin' : 'user'}\t${new Date(user.createdAt).toISOString()}\n`);
  }
}
