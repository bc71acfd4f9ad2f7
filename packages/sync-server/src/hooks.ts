import type * as Y from 'yjs';
import type { AwarenessEntry } from './awareness-guard';

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
  /**
   * Whether it came as sync step 2 (initial catch-up) or an incremental update from a client,
   * or is a change the server makes on behalf of `identity` (`SyncServer.changeDocument`).
   */
  readonly via: 'sync-step2' | 'sync-update' | 'server-change';
  /** The room's current document. Read it; never write it. */
  readonly doc: Y.Doc;
  /**
   * Applies the update to a staging copy of the room's document (never to the room itself) and
   * returns that copy with the transaction that applying it produced, which says exactly what
   * changed. Throws when Yjs cannot apply the update. Validators call it to inspect the result
   * of an update before deciding; the staging copy follows the room (it is brought up to date
   * when next needed).
   */
  stage(): StagedUpdate;
  /**
   * What the update would change, read off the decoded update against `doc` without applying it
   * anywhere (much cheaper than `stage()`), or null when the update is not a plain edit of map
   * entries (see `UpdatePreview`): then call `stage()`. Changes nothing; may be called more than
   * once. Absent on proposals that cannot offer it.
   */
  preview?(): UpdatePreview | null;
}

/**
 * The effect of an update that only sets entries of maps the room's document already has, each
 * to a plain value over the key's current value, and removes entries holding plain values,
 * worked out without applying it (see `previewUpdate`). It says what a staged apply would: the
 * same `changed` maps and keys (types of the room's document, not of a copy), the same
 * `beforeState`, the client ids whose clocks it would advance, and the document as it would
 * read. Valid until the room's document changes.
 */
export interface UpdatePreview {
  /** Each map the update writes, with the keys it sets or removes (`StagedUpdate.transaction.changed`). */
  readonly changed: ReadonlyMap<Y.AbstractType<any>, ReadonlySet<string>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** The room's clock per client id before the update (`transaction.beforeState`). */
  readonly beforeState: { get(client: number): number | undefined };
  /** The client ids the update writes new structs under. */
  readonly writers: ReadonlySet<number>;
  /** The room's document as it would read after the update. */
  readonly after: DocumentAfter;
}

/** A read-only view of a document after an update: root maps, and the entries of any map. */
export interface DocumentAfter {
  /** The root types by name. */
  readonly share: ReadonlyMap<string, Y.AbstractType<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** A root map, read after the update. */
  getMap(name: string): { get(key: string): unknown; has(key: string): boolean };
  /** The entries of any map of the document (a root, or one found in it) after the update. */
  entriesOf(map: Y.Map<unknown>): Iterable<[string, unknown]>;
  /** The item that will hold `key` of `map` (its id and value), or null when no live one will. */
  itemOf(map: Y.Map<unknown>, key: string): { readonly client: number; readonly clock: number; readonly value: unknown } | null;
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

/** An incoming awareness update, decoded, offered before anything of it is applied. */
export interface AwarenessProposal {
  readonly room: string;
  readonly identity: ConnectionIdentity;
  /** Every entry of the update (a null state removes that client's state). */
  readonly entries: readonly AwarenessEntry[];
  /**
   * The identity of another open connection of the room that already set (or removed) the state
   * of `clientId`, or null when none did. Lets a policy bind awareness client ids to connections.
   */
  ownerOf(clientId: number): ConnectionIdentity | null;
  /** Client ids this connection itself already set (or removed) a state for. */
  readonly ownClaims: ReadonlySet<number>;
}

/**
 * The awareness accept step's verdict. `entries`: apply only these (a subset of the proposal's);
 * omitted, apply all. A refusal is answered like a refused update, without a resync.
 */
export type AwarenessDecision =
  | { readonly accept: true; readonly entries?: readonly AwarenessEntry[] }
  | { readonly accept: false; readonly code: string; readonly message: string };

/** Lifecycle hooks; every one is optional. Hooks must not throw; a throwing accept hook refuses. */
export interface SyncHooks {
  /** The one accept step: permission checks and schema validation plug in here. Synchronous on purpose, so the decision is made against the state the update will be applied to. */
  acceptUpdate?(proposal: UpdateProposal): AcceptDecision;
  /** The accept step for awareness (presence) updates: filter entries or refuse the whole update. */
  acceptAwareness?(proposal: AwarenessProposal): AwarenessDecision;
  /** Called after an update was applied and queued for storage (audit, metrics). */
  onUpdateApplied?(applied: AppliedUpdate): void;
  /** Called when a room changes lifecycle state. */
  onRoomState?(room: string, state: RoomState): void;
  /**
   * Called with a room's document once it is loaded from storage, before any update is applied
   * to it, and again with the replacement document after a failed apply made the room rebuild.
   * Read it (or observe it); never write it. Lets an audit keep a "before" view of the document.
   */
  onRoomLoaded?(room: string, doc: Y.Doc): void;
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
