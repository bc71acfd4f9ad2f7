export interface LoginLimiterOptions {
  /** Failures of one username within `windowMs` that lock it out. */
  readonly maxFailuresPerUsername: number;
  /** Failures from one client address within `windowMs` that lock it out (several people may share one). */
  readonly maxFailuresPerIp: number;
  readonly windowMs: number;
  readonly lockoutMs: number;
  /** Keys remembered at most; beyond, the oldest are forgotten (bounds memory under a spray). */
  readonly maxKeys?: number;
  readonly now?: () => number;
}

export type LoginGate = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

/** An admitted attempt; report its outcome exactly once. */
export type LoginAttempt =
  | { readonly allowed: true; done(ok: boolean): void }
  | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Entry {
  /** Failure times within the window, oldest first. */
  failures: number[];
  lockedUntil: number;
  /** Attempts admitted whose outcome is not known yet. */
  inFlight: number;
}

/**
 * Counts failed logins per username and per client address in a sliding window; reaching the
 * threshold locks that key out for `lockoutMs`. While locked, attempts are refused without
 * checking the password, right or wrong. Unknown usernames are counted like known ones, so the
 * answer does not reveal which exist. In memory: one server process.
 */
export class LoginLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly maxKeys: number;
  private readonly now: () => number;

  constructor(private readonly options: LoginLimiterOptions) {
    this.maxKeys = options.maxKeys ?? 100_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether an attempt for `username` from `ip` would be refused now (locked out). */
  check(username: string, ip: string | null): LoginGate {
    const t = this.now();
    let until = 0;
    for (const key of keys(username, ip)) until = Math.max(until, this.entries.get(key)?.lockedUntil ?? 0);
    if (until > t) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((until - t) / 1000)) };
    return { allowed: true };
  }

  /**
   * Admits an attempt unless a key is locked out, or unless the attempts already being checked
   * could reach the threshold: the password check is slow (scrypt), and without counting those
   * in flight a burst of parallel guesses would all be checked before the first failure counted.
   */
  attempt(username: string, ip: string | null): LoginAttempt {
    const gate = this.check(username, ip);
    if (!gate.allowed) return gate;
    const t = this.now();
    const [userKey, ipKey] = keys(username, ip);
    const limits: Array<[string, number]> = [[userKey!, this.options.maxFailuresPerUsername]];
    if (ipKey) limits.push([ipKey, this.options.maxFailuresPerIp]);
    for (const [key, max] of limits) {
      const entry = this.entries.get(key);
      if (entry && this.recent(entry, t).length + entry.inFlight >= max) return { allowed: false, retryAfterSeconds: 1 };
    }
    const admitted = limits.map(([key]) => this.entry(key));
    for (const entry of admitted) entry.inFlight++;
    let reported = false;
    return {
      allowed: true,
      done: (ok) => {
        if (reported) return;
        reported = true;
        for (const entry of admitted) entry.inFlight--;
        if (ok) this.recordSuccess(username);
        else this.recordFailure(username, ip);
      },
    };
  }

  recordFailure(username: string, ip: string | null): void {
    const t = this.now();
    const [userKey, ipKey] = keys(username, ip);
    this.fail(userKey!, this.options.maxFailuresPerUsername, t);
    if (ipKey) this.fail(ipKey, this.options.maxFailuresPerIp, t);
    this.bound(t);
  }

  /** A correct password clears the username's failures (not the address's: one good account must not unlock a spray). */
  recordSuccess(username: string): void {
    const entry = this.entries.get(userKeyOf(username));
    if (!entry) return;
    entry.failures = [];
    entry.lockedUntil = 0;
    if (entry.inFlight === 0) this.entries.delete(userKeyOf(username));
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) this.entries.set(key, (entry = { failures: [], lockedUntil: 0, inFlight: 0 }));
    return entry;
  }

  private recent(entry: Entry, t: number): number[] {
    return entry.failures.filter((at) => at > t - this.options.windowMs);
  }

  private fail(key: string, max: number, t: number): void {
    const entry = this.entry(key);
    this.entries.delete(key); // re-insert: the map's order is least recently failed first
    entry.failures = this.recent(entry, t);
    entry.failures.push(t);
    if (entry.failures.length >= max) {
      entry.lockedUntil = t + this.options.lockoutMs;
      entry.failures = [];
    }
    this.entries.set(key, entry);
  }

  private bound(t: number): void {
    if (this.entries.size <= this.maxKeys) return;
    for (const [key, entry] of this.entries) {
      if (entry.inFlight === 0 && entry.lockedUntil <= t && this.recent(entry, t).length === 0) this.entries.delete(key);
    }
    for (const key of this.entries.keys()) {
      if (this.entries.size <= this.maxKeys) break;
      this.entries.delete(key);
    }
  }
}

const userKeyOf = (username: string) => `u:${username}`;

function keys(username: string, ip: string | null): string[] {
  return ip ? [userKeyOf(username), `ip:${ipKeyOf(ip)}`] : [userKeyOf(username)];
}

/** IPv4 as is (also when IPv4-mapped); IPv6 by its /64 prefix, which one client usually owns whole. */
export function ipKeyOf(ip: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
