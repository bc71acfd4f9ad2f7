/**
 * Worker-thread side of `WorkerSqliteStorage`: opens a `SqliteStorage` with the options in
 * `workerData`, answers request 0 when it is open (or failed to open), then serves requests in
 * the order they arrive. Loaded through `sqlite-worker-entry.mjs`, never imported by the main
 * thread (the message types live in `sqlite-worker-protocol.ts`).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import type { RoomRecord } from '@readingroom/sync-server';
import { SqliteStorage, type SqliteStorageOptions } from './sqlite-storage';
import { OPEN_REQUEST_ID, type WorkerError, type WorkerReply, type WorkerRequest } from './sqlite-worker-protocol';

function toWorkerError(error: unknown): WorkerError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = (error as { code?: unknown }).code;
  return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) };
}

function handle(storage: SqliteStorage, request: WorkerRequest): Promise<unknown> {
  switch (request.method) {
    case 'loadRoom':
      return storage.loadRoom(...request.args);
    case 'appendUpdates':
      return storage.appendUpdates(...request.args);
    case 'compact':
      return storage.compact(...request.args);
    case 'listRooms':
      return storage.listRooms();
    case 'deleteRoom':
      return storage.deleteRoom(...request.args);
    case 'pragmas':
      return Promise.resolve().then(() => storage.pragmas());
    case 'close':
      return storage.close();
    default: {
      const unknown: never = request;
      return Promise.reject(new Error(`unknown method ${String((unknown as { method: unknown }).method)}`));
    }
  }
}

/** Every buffer of a loaded record, moved rather than copied (they are fresh copies already). */
function transferablesOf(value: unknown): ArrayBuffer[] {
  if (typeof value !== 'object' || value === null || !('updates' in value)) return [];
  const record = value as RoomRecord;
  const buffers = new Set<ArrayBuffer>();
  if (record.snapshot) buffers.add(record.snapshot.buffer as ArrayBuffer);
  for (const u of record.updates) buffers.add(u.update.buffer as ArrayBuffer);
  return [...buffers];
}

function reply(port: MessagePort, id: number, value: unknown): void {
  try {
    port.postMessage({ id, ok: true, value } satisfies WorkerReply, transferablesOf(value));
  } catch (error) {
    port.postMessage({ id, ok: false, error: toWorkerError(error) } satisfies WorkerReply);
  }
}

function serve(port: MessagePort, options: SqliteStorageOptions): void {
  let storage: SqliteStorage;
  try {
    storage = SqliteStorage.open(options);
  } catch (error) {
    port.postMessage({ id: OPEN_REQUEST_ID, ok: false, error: toWorkerError(error) } satisfies WorkerReply);
    return;
  }
  // better-sqlite3 does all the work synchronously inside each call, so requests are executed,
  // committed and answered strictly in arrival order.
  port.on('message', (request: WorkerRequest) => {
    handle(storage, request).then(
      (value) => reply(port, request.id, value),
      (error: unknown) => port.postMessage({ id: request.id, ok: false, error: toWorkerError(error) } satisfies WorkerReply),
    );
  });
  port.postMessage({ id: OPEN_REQUEST_ID, ok: true, value: undefined } satisfies WorkerReply);
}

if (!parentPort) throw new Error('sqlite-worker must run in a worker thread');
serve(parentPort, workerData as SqliteStorageOptions);
