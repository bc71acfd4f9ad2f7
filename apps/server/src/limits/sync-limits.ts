import type { Duplex } from 'node:stream';
import { ConnectionSlots } from './connection-slots';
import { TokenBucket } from './token-bucket';

export interface SyncLimitOptions {
  readonly maxConnectionsPerUser: number;
  readonly maxMessagesPerSecond: number;
  readonly messageBurst: number;
  readonly maxBytesPerSecond: number;
  /** Raised to `maxMessageBytes` when smaller, so one largest allowed message always fits. */
  readonly byteBurst: number;
  readonly maxMessageBytes: number;
}

/** The per-user and per-connection limits the WebSocket adapter applies. */
export interface SyncLimits {
  /** Takes a connection slot for the user until `socket` closes; false: answer 429. */
  admit(userId: string, socket: Duplex): boolean;
  /** A fresh meter for one connection: call with each frame's size; false means over the rate. */
  meter(): (bytes: number) => boolean;
}

export function createSyncLimits(options: SyncLimitOptions, now?: () => number): SyncLimits {
  const slots = new ConnectionSlots(options.maxConnectionsPerUser);
  const byteCapacity = Math.max(options.byteBurst, options.maxMessageBytes);
  return {
    admit: (userId, socket) => slots.acquire(userId, socket),
    meter() {
      const messages = new TokenBucket(options.maxMessagesPerSecond, options.messageBurst, now);
      const bytes = new TokenBucket(options.maxBytesPerSecond, byteCapacity, now);
      return (size) => messages.take(1) && bytes.take(size);
    },
  };
}
