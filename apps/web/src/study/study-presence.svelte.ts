import type { Presence } from '../collab/presence.svelte';
import type { StackViewer } from '../viewer/stack-viewer.svelte';

export interface StudyPresenceOptions {
  readonly viewer: StackViewer;
  /** The presence of the open room, if any. */
  readonly presence: () => Presence | null;
  /** Shows a series of the study at an image index. */
  readonly openSeries: (seriesUid: string, index: number) => Promise<void>;
}

/**
 * My side of presence in the open study: the view and live cursor I share, and following
 * another participant's view.
 */
export class StudyPresence {
  #following = $state<number | null>(null);
  #followChain: Promise<void> = Promise.resolve();
  /** My pointer over the viewport, CSS pixels of its element; null when it is elsewhere. */
  #pointer: readonly [number, number] | null = null;

  constructor(private readonly options: StudyPresenceOptions) {}

  /** The client id of the participant whose view I follow, or null. */
  get following(): number | null {
    return this.#following;
  }

  /** Follows a participant's view (series, slice, zoom, pan, window); null stops following. */
  follow(clientId: number | null): void {
    this.#following = clientId;
    if (clientId !== null) this.#applyFollowed();
  }

  /** The participants changed: the followed one may have moved. */
  onParticipantsChange(): void {
    if (this.#following !== null) this.#applyFollowed();
  }

  /** My view changed (another slice, a pan): shares it and the cursor now over another spot. */
  onViewChange(): void {
    const { viewer, presence } = this.options;
    presence()?.publishView(viewer.getView());
    // Another slice (or a pan) moved the image under a pointer that did not move.
    this.#publishCursor();
  }

  /**
   * Where my pointer is over the viewport (CSS pixels of its element; null when it left), shared
   * as a live cursor on the image shown under it, and shared again whenever that image changes.
   */
  pointerAt(point: readonly [number, number] | null): void {
    this.#pointer = point;
    this.#publishCursor();
  }

  #publishCursor(): void {
    const { viewer, presence } = this.options;
    const shown = viewer.currentImage;
    const point = this.#pointer && shown ? viewer.elementToImage(this.#pointer[0], this.#pointer[1]) : null;
    presence()?.publishCursor(shown && point ? { sopInstanceUid: shown.sopInstanceUid, frameIndex: shown.frame - 1, x: point[0], y: point[1] } : null);
  }

  #applyFollowed(): void {
    const { viewer, presence, openSeries } = this.options;
    const target = presence()?.read().find((p) => p.clientId === this.#following);
    const view = target?.view;
    if (!view) return;
    this.#followChain = this.#followChain
      .then(async () => {
        if (viewer.series?.seriesUid !== view.seriesUid) await openSeries(view.seriesUid, view.index);
        await viewer.applyView(view);
      })
      .catch(() => {});
  }
}
