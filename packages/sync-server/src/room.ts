import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import { encodeAwareness, encodeSyncUpdate } from '@readingroom/protocol';
import type { DocumentStorage, RoomRecord } from './storage';
import type { Logger } from './logger';
import { RoomState, type ConnectionIdentity, type StagedUpdate, type SyncHooks, type SyncMetrics, type UpdatePreview } from './hooks';
import { RoomWriter, errorMessage } from './room-writer';
import type { Connection } from './connection';
import { previewUpdate, type DecodedUpdate } from './update-preview';

/** Outcome of applying an accepted update. `incomplete`: part of it depended on state the room lacks and was dropped. */
export type ApplyResult = 'applied' | 'incomplete' | 'failed';

export interface RoomOptions {
  readonly name: string;
  readonly storage: DocumentStorage;
  readonly logger: Logger;
  readonly hooks: SyncHooks;
  readonly metrics: SyncMetrics | null;
  readonly flushDelayMs: number;
  readonly compactAfterUpdates: number;
  readonly unloadDelayMs: number;
  /** Resolves when a previous incarnation of this room finished unloading. */
  readonly after: Promise<void>;
  /** Called once the room is unloaded (or failed), so the registry can forget it. */
  readonly onGone: (room: Room) => void;
}

/**
 * One shared document and the connections editing it, with an explicit lifecycle:
 * loading → active → unloading → unloaded (or failed). A room is loaded from storage before
 * any message is answered and unloaded, after flushing, when its last connection leaves.
 */
export class Room {
  private _state: RoomState = RoomState.Loading;
  private _doc = new Y.Doc();
  readonly awareness: awarenessProtocol.Awareness;
  readonly connections = new Set<Connection>();
  readonly writer: RoomWriter;
  readonly ready: Promise<void>;
  private unloadTimer: ReturnType<typeof setTimeout> | null = null;
  private unloading: Promise<void> | null = null;
  private compacting: Promise<void> | null = null;
  /** Staging copy for validators (see UpdateProposal.stage); created on first use. */
  private shadow: Y.Doc | null = null;
  /** The shadow holds a staged update the room did not take; rebuild before the next use. */
  private shadowDirty = false;
  /**
   * Changes the room applied without staging them (accepted from a preview), oldest first, for
   * the shadow to take before it stages again. Past the limits the shadow is dropped instead
   * and rebuilt when next needed, which also frees it in rooms that rarely stage.
   */
  private shadowBacklog: Uint8Array[] = [];
  private shadowBacklogBytes = 0;
  /** The transaction of the staged apply in progress (one listener for the room's life, not a closure per stage). */
  private stagedTransaction: Y.Transaction | null = null;
  private readonly captureStaged = (tr: Y.Transaction): void => {
    this.stagedTransaction ??= tr;
  };
  /** Bytes of the room in storage: snapshot plus log (queued updates included). */
  private _storedBytes = 0;
  /** Server-side users of the room (see `hold`); like connections, they keep it loaded. */
  private holds = 0;

  constructor(private readonly options: RoomOptions) {
    this.awareness = new awarenessProtocol.Awareness(this._doc);
    this.awareness.setLocalState(null);
    this.awareness.on('update', this.onAwarenessUpdate);
    this.writer = new RoomWriter({
      room: options.name,
      storage: options.storage,
      logger: options.logger,
      flushDelayMs: options.flushDelayMs,
      stateVector: () => Y.encodeStateVector(this._doc),
      ackTargets: () => [...this.connections].filter((c) => c.wantsDurableAcks),
      onStored: (_count, lagMs) => {
        options.metrics?.storeLag(lagMs);
        // Called while the write is still in flight, when compaction must wait: look again once
        // the writer has settled (otherwise a room compacted only when it unloaded).
        setTimeout(() => {
          if (this._state === RoomState.Active) void this.maybeCompact();
        }, 0);
      },
    });
    this.ready = this.load();
  }

  get name(): string {
    return this.options.name;
  }
  get state(): RoomState {
    return this._state;
  }
  /**
   * Size of the room's stored state: snapshot plus every logged (or queued) update since. Cheap
   * to keep (no encoding); it overstates the document between compactions, never understates it.
   */
  get storedBytes(): number {
    return this._storedBytes;
  }
  /** The room's document. Read it; write only through `applyUpdate`. */
  get doc(): Y.Doc {
    return this._doc;
  }

  private setState(state: RoomState): void {
    this._state = state;
    this.options.hooks.onRoomState?.(this.name, state);
  }

  private async load(): Promise<void> {
    await this.options.after;
    try {
      const record = await this.options.storage.loadRoom(this.name);
      this._doc.transact(() => {
        if (record.snapshot) Y.applyUpdate(this._doc, record.snapshot);
        for (const u of record.updates) Y.applyUpdate(this._doc, u.update);
      }, 'storage');
      const lastSeq = record.updates.at(-1)?.seq ?? record.snapshotSeq;
      this._storedBytes = recordBytes(record);
      this.writer.lastSeq = lastSeq;
      this.writer.updatesSinceSnapshot = record.updates.length;
      this.options.hooks.onRoomLoaded?.(this.name, this._doc);
      this.setState(RoomState.Active);
      this.options.metrics?.roomLoaded();
      this.options.logger.debug({ room: this.name, lastSeq, tail: record.updates.length }, 'room loaded');
      if (this.idle) void this.unload();
    } catch (err) {
      this.options.logger.error({ room: this.name, err: errorMessage(err) }, 'room failed to load');
      this.setState(RoomState.Failed);
      this.teardown();
      throw err;
    }
  }

  /** Adds a connection; cancels a pending unload. */
  add(conn: Connection): void {
    this.cancelUnloadTimer();
    this.connections.add(conn);
  }

  /**
   * Keeps the room loaded, as an open connection would, until the returned function is called
   * (idempotent); then the room unloads after the unload delay if nobody else uses it.
   */
  hold(): () => void {
    this.cancelUnloadTimer();
    this.holds++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.holds--;
      this.unloadLaterIfIdle();
    };
  }

  /** No connection and no server-side holder. */
  private get idle(): boolean {
    return this.connections.size === 0 && this.holds === 0;
  }

  private cancelUnloadTimer(): void {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
  }

  private unloadLaterIfIdle(): void {
    if (!this.idle || this._state !== RoomState.Active || this.unloadTimer) return;
    if (this.options.unloadDelayMs <= 0) void this.unload();
    else this.unloadTimer = setTimeout(() => void this.unload(), this.options.unloadDelayMs);
  }

  /** Removes a connection and its awareness states; unloads the room when it was the last. */
  remove(conn: Connection): void {
    if (!this.connections.delete(conn)) return;
    if (conn.awarenessClientIds.size > 0 && this._state === RoomState.Active) {
      awarenessProtocol.removeAwarenessStates(this.awareness, [...conn.awarenessClientIds], null);
    }
    this.unloadLaterIfIdle();
  }

  /** What an update would change, from its decoded form, without applying it (see UpdateProposal.preview). */
  preview(decoded: DecodedUpdate): UpdatePreview | null {
    return previewUpdate(this._doc, decoded);
  }

  /** Applies an update to the staging copy only (see UpdateProposal.stage). */
  stage(update: Uint8Array): StagedUpdate {
    const shadow = this.currentShadow();
    this.shadowDirty = true; // until the room takes the same update
    this.stagedTransaction = null;
    shadow.on('afterTransaction', this.captureStaged);
    try {
      Y.applyUpdate(shadow, update, 'staging');
    } finally {
      shadow.off('afterTransaction', this.captureStaged);
    }
    const incomplete = dropPending(shadow);
    const transaction = this.stagedTransaction as Y.Transaction | null;
    this.stagedTransaction = null;
    if (!transaction) throw new Error('applying the update produced no transaction');
    return { doc: shadow, transaction, incomplete };
  }

  /** The shadow, equal to the room's document: rebuilt if dirty or dropped, else given the backlog. */
  private currentShadow(): Y.Doc {
    if (this.shadow && !this.shadowDirty && this.shadowBacklog.length > 0) {
      const shadow = this.shadow;
      const backlog = this.shadowBacklog;
      this.clearShadowBacklog();
      try {
        shadow.transact(() => {
          for (const change of backlog) Y.applyUpdate(shadow, change, 'room');
        }, 'room');
      } catch {
        this.shadowDirty = true; // cannot happen (the room took these); rebuild to be safe
      }
    }
    if (!this.shadow || this.shadowDirty) {
      this.shadow?.destroy();
      this.shadow = new Y.Doc();
      Y.applyUpdate(this.shadow, Y.encodeStateAsUpdate(this._doc));
      this.shadowDirty = false;
      this.clearShadowBacklog();
    }
    return this.shadow;
  }

  /** Keeps a change the room applied without staging for the shadow, or drops the shadow past the limits. */
  private queueForShadow(change: Uint8Array): void {
    this.shadowBacklog.push(change);
    this.shadowBacklogBytes += change.byteLength;
    if (this.shadowBacklog.length > SHADOW_BACKLOG_UPDATES || this.shadowBacklogBytes > SHADOW_BACKLOG_BYTES) {
      this.shadow?.destroy();
      this.shadow = null;
      this.clearShadowBacklog();
    }
  }

  private clearShadowBacklog(): void {
    this.shadowBacklog = [];
    this.shadowBacklogBytes = 0;
  }

  /**
   * Applies an accepted update. Only the part that was new to the room is stored and broadcast.
   * If Yjs throws midway the document may be half-changed, so it is rebuilt from what was
   * stored and nothing of the failed update is stored or broadcast. Returns false then.
   */
  applyUpdate(update: Uint8Array, identity: ConnectionIdentity | null, origin: unknown, staged = false): ApplyResult {
    const captured: Uint8Array[] = [];
    const capture = (u: Uint8Array) => captured.push(u);
    this._doc.on('update', capture);
    const start = performance.now();
    try {
      Y.applyUpdate(this._doc, update, origin);
    } catch (err) {
      this._doc.off('update', capture);
      this.options.logger.warn({ room: this.name, err: errorMessage(err) }, 'update failed to apply; rebuilding room');
      void this.rebuild();
      return 'failed';
    }
    this._doc.off('update', capture);
    this.options.metrics?.updateApplied(performance.now() - start);
    // Parts whose dependencies the room lacks would wait in Yjs' pending store and later be
    // integrated (and stored) under another connection's update. Drop them and let the sender
    // resync instead, so every stored change is attributed to the connection that sent it.
    const result: ApplyResult = dropPending(this._doc) ? 'incomplete' : 'applied';
    if (staged) this.shadowDirty = false; // the shadow took exactly this update already
    if (captured.length === 0) return result;
    const change = captured.length === 1 ? captured[0]! : Y.mergeUpdates(captured);
    if (this.shadow && !staged && !this.shadowDirty) this.queueForShadow(change);
    this.writer.enqueue({ update: change, userId: identity?.userId ?? null, receivedAt: Date.now() });
    this._storedBytes += change.byteLength;
    this.broadcast(encodeSyncUpdate(change));
    this.options.hooks.onUpdateApplied?.({ room: this.name, identity, update: change, doc: this._doc });
    return result;
  }

  /** The identity of another connection of the room that claimed an awareness client id, or null. */
  awarenessOwner(clientId: number, except: Connection): ConnectionIdentity | null {
    for (const conn of this.connections) if (conn !== except && conn.awarenessClaims.has(clientId)) return conn.identity;
    return null;
  }

  /** Sends one frame to every connection of the room. */
  broadcast(frame: Uint8Array, except?: Connection): void {
    for (const conn of this.connections) if (conn !== except) conn.send(frame);
  }

  private onAwarenessUpdate = (
    { added, updated, removed }: { added: number[]; updated: number[]; removed: number[] },
    origin: unknown,
  ): void => {
    const changed = added.concat(updated, removed);
    const conn = origin as Connection | null;
    if (conn && this.connections.has(conn)) {
      for (const id of added.concat(updated)) conn.awarenessClientIds.add(id);
      for (const id of removed) conn.awarenessClientIds.delete(id);
    }
    // Echo to everyone, the sender included: the stock client relies on it as a keepalive.
    this.broadcast(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)));
  };

  /** Replaces the document with the stored state after a failed apply. Messages queue meanwhile. */
  private async rebuild(): Promise<void> {
    if (this._state !== RoomState.Active) return;
    this._state = RoomState.Loading;
    try {
      await this.writer.drain();
      const record = await this.options.storage.loadRoom(this.name);
      const fresh = new Y.Doc();
      if (record.snapshot) Y.applyUpdate(fresh, record.snapshot);
      for (const u of record.updates) Y.applyUpdate(fresh, u.update);
      this._storedBytes = recordBytes(record);
      const old = this._doc;
      this._doc = fresh;
      this.shadowDirty = true;
      (this.awareness as { doc: Y.Doc }).doc = fresh;
      old.destroy();
      this.options.hooks.onRoomLoaded?.(this.name, fresh);
      this._state = RoomState.Active;
      for (const conn of this.connections) conn.drainQueue();
      if (this.idle) void this.unload();
    } catch (err) {
      this.options.logger.error({ room: this.name, err: errorMessage(err) }, 'room rebuild failed');
      this.fail();
    }
  }

  private fail(): void {
    this.setState(RoomState.Failed);
    for (const conn of [...this.connections]) conn.close(4003, 'room unavailable');
    this.teardown();
  }

  /** Compacts the log into a snapshot when nothing is pending, so the snapshot equals what is stored. */
  private maybeCompact(force = false): Promise<void> {
    const w = this.writer;
    if (this.compacting) return this.compacting;
    if (w.hasPending || w.updatesSinceSnapshot === 0) return Promise.resolve();
    if (!force && w.updatesSinceSnapshot < this.options.compactAfterUpdates) return Promise.resolve();
    const uptoSeq = w.lastSeq;
    const snapshot = Y.encodeStateAsUpdate(this._doc);
    const count = w.updatesSinceSnapshot;
    const bytesInSnapshot = this._storedBytes;
    this.compacting = this.options.storage
      .compact(this.name, snapshot, uptoSeq)
      .then(() => {
        w.updatesSinceSnapshot -= count;
        this._storedBytes = snapshot.byteLength + (this._storedBytes - bytesInSnapshot);
      })
      .catch((err: unknown) => this.options.logger.warn({ room: this.name, err: errorMessage(err) }, 'compaction failed'))
      .finally(() => {
        this.compacting = null;
      });
    return this.compacting;
  }

  /** Flushes, compacts and releases the room. Idempotent. */
  unload(): Promise<void> {
    if (this.unloading) return this.unloading;
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
    this.setState(RoomState.Unloading);
    this.unloading = (async () => {
      for (const conn of [...this.connections]) conn.close(1001, 'room unloading');
      await this.writer.drain();
      await this.maybeCompact(true);
      this.setState(RoomState.Unloaded);
      this.options.metrics?.roomUnloaded();
      this.teardown();
    })();
    return this.unloading;
  }

  private teardown(): void {
    this.shadow?.destroy();
    this.shadow = null;
    this.writer.dispose();
    this.awareness.off('update', this.onAwarenessUpdate);
    this.awareness.destroy();
    this._doc.destroy();
    this.options.onGone(this);
  }
}

/**
 * Most changes (and bytes) the shadow may fall behind by before it is dropped: catching up costs
 * about one Yjs apply per change, rebuilding one encode and apply of the whole document.
 */
const SHADOW_BACKLOG_UPDATES = 256;
const SHADOW_BACKLOG_BYTES = 256 * 1024;

/** Bytes of a stored room record: its snapshot and log tail. */
function recordBytes(record: RoomRecord): number {
  let bytes = record.snapshot?.byteLength ?? 0;
  for (const u of record.updates) bytes += u.update.byteLength;
  return bytes;
}

/**
 * Clears what Yjs keeps pending for lack of dependencies; returns whether there was any.
 * (Yjs exposes the pending store on `doc.store` without typing it.)
 */
function dropPending(doc: Y.Doc): boolean {
  const store = doc.store as unknown as { pendingStructs: unknown; pendingDs: unknown };
  const had = store.pendingStructs !== null || store.pendingDs !== null;
  store.pendingStructs = null;
  store.pendingDs = null;
  return had;
}
