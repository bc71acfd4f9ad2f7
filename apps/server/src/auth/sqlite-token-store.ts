import Database from 'better-sqlite3';
import { migrateComponent } from '../projects/project-migrations';
import { migrate as migrateUsers } from '../users/migrations';
import type { TokenStore } from './token-store';

/**
 * Schema of the `auth-tokens` component of readingroom.db. Append only.
 *
 * The trigger bumps a user's token generation whenever the password hash changes, from any
 * process: `readingroom user passwd` run next to a live server revokes that user's sessions
 * without telling the server (which notices on its next check, see session-sweep.ts).
 */
const TOKEN_MIGRATIONS: readonly string[] = [
  `CREATE TABLE revoked_tokens (
     jti        TEXT PRIMARY KEY,
     user_id    TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX revoked_tokens_by_expiry ON revoked_tokens(expires_at);
   CREATE TABLE token_generations (
     user_id    TEXT PRIMARY KEY,
     generation INTEGER NOT NULL
   ) STRICT;
   CREATE TRIGGER password_change_revokes_tokens AFTER UPDATE OF password_hash ON users
   WHEN NEW.password_hash IS NOT OLD.password_hash
   BEGIN
     INSERT OR IGNORE INTO token_generations (user_id, generation) VALUES (NEW.id, 0);
     UPDATE token_generations SET generation = generation + 1 WHERE user_id = NEW.id;
   END;`,
];

/** Applies the token tables (and the users table they hang off) to an open readingroom.db. */
export function migrateTokens(db: Database.Database): void {
  migrateUsers(db);
  migrateComponent(db, 'auth-tokens', TOKEN_MIGRATIONS);
}

/** TokenStore in `<dataDir>/readingroom.db`, next to the users. */
export class SqliteTokenStore implements TokenStore {
  readonly #db: Database.Database;
  readonly #revoke: Database.Statement<[string, string, number]>;
  readonly #isRevoked: Database.Statement<[string], { one: number }>;
  readonly #generation: Database.Statement<[string], { generation: number }>;
  readonly #seed: Database.Statement<[string]>;
  readonly #bump: Database.Statement<[string]>;
  readonly #prune: Database.Statement<[number]>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#revoke = db.prepare(
      'INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES (?, ?, ?) ON CONFLICT (jti) DO UPDATE SET expires_at = max(expires_at, excluded.expires_at)',
    );
    this.#isRevoked = db.prepare('SELECT 1 AS one FROM revoked_tokens WHERE jti = ?');
    this.#generation = db.prepare('SELECT generation FROM token_generations WHERE user_id = ?');
    this.#seed = db.prepare('INSERT OR IGNORE INTO token_generations (user_id, generation) VALUES (?, 0)');
    this.#bump = db.prepare('UPDATE token_generations SET generation = generation + 1 WHERE user_id = ?');
    this.#prune = db.prepare('DELETE FROM revoked_tokens WHERE expires_at < ?');
  }

  static open(options: { filename: string }): SqliteTokenStore {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      migrateTokens(db);
      return new SqliteTokenStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async revoke(tokenId: string, userId: string, expiresAt: number): Promise<void> {
    this.#revoke.run(tokenId, userId, expiresAt);
  }

  async isRevoked(tokenId: string): Promise<boolean> {
    return this.#isRevoked.get(tokenId) !== undefined;
  }

  async generation(userId: string): Promise<number> {
    return this.#generation.get(userId)?.generation ?? 0;
  }

  async bumpGeneration(userId: string): Promise<number> {
    this.#db.transaction(() => {
      this.#seed.run(userId);
      this.#bump.run(userId);
    })();
    return this.generation(userId);
  }

  async pruneExpired(nowSeconds: number): Promise<number> {
    return this.#prune.run(nowSeconds).changes;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
