/**
 * Values loaded asynchronously and read synchronously (the accept step cannot wait): callers
 * `ensure` a key before it is needed (at the WebSocket upgrade) and `peek` it later. A reload
 * replaces the value once read; a reload started later always wins over an earlier one.
 */
export class KeyedCache<V> {
  readonly #entries = new Map<string, { value: V; usedAt: number; loadedAt: number }>();
  readonly #pending = new Map<string, Promise<void>>();
  readonly #applied = new Map<string, number>();
  #seq = 0;

  constructor(
    private readonly load: (key: string) => Promise<V>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Loads the key unless it is cached (or loading). */
  ensure(key: string): Promise<void> {
    if (this.#entries.has(key)) {
      this.#entries.get(key)!.usedAt = this.now();
      return Promise.resolve();
    }
    return this.#pending.get(key) ?? this.reload(key);
  }

  /** Reads the key again and replaces the cached value. */
  reload(key: string): Promise<void> {
    const seq = ++this.#seq;
    const loading = this.load(key).then((value) => {
      if (seq < (this.#applied.get(key) ?? 0)) return;
      this.#applied.set(key, seq);
      const now = this.now();
      this.#entries.set(key, { value, usedAt: now, loadedAt: now });
    });
    const tracked = loading.finally(() => {
      if (this.#pending.get(key) === tracked) this.#pending.delete(key);
    });
    this.#pending.set(key, tracked);
    return tracked;
  }

  /** The cached value (marking it used), or undefined when not loaded. */
  peek(key: string): V | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    entry.usedAt = this.now();
    return entry.value;
  }

  /** Milliseconds since the key was last loaded, or Infinity. */
  ageOf(key: string): number {
    const entry = this.#entries.get(key);
    return entry ? this.now() - entry.loadedAt : Number.POSITIVE_INFINITY;
  }

  isLoading(key: string): boolean {
    return this.#pending.has(key);
  }

  /** Drops entries outside `keep` that were not used for `idleMs`. */
  prune(keep: ReadonlySet<string>, idleMs: number): void {
    const now = this.now();
    for (const [key, entry] of this.#entries) {
      if (!keep.has(key) && now - entry.usedAt > idleMs) {
        this.#entries.delete(key);
        this.#applied.delete(key);
      }
    }
  }

  get size(): number {
    return this.#entries.size;
  }
}
