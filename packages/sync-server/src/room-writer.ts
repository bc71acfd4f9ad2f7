import type { DocumentStorage, NewUpdate } from './storage';
import type { Logger } from './logger';

/** Something that is told, after a write, how many of its messages are durable. */
export interface AckTarget {
  /** Number of update-carrying messages processed so far (content applied, or refused). */
  readonly processedMessages: number;
  /** Called once the first `processed` messages are durable; `storedStateVector` is the room's stored state vector. */
  acknowledge(processed: number, storedStateVector: Uint8Array): void;
}

export interface RoomWriterOptions {
  readonly room: string;
  readonly storage: DocumentStorage;
  readonly logger: Logger;
  /** How long to wait for more updates before writing; one write then serves them all. */
  readonly flushDelayMs: number;
  /** Current state vector of the room's document (equals the stored one once nothing is pending). */
  readonly stateVector: () => Uint8Array;
  /** Who wants durable acknowledgements. */
  readonly ackTargets: () => Iterable<AckTarget>;
  readonly onStored?: (count: number, lagMs: number, lastSeq: number) => void;
}

/**
 * Batches a room's accepted updates into single appends and acknowledges them once durable.
 * At most one write is in flight; updates arriving meanwhile form the next batch. A failed write
 * is retried with backoff and nothing is acknowledged until it succeeds.
 */
export class RoomWriter {
  private pending: NewUpdate[] = [];
  private pendingSince = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private inFlight: Promise<void> | null = null;
  private retryDelayMs = 0;
  private idleWaiters: Array<() => void> = [];
  /** Updates enqueued and stored so far, for `whenStored`. */
  private enqueuedCount = 0;
  private storedCount = 0;
  private storedWaiters: Array<{ readonly upTo: number; readonly resolve: () => void; readonly reject: (err: Error) => void }> = [];
  /** Last seq known to be stored. */
  lastSeq = 0;
  /** Updates stored since the last snapshot, for compaction decisions. */
  updatesSinceSnapshot = 0;

  constructor(private readonly options: RoomWriterOptions) {}

  /** Queues an applied update for storage. */
  enqueue(update: NewUpdate): void {
    if (this.pending.length === 0) this.pendingSince = Date.now();
    this.pending.push(update);
    this.enqueuedCount++;
    this.schedule();
  }

  /** Asks for acknowledgements to be sent (e.g. after a message that changed nothing). */
  requestAck(): void {
    this.schedule();
  }

  get hasPending(): boolean {
    return this.pending.length > 0 || this.inFlight !== null;
  }

  private schedule(): void {
    if (this.timer || this.inFlight) return;
    const delay = this.pending.length > 0 ? Math.max(this.options.flushDelayMs, this.retryDelayMs) : 0;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, delay);
  }

  /** Writes everything pending now. Resolves when that write (and any in flight) is done. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.inFlight) {
      await this.inFlight;
      if (this.pending.length > 0) return this.flush();
      return;
    }
    this.inFlight = this.write();
    try {
      await this.inFlight;
    } finally {
      this.inFlight = null;
    }
    if (this.pending.length > 0) this.schedule();
    else this.notifyIdle();
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    const since = this.pendingSince;
    this.pending = [];
    // Everything applied so far is in `batch`, so these counts become durable with it.
    const targets = [...this.options.ackTargets()].map((t) => [t, t.processedMessages] as const);
    const stateVector = this.options.stateVector();
    if (batch.length > 0) {
      try {
        this.lastSeq = await this.options.storage.appendUpdates(this.options.room, batch);
        this.retryDelayMs = 0;
        this.updatesSinceSnapshot += batch.length;
        this.storedCount += batch.length;
        this.notifyStored();
        this.options.onStored?.(batch.length, Date.now() - since, this.lastSeq);
      } catch (err) {
        // Put the batch back in front; nothing is acknowledged until it is stored.
        this.pending = batch.concat(this.pending);
        this.pendingSince = since;
        this.retryDelayMs = Math.min(Math.max(this.retryDelayMs * 2, 50), 5000);
        this.options.logger.error({ room: this.options.room, err: errorMessage(err), retryInMs: this.retryDelayMs }, 'storing updates failed; will retry');
        return;
      }
    }
    for (const [target, processed] of targets) target.acknowledge(processed, stateVector);
  }

  /** Resolves once nothing is pending or in flight (retrying failed writes meanwhile). */
  drain(): Promise<void> {
    if (!this.hasPending) return Promise.resolve();
    const done = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    void this.flush();
    return done;
  }

  /**
   * Resolves once every update enqueued so far is durably stored (later ones are not waited
   * for, so a busy room cannot delay it indefinitely). Rejects if the writer is disposed first.
   */
  whenStored(): Promise<void> {
    const upTo = this.enqueuedCount;
    if (this.storedCount >= upTo) return Promise.resolve();
    return new Promise((resolve, reject) => this.storedWaiters.push({ upTo, resolve, reject }));
  }

  private notifyStored(): void {
    const done = this.storedWaiters.filter((w) => w.upTo <= this.storedCount);
    if (done.length === 0) return;
    this.storedWaiters = this.storedWaiters.filter((w) => w.upTo > this.storedCount);
    for (const w of done) w.resolve();
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Stops timers; pending updates are kept only if drained first. Waiters of `whenStored` are rejected. */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const waiters = this.storedWaiters;
    this.storedWaiters = [];
    for (const w of waiters) w.reject(new Error('the room closed before the update was stored'));
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
