/** Size and age limits of an LruCache. */
export interface LruCacheOptions {
  readonly maxEntries: number;
  readonly ttlMs: number;
  /** Clock, replaceable in tests. */
  readonly now?: () => number;
}

/**
 * A least-recently-used map whose entries also expire `ttlMs` after they were stored. Reads
 * refresh recency, not age: an entry is at most `ttlMs` old whatever its popularity.
 */
export class LruCache<V> {
  readonly #entries = new Map<string, { value: V; expires: number }>();
  readonly #max: number;
  readonly #ttl: number;
  readonly #now: () => number;

  constructor(options: LruCacheOptions) {
    if (!Number.isInteger(options.maxEntries) || options.maxEntries < 0) throw new RangeError('maxEntries must be a non-negative integer');
    if (!(options.ttlMs >= 0)) throw new RangeError('ttlMs must be non-negative');
    this.#max = options.maxEntries;
    this.#ttl = options.ttlMs;
    this.#now = options.now ?? Date.now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    this.#entries.delete(key);
    if (entry.expires <= this.#now()) return undefined;
    this.#entries.set(key, entry); // most recent last
    return entry.value;
  }

  set(key: string, value: V): void {
    if (this.#max === 0 || this.#ttl === 0) return;
    this.#entries.delete(key);
    this.#entries.set(key, { value, expires: this.#now() + this.#ttl });
    while (this.#entries.size > this.#max) {
      const oldest = this.#entries.keys().next();
      if (oldest.done) break;
      this.#entries.delete(oldest.value);
    }
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
  }
}
