/** Messages between `WorkerSqliteStorage` (main thread) and `sqlite-worker.ts` (worker thread). */
import type { NewUpdate, RoomRecord } from '@readingroom/sync-server';
import type { SqlitePragmas } from './sqlite-storage';

/** What the worker can be asked to do, with each call's arguments and result. */
export interface WorkerMethods {
  loadRoom: (room: string) => RoomRecord;
  appendUpdates: (room: string, updates: readonly NewUpdate[]) => number;
  compact: (room: string, snapshot: Uint8Array, uptoSeq: number) => void;
  listRooms: () => string[];
  deleteRoom: (room: string) => void;
  pragmas: () => SqlitePragmas;
  close: () => void;
}
export type WorkerMethod = keyof WorkerMethods;

export type WorkerRequest = {
  [M in WorkerMethod]: { readonly id: number; readonly method: M; readonly args: Parameters<WorkerMethods[M]> };
}[WorkerMethod];

/** An error as it crosses the thread boundary: enough to rebuild a useful Error. */
export interface WorkerError {
  readonly name: string;
  readonly message: string;
  /** SQLite result code from better-sqlite3 (e.g. `SQLITE_BUSY`), when there is one. */
  readonly code?: string;
}

/** Reply to request `id`. */
export type WorkerReply =
  | { readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly id: number; readonly ok: false; readonly error: WorkerError };

/** The worker sends one reply with this id, unasked, once the database is open (or failed to open). */
export const OPEN_REQUEST_ID = 0;
