import type * as Y from 'yjs';

/** Who is on the other end of a connection, established by the transport before `connect`. */
export interface ConnectionIdentity {
  readonly userId: string;
  /** Application data carried along (role, permissions); opaque to the sync core. */
  readonly data?: unknown;
}

/** The accept step's verdict. A refused update is never applied, stored or broadcast. */
export type AcceptDecision =
  | { readonly accept: true }
  | { readonly accept: false; readonly code: string; readonly message: string };

export const ACCEPT: AcceptDecision = Object.freeze({ accept: true });

/** An incoming update, offered to the accept step before anything is applied. */
export interface UpdateProposal {
  readonly room: string;
  readonly identity: ConnectionIdentity;
  /** Yjs v1 update as received. */
  readonly update: Uint8Array;
  /** Whether it came as sync step 2 (initial catch-up) or an incremental update. */
  readonly via: 'sync-step2' | 'sync-update';
  /** The room's current document. Read it; never write it. */
  readonly doc: Y.Doc;
  /**
   * Applies the update to a staging copy of the room's document (never to the room itself) and
   * returns that copy with the transaction that applying it produced, which says exactly what
   * changed. Throws when Yjs cannot apply the update. Validators call it to inspect the result
   * of an update before deciding; the staging copy is kept in step with the room.
   */
  stage(): StagedUpdate;
}

/** The result of applying a proposed update to the staging copy. */
export interface StagedUpdate {
  /** The staging copy after the update. Read it; never write it. */
  readonly doc: Y.Doc;
  /** The Yjs transaction of the apply: `changed`, `deleteSet`, `beforeState`, `afterState`. */
  readonly transaction: Y.Transaction;
  /** Part of the update depended on state the room lacks; that part is not in `doc`. */
  readonly incomplete: boolean;
}

/** An update that was applied to a room (after acceptance). */
export interface AppliedUpdate {
  readonly room: string;
  readonly identity: ConnectionIdentity | null;
  /** The change as Yjs reported it (only what was new to the room). */
  readonly update: Uint8Array;
  readonly doc: Y.Doc;
}

/** Lifecycle hooks; every one is optional. Hooks must not throw; a throwing accept hook refuses. */
export interface SyncHooks {
  /** The one accept step: permission checks and schema validation plug in here. Synchronous on purpose, so the decision is made against the state the update will be applied to. */
  acceptUpdate?(proposal: UpdateProposal): AcceptDecision;
  /** Called after an update was applied and queued for storage (audit, metrics). */
  onUpdateApplied?(applied: AppliedUpdate): void;
  /** Called when a room changes lifecycle state. */
  onRoomState?(room: string, state: RoomState): void;
}

/** Room lifecycle: loading → active → unloading → unloaded. A failed load goes to `failed`. */
export const RoomState = {
  Loading: 'loading',
  Active: 'active',
  Unloading: 'unloading',
  Unloaded: 'unloaded',
  Failed: 'failed',
} as const;
export type RoomState = (typeof RoomState)[keyof typeof RoomState];

/** Counters and timings the server reports; apps/server maps them onto Prometheus metrics. */
export interface SyncMetrics {
  connectionOpened(): void;
  connectionClosed(): void;
  roomLoaded(): void;
  roomUnloaded(): void;
  messageIn(bytes: number): void;
  messageOut(bytes: number): void;
  updateApplied(durationMs: number): void;
  updateRejected(code: string): void;
  /** Time from accepting updates to their durable write completing. */
  storeLag(durationMs: number): void;
}
