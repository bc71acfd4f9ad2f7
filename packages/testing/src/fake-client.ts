import * as Y from 'yjs';
import * as decoding from 'lib0/decoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  MessageType,
  SyncMessageType,
  decodeServerExtensionMessage,
  encodeAwareness,
  encodeSyncStep1,
  encodeSyncStep2,
  encodeSyncUpdate,
  encodeSubscribeDurableAck,
} from '@readingroom/protocol';
import type { ConnectionIdentity, SyncConnection, SyncServer } from '@readingroom/sync-server';
import { FakeSocket } from './fake-socket';

/**
 * A y-websocket-like client over a FakeSocket, for testing the sync core without a network.
 * It follows the stock client's behaviour: sync step 1 on connect, step 2 in answer to the
 * server's step 1, every local update sent as one message.
 */
export class FakeClient {
  readonly doc = new Y.Doc();
  readonly socket = new FakeSocket();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  readonly connection: SyncConnection;
  synced = false;
  ackedMessages = -1;
  sentUpdates = 0;
  readonly rejections: Array<{ code: string; message: string }> = [];
  readonly permissionDenied: string[] = [];
  /** When true, the server's sync step 1 requests are kept in `heldStep1` instead of answered. */
  holdSyncStep1 = false;
  readonly heldStep1: Uint8Array[] = [];

  constructor(server: SyncServer, room: string, identity: ConnectionIdentity, opts: { durableAcks?: boolean } = {}) {
    this.socket.onFrame((f) => this.onFrame(f));
    this.connection = server.connect(this.socket, { room, identity });
    this.doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === this) return;
      this.sentUpdates++;
      this.connection.receive(encodeSyncUpdate(update));
    });
    if (opts.durableAcks) this.connection.receive(encodeSubscribeDurableAck());
    this.connection.receive(encodeSyncStep1(Y.encodeStateVector(this.doc)));
  }

  /** Sends the local awareness state. */
  sendAwareness(state: Record<string, unknown>): void {
    this.awareness.setLocalState(state);
    this.connection.receive(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.doc.clientID])));
  }

  /** Sends a raw frame (for malformed-input tests). */
  sendRaw(frame: Uint8Array): void {
    this.connection.receive(frame);
  }

  /** Answers held sync step 1 requests (see `holdSyncStep1`). */
  releaseSyncStep1(): void {
    for (const sv of this.heldStep1.splice(0)) this.answerStep1(sv);
  }

  private answerStep1(stateVector: Uint8Array): void {
    this.sentUpdates++;
    this.connection.receive(encodeSyncStep2(Y.encodeStateAsUpdate(this.doc, stateVector)));
  }

  disconnect(): void {
    this.connection.handleClose();
    this.awareness.destroy();
  }

  private onFrame(frame: Uint8Array): void {
    const ext = decodeServerExtensionMessage(frame);
    if (ext?.type === 'durable-ack') {
      this.ackedMessages = ext.ackedMessages;
      return;
    }
    if (ext?.type === 'rejection') {
      this.rejections.push({ code: ext.code, message: ext.message });
      return;
    }
    const d = decoding.createDecoder(frame);
    const type = decoding.readVarUint(d);
    if (type === MessageType.Sync) {
      const sub = decoding.readVarUint(d);
      const payload = decoding.readVarUint8Array(d);
      if (sub === SyncMessageType.Step1) {
        if (this.holdSyncStep1) {
          this.heldStep1.push(payload.slice());
          return;
        }
        this.answerStep1(payload);
      } else {
        Y.applyUpdate(this.doc, payload, this);
        if (sub === SyncMessageType.Step2) this.synced = true;
      }
    } else if (type === MessageType.Awareness) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, decoding.readVarUint8Array(d), this);
    } else if (type === MessageType.Auth) {
      decoding.readVarUint(d);
      this.permissionDenied.push(decoding.readVarString(d));
    }
  }
}
