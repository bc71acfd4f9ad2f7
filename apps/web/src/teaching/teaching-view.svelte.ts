import { annotationsToBoxes, detectionScores, type DetectionScores } from '@readingroom/agreement';
import { parseRoomName, roomName } from '@readingroom/model';
import { placeOf, type OverlayBox } from '../adjudication/overlay-boxes';
import { ReferenceDocuments } from '../adjudication/reference-documents.svelte';
import { personName, type ReadingSessionView } from '../lib/reading-session';
import type { SessionCompanion } from '../study/session-companion';
import type { StudySession } from '../study/study-session.svelte';

const CONSENSUS = 'consensus';

/** Another trainee's read, as shown after the reveal. */
export interface PeerRead {
  readonly id: string;
  readonly name: string;
  readonly colour: string;
  readonly boxCount: number;
  readonly synced: boolean;
}

/**
 * Teaching: a trainee reads in their own document and sees nobody else's work until the
 * instructor reveals the session. Then this view opens the other readers' documents and the
 * consensus (read-only), draws the others' boxes over the image, and scores the trainee's own
 * read against the consensus (F1 and mean IoU of same-label boxes matched at IoU 0.5).
 */
export class TeachingView implements SessionCompanion {
  #view = $state.raw<ReadingSessionView | null>(null);
  #docs: ReferenceDocuments | null = null;
  #peers = $state.raw<readonly string[]>([]);

  constructor(private readonly session: StudySession) {}

  /** Revealed, and I read in my own document (a trainee, or a reader of a teaching session). */
  get active(): boolean {
    const view = this.#view;
    const me = this.session.me;
    if (!view || !me || !view.revealed || view.canAdjudicate) return false;
    const room = view.myRoom ? parseRoomName(view.myRoom) : null;
    return this.session.role === 'trainee' && room?.scope.type === 'reader' && room.scope.userId === me.id;
  }

  get peers(): PeerRead[] {
    return this.#peers.map((id, i) => {
      const doc = this.#docs?.get(id);
      return { id, name: personName(this.#view, id, `Trainee ${i + 1}`), colour: this.session.colours.colourOf(id), boxCount: doc?.boxes.length ?? 0, synced: doc?.synced ?? false };
    });
  }

  /** The consensus is open and has synced (the score means something). */
  get consensusReady(): boolean {
    return this.#docs?.get(CONSENSUS)?.synced ?? false;
  }

  /** My read against the consensus; null until the consensus has synced. */
  get score(): DetectionScores | null {
    const consensus = this.#docs?.get(CONSENSUS);
    const me = this.session.me;
    if (!consensus?.synced || !me) return null;
    const reference = annotationsToBoxes(consensus.boxes, { readerId: CONSENSUS });
    const mine = annotationsToBoxes(this.session.annotations, { readerId: me.id });
    return detectionScores(reference, mine);
  }

  /** The other trainees' boxes, for the overlay. */
  get overlayBoxes(): OverlayBox[] {
    return this.peers.flatMap((peer, slot) =>
      (this.#docs?.get(peer.id)?.boxes ?? []).map((box) => ({
        id: `${peer.id}:${box.id}`,
        layer: peer.id,
        colour: peer.colour,
        caption: `${peer.name} · ${box.label}`,
        captionAbove: true,
        captionSlot: slot * 2,
        dashed: true,
        emphasis: false,
        place: placeOf(box),
        rect: box.geometry,
      })),
    );
  }

  onReading(view: ReadingSessionView): void {
    this.#view = view;
    const me = this.session.me;
    if (!this.active || !me) {
      this.#close();
      return;
    }
    const study = { projectId: this.session.projectId, studyInstanceUid: this.session.studyUid };
    this.#peers = view.readers.filter((id) => id !== me.id);
    this.#docs ??= new ReferenceDocuments({
      syncUrl: `${this.session.window.location.origin.replace(/^http/, 'ws')}/sync`,
      token: this.session.token,
      window: this.session.window,
    });
    this.#docs.show([
      ...this.#peers.map((id) => ({ key: id, room: roomName({ ...study, scope: { type: 'reader', userId: id } }) })),
      { key: CONSENSUS, room: roomName({ ...study, scope: { type: 'consensus' } }) },
    ]);
  }

  destroy(): void {
    this.#close();
  }

  #close(): void {
    this.#docs?.destroy();
    this.#docs = null;
    this.#peers = [];
  }
}
