/**
 * The transport as the sync core sees it: a WebSocket-like connection. apps/server adapts `ws`;
 * tests use in-memory fakes. Incoming frames are delivered by calling `SyncConnection.receive`.
 */
export interface SyncSocket {
  /** Sends one binary frame (one protocol message per frame). */
  send(frame: Uint8Array): void;
  /** Closes the connection with a code and a reason (at most 123 bytes). Idempotent. */
  close(code: number, reason: string): void;
  /** Bytes queued but not yet written to the network; used to shed slow consumers. */
  readonly bufferedAmount: number;
}
