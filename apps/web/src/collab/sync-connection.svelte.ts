import { decoding, encoding } from 'lib0';
import { encodeAwarenessUpdate } from 'y-protocols/awareness';
import { encodeSubscribeDurableAck } from '@readingroom/protocol';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';

/** What the "saved" indicator shows. */
export const SAVE_STATES = ['saved', 'saving', 'offline'] as const;
export type SaveState = (typeof SAVE_STATES)[number];

/** An edit the server refused, as it explained it. */
export interface Rejection {
  readonly code: string;
  readonly message: string;
}

const MESSAGE_AWARENESS = 1;
const MESSAGE_AUTH = 2;
type AwarenessChange = { added: number[]; updated: number[]; removed: number[] };
const MESSAGE_DURABLE_ACK = 101;
const MESSAGE_REJECTION = 102;

/** How the server closed the connection for good (no reconnect follows). */
export interface ServerClose {
  readonly code: number;
  readonly reason: string;
}

/**
 * The stock provider stops reconnecting after a 4400-4499 close (4401 unauthorized, 4403
 * forbidden). The server also closes with 4403 when a grant *changed* (a role raised or lowered,
 * a reading session moved on), with a reason ending in "; reconnect": the reconnect gets the new
 * grant, so those are followed.
 */
export function isReconnectClose(event: { code: number; reason: string }): boolean {
  return event.code >= 4400 && event.code < 4500 && /;\s*reconnect$/.test(event.reason);
}

export interface SyncConnectionOptions {
  /** `ws(s)://host/sync` */
  readonly syncUrl: string;
  readonly room: string;
  readonly token: string;
  /** Called once per refusal burst (102 and permission-denied arrive together). */
  readonly onRejected: (rejection: Rejection) => void;
  /** The server closed the connection because my grant changed; a reconnect is under way. */
  readonly onGrantChanged?: () => void;
  /** The server closed the connection for good (e.g. membership revoked, session ended). */
  readonly onClosed?: (close: ServerClose) => void;
  readonly window: Window;
}

/**
 * One study Y.Doc synchronised with the server through the stock y-websocket provider, plus the
 * Reading Room durable acknowledgement (100 → 101): an edit counts as saved once the state vector
 * the server reports as stored covers this client's clock. Goes offline with the browser.
 */
export class SyncConnection {
  readonly doc = new Y.Doc();
  readonly provider: WebsocketProvider;
  #connected = $state(false);
  #synced = $state(false);
  #localClock = $state(0);
  #storedClock = $state(0);
  #rejectTimer: ReturnType<typeof setTimeout> | undefined;
  #pendingRejection: Rejection | null = null;
  #destroyed = false;
  #ownAwareness: (change: AwarenessChange) => void;

  constructor(private readonly options: SyncConnectionOptions) {
    this.provider = new WebsocketProvider(options.syncUrl, options.room, this.doc, {
      params: { token: options.token },
      disableBc: true,
      maxBackoffTime: 1000,
      shouldReconnect: (event) => !(event.code >= 4400 && event.code < 4500) || isReconnectClose(event),
    });
    this.provider.messageHandlers[MESSAGE_DURABLE_ACK] = (_encoder, decoder) => {
      decoding.readVarUint(decoder); // ackedMessages: the stored state vector says more
      const stored = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
      this.#storedClock = Math.max(this.#storedClock, stored.get(this.doc.clientID) ?? 0);
    };
    this.provider.messageHandlers[MESSAGE_REJECTION] = (_encoder, decoder) => {
      this.#rejected({ code: decoding.readVarString(decoder), message: decoding.readVarString(decoder) });
    };
    this.provider.messageHandlers[MESSAGE_AUTH] = (_encoder, decoder) => {
      decoding.readVarUint(decoder); // 0 = permission denied, the only auth message
      this.#rejected({ code: 'permission_denied', message: decoding.readVarString(decoder) });
    };
    // The stock provider re-sends every awareness change, other clients' included; the server
    // refuses states of client ids that are not ours, so only our own state goes out.
    const awareness = this.provider.awareness;
    awareness.off('update', this.provider._awarenessUpdateHandler);
    this.#ownAwareness = ({ added, updated, removed }: AwarenessChange) => {
      const mine = [...added, ...updated, ...removed].filter((id) => id === this.doc.clientID);
      if (mine.length === 0 || !this.provider.wsconnected) return;
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, encodeAwarenessUpdate(awareness, mine));
      this.provider.ws?.send(encoding.toUint8Array(encoder));
    };
    awareness.on('update', this.#ownAwareness);
    this.provider.on('status', this.#onStatus);
    this.provider.on('sync', this.#onSync);
    this.provider.on('connection-close', this.#onClose);
    this.provider.on('closed', this.#onClosedForGood);
    this.doc.on('update', this.#onUpdate);
    options.window.addEventListener('offline', this.#goOffline);
    options.window.addEventListener('online', this.#goOnline);
  }

  get connected(): boolean {
    return this.#connected;
  }
  /** True once the first sync with the server completed on the current connection. */
  get synced(): boolean {
    return this.#synced;
  }
  get saveState(): SaveState {
    if (!this.#connected) return 'offline';
    return this.#storedClock >= this.#localClock ? 'saved' : 'saving';
  }
  /** Own edits (Yjs items) the server has not confirmed as stored. */
  get unsavedCount(): number {
    return Math.max(0, this.#localClock - this.#storedClock);
  }

  destroy(): void {
    this.#destroyed = true;
    clearTimeout(this.#rejectTimer);
    this.options.window.removeEventListener('offline', this.#goOffline);
    this.options.window.removeEventListener('online', this.#goOnline);
    this.doc.off('update', this.#onUpdate);
    this.provider.awareness.off('update', this.#ownAwareness);
    this.provider.destroy();
    this.doc.destroy();
  }

  #onStatus = ({ status }: { status: string }): void => {
    this.#connected = status === 'connected';
    if (status === 'connected') this.provider.ws?.send(encodeSubscribeDurableAck());
    else this.#synced = false;
  };

  #onSync = (synced: boolean): void => {
    this.#synced = synced;
  };

  #onUpdate = (): void => {
    this.#localClock = Y.getState(this.doc.store, this.doc.clientID);
  };

  #onClose = (event: CloseEvent | null): void => {
    if (event && !this.#destroyed && isReconnectClose(event)) this.options.onGrantChanged?.();
  };

  #onClosedForGood = (close: ServerClose): void => {
    if (!this.#destroyed) this.options.onClosed?.({ code: close.code, reason: close.reason });
  };

  #goOffline = (): void => this.provider.disconnect();
  #goOnline = (): void => this.provider.connect();

  #rejected(rejection: Rejection): void {
    if (this.#destroyed) return;
    // Prefer the 102 explanation (code + message) over the bare permission-denied reason.
    if (!this.#pendingRejection || this.#pendingRejection.code === 'permission_denied') this.#pendingRejection = rejection;
    clearTimeout(this.#rejectTimer);
    this.#rejectTimer = setTimeout(() => {
      const pending = this.#pendingRejection;
      this.#pendingRejection = null;
      if (pending && !this.#destroyed) this.options.onRejected(pending);
    }, 50);
  }
}
