import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import { migrate } from './migrations';
import { UsernameTakenError, toUser, type NewUser, type User, type UserRecord, type UserStore } from './user-store';

interface UserRow {
  id: string;
  username: string;
  password_hash: string;
  is_admin: number;
  created_at: number;
}

const fromRow = (row: UserRow): UserRecord => ({
  id: row.id,
  username: row.username,
  passwordHash: row.password_hash,
  isAdmin: row.is_admin === 1,
  createdAt: row.created_at,
});

/** UserStore on a SQLite file (`<dataDir>/readingroom.db`), WAL mode, migrated on open. */
export class SqliteUserStore implements UserStore {
  readonly #db: Database.Database;
  readonly #insert: Database.Statement<[string, string, string, number, number, number]>;
  readonly #byUsername: Database.Statement<[string], UserRow>;
  readonly #byId: Database.Statement<[string], UserRow>;
  readonly #setPassword: Database.Statement<[string, number, string]>;
  readonly #list: Database.Statement<[], UserRow>;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#insert = db.prepare(
      'INSERT INTO users (id, username, password_hash, is_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.#byUsername = db.prepare('SELECT * FROM users WHERE username = ?');
    this.#byId = db.prepare('SELECT * FROM users WHERE id = ?');
    this.#setPassword = db.prepare('UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?');
    this.#list = db.prepare('SELECT * FROM users ORDER BY username');
  }

  /** Opens (creating if needed) and migrates the database. */
  static open(options: { filename: string }): SqliteUserStore {
    const db = new Database(options.filename);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
      db.pragma('foreign_keys = ON');
      migrate(db);
      return new SqliteUserStore(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  async create(user: NewUser): Promise<User> {
    const now = Date.now();
    const id = randomUUID();
    try {
      this.#insert.run(id, user.username, user.passwordHash, user.isAdmin ? 1 : 0, now, now);
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw new UsernameTakenError(user.username);
      throw error;
    }
    return { id, username: user.username, isAdmin: user.isAdmin, createdAt: now };
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = this.#byUsername.get(username);
    return row ? fromRow(row) : null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    const row = this.#byId.get(id);
    return row ? fromRow(row) : null;
  }

  async setPassword(id: string, passwordHash: string): Promise<boolean> {
    return this.#setPassword.run(passwordHash, Date.now(), id).changes === 1;
  }

  async list(): Promise<User[]> {
    return this.#list.all().map((row) => toUser(fromRow(row)));
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}
