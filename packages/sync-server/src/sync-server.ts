import { CloseCode } from '@readingroom/protocol';
import type { DocumentStorage } from './storage';
import type { SyncSocket } from './socket';
import { silentLogger, type Logger } from './logger';
import { RoomState, type ConnectionIdentity, type SyncHooks, type SyncMetrics } from './hooks';
import { Room } from './room';
import { Connection, type ConnectionLimits } from './connection';
import { errorMessage } from './room-writer';

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
