import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import { AuthMessageType, MessageType, SyncMessageType } from './message-types';

/** A message a client may send, decoded. Unions on `type`, so handlers switch exhaustively. */
export type ClientMessage =
  | { type: 'sync-step1'; stateVector: Uint8Array }
  | { type: 'sync-step2'; update: Uint8Array }
  | { type: 'sync-update'; update: Uint8Array }
  | { type: 'awareness'; update: Uint8Array }
  | { type: 'query-awareness' }
  | { type: 'subscribe-durable-ack' };

/** A Reading Room extension message the server may send (the y-websocket ones are decoded by y-protocols). */
export type ServerExtensionMessage =
  | { type: 'durable-ack'; ackedMessages: number; storedStateVector: Uint8Array }
  | { type: 'rejection'; code: string; message: string };

/** Thrown for a frame that is not a well-formed protocol message. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
}

/** Reads a varUint, refusing values above Number.MAX_SAFE_INTEGER or a truncated encoding. */
function readVarUint(decoder: decoding.Decoder): number {
  let num = 0;
  let mult = 1;
  for (let i = 0; i < 8; i++) {
    if (decoder.pos >= decoder.arr.length) throw new ProtocolError('truncated varint');
    const r = decoder.arr[decoder.pos++]!;
    num += (r & 0x7f) * mult;
    if (r < 0x80) return num;
    mult *= 128;
    if (num > Number.MAX_SAFE_INTEGER) break;
  }
  throw new ProtocolError('varint out of range');
}

function readVarUint8Array(decoder: decoding.Decoder): Uint8Array {
  const len = readVarUint(decoder);
  if (len > decoder.arr.length - decoder.pos) throw new ProtocolError('length exceeds frame');
  const view = decoder.arr.subarray(decoder.pos, decoder.pos + len);
  decoder.pos += len;
  return view;
}

function readVarString(decoder: decoding.Decoder): string {
  return new TextDecoder('utf-8', { fatal: true }).decode(readVarUint8Array(decoder));
}

function expectEnd(decoder: decoding.Decoder): void {
  if (decoder.pos !== decoder.arr.length) throw new ProtocolError('trailing bytes after message');
}

/**
 * Decodes one frame sent by a client. Strict: one message per frame, no trailing bytes,
 * bounded varints. Throws ProtocolError on anything else. The returned byte arrays are views
 * into `frame`.
 */
export function decodeClientMessage(frame: Uint8Array): ClientMessage {
  const decoder = decoding.createDecoder(frame);
  const type = readVarUint(decoder);
  let message: ClientMessage;
  switch (type) {
    case MessageType.Sync: {
      const sub = readVarUint(decoder);
      const payload = readVarUint8Array(decoder);
      if (sub === SyncMessageType.Step1) message = { type: 'sync-step1', stateVector: payload };
      else if (sub === SyncMessageType.Step2) message = { type: 'sync-step2', update: payload };
      else if (sub === SyncMessageType.Update) message = { type: 'sync-update', update: payload };
      else throw new ProtocolError(`unknown sync message type ${sub}`);
      break;
    }
    case MessageType.Awareness:
      message = { type: 'awareness', update: readVarUint8Array(decoder) };
      break;
    case MessageType.QueryAwareness:
      message = { type: 'query-awareness' };
      break;
    case MessageType.SubscribeDurableAck:
      message = { type: 'subscribe-durable-ack' };
      break;
    default:
      throw new ProtocolError(`unknown message type ${type}`);
  }
  expectEnd(decoder);
  return message;
}

/** Decodes a Reading Room extension message from the server; null for any other message type. */
export function decodeServerExtensionMessage(frame: Uint8Array): ServerExtensionMessage | null {
  const decoder = decoding.createDecoder(frame);
  const type = readVarUint(decoder);
  if (type === MessageType.DurableAck) {
    const ackedMessages = readVarUint(decoder);
    const storedStateVector = readVarUint8Array(decoder);
    return { type: 'durable-ack', ackedMessages, storedStateVector };
  }
  if (type === MessageType.Rejection) {
    const code = readVarString(decoder);
    const message = readVarString(decoder);
    return { type: 'rejection', code, message };
  }
  return null;
}

function encodeSync(sub: number, payload: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Sync);
  encoding.writeVarUint(e, sub);
  encoding.writeVarUint8Array(e, payload);
  return encoding.toUint8Array(e);
}

/** Sync step 1: "here is my state vector, send me what I lack". */
export const encodeSyncStep1 = (stateVector: Uint8Array): Uint8Array => encodeSync(SyncMessageType.Step1, stateVector);
/** Sync step 2: the update answering a step 1. */
export const encodeSyncStep2 = (update: Uint8Array): Uint8Array => encodeSync(SyncMessageType.Step2, update);
/** An incremental document update. */
export const encodeSyncUpdate = (update: Uint8Array): Uint8Array => encodeSync(SyncMessageType.Update, update);

/** An awareness update (y-protocols/awareness encoding). */
export function encodeAwareness(update: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Awareness);
  encoding.writeVarUint8Array(e, update);
  return encoding.toUint8Array(e);
}

/** Asks the peer for its full awareness state. */
export function encodeQueryAwareness(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.QueryAwareness);
  return encoding.toUint8Array(e);
}

/** y-protocols/auth permission-denied, which the stock client reports through its permission-denied handler. */
export function encodePermissionDenied(reason: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Auth);
  encoding.writeVarUint(e, AuthMessageType.PermissionDenied);
  encoding.writeVarString(e, reason);
  return encoding.toUint8Array(e);
}

/** Client → server: subscribe to durable acknowledgements. */
export function encodeSubscribeDurableAck(): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.SubscribeDurableAck);
  return encoding.toUint8Array(e);
}

/**
 * Server → client: the first `ackedMessages` update-carrying messages (sync step 2 and update)
 * this connection sent are durably stored; `storedStateVector` is the stored document's state vector.
 */
export function encodeDurableAck(ackedMessages: number, storedStateVector: Uint8Array): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.DurableAck);
  encoding.writeVarUint(e, ackedMessages);
  encoding.writeVarUint8Array(e, storedStateVector);
  return encoding.toUint8Array(e);
}

/** Server → client: an update from this connection was refused (code is machine-readable). */
export function encodeRejection(code: string, message: string): Uint8Array {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, MessageType.Rejection);
  encoding.writeVarString(e, code);
  encoding.writeVarString(e, message);
  return encoding.toUint8Array(e);
}
