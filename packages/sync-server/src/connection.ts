import * as Y from 'yjs';
import * as awarenessProtocol from 'y-protocols/awareness';
import {
  CloseCode,
  closeReason,
  decodeClientMessage,
  encodeAwareness,
  encodeDurableAck,
  encodePermissionDenied,
  encodeRejection,
  encodeSyncStep1,
  encodeSyncStep2,
  type ClientMessage,
} from '@readingroom/protocol';
import type { SyncSocket } from './socket';
import type { Logger } from './logger';
import {
  ACCEPT,
  RoomState,
  type AcceptDecision,
  type AwarenessDecision,
  type ConnectionIdentity,
  type StagedUpdate,
  type SyncHooks,
  type SyncMetrics,
  type UpdatePreview,
  type UpdateProposal,
} from './hooks';
import type { AckTarget } from './room-writer';
import type { Room } from './room';
import { decodeAwarenessUpdate, encodeAwarenessEntries, type AwarenessEntry } from './awareness-guard';
import { inspectUpdate } from './update-guard';
import type { DecodedUpdate } from './update-preview';
import { errorMessage } from './room-writer';

export interface ConnectionLimits {
  /** Frames queued while the room loads, beyond which the connection is closed with 1013. */
  readonly maxQueuedFrames: number;
  /** Send buffer bound: a slower consumer is closed with 1013 rather than buffered without end. */
  readonly maxBufferedBytes: number;
  /** Refused updates tolerated before the connection is closed. */
  readonly maxRejections: number;
  /**
   * Largest stored size of a room (`Room.storedBytes`): an update that would take the room past
   * it is refused with `document_too_large`, so a full room stops growing but stays readable.
   */
  readonly maxDocumentBytes: number;
}

export interface ConnectionDeps {
  readonly room: Room;
  readonly socket: SyncSocket;
  readonly identity: ConnectionIdentity;
  readonly hooks: SyncHooks;
  readonly metrics: SyncMetrics | null;
  readonly logger: Logger;
  readonly limits: ConnectionLimits;
  /** After refusing an incremental update, send the client the room's full state and sync step 1. */
  readonly resyncAfterRefusal: boolean;
  readonly onClosed: (conn: Connection) => void;
}

/**
 * An incoming update as the accept step sees it. A class rather than an object of closures: one
 * is made per update, and under tsx every named closure costs a `name` definition when made.
 */
class IncomingUpdate implements UpdateProposal {
  /** Whether `stage()` was called (then the room's staging copy already holds the update). */
  staged = false;
  private previewed: UpdatePreview | null | undefined;
  readonly room: string;
  readonly doc: Y.Doc;

  constructor(
    private readonly target: Room,
    readonly identity: ConnectionIdentity,
    readonly update: Uint8Array,
    readonly via: 'sync-step2' | 'sync-update',
    private readonly decoded: DecodedUpdate,
  ) {
    this.room = target.name;
    this.doc = target.doc;
  }

  stage(): StagedUpdate {
    if (this.staged) throw new Error('stage() may be called once per proposal');
    this.staged = true;
    return this.target.stage(this.update);
  }

  preview(): UpdatePreview | null {
    if (this.previewed === undefined) this.previewed = this.target.preview(this.decoded);
    return this.previewed;
  }
}

/**
 * One client in one room. Decodes each frame strictly, runs the accept step before any update
 * is applied, answers sync and awareness, and reports durable acknowledgements to clients that
 * subscribed. Frames received while the room is not active are queued and handled in order.
 */
export class Connection implements AckTarget {
  readonly identity: ConnectionIdentity;
  readonly awarenessClientIds = new Set<number>();
  /** Every awareness client id this connection set or removed a state for; never shrinks. */
  readonly awarenessClaims = new Set<number>();
  wantsDurableAcks = false;
  private processed = 0;
  /** Set while part of an update awaits the client's resync answer; acks stop before it. */
  private resyncFrom: number | null = null;
  private acked = 0;
  private ackedOnce = false;
  private rejections = 0;
  private queue: Uint8Array[] = [];
  private started = false;
  private closed = false;

  constructor(private readonly deps: ConnectionDeps) {
    this.identity = deps.identity;
  }

  get room(): Room {
    return this.deps.room;
  }
  get isClosed(): boolean {
    return this.closed;
  }
  /**
   * Messages whose content is applied (or refused), for durable acks. A message whose content
   * was partly dropped for missing dependencies is not counted until the client's sync step 2
   * has brought the rest, so an ack never covers an edit that is not stored.
   */
  get processedMessages(): number {
    return this.resyncFrom ?? this.processed;
  }

  /** Called by the server once the room is active: greets the client, then handles queued frames. */
  start(): void {
    if (this.closed || this.started) return;
    this.started = true;
    const { room } = this.deps;
    this.send(encodeSyncStep1(Y.encodeStateVector(room.doc)));
    const states = room.awareness.getStates();
    if (states.size > 0) {
      this.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, [...states.keys()])));
    }
    this.drainQueue();
  }

  /** Handles queued frames if the room is active. */
  drainQueue(): void {
    while (this.queue.length > 0 && this.canProcess()) this.process(this.queue.shift()!);
  }

  private canProcess(): boolean {
    return !this.closed && this.started && this.deps.room.state === RoomState.Active;
  }

  /** Entry point for every frame received from the transport. */
  receive(frame: Uint8Array): void {
    if (this.closed) return;
    this.deps.metrics?.messageIn(frame.byteLength);
    if (!this.canProcess() || this.queue.length > 0) {
      if (this.queue.length >= this.deps.limits.maxQueuedFrames) {
        this.close(CloseCode.TryAgainLater, 'too many messages while the room loads');
        return;
      }
      this.queue.push(frame);
      return;
    }
    this.process(frame);
  }

  private process(frame: Uint8Array): void {
    let message: ClientMessage;
    try {
      message = decodeClientMessage(frame);
    } catch (err) {
      this.close(CloseCode.MalformedMessage, `malformed message: ${errorMessage(err)}`);
      return;
    }
    const { room } = this.deps;
    switch (message.type) {
      case 'sync-step1': {
        let reply: Uint8Array;
        try {
          reply = Y.encodeStateAsUpdate(room.doc, message.stateVector);
        } catch {
          this.close(CloseCode.MalformedMessage, 'malformed state vector');
          return;
        }
        this.send(encodeSyncStep2(reply));
        return;
      }
      case 'sync-step2':
      case 'sync-update':
        this.handleUpdate(message.update, message.type);
        return;
      case 'awareness':
        this.handleAwareness(message.update);
        return;
      case 'query-awareness': {
        const ids = [...room.awareness.getStates().keys()];
        this.send(encodeAwareness(awarenessProtocol.encodeAwarenessUpdate(room.awareness, ids)));
        return;
      }
      case 'subscribe-durable-ack':
        this.wantsDurableAcks = true;
        room.writer.requestAck();
        return;
      default: {
        const never: never = message;
        throw new Error(`unhandled message ${String(never)}`);
      }
    }
  }

  private handleUpdate(update: Uint8Array, via: 'sync-step2' | 'sync-update'): void {
    const { room, hooks, identity } = this.deps;
    let inspected: ReturnType<typeof inspectUpdate>;
    try {
      inspected = inspectUpdate(update);
    } catch (err) {
      this.deps.metrics?.updateRejected('invalid_update');
      this.close(CloseCode.InvalidUpdate, `update could not be decoded: ${errorMessage(err)}`);
      return;
    }
    if (inspected.empty) {
      this.processed++;
      if (via === 'sync-step2') this.resyncFrom = null;
      room.writer.requestAck();
      return;
    }
    if (room.storedBytes + update.byteLength > this.deps.limits.maxDocumentBytes) {
      this.processed++;
      this.refuse('document_too_large', `the document would exceed its limit of ${this.deps.limits.maxDocumentBytes} bytes`);
      room.writer.requestAck();
      return;
    }
    let decision: AcceptDecision;
    const proposal = hooks.acceptUpdate ? new IncomingUpdate(room, identity, update, via, inspected.decoded) : null;
    try {
      decision = (proposal && hooks.acceptUpdate?.(proposal)) ?? ACCEPT;
    } catch (err) {
      decision = { accept: false, code: 'invalid_update', message: errorMessage(err) };
    }
    const staged = proposal?.staged ?? false;
    this.processed++;
    if (!decision.accept) {
      this.refuse(decision.code, decision.message);
      // The client still holds the refused change: give it everything the room has (step 2) and
      // the room's state vector (step 1). Not after a refused step 2: that was the client's answer
      // to a step 1 (or its greeting, already answered), and answering it again would ping-pong.
      if (this.deps.resyncAfterRefusal && via === 'sync-update' && !this.closed) {
        this.send(encodeSyncStep2(Y.encodeStateAsUpdate(room.doc)));
        this.send(encodeSyncStep1(Y.encodeStateVector(room.doc)));
      }
      room.writer.requestAck();
      return;
    }
    const result = room.applyUpdate(update, identity, this, staged);
    if (result === 'failed') {
      this.deps.metrics?.updateRejected('apply_failed');
      this.close(CloseCode.InvalidUpdate, 'update could not be applied');
      return;
    }
    if (result === 'incomplete') {
      // Ask the client for what the room lacks; its answer (sync step 2) completes the update.
      this.resyncFrom ??= this.processed - 1;
      this.send(encodeSyncStep1(Y.encodeStateVector(room.doc)));
    } else if (via === 'sync-step2') {
      this.resyncFrom = null;
    }
    room.writer.requestAck();
  }

  private refuse(code: string, message: string): void {
    this.deps.metrics?.updateRejected(code);
    this.rejections++;
    this.send(encodePermissionDenied(`${code}: ${message}`));
    if (this.wantsDurableAcks) this.send(encodeRejection(code, message));
    if (this.rejections > this.deps.limits.maxRejections) {
      this.close(CloseCode.TooManyRejections, 'too many refused updates');
    }
  }

  private handleAwareness(update: Uint8Array): void {
    let entries: readonly AwarenessEntry[];
    try {
      entries = decodeAwarenessUpdate(update);
    } catch (err) {
      this.close(CloseCode.MalformedMessage, `malformed awareness update: ${errorMessage(err)}`);
      return;
    }
    const { room, hooks, identity } = this.deps;
    let toApply = update;
    if (hooks.acceptAwareness) {
      let decision: AwarenessDecision;
      try {
        decision = hooks.acceptAwareness({
          room: room.name,
          identity,
          entries,
          ownerOf: (clientId) => room.awarenessOwner(clientId, this),
          ownClaims: this.awarenessClaims,
        });
      } catch (err) {
        decision = { accept: false, code: 'invalid_awareness', message: errorMessage(err) };
      }
      if (!decision.accept) {
        this.refuse(decision.code, decision.message);
        return;
      }
      if (decision.entries && decision.entries !== entries) {
        entries = decision.entries;
        if (entries.length === 0) return;
        toApply = encodeAwarenessEntries(entries);
      }
    }
    for (const e of entries) this.awarenessClaims.add(e.clientId);
    awarenessProtocol.applyAwarenessUpdate(room.awareness, toApply, this);
  }

  /** Durable acknowledgement (see AckTarget). Monotonic; never sent to clients that did not ask. */
  acknowledge(processed: number, storedStateVector: Uint8Array): void {
    if (!this.wantsDurableAcks || this.closed) return;
    if (processed < this.acked || (processed === this.acked && this.ackedOnce)) return;
    this.acked = processed;
    this.ackedOnce = true;
    this.send(encodeDurableAck(processed, storedStateVector));
  }

  /** Sends one frame; closes a consumer whose send buffer exceeds the bound. */
  send(frame: Uint8Array): void {
    if (this.closed) return;
    if (this.deps.socket.bufferedAmount > this.deps.limits.maxBufferedBytes) {
      this.close(CloseCode.TryAgainLater, 'client too slow to keep up');
      return;
    }
    try {
      this.deps.socket.send(frame);
      this.deps.metrics?.messageOut(frame.byteLength);
    } catch (err) {
      this.deps.logger.debug({ room: this.deps.room.name, err: errorMessage(err) }, 'send failed');
      this.close(CloseCode.TryAgainLater, 'send failed');
    }
  }

  /** Closes the socket and leaves the room. Idempotent. */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    if (code >= 4000) this.deps.logger.info({ room: this.deps.room.name, userId: this.identity.userId, code, reason }, 'closing connection');
    try {
      this.deps.socket.close(code, closeReason(reason));
    } catch {
      // the transport is already gone
    }
    this.deps.onClosed(this);
  }

  /** Called by the transport when the socket closed from the other side. */
  handleClose(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue = [];
    this.deps.onClosed(this);
  }
}
