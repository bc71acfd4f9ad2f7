import { generatePassword, hashPassword } from './password';
import type { User, UserStore } from './user-store';

export const BOOTSTRAP_ADMIN_USERNAME = 'admin';

/**
 * On the very first start (no user at all), creates `admin` with the configured password or a
 * generated one. A generated password goes to `announce` exactly once (the CLI prints it to
 * stdout); it never reaches the log. Returns the created user, or null when users already exist.
 */
export async function bootstrapAdmin(
  users: UserStore,
  configuredPassword: string | undefined,
  announce: (message: string) => void,
): Promise<User | null> {
  if ((await users.list()).length > 0) return null;
  const password = configuredPassword ?? generatePassword();
  const user = await users.create({
    username: BOOTSTRAP_ADMIN_USERNAME,
    passwordHash: await hashPassword(password),
    isAdmin: true,
  });
  if (!configuredPassword) {
    announce(
      `Created the first user "${BOOTSTRAP_ADMIN_USERNAME}" with password: ${password}\n` +
        'This password is shown only once. Change it with: readingroom user passwd admin\n',
    );
  }
  return user;
}
