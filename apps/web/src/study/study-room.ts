import { StudyDocument } from '@readingroom/model';
import { AnnotationBridge, type BridgeOptions } from '../collab/annotation-bridge';
import { Presence, type Participant } from '../collab/presence.svelte';
import { StudyAnnotations } from '../collab/study-annotations.svelte';
import { StudyDiscussion } from '../collab/study-discussion.svelte';
import { StudyReview } from '../collab/study-review.svelte';
import { SyncConnection, type SyncConnectionOptions } from '../collab/sync-connection.svelte';
import type { ApiClient, Me } from '../lib/api-client';
import type { StackViewer } from '../viewer/stack-viewer.svelte';

/** Merge a drag (many writes) into one undo step. */
const UNDO_CAPTURE_MS = 500;

export interface StudyRoomOptions {
  readonly room: string;
  readonly me: Me;
  readonly colour: string;
  readonly api: ApiClient;
  readonly projectId: string;
  readonly studyUid: string;
  readonly token: string;
  readonly window: Window;
  readonly viewer: StackViewer;
  /** How the annotation bridge labels, colours, locks and reports boxes. */
  readonly bridge: BridgeOptions;
  readonly onRejected: SyncConnectionOptions['onRejected'];
  readonly onGrantChanged: NonNullable<SyncConnectionOptions['onGrantChanged']>;
  readonly onClosed: NonNullable<SyncConnectionOptions['onClosed']>;
  /** The participants changed (their names, views or cursors). */
  readonly onPresenceChange: (participants: readonly Participant[]) => void;
  /** The provider (re)connected. */
  readonly onConnected: () => void;
}

/**
 * One open sync room of the study: the connection and its document, with everything that lives
 * exactly as long as they do (presence, the annotation bridge, the live annotations, review
 * outcomes and discussion). Closing it and opening a new one is how a room change or a refused
 * edit reloads the document.
 */
export class StudyRoom {
  readonly connection: SyncConnection;
  readonly study: StudyDocument;
  readonly presence: Presence;
  readonly annotations: StudyAnnotations;
  readonly review: StudyReview;
  readonly discussion: StudyDiscussion;
  readonly #bridge: AnnotationBridge;
  #hooks: Array<() => void> = [];

  constructor(options: StudyRoomOptions) {
    const { me, projectId, studyUid, room, token } = options;
    const origin = options.window.location.origin.replace(/^http/, 'ws');
    const connection = new SyncConnection({
      syncUrl: `${origin}/sync`,
      room,
      token,
      window: options.window,
      onRejected: options.onRejected,
      onGrantChanged: options.onGrantChanged,
      onClosed: options.onClosed,
    });
    const study = new StudyDocument(connection.doc, { userId: me.id, undoCaptureTimeoutMs: UNDO_CAPTURE_MS });
    const presence = new Presence(connection.provider.awareness, { id: me.id, name: me.username, colour: options.colour });
    const offPresence = presence.onChange(() => options.onPresenceChange(presence.read()));
    const bridge = new AnnotationBridge(options.viewer, study, options.bridge);
    bridge.start();
    this.connection = connection;
    this.study = study;
    this.presence = presence;
    this.annotations = new StudyAnnotations(connection.doc);
    this.review = new StudyReview(connection.doc);
    this.discussion = new StudyDiscussion(study, { api: options.api, projectId, studyUid, room });
    this.#bridge = bridge;
    const onStatus = ({ status }: { status: string }) => {
      if (status === 'connected') options.onConnected();
    };
    connection.provider.on('status', onStatus);
    this.#hooks = [offPresence, () => connection.provider.off('status', onStatus)];
  }

  /** Redraws every box, e.g. to lock the ones I may no longer edit. */
  resyncBoxes(): void {
    this.#bridge.resyncAll();
  }

  destroy(): void {
    for (const off of this.#hooks.splice(0)) off();
    this.#bridge.destroy();
    this.study.destroy();
    this.connection.destroy();
  }
}
