import * as Y from 'yjs';
import { CloseCode } from '@readingroom/protocol';
import type { DocumentStorage } from './storage';
import type { SyncSocket } from './socket';
import { silentLogger, type Logger } from './logger';
import { RoomState, type AcceptDecision, type ConnectionIdentity, type StagedUpdate, type SyncHooks, type SyncMetrics } from './hooks';
import { Room } from './room';
import { Connection, type ConnectionLimits } from './connection';
import { errorMessage } from './room-writer';
import { copyDocument, DocumentChangeError, SERVER_CHANGE_ORIGIN, stageChange, type ChangeDocumentOptions, type DocumentChange } from './server-change';

export interface SyncServerOptions {
  readonly storage: DocumentStorage;
  readonly hooks?: SyncHooks;
  readonly logger?: Logger;
  readonly metrics?: SyncMetrics;
  /** Wait this long for more updates before a write (default 5 ms). */
  readonly flushDelayMs?: number;
  /** Compact a room's log into a snapshot after this many stored updates (default 500). */
  readonly compactAfterUpdates?: number;
  /** Keep an empty room this long before unloading it (default 1000 ms). */
  readonly unloadDelayMs?: number;
  readonly limits?: Partial<ConnectionLimits>;
  /**
   * After refusing an incremental update, send the sender the room's full state (sync step 2) and
   * sync step 1, so it holds everything the room has (default false). A stock y-websocket client
   * cannot drop its refused local change; this only makes sure it misses nothing of the room.
   */
  readonly resyncAfterRefusal?: boolean;
}

/** The handle a transport keeps for one socket. */
export interface SyncConnection {
  /** Feed every binary frame received on the socket. */
  receive(frame: Uint8Array): void;
  /** Call when the socket closed from the other side. */
  handleClose(): void;
  /** Close from the server side with a code and reason. */
  close(code: number, reason: string): void;
  readonly identity: ConnectionIdentity;
  readonly roomName: string;
}

const DEFAULT_LIMITS: ConnectionLimits = {
  maxQueuedFrames: 10_000,
  maxBufferedBytes: 64 * 1024 * 1024,
  maxRejections: 20,
  maxDocumentBytes: Number.POSITIVE_INFINITY,
};

/**
 * The sync core: a registry of rooms and their connections, independent of any transport or
 * database. Transports call `connect` after authenticating a socket.
 */
export class SyncServer {
  private readonly rooms = new Map<string, Room>();
  private readonly logger: Logger;
  private readonly limits: ConnectionLimits;
  private connections = 0;
  private shuttingDown = false;

  constructor(private readonly options: SyncServerOptions) {
    this.logger = options.logger ?? silentLogger;
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
  }

  get roomCount(): number {
    return this.rooms.size;
  }
  get connectionCount(): number {
    return this.connections;
  }
  get isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  /** Lifecycle state of a room, or undefined when it is not in memory. */
  roomState(name: string): RoomState | undefined {
    return this.rooms.get(name)?.state;
  }

  /** Stored size of a loaded room (snapshot + log, see `maxDocumentBytes`), or undefined when not in memory. */
  roomStoredBytes(name: string): number | undefined {
    return this.rooms.get(name)?.storedBytes;
  }

  /** Attaches an authenticated socket to a room, loading the room first if needed. */
  connect(socket: SyncSocket, { room: roomName, identity }: { room: string; identity: ConnectionIdentity }): SyncConnection {
    const room = this.shuttingDown ? null : this.roomFor(roomName);
    if (!room) {
      socket.close(CloseCode.ServiceRestart, 'server shutting down');
      return { receive() {}, handleClose() {}, close() {}, identity, roomName };
    }
    const conn = new Connection({
      room,
      socket,
      identity,
      hooks: this.options.hooks ?? {},
      metrics: this.options.metrics ?? null,
      logger: this.logger,
      limits: this.limits,
      resyncAfterRefusal: this.options.resyncAfterRefusal ?? false,
      onClosed: (c) => {
        this.connections--;
        this.options.metrics?.connectionClosed();
        c.room.remove(c);
      },
    });
    this.connections++;
    this.options.metrics?.connectionOpened();
    room.add(conn);
    room.ready.then(
      () => conn.start(),
      () => conn.close(CloseCode.RoomUnavailable, 'room could not be loaded'),
    );
    return {
      receive: (frame) => conn.receive(frame),
      handleClose: () => conn.handleClose(),
      close: (code, reason) => conn.close(code, reason),
      identity,
      roomName,
    };
  }

  /**
   * A fresh copy of a room's current document: the loaded room's (including updates not yet
   * durable), or, when the room is not in memory, what storage holds (no room is kept loaded).
   * The copy is the caller's; writing it changes nothing.
   */
  async readDocument(name: string): Promise<Y.Doc> {
    const room = this.rooms.get(name);
    if (room?.state === RoomState.Active) return copyDocument(room.doc);
    // Unloading: its last updates are stored once the unload is done. Rebuilding (loading again
    // after a failed apply): once its writer is drained, storage holds what it will load.
    if (room?.state === RoomState.Unloading) await room.unload();
    else if (room?.state === RoomState.Loading) await room.writer.drain();
    const record = await this.options.storage.loadRoom(name);
    const doc = new Y.Doc();
    if (record.snapshot) Y.applyUpdate(doc, record.snapshot);
    for (const u of record.updates) Y.applyUpdate(doc, u.update);
    return doc;
  }

  /**
   * Changes a room's document on behalf of `identity`, as if that user had sent the update:
   * loads the room if needed (keeping it loaded until done), runs `change` on a staging copy of
   * the room's document, turns what it wrote into one update and puts it through the accepted-
   * update path (the `acceptUpdate` hook unless `validate: false`, the document size limit,
   * then applied, stored as `identity.userId`, broadcast to every client of the room and
   * reported to `onUpdateApplied`). Resolves once the update is durably stored, with
   * `changed: false` when `change` wrote nothing. Throws `DocumentChangeError` (nothing applied)
   * when the room is unavailable or the change is refused; an error thrown by `change` is
   * rethrown as is. `change` must be synchronous: it sees the room's state at that moment.
   */
  async changeDocument(
    name: string,
    identity: ConnectionIdentity,
    change: (doc: Y.Doc) => void,
    options: ChangeDocumentOptions = {},
  ): Promise<DocumentChange> {
    if (this.shuttingDown) throw new DocumentChangeError('unavailable', 'the server is shutting down');
    const room = this.roomFor(name);
    const release = room.hold();
    try {
      try {
        await room.ready;
      } catch {
        throw new DocumentChangeError('unavailable', 'the room could not be loaded');
      }
      // From here to the apply nothing awaits, so the change is made against the room's state.
      if (room.state !== RoomState.Active) throw new DocumentChangeError('unavailable', 'the room is not available; try again');
      const update = stageChange(room.doc, change);
      if (update === null) return { changed: false };
      if (room.storedBytes + update.byteLength > this.limits.maxDocumentBytes) {
        this.options.metrics?.updateRejected('document_too_large');
        throw new DocumentChangeError('document_too_large', `the document would exceed its limit of ${this.limits.maxDocumentBytes} bytes`);
      }
      let staged = false;
      const accept = this.options.hooks?.acceptUpdate;
      if (accept && options.validate !== false) {
        const stage = (): StagedUpdate => {
          if (staged) throw new Error('stage() may be called once per proposal');
          staged = true;
          return room.stage(update);
        };
        let decision: AcceptDecision;
        try {
          decision = accept({ room: name, identity, update, via: 'server-change', doc: room.doc, stage });
        } catch (err) {
          decision = { accept: false, code: 'invalid_update', message: errorMessage(err) };
        }
        if (!decision.accept) {
          this.options.metrics?.updateRejected(decision.code);
          throw new DocumentChangeError(decision.code, decision.message);
        }
      }
      const result = room.applyUpdate(update, identity, SERVER_CHANGE_ORIGIN, staged);
      if (result !== 'applied') {
        this.options.metrics?.updateRejected('apply_failed');
        throw new DocumentChangeError('apply_failed', 'the change could not be applied');
      }
      await room.writer.whenStored();
      return { changed: true };
    } finally {
      release();
    }
  }

  /** The room to join: the live one, or a new incarnation that loads after an unloading one is gone. */
  private roomFor(name: string): Room {
    const existing = this.rooms.get(name);
    if (existing && (existing.state === RoomState.Loading || existing.state === RoomState.Active)) return existing;
    const previous = existing?.state === RoomState.Unloading ? existing.unload() : Promise.resolve();
    const room = new Room({
      name,
      storage: this.options.storage,
      logger: this.logger,
      hooks: this.options.hooks ?? {},
      metrics: this.options.metrics ?? null,
      flushDelayMs: this.options.flushDelayMs ?? 5,
      compactAfterUpdates: this.options.compactAfterUpdates ?? 500,
      unloadDelayMs: this.options.unloadDelayMs ?? 1000,
      after: previous,
      onGone: (gone) => {
        if (this.rooms.get(name) === gone) this.rooms.delete(name);
      },
    });
    room.ready.catch(() => {});
    this.rooms.set(name, room);
    return room;
  }

  /** Closes every connection matching `predicate` (e.g. a revoked user) with a code and reason. */
  closeConnections(predicate: (c: SyncConnection) => boolean, code: number, reason: string): number {
    let n = 0;
    for (const room of this.rooms.values()) {
      for (const conn of [...room.connections]) {
        if (predicate(handleOf(conn))) {
          conn.close(code, reason);
          n++;
        }
      }
    }
    return n;
  }

  /** Every open connection of every room (e.g. to re-check permissions periodically). */
  listConnections(): SyncConnection[] {
    const out: SyncConnection[] = [];
    for (const room of this.rooms.values()) for (const conn of room.connections) out.push(handleOf(conn));
    return out;
  }

  /** Writes everything pending in every room. */
  async flushAll(): Promise<void> {
    await Promise.all([...this.rooms.values()].map((r) => r.writer.drain()));
  }

  /** Stops accepting, flushes every room (sending final acks), closes sockets with `code`, unloads. */
  async shutdown(code: number = CloseCode.ServiceRestart, reason = 'server restarting'): Promise<void> {
    this.shuttingDown = true;
    const rooms = [...this.rooms.values()];
    await Promise.all(rooms.map((r) => r.ready.catch(() => {})));
    await this.flushAll();
    for (const room of rooms) for (const conn of [...room.connections]) conn.close(code, reason);
    const results = await Promise.allSettled(rooms.map((r) => r.unload()));
    for (const r of results) if (r.status === 'rejected') this.logger.error({ err: errorMessage(r.reason) }, 'unload failed');
  }
}

function handleOf(conn: Connection): SyncConnection {
  return {
    receive: (frame) => conn.receive(frame),
    handleClose: () => conn.handleClose(),
    close: (code, reason) => conn.close(code, reason),
    identity: conn.identity,
    roomName: conn.room.name,
  };
}
