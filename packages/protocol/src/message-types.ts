/**
 * Top-level message types on the sync WebSocket. 0-3 are the y-websocket protocol that the
 * stock client speaks; 100+ are Reading Room extensions. A server sends an extension type
 * only to a connection that asked for it (the stock client logs an error on unknown types).
 */
export const MessageType = {
  Sync: 0,
  Awareness: 1,
  Auth: 2,
  QueryAwareness: 3,
  /** client → server: "send me durable acknowledgements" (empty body). */
  SubscribeDurableAck: 100,
  /** server → client: [varUint ackedMessages][varUint8Array storedStateVector]. */
  DurableAck: 101,
  /** server → client: [varString code][varString message] — an update was refused. Sent only to subscribers. */
  Rejection: 102,
} as const;
export type MessageType = (typeof MessageType)[keyof typeof MessageType];

/** Sub-types of MessageType.Sync, as defined by y-protocols/sync. */
export const SyncMessageType = {
  Step1: 0,
  Step2: 1,
  Update: 2,
} as const;
export type SyncMessageType = (typeof SyncMessageType)[keyof typeof SyncMessageType];

/** Sub-types of MessageType.Auth, as defined by y-protocols/auth. */
export const AuthMessageType = {
  PermissionDenied: 0,
} as const;

/** Bumped on any incompatible change to the extension messages. */
export const PROTOCOL_VERSION = 1;
