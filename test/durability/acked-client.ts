/**
 * A minimal sync client that speaks y-protocols directly over `ws` (no y-websocket provider),
 * so it can count exactly which of its messages carry updates and therefore know, from the
 * server's durable acknowledgements (type 101), which of its edits are stored.
 *
 * Counting rule (packages/protocol): every sync step 2 `[0,1,update]` and update `[0,2,update]`
 * this connection sends is one "update-carrying message", numbered 1, 2, … in send order. An ack
 * `[101][ackedMessages][storedStateVector]` says messages 1..ackedMessages are durable.
 */
import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import WebSocket from 'ws';
import {
  decodeServerExtensionMessage,
  encodeSubscribeDurableAck,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
} from '@readingroom/protocol';

const REMOTE = Symbol('remote');

interface SentEdit {
  readonly key: string;
  /** Number of the update-carrying message that carried it. */
  readonly message: number;
}

export class AckedClient {
  readonly doc = new Y.Doc();
  readonly map: Y.Map<number>;
  /** Edits sent, in order. */
  readonly sent: SentEdit[] = [];
  /** Edits written while the socket was not open (never sent). */
  readonly unsent: string[] = [];
  /** Highest ackedMessages received. */
  acked = 0;
  acksReceived = 0;
  /** Protocol violations seen (non-monotonic ack, stored state vector behind an ack, rejection...). */
  readonly problems: string[] = [];
  /** Resolves when the server's sync step 2 arrived (the client holds the stored document). */
  readonly synced: Promise<void>;
  readonly closed: Promise<void>;
  readonly opened: Promise<void>;

  private ws: WebSocket;
  private messages = 0;
  /** Own clock (Y state) after each update-carrying message, by message number. */
  private clockAt: number[] = [0];
  private resolveSynced!: () => void;

  constructor(url: string, token: string) {
    this.map = this.doc.getMap<number>('edits');
    this.synced = new Promise((r) => (this.resolveSynced = r));
    this.ws = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
    this.ws.binaryType = 'nodebuffer';
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.once('close', (code) => reject(new Error(`closed before open (${code})`)));
    });
    this.opened.catch(() => undefined);
    this.closed = new Promise((resolve) => this.ws.once('close', () => resolve()));
    this.ws.on('error', () => undefined);
    this.ws.on('open', () => {
      this.ws.send(encodeSubscribeDurableAck());
      this.ws.send(encodeSyncStep1(Y.encodeStateVector(this.doc)));
    });
    this.ws.on('message', (data: Buffer) => this.onMessage(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE || !this.isOpen) return;
      this.sendUpdateCarrying(encodeSyncUpdate(update));
    });
  }

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  /** Sets a unique key; returns false if the socket was not open (nothing sent). */
  write(key: string, value: number): boolean {
    if (!this.isOpen) {
      this.unsent.push(key);
      return false;
    }
    this.map.set(key, value); // fires 'update' synchronously → sent as message `this.messages`
    this.sent.push({ key, message: this.messages });
    return true;
  }

  /** Keys whose carrying message was acknowledged as durable. */
  ackedKeys(): string[] {
    return this.sent.filter((e) => e.message <= this.acked).map((e) => e.key);
  }
  unackedKeys(): string[] {
    return this.sent.filter((e) => e.message > this.acked).map((e) => e.key);
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) this.ws.close();
    return this.closed;
  }
  terminate(): void {
    this.ws.terminate();
  }

  private sendUpdateCarrying(frame: Uint8Array): void {
    this.messages++;
    this.clockAt[this.messages] = Y.getState(this.doc.store, this.doc.clientID);
    this.ws.send(frame);
  }

  private onMessage(frame: Uint8Array): void {
    const decoder = decoding.createDecoder(frame);
    const type = decoding.readVarUint(decoder);
    if (type === 0) {
      const sub = decoding.readVarUint(decoder);
      const payload = decoding.readVarUint8Array(decoder);
      if (sub === 0) {
        // Server's step 1: answer with what it lacks (an update-carrying message, even if empty).
        this.sendUpdateCarrying(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, payload)));
      } else {
        Y.applyUpdate(this.doc, payload, REMOTE);
        if (sub === 1) this.resolveSynced();
      }
      return;
    }
    if (type === 2) {
      this.problems.push(`permission denied: ${decoding.readVarString(decoder)}`);
      return;
    }
    const ext = decodeServerExtensionMessage(frame);
    if (ext?.type === 'durable-ack') {
      this.acksReceived++;
      if (ext.ackedMessages < this.acked) this.problems.push(`ack went backwards: ${ext.ackedMessages} < ${this.acked}`);
      if (ext.ackedMessages > this.messages) {
        this.problems.push(`ack ${ext.ackedMessages} exceeds messages sent ${this.messages}`);
      }
      const stored = Y.decodeStateVector(ext.storedStateVector).get(this.doc.clientID) ?? 0;
      const need = this.clockAt[Math.min(ext.ackedMessages, this.messages)] ?? 0;
      if (stored < need) this.problems.push(`ack ${ext.ackedMessages}: stored clock ${stored} < own clock ${need}`);
      this.acked = Math.max(this.acked, ext.ackedMessages);
      return;
    }
    if (ext?.type === 'rejection') this.problems.push(`rejected: ${ext.code} ${ext.message}`);
    // awareness (1) and anything else: ignored
  }
}
