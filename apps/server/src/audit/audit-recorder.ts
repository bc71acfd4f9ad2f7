import type { Logger } from '@readingroom/sync-server';
import type { AuditEvent, AuditLog } from './audit-log';

/** Where code that notices something hands over audit events. Never throws, never waits. */
export interface AuditSink {
  record(events: readonly AuditEvent[]): void;
}

/** A sink that drops everything (deployments or tests without an audit log). */
export const NO_AUDIT: AuditSink = Object.freeze({ record() {} });

/**
 * Queues events and appends them in batches: everything recorded within `batchMs` (default
 * 200 ms; the several events of one document update, the updates of many rooms) goes into one
 * transaction. An append costs several fsyncs on the main thread (the log and its head file),
 * so batching per event-loop turn made every edit wait behind them under load; a short window
 * keeps that cost off the edit path. A failed append keeps the events and retries.
 */
export class AuditRecorder implements AuditSink {
  #queue: AuditEvent[] = [];
  #timer: ReturnType<typeof setTimeout> | null = null;
  #retry: ReturnType<typeof setTimeout> | null = null;
  #tail: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(
    private readonly log: AuditLog,
    private readonly logger: Logger,
    private readonly options: { now?: () => number; retryMs?: number; batchMs?: number } = {},
  ) {}

  record(events: readonly AuditEvent[]): void {
    if (events.length === 0) return;
    if (this.#closed) {
      this.logger.error({ events: events.length }, 'audit events recorded after the audit log closed were dropped');
      return;
    }
    const now = this.options.now ?? Date.now;
    for (const event of events) this.#queue.push(event.at === undefined ? { ...event, at: now() } : event);
    this.#timer ??= setTimeout(() => void this.flush(), this.options.batchMs ?? 200);
  }

  /** Appends everything queued so far; resolves once it is stored (or the attempt failed and was logged). */
  flush(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#tail = this.#tail.then(() => this.#appendQueued());
    return this.#tail;
  }

  /** Flushes and stops accepting events. The log itself is closed by its owner. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    if (this.#retry) clearTimeout(this.#retry);
    this.#retry = null;
  }

  async #appendQueued(): Promise<void> {
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    try {
      await this.log.append(batch);
    } catch (err) {
      this.#queue = [...batch, ...this.#queue];
      this.logger.error({ events: batch.length, err: { message: (err as Error).message } }, 'audit append failed; retrying');
      if (!this.#closed && !this.#retry) {
        this.#retry = setTimeout(() => {
          this.#retry = null;
          void this.flush();
        }, this.options.retryMs ?? 1000);
        this.#retry.unref?.();
      }
    }
  }
}
