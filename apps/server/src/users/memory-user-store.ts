import { randomUUID } from 'node:crypto';
import { UsernameTakenError, toUser, type NewUser, type User, type UserRecord, type UserStore } from './user-store';

/** In-memory UserStore for tests. */
export class MemoryUserStore implements UserStore {
  readonly #byId = new Map<string, UserRecord>();

  async create(user: NewUser): Promise<User> {
    if (await this.findByUsername(user.username)) throw new UsernameTakenError(user.username);
    const record: UserRecord = { id: randomUUID(), createdAt: Date.now(), ...user };
    this.#byId.set(record.id, record);
    return toUser(record);
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    for (const record of this.#byId.values()) if (record.username === username) return record;
    return null;
  }

  async findById(id: string): Promise<UserRecord | null> {
    return this.#byId.get(id) ?? null;
  }

  async setPassword(id: string, passwordHash: string): Promise<boolean> {
    const record = this.#byId.get(id);
    if (!record) return false;
    this.#byId.set(id, { ...record, passwordHash });
    return true;
  }

  async list(): Promise<User[]> {
    return [...this.#byId.values()].map(toUser).sort((a, b) => a.username.localeCompare(b.username));
  }

  async close(): Promise<void> {}
}
