/**
 * WebSocket close codes the server uses. 4000-4999 are application codes; every close carries
 * a human-readable reason (at most 123 bytes, as the WebSocket spec allows).
 */
export const CloseCode = {
  /** Standard: server is restarting (SIGTERM); clients should reconnect. */
  ServiceRestart: 1012,
  /** Standard: try again later (slow consumer, overload). */
  TryAgainLater: 1013,
  /** The frame could not be decoded as a protocol message. */
  MalformedMessage: 4000,
  /** Yjs could not apply the update; the room is unchanged. */
  InvalidUpdate: 4001,
  /** A frame larger than the configured maximum. */
  MessageTooLarge: 4002,
  /** The room could not be loaded from storage. */
  RoomUnavailable: 4003,
  /** Too many rejected updates from this connection. */
  TooManyRejections: 4004,
  /** Too many messages or bytes per second. */
  RateLimited: 4005,
  /** The connection did not answer keepalive pings. */
  KeepaliveTimeout: 4006,
  /** Missing, expired or forged credentials. */
  Unauthorized: 4401,
  /** Authenticated but not allowed in this room. */
  Forbidden: 4403,
} as const;
export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Truncates a close reason to the 123 bytes a close frame can carry. */
export function closeReason(reason: string): string {
  const bytes = new TextEncoder().encode(reason);
  if (bytes.length <= 123) return reason;
  return new TextDecoder().decode(bytes.slice(0, 120)).replace(/\uFFFD$/, '') + '...';
}
