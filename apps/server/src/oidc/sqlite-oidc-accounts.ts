import { createHash, randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { migrateComponent } from '../projects/project-migrations';
import { migrate as migrateUsers } from '../users/migrations';
import { usernameSchema, type User } from '../users/user-store';

/** Schema of the `oidc` component of readingroom.db. Append only. */
const OIDC_MIGRATIONS: readonly string[] = [
  `ALTER TABLE users ADD COLUMN external_id TEXT;
   CREATE UNIQUE INDEX users_by_external_id ON users(external_id) WHERE external_id IS NOT NULL;`,
];

/**
 * Not a scrypt hash, so no password ever verifies against it: provisioned users sign in
 * through the provider only (until an administrator sets a password with the CLI).
 */
const NO_PASSWORD = '!external';

interface Row {
  id: string;
  username: string;
  is_admin: number;
  created_at: number;
}

/**
 * Users provisioned from an identity provider, found by `users.external_id`. A new subject
 * becomes a new user, never an existing local one: a provider that says `preferred_username:
 * admin` gets `admin-<hash>`, not the local administrator.
 */
export class SqliteOidcAccounts {
  readonly #db: Database.Database;
  readonly #byExternal: Database.Statement<[string], Row>;
  readonly #usernameTaken: Database.Statement<[string], { one: number }>;
  readonly #insert: Database.Statement<[string, string, string, number, number, number, string]>;
  readonly #setAdmin: Database.Statement<[number, number, string]>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#byExternal = db.prepare('SELECT id, username, is_admin, created_at FROM users WHERE external_id = ?');
    this.#usernameTaken = db.prepare('SELECT 1 AS one FROM users WHERE username = ?');
    this.#insert = db.prepare(
      'INSERT INTO users (id, username, password_hash, is_admin, created_at, updated_at, external_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#setAdmin = db.prepare('UPDATE users SET is_admin = ?, updated_at = ? WHERE id = ?');
  }

  static open(options: { filename: string }): SqliteOidcAccounts {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      migrateUsers(db);
      migrateComponent(db, 'oidc', OIDC_MIGRATIONS);
      return new SqliteOidcAccounts(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The user of `externalId`, created on first sight; its admin flag follows `isAdmin`. */
  async provision(externalId: string, proposedUsername: string | null, isAdmin: boolean): Promise<User> {
    return this.#db
      .transaction((): User => {
        const now = Date.now();
        const row = this.#byExternal.get(externalId);
        if (row) {
          if ((row.is_admin === 1) !== isAdmin) this.#setAdmin.run(isAdmin ? 1 : 0, now, row.id);
          return { id: row.id, username: row.username, isAdmin, createdAt: row.created_at };
        }
        const id = randomUUID();
        const username = this.freeUsername(externalId, proposedUsername);
        this.#insert.run(id, username, NO_PASSWORD, isAdmin ? 1 : 0, now, now, externalId);
        return { id, username, isAdmin, createdAt: now };
      })
      .immediate();
  }

  private freeUsername(externalId: string, proposed: string | null): string {
    const hash = createHash('sha256').update(externalId).digest('hex');
    const base = proposed === null ? null : toUsername(proposed);
    const candidates = base ? [base, `${base.slice(0, 53)}-${hash.slice(0, 10)}`] : [];
    candidates.push(`oidc-${hash.slice(0, 10)}`, `oidc-${hash.slice(0, 32)}`);
    for (const name of candidates) if (!this.#usernameTaken.get(name)) return name;
    throw new Error('no free username for a provisioned user');
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

/** A provider's name made into a valid username (lowercase, allowed characters), or null. */
export function toUsername(proposed: string): string | null {
  const name = proposed
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^[^a-z0-9]+/, '')
    .slice(0, 64);
  return usernameSchema.safeParse(name).success ? name : null;
}
