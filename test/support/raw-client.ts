import WebSocket from 'ws';
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as Y from 'yjs';
import * as syncProtocol from 'y-protocols/sync';
import * as awarenessProtocol from 'y-protocols/awareness';
import { until } from './until';

/** y-websocket message types, spelled out here (not imported from the code under test). */
export const MSG = { sync: 0, awareness: 1, auth: 2, queryAwareness: 3, subscribeAck: 100, durableAck: 101, rejection: 102 } as const;

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

/** Outcome of an upgrade attempt that did not become a WebSocket. */
export interface RefusedUpgrade {
  readonly status: number;
}

/**
 * A bare `ws` client for protocol-level tests: sends frames built with lib0/y-protocols,
 * records every frame received, and reports how the connection closed.
 */
export class RawClient {
  readonly frames: Uint8Array[] = [];
  readonly textFrames: string[] = [];
  /** Resolves with the close code and reason (code 1006 if the TCP connection just dropped). */
  readonly closed: Promise<CloseInfo>;
  closeInfo: CloseInfo | null = null;
  readonly errors: Error[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (isBinary) this.frames.push(new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice());
      else this.textFrames.push(data.toString('utf8'));
    });
    ws.on('error', (err) => this.errors.push(err));
    this.closed = new Promise((resolve) => {
      ws.once('close', (code, reason) => {
        this.closeInfo = { code, reason: reason.toString('utf8') };
        resolve(this.closeInfo);
      });
    });
  }

  /** Connects to `url`; rejects with `{ status }` when the server answers the upgrade with an HTTP status. */
  static connect(url: string, options: WebSocket.ClientOptions = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, options);
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        res.resume();
        reject(Object.assign(new Error(`upgrade refused with HTTP ${res.statusCode}`), { status: res.statusCode ?? 0 }));
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
    });
  }

  /** Resolves with the HTTP status of a refused upgrade; fails if the upgrade succeeds. */
  static async refusedStatus(url: string, options: WebSocket.ClientOptions = {}): Promise<number> {
    try {
      const client = await RawClient.connect(url, options);
      client.ws.terminate();
    } catch (err) {
      const status = (err as Partial<RefusedUpgrade>).status;
      if (typeof status === 'number') return status;
      throw err;
    }
    throw new Error(`upgrade to ${url} was accepted`);
  }

  send(frame: Uint8Array | string): void {
    this.ws.send(frame, { binary: typeof frame !== 'string' });
  }

  /** Waits until `predicate` holds for the frames received so far. */
  async waitFor(predicate: (frames: readonly Uint8Array[]) => boolean, timeoutMs = 3_000, what = 'frames'): Promise<void> {
    await until(() => predicate(this.frames), timeoutMs, what);
  }

  /** Waits for a frame whose decoded form matches, returning it. Looks at frames from index `from`. */
  async nextMessage(match: (m: ServerMessage) => boolean, from = 0, timeoutMs = 3_000): Promise<ServerMessage> {
    let found: ServerMessage | undefined;
    await until(
      () => {
        found = this.frames.slice(from).map(decodeServerFrame).find(match);
        return found !== undefined;
      },
      timeoutMs,
      'a matching server message',
    );
    return found!;
  }

  messages(): ServerMessage[] {
    return this.frames.map(decodeServerFrame);
  }

  close(): Promise<CloseInfo> {
    if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) this.ws.close(1000, 'bye');
    return this.closed;
  }
}

// ---- building client frames with lib0 + y-protocols ----

const frame = (build: (e: encoding.Encoder) => void): Uint8Array => {
  const e = encoding.createEncoder();
  build(e);
  return encoding.toUint8Array(e);
};

export const encodeStep1 = (stateVector: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.sync);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep1);
    encoding.writeVarUint8Array(e, stateVector);
  });
export const encodeStep2 = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.sync);
    encoding.writeVarUint(e, syncProtocol.messageYjsSyncStep2);
    encoding.writeVarUint8Array(e, update);
  });
export const encodeUpdate = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.sync);
    syncProtocol.writeUpdate(e, update);
  });
export const encodeAwarenessFrame = (update: Uint8Array): Uint8Array =>
  frame((e) => {
    encoding.writeVarUint(e, MSG.awareness);
    encoding.writeVarUint8Array(e, update);
  });
export const encodeQueryAwarenessFrame = (): Uint8Array => frame((e) => encoding.writeVarUint(e, MSG.queryAwareness));
export const encodeSubscribeAckFrame = (): Uint8Array => frame((e) => encoding.writeVarUint(e, MSG.subscribeAck));

// ---- decoding server frames strictly ----

export type ServerMessage =
  | { readonly kind: 'sync-step1'; readonly stateVector: Uint8Array }
  | { readonly kind: 'sync-step2'; readonly update: Uint8Array }
  | { readonly kind: 'sync-update'; readonly update: Uint8Array }
  | { readonly kind: 'awareness'; readonly update: Uint8Array; readonly entries: ReadonlyArray<{ clientId: number; clock: number; state: unknown }> }
  | { readonly kind: 'permission-denied'; readonly reason: string }
  | { readonly kind: 'query-awareness' }
  | { readonly kind: 'durable-ack'; readonly ackedMessages: number; readonly storedStateVector: Uint8Array }
  | { readonly kind: 'rejection'; readonly code: string; readonly message: string };

/**
 * Decodes one server frame as exactly one message and throws if anything is left over (the
 * y-websocket 2.x client reads only the first message of a frame). Sync payloads are checked
 * with Yjs, awareness payloads entry by entry.
 */
export function decodeServerFrame(bytes: Uint8Array): ServerMessage {
  const d = decoding.createDecoder(bytes);
  const type = decoding.readVarUint(d);
  let message: ServerMessage;
  switch (type) {
    case MSG.sync: {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === syncProtocol.messageYjsSyncStep1) {
        Y.decodeStateVector(payload);
        message = { kind: 'sync-step1', stateVector: payload };
      } else if (sub === syncProtocol.messageYjsSyncStep2 || sub === syncProtocol.messageYjsUpdate) {
        Y.decodeUpdate(payload);
        message = { kind: sub === syncProtocol.messageYjsSyncStep2 ? 'sync-step2' : 'sync-update', update: payload };
      } else throw new Error(`unknown sync sub-type ${sub}`);
      break;
    }
    case MSG.awareness: {
      const update = decoding.readVarUint8Array(d);
      const inner = decoding.createDecoder(update);
      const n = decoding.readVarUint(inner);
      const entries: Array<{ clientId: number; clock: number; state: unknown }> = [];
      for (let i = 0; i < n; i++) {
        const clientId = decoding.readVarUint(inner);
        const clock = decoding.readVarUint(inner);
        entries.push({ clientId, clock, state: JSON.parse(decoding.readVarString(inner)) as unknown });
      }
      if (decoding.hasContent(inner)) throw new Error('trailing bytes inside awareness update');
      message = { kind: 'awareness', update, entries };
      break;
    }
    case MSG.auth: {
      const sub = decoding.readVarUint(d);
      if (sub !== 0) throw new Error(`unknown auth sub-type ${sub}`);
      message = { kind: 'permission-denied', reason: decoding.readVarString(d) };
      break;
    }
    case MSG.queryAwareness:
      message = { kind: 'query-awareness' };
      break;
    case MSG.durableAck:
      message = { kind: 'durable-ack', ackedMessages: decoding.readVarUint(d), storedStateVector: decoding.readVarUint8Array(d) };
      break;
    case MSG.rejection:
      message = { kind: 'rejection', code: decoding.readVarString(d), message: decoding.readVarString(d) };
      break;
    default:
      throw new Error(`unknown message type ${type}`);
  }
  if (decoding.hasContent(d)) throw new Error(`${bytes.length - d.pos} trailing bytes after a ${message.kind} message`);
  return message;
}

/** Applies every awareness message in `frames` to a fresh Awareness and returns the states it ends with. */
export function awarenessStatesFrom(frames: readonly Uint8Array[]): Map<number, unknown> {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.setLocalState(null);
  for (const f of frames) {
    const m = decodeServerFrame(f);
    if (m.kind === 'awareness') awarenessProtocol.applyAwarenessUpdate(awareness, m.update, 'server');
  }
  const states = new Map(awareness.getStates());
  awareness.destroy();
  return states;
}

/** Builds a sync URL for a room (URL-encoded) with an optional token. */
export function roomUrl(syncUrl: string, room: string, token?: string): string {
  return `${syncUrl}/${encodeURIComponent(room)}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
}
