import { isDeepStrictEqual } from 'node:util';
import WebSocket from 'ws';
import * as Y from 'yjs';
import { WebsocketProvider } from 'y-websocket';
import { WebsocketProvider as WebsocketProviderV2 } from 'y-websocket-v2';
import { until } from './until';

type ProviderOptions = NonNullable<ConstructorParameters<typeof WebsocketProvider>[3]>;
type Polyfill = ProviderOptions['WebSocketPolyfill'];

/** Either stock provider; both expose the same surface for what the tests use. */
export type StockProvider = WebsocketProvider | WebsocketProviderV2;

export interface StockClient {
  readonly doc: Y.Doc;
  readonly provider: StockProvider;
  /** Every binary frame the server sent to this client, in order, across reconnects. */
  readonly received: Uint8Array[];
  /** Subscribes to the provider's connection status (both versions emit the same events). */
  onStatus(listener: (status: 'connected' | 'disconnected' | 'connecting') => void): void;
  /** Disconnects and destroys provider and doc. Idempotent. */
  destroy(): void;
}

export interface StockClientOptions {
  readonly syncUrl: string;
  readonly room: string;
  readonly token: string;
  /** `3` = y-websocket 3.1 (default), `2` = y-websocket 2.1. */
  readonly version?: 2 | 3;
  readonly doc?: Y.Doc;
  /** Wait for the first `synced` (default true). */
  readonly waitSynced?: boolean;
  readonly timeoutMs?: number;
}

/** A `ws` WebSocket that also records every binary frame it receives into `sink`. */
export function recordingWebSocket(sink: Uint8Array[]): new (url: string | URL, protocols?: string | string[]) => WebSocket {
  return class RecordingWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        if (!isBinary) return;
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        sink.push(new Uint8Array(buf));
      });
    }
  };
}

/** Opens a stock y-websocket provider on `room` (token as `?token=`), by default waiting until synced. */
export async function openStockClient(options: StockClientOptions): Promise<StockClient> {
  const doc = options.doc ?? new Y.Doc();
  const received: Uint8Array[] = [];
  const Provider = options.version === 2 ? WebsocketProviderV2 : WebsocketProvider;
  const provider: StockProvider = new Provider(options.syncUrl, options.room, doc, {
    params: { token: options.token },
    WebSocketPolyfill: recordingWebSocket(received) as unknown as Polyfill,
    disableBc: true,
  });
  let destroyed = false;
  const client: StockClient = {
    doc,
    provider,
    received,
    onStatus(listener) {
      (provider as WebsocketProvider).on('status', (e: { status: 'connected' | 'disconnected' | 'connecting' }) => listener(e.status));
    },
    destroy() {
      if (destroyed) return;
      destroyed = true;
      provider.destroy();
      doc.destroy();
    },
  };
  if (options.waitSynced ?? true) {
    try {
      await until(() => provider.synced, options.timeoutMs ?? 5_000, `provider on "${options.room}" to sync`);
    } catch (err) {
      client.destroy();
      throw err;
    }
  }
  return client;
}

/** Resolves once every doc has the same state vector and the same JSON content. */
export async function untilConverged(docs: readonly Y.Doc[], timeoutMs = 5_000): Promise<void> {
  await until(
    () => {
      const [first, ...rest] = docs;
      if (!first) return true;
      const sv = Buffer.from(Y.encodeStateVector(first));
      const json = docJson(first);
      return rest.every((d) => Buffer.from(Y.encodeStateVector(d)).equals(sv) && isDeepStrictEqual(docJson(d), json));
    },
    timeoutMs,
    'documents to converge',
  );
}

/** Plain JSON of the top-level types the tests use: map `m`, array `a`, text `t`. */
export function docJson(doc: Y.Doc): { m: unknown; a: unknown; t: string } {
  return { m: doc.getMap('m').toJSON(), a: doc.getArray('a').toJSON(), t: doc.getText('t').toString() };
}
