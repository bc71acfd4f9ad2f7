import { z } from 'zod';

/** Lowercase login names: a letter or digit, then letters, digits, `.`, `_` or `-` (2-64 chars). */
export const usernameSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9._-]{1,63}$/, 'lowercase letters, digits, ".", "_" or "-", 2-64 characters');

/** Passwords set by people or the CLI. The upper bound keeps hashing cost bounded. */
export const passwordSchema = z.string().min(8, 'must be at least 8 characters').max(1024);

/** A user as the rest of the server sees it. Roles and project membership come later, in their own tables. */
export interface User {
  readonly id: string;
  readonly username: string;
  readonly isAdmin: boolean;
  /** Milliseconds since the epoch. */
  readonly createdAt: number;
}

/** A user with the stored password hash; only login and password changes need it. */
export interface UserRecord extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  readonly username: string;
  readonly passwordHash: string;
  readonly isAdmin: boolean;
}

/** Thrown by `create` when the username is taken. */
export class UsernameTakenError extends Error {
  override readonly name = 'UsernameTakenError';
  constructor(readonly username: string) {
    super(`user "${username}" already exists`);
  }
}

/**
 * Accounts. Async so a PostgreSQL implementation can slot in; the SQLite one is synchronous
 * underneath. Missing users are `null`, not errors. Implementations run `runUserStoreTests`.
 */
export interface UserStore {
  create(user: NewUser): Promise<User>;
  findByUsername(username: string): Promise<UserRecord | null>;
  findById(id: string): Promise<UserRecord | null>;
  /** Returns false when no such user exists. */
  setPassword(id: string, passwordHash: string): Promise<boolean>;
  /** All users, ordered by username. */
  list(): Promise<User[]>;
  close(): Promise<void>;
}

/** Strips the password hash. */
export function toUser(record: UserRecord): User {
  return { id: record.id, username: record.username, isAdmin: record.isAdmin, createdAt: record.createdAt };
}
