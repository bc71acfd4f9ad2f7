import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { CloseCode } from '@readingroom/protocol';
import type { Logger, SyncServer } from '@readingroom/sync-server';
import type { Authenticate } from '../auth/authenticate';
import type { AuthenticatedUser } from '../auth/session';
import type { SyncLimits } from '../limits/sync-limits';
import { startKeepalive } from './keepalive';
import { parseUpgrade, selectProtocol } from './parse-upgrade';
import { rejectUpgrade } from './reject-upgrade';
import { toSyncSocket } from './ws-socket';

export interface SyncUpgradeOptions {
  readonly server: Server;
  readonly sync: SyncServer;
  readonly authenticate: Authenticate;
  readonly logger: Logger;
  readonly maxMessageBytes: number;
  readonly pingIntervalMs: number;
  /** False once shutdown began: new upgrades get 503. */
  readonly isAccepting: () => boolean;
  /** Origin allow-list (see tls/allowed-origins.ts); refused upgrades get 403. */
  readonly isOriginAllowed?: (req: IncomingMessage) => boolean;
  /** Connections per user (429 beyond) and per-connection message/byte rates (4005 beyond). */
  readonly limits?: SyncLimits;
  /**
   * Whether the user may open the room (403 before any room is loaded when not), and the grant
   * carried in the connection's identity data (see sync-access/). Absent: any valid token may.
   */
  readonly authorize?: (user: AuthenticatedUser, room: string) => Promise<UpgradeGrant>;
}

/** The answer of `SyncUpgradeOptions.authorize`. */
export type UpgradeGrant = { readonly ok: true; readonly data: object } | { readonly ok: false; readonly reason: string };

export interface SyncUpgrade {
  readonly wss: WebSocketServer;
  /** Stops keepalive; waits up to `graceMs` for sockets to finish closing, then terminates the rest. */
  close(graceMs?: number): Promise<void>;
}

const asBytes = (data: RawData): Uint8Array => {
  const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
};

/**
 * Handles `upgrade` on the HTTP server: `/sync/<room>` with a valid token becomes a sync
 * connection; anything else is answered with an HTTP status before any room is touched.
 */
export function attachSyncUpgrade(options: SyncUpgradeOptions): SyncUpgrade {
  const { server, sync, authenticate, logger } = options;
  const wss = new WebSocketServer({
    noServer: true,
    // ws itself closes with 1009 and no reason past maxPayload; leave it headroom so that
    // moderately oversized frames get our own 4002 with a reason below.
    maxPayload: options.maxMessageBytes * 2,
    handleProtocols: (protocols) => selectProtocol(protocols),
  });
  wss.on('error', (err) => logger.error({ err: { message: err.message } }, 'websocket server error'));
  const stopKeepalive = startKeepalive(wss, options.pingIntervalMs);

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Errors on the raw socket (client reset mid-handshake) must not crash the process.
    const onSocketError = (err: Error) => logger.debug({ err: { message: err.message } }, 'upgrade socket error');
    socket.on('error', onSocketError);
    void (async () => {
      if (!options.isAccepting()) return rejectUpgrade(socket, 503);
      if (options.isOriginAllowed && !options.isOriginAllowed(req)) {
        logger.info({ reason: 'origin_not_allowed' }, 'sync upgrade refused');
        return rejectUpgrade(socket, 403);
      }
      const target = parseUpgrade(req);
      if (!target.ok) return rejectUpgrade(socket, target.status);
      const user = await authenticate(target.token);
      if (!user) {
        logger.info({ reason: 'invalid_token' }, 'sync upgrade refused');
        return rejectUpgrade(socket, 401, { 'WWW-Authenticate': 'Bearer' });
      }
      const grant = options.authorize ? await options.authorize(user, target.room) : { ok: true as const, data: {} };
      if (!grant.ok) {
        logger.info({ userId: user.id, reason: grant.reason }, 'sync upgrade refused');
        return rejectUpgrade(socket, 403);
      }
      if (socket.destroyed) return;
      if (!options.isAccepting()) return rejectUpgrade(socket, 503);
      if (options.limits && !options.limits.admit(user.id, socket)) {
        logger.info({ userId: user.id, reason: 'too_many_connections' }, 'sync upgrade refused');
        return rejectUpgrade(socket, 429);
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        socket.off('error', onSocketError);
        wss.emit('connection', ws, req);
        bindConnection(ws, target.room, user, grant.data);
      });
    })().catch((err: Error) => {
      logger.error({ err: { message: err.message, stack: err.stack } }, 'sync upgrade failed');
      rejectUpgrade(socket, 500);
    });
  };

  const bindConnection = (ws: WebSocket, room: string, user: AuthenticatedUser, grant: object) => {
    ws.binaryType = 'nodebuffer';
    ws.on('error', (err) => logger.debug({ userId: user.id, err: { message: err.message } }, 'websocket error'));
    let conn: ReturnType<SyncServer['connect']>;
    try {
      conn = sync.connect(toSyncSocket(ws), {
        room,
        // session: the token's id, so logout can close exactly its connections (auth/session.ts)
        identity: { userId: user.id, data: { username: user.username, isAdmin: user.isAdmin, session: user.session, ...grant } },
      });
    } catch (err) {
      logger.error({ userId: user.id, err: { message: (err as Error).message } }, 'sync connect failed');
      ws.close(CloseCode.TryAgainLater, 'server unavailable');
      return;
    }
    const withinRate = options.limits?.meter();
    ws.on('message', (data, isBinary) => {
      // ws still delivers frames that arrive after we started closing; they must not reach the room
      if (ws.readyState !== ws.OPEN) return;
      if (!isBinary) {
        ws.close(CloseCode.MalformedMessage, 'text frames are not supported');
        return;
      }
      const bytes = asBytes(data);
      if (bytes.byteLength > options.maxMessageBytes) {
        ws.close(CloseCode.MessageTooLarge, `message of ${bytes.byteLength} bytes exceeds the limit of ${options.maxMessageBytes}`);
        return;
      }
      if (withinRate && !withinRate(bytes.byteLength)) {
        logger.info({ userId: user.id }, 'sync connection over its rate limit');
        ws.close(CloseCode.RateLimited, 'rate limited');
        return;
      }
      try {
        conn.receive(bytes);
      } catch (err) {
        logger.error({ userId: user.id, err: { message: (err as Error).message } }, 'sync receive failed');
        ws.close(1011, 'internal error');
      }
    });
    ws.once('close', () => {
      try {
        conn.handleClose();
      } catch (err) {
        logger.error({ userId: user.id, err: { message: (err as Error).message } }, 'sync close failed');
      }
    });
  };

  server.on('upgrade', onUpgrade);

  return {
    wss,
    async close(graceMs = 2000) {
      server.off('upgrade', onUpgrade);
      stopKeepalive();
      const deadline = Date.now() + graceMs;
      while (wss.clients.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
