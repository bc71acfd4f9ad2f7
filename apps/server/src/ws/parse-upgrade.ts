import type { IncomingMessage } from 'node:http';

export const SYNC_PATH_PREFIX = '/sync/';
export const MAX_ROOM_LENGTH = 256;
/** A `Sec-WebSocket-Protocol` entry carrying the token: `readingroom.token.<jwt>`. */
export const TOKEN_PROTOCOL_PREFIX = 'readingroom.token.';
/** Plain protocol name a client may offer next to the token, so the token is not echoed back. */
export const APP_PROTOCOL = 'readingroom';

export type UpgradeTarget =
  | { readonly ok: true; readonly room: string; readonly token: string | undefined }
  | { readonly ok: false; readonly status: 400 | 404; readonly reason: string };

/** Offered subprotocols, in the order the client listed them. */
export function offeredProtocols(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  if (!header) return [];
  return header.split(',').map((p) => p.trim()).filter(Boolean);
}

/**
 * Reads room and token from an upgrade request: path `/sync/<room>` (room percent-decoded,
 * 1-256 characters), token from `?token=` or a `readingroom.token.<jwt>` subprotocol.
 */
export function parseUpgrade(req: IncomingMessage): UpgradeTarget {
  let url: URL;
  try {
    url = new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return { ok: false, status: 400, reason: 'malformed request target' };
  }
  if (!url.pathname.startsWith(SYNC_PATH_PREFIX)) return { ok: false, status: 404, reason: 'unknown path' };
  let room: string;
  try {
    room = decodeURIComponent(url.pathname.slice(SYNC_PATH_PREFIX.length));
  } catch {
    return { ok: false, status: 400, reason: 'room is not valid percent-encoding' };
  }
  if (room.length < 1 || room.length > MAX_ROOM_LENGTH) {
    return { ok: false, status: 400, reason: `room must be 1-${MAX_ROOM_LENGTH} characters` };
  }
  const fromProtocol = offeredProtocols(req)
    .find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))
    ?.slice(TOKEN_PROTOCOL_PREFIX.length);
  const token = url.searchParams.get('token') || fromProtocol || undefined;
  return { ok: true, room, token };
}

/**
 * The subprotocol to echo back: `readingroom` when offered (keeps the token out of the
 * response), else the token protocol itself (browsers fail the handshake if none is echoed).
 */
export function selectProtocol(protocols: ReadonlySet<string>): string | false {
  if (protocols.has(APP_PROTOCOL)) return APP_PROTOCOL;
  for (const p of protocols) if (p.startsWith(TOKEN_PROTOCOL_PREFIX)) return p;
  return false;
}
