import { Worker } from 'node:worker_threads';
import type { DocumentStorage, NewUpdate, RoomRecord } from '@readingroom/sync-server';
import type { SqlitePragmas, SqliteStorageOptions } from './sqlite-storage';
import {
  OPEN_REQUEST_ID,
  type WorkerError,
  type WorkerMethod,
  type WorkerMethods,
  type WorkerReply,
  type WorkerRequest,
} from './sqlite-worker-protocol';

const WORKER_ENTRY = new URL('./sqlite-worker-entry.mjs', import.meta.url);

/** open → closing → closed on `close()`; open/closing → failed when the worker dies on its own. */
type State = 'open' | 'closing' | 'closed' | 'failed';

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * `SqliteStorage` run in a worker thread, so commits and their fsyncs (`synchronous=FULL`) no
 * longer block the event loop that relays edits. Same contract, same durability: each call
 * resolves only after the worker's transaction committed. Calls are executed in call order.
 *
 * Bytes passed in are copied once and the copies are moved to the worker (the caller's buffers
 * are never detached); bytes read are moved back without a second copy. If the worker dies,
 * every unanswered call and every later call rejects with an error saying so.
 */
export class WorkerSqliteStorage implements DocumentStorage {
  /** Starts the worker and opens (creating and migrating if needed) the file; same options as `SqliteStorage.open`. */
  static async open(options: SqliteStorageOptions): Promise<WorkerSqliteStorage> {
    const workerData: SqliteStorageOptions = {
      filename: options.filename,
      ...(options.synchronous ? { synchronous: options.synchronous } : {}),
    };
    // execArgv: [] so the worker does not inherit the parent's loader flags; the entry file
    // registers tsx itself.
    const storage = new WorkerSqliteStorage(new Worker(WORKER_ENTRY, { workerData, execArgv: [] }));
    try {
      await storage.opened;
    } catch (error) {
      storage.state = 'closed';
      await storage.worker.terminate();
      throw error;
    }
    return storage;
  }

  private state: State = 'open';
  private failure: Error | undefined;
  private nextId = OPEN_REQUEST_ID + 1;
  private readonly pending = new Map<number, Pending>();
  private readonly opened: Promise<unknown>;
  private closing: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    this.opened = new Promise((resolve, reject) => this.pending.set(OPEN_REQUEST_ID, { resolve, reject }));
    worker.on('message', (reply: WorkerReply) => this.settle(reply));
    worker.on('error', (error) => this.fail(`uncaught ${error.name}: ${error.message}`));
    worker.on('messageerror', (error) => this.fail(`unreadable message: ${error.message}`));
    worker.on('exit', (code) => this.fail(`exited with code ${code}`));
  }

  loadRoom(room: string): Promise<RoomRecord> {
    return this.call('loadRoom', [room]);
  }

  async appendUpdates(room: string, updates: readonly NewUpdate[]): Promise<number> {
    const transfer: ArrayBuffer[] = [];
    const copies = updates.map((u): NewUpdate => {
      const update = ownCopy(u.update, transfer);
      return { update, userId: u.userId, receivedAt: u.receivedAt };
    });
    return this.call('appendUpdates', [room, copies], transfer);
  }

  compact(room: string, snapshot: Uint8Array, uptoSeq: number): Promise<void> {
    const transfer: ArrayBuffer[] = [];
    return this.call('compact', [room, ownCopy(snapshot, transfer), uptoSeq], transfer);
  }

  listRooms(): Promise<string[]> {
    return this.call('listRooms', []);
  }

  deleteRoom(room: string): Promise<void> {
    return this.call('deleteRoom', [room]);
  }

  /** Reports the worker connection's effective settings. */
  pragmas(): Promise<SqlitePragmas> {
    return this.call('pragmas', []);
  }

  /**
   * Waits for every call already made, closes the database and stops the worker. Idempotent;
   * every later call rejects. Resolves at once when the worker had already died.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    if (this.state === 'failed') {
      this.state = 'closed';
      return;
    }
    this.state = 'closing';
    try {
      // The worker answers in order, so this reply comes after every earlier call's reply.
      await this.call('close', []);
    } finally {
      if (this.state === 'closing') this.state = 'closed';
      await this.worker.terminate();
    }
  }

  private call<M extends WorkerMethod>(
    method: M,
    args: Parameters<WorkerMethods[M]>,
    transfer: ArrayBuffer[] = [],
  ): Promise<ReturnType<WorkerMethods[M]>> {
    const usable = this.state === 'open' || (this.state === 'closing' && method === 'close');
    if (!usable) return Promise.reject(this.unavailable());
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Throws (DataCloneError) before anything is sent when an argument cannot be cloned.
      this.worker.postMessage({ id, method, args } as WorkerRequest, transfer);
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
  }

  private settle(reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    // An idle worker must not keep the process alive; one with unanswered calls must.
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) pending.resolve(reply.value);
    else pending.reject(fromWorkerError(reply.error));
  }

  /** The worker is gone (or unusable) without `close()`: nothing in flight will be answered. */
  private fail(reason: string): void {
    if (this.state === 'closed' || this.state === 'failed') return;
    this.state = 'failed';
    this.failure = new Error(`SQLite storage worker stopped unexpectedly (${reason}); storage is unavailable`);
    const inFlight = new Error(`${this.failure.message}; this call was not answered and may or may not have been applied`);
    for (const pending of this.pending.values()) pending.reject(inFlight);
    this.pending.clear();
    void this.worker.terminate();
  }

  private unavailable(): Error {
    return this.state === 'failed' && this.failure ? this.failure : new Error('WorkerSqliteStorage is closed');
  }
}

/**
 * A copy of `bytes` in a buffer of its own, added to `transfer`. The caller's view may share its
 * buffer with unrelated data (Node's Buffer pool), so it is never transferred itself. Anything
 * that is not a Uint8Array is passed on as is for the worker's validation to reject.
 */
function ownCopy(bytes: Uint8Array, transfer: ArrayBuffer[]): Uint8Array {
  if (!(bytes instanceof Uint8Array)) return bytes;
  const copy = new Uint8Array(bytes); // always a fresh ArrayBuffer, unlike Buffer#slice
  transfer.push(copy.buffer);
  return copy;
}

/** Rebuilds the worker's error on this thread, keeping its class, name, message and SQLite code. */
function fromWorkerError(error: WorkerError): Error {
  const Class = error.name === 'TypeError' ? TypeError : error.name === 'RangeError' ? RangeError : Error;
  const rebuilt = new Class(error.message);
  if (rebuilt.name !== error.name) rebuilt.name = error.name;
  return error.code === undefined ? rebuilt : Object.assign(rebuilt, { code: error.code });
}
