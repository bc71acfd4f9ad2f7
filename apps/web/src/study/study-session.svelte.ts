import { annotation as csAnnotation } from '@cornerstonejs/tools';
import {
  can,
  roomName,
  type Annotation,
  type AttributesPatch,
  type ImageState,
  type ReviewLevel,
  type ReviewTarget,
  type Role,
  type StudyDocument,
} from '@readingroom/model';
import { AuthorColours } from '../collab/author-colours';
import type { Participant } from '../collab/presence.svelte';
import type { StudyDiscussion } from '../collab/study-discussion.svelte';
import type { StudyReview } from '../collab/study-review.svelte';
import type { Rejection, SaveState, SyncConnection } from '../collab/sync-connection.svelte';
import type { ApiClient, Me, TaxonomyLabel } from '../lib/api-client';
import { mayWriteMyRoom, myRoomAccess, readOnlyReason, type ReadingSessionView } from '../lib/reading-session';
import type { RenderingMode } from '../viewer/rendering-mode';
import { renderSeriesThumbnail } from '../viewer/series-thumbnail';
import { StackViewer } from '../viewer/stack-viewer.svelte';
import { AnnotationEditing } from './annotation-editing';
import { ReadingFollower } from './reading-follower.svelte';
import { roleIn } from './project-role';
import { rejectionText } from './rejection-text';
import { seriesFromQido, type SeriesInfo } from './series-catalog';
import type { SessionCompanion } from './session-companion';
import { StudyPresence } from './study-presence.svelte';
import { ReviewActions } from './study-review-actions';
import { StudyRoom } from './study-room';
import type { DicomwebClient } from '../lib/dicomweb-client';

export interface StudySessionOptions {
  readonly api: ApiClient;
  readonly dicomweb: DicomwebClient;
  readonly projectId: string;
  readonly studyUid: string;
  readonly seriesUid: string | null;
  readonly token: string;
  readonly window: Window;
  readonly rendering?: RenderingMode;
}

/** A message for the user about something that went wrong (or was undone by the server). */
export interface Notice {
  readonly kind: 'error' | 'info';
  readonly text: string;
}

/**
 * Everything about one open study: who I am, the taxonomy, the series, the viewer, the live
 * document and its connection, presence and following. Components call these methods; only the
 * StudyDocument (through here and the annotation bridge) writes the Y.Doc.
 */
export class StudySession {
  readonly viewer: StackViewer;
  readonly colours = new AuthorColours();
  #me = $state.raw<Me | null>(null);
  #role = $state<Role | null>(null);
  #labels = $state.raw<TaxonomyLabel[]>([]);
  #series = $state.raw<SeriesInfo[]>([]);
  /** The open sync room (connection, document, presence, ...); null while none is open. */
  #open = $state.raw<StudyRoom | null>(null);
  #currentLabel = $state<string | null>(null);
  #selectedId = $state<string | null>(null);
  #notice = $state<Notice | null>(null);
  #failed = $state<string | null>(null);
  #hiddenLabels = $state(0);
  #room = $state<string | null>(null);
  #writable = $state(true);
  #companions: SessionCompanion[] = [];
  readonly reading: ReadingFollower;
  readonly #presence: StudyPresence;
  readonly #editing: AnnotationEditing;
  readonly #reviewActions: ReviewActions;
  #names = new Map<string, string>();
  #cleanup: Array<() => void> = [];

  constructor(private readonly options: StudySessionOptions) {
    this.viewer = new StackViewer(options.dicomweb, options.rendering);
    this.reading = new ReadingFollower(options.api, options.projectId, options.studyUid, (view, previous) => this.#onReadingChange(view, previous));
    this.#presence = new StudyPresence({
      viewer: this.viewer,
      presence: () => this.#open?.presence ?? null,
      openSeries: (seriesUid, index) => this.openSeries(seriesUid, index),
    });
    this.#editing = new AnnotationEditing({
      viewer: this.viewer,
      study: () => this.#open?.study ?? null,
      selected: () => this.selected,
      canEdit: (box) => this.canEdit(box),
      labelKind: (name) => this.labelKind(name),
      openSeries: (seriesUid, index) => this.openSeries(seriesUid, index),
      write: (write) => this.#tryWrite(write),
    });
    this.#reviewActions = new ReviewActions({
      studyUid: options.studyUid,
      viewer: this.viewer,
      room: () => this.#open,
      canReview: () => this.canReview,
      write: (write) => this.#tryWrite(write),
      reportError: (text) => this.reportError(text),
    });
  }

  get me(): Me | null {
    return this.#me;
  }
  get role(): Role | null {
    return this.#role;
  }
  get labels(): TaxonomyLabel[] {
    return this.#labels;
  }
  /** Labels that can be drawn as boxes. */
  get boxLabels(): TaxonomyLabel[] {
    return this.#labels.filter((l) => l.kind !== 'finding');
  }
  get series(): SeriesInfo[] {
    return this.#series;
  }
  get currentLabel(): string | null {
    return this.#currentLabel;
  }
  get selectedId(): string | null {
    return this.#selectedId;
  }
  get selected(): Annotation | undefined {
    const id = this.#selectedId;
    return id ? this.annotations.find((a) => a.id === id) : undefined;
  }
  get notice(): Notice | null {
    return this.#notice;
  }
  get following(): number | null {
    return this.#presence.following;
  }
  get failed(): string | null {
    return this.#failed;
  }
  /** Boxes on the shown image when there are too many to label them all (0: all labelled). */
  get hiddenLabels(): number {
    return this.#hiddenLabels;
  }
  get saveState(): SaveState {
    return this.#open?.connection.saveState ?? 'offline';
  }
  get unsavedCount(): number {
    return this.#open?.connection.unsavedCount ?? 0;
  }
  get synced(): boolean {
    return this.#open?.connection.synced ?? false;
  }
  get annotations(): Annotation[] {
    return this.#open?.annotations.list ?? [];
  }
  get participants(): Participant[] {
    return this.#open?.presence.participants ?? [];
  }
  get canDraw(): boolean {
    return this.#writable && this.#role !== null && can(this.#role, 'edit-own-annotation');
  }
  /** Whether I may record "no finding" / "excluded" outcomes. */
  get canReview(): boolean {
    return this.#writable && this.#role !== null && can(this.#role, 'set-image-status');
  }
  /** The sync room of the open document (from the reading session's `myRoom`). */
  get room(): string | null {
    return this.#room;
  }
  /** Whether the reading session lets me write to the open document (my role aside). */
  get writable(): boolean {
    return this.#writable;
  }
  /** Why the open document is read-only for me, or null. */
  get readOnlyReason(): string | null {
    const view = this.reading.view;
    return view && this.#me && this.#role ? readOnlyReason(view, this.#me.id, this.#role) : null;
  }
  get projectId(): string {
    return this.options.projectId;
  }
  get token(): string {
    return this.options.token;
  }
  get window(): Window {
    return this.options.window;
  }
  /** The study's review outcomes (live). */
  get review(): StudyReview | null {
    return this.#open?.review ?? null;
  }
  /** Votes and comments of the open document (live). */
  get discussion(): StudyDiscussion | null {
    return this.#open?.discussion ?? null;
  }
  /** Whether my role may vote and comment (over HTTP, so read-only reviewers may too). */
  get canComment(): boolean {
    return this.#role !== null && can(this.#role, 'comment');
  }
  get studyUid(): string {
    return this.options.studyUid;
  }
  get studyDocument(): StudyDocument | null {
    return this.#open?.study ?? null;
  }
  get connection(): SyncConnection | null {
    return this.#open?.connection ?? null;
  }

  canEdit(box: Pick<Annotation, 'author'>): boolean {
    if (!this.#role || !this.#me || !this.#writable) return false;
    return can(this.#role, box.author === this.#me.id ? 'edit-own-annotation' : 'edit-others-annotation');
  }

  authorName(userId: string): string {
    if (userId === this.#me?.id) return this.#me.username;
    return this.#names.get(userId) ?? `user ${userId.slice(0, 8)}`;
  }

  /** Records a display name for a user id (participants, reading session). */
  learnName(userId: string, name: string): void {
    this.#names.set(userId, name);
  }

  /**
   * Adds something that lives as long as the open document and follows the reading session
   * (the adjudication view, the teaching view); it is told about every new session view.
   */
  addCompanion(companion: SessionCompanion): void {
    this.#companions.push(companion);
    const view = this.reading.view;
    if (view) companion.onReading(view);
  }

  /**
   * Submits my read once my edits are stored; the document is read-only afterwards. The document
   * is closed while the server locks it and opened afresh after: a connection that stayed open
   * would be downgraded and offer its (already stored) content again, which a read-only grant
   * refuses.
   */
  async submitRead(): Promise<boolean> {
    await this.#untilSaved(10_000);
    if (this.saveState !== 'saved') {
      this.#notice = { kind: 'error', text: 'Your last edits are not saved yet; try again when the indicator says Saved.' };
      return false;
    }
    this.#selectedId = null;
    this.#disconnect();
    try {
      return await this.reading.submit();
    } finally {
      if (!this.#open && this.#room) this.#connect();
    }
  }

  /** Loads identity, taxonomy and series, shows the first series and joins the live document. */
  async start(element: HTMLDivElement): Promise<void> {
    const { api, projectId, studyUid } = this.options;
    try {
      const [me, projects, labels, series, reading] = await Promise.all([
        api.me(),
        api.projects(),
        api.labels(projectId),
        api.qidoSeries(studyUid).then(seriesFromQido),
        this.reading.load(),
      ]);
      this.#me = me;
      this.#role = roleIn(projects, projectId);
      this.#labels = labels;
      this.#currentLabel = this.boxLabels[0]?.name ?? null;
      this.#series = series;
      this.colours.colourOf(me.id);
      // Drawing may become possible later (a reopened read): the tools allow it by role.
      this.viewer.attach(element, { canDraw: this.#role !== null && can(this.#role, 'edit-own-annotation') });
      this.#room = reading ? reading.myRoom : roomName({ projectId, studyInstanceUid: studyUid, scope: { type: 'shared' } });
      this.#writable = reading && this.#role ? mayWriteMyRoom(reading, me.id, this.#role) : !reading;
      this.viewer.setPointerMode(this.canDraw ? 'box' : 'windowLevel');
      this.#cleanup.push(
        this.viewer.onViewChange(() => this.#presence.onViewChange()),
      );
      if (this.#room) this.#connect();
      else this.#failed = 'the reading session gives you no document of this study to open';
      for (const companion of this.#companions) if (reading) companion.onReading(reading);
      this.reading.follow();
      const first = series.find((s) => s.uid === this.options.seriesUid) ?? series[0];
      if (!first) throw new Error('the study has no series');
      await this.viewer.loadSeries({ studyUid, seriesUid: first.uid });
    } catch (error) {
      this.#failed = error instanceof Error ? error.message : String(error);
    }
  }

  async openSeries(seriesUid: string, index = 0): Promise<void> {
    if (this.viewer.series?.seriesUid === seriesUid) {
      await this.viewer.showImage(Math.min(index, this.viewer.imageCount - 1));
      return;
    }
    await this.viewer.loadSeries({ studyUid: this.options.studyUid, seriesUid }, index);
  }

  /** Draws the middle image of a series of this study into `canvas` (series list thumbnail). */
  renderThumbnail(canvas: HTMLCanvasElement, seriesUid: string): Promise<void> {
    return renderSeriesThumbnail(canvas, this.options.dicomweb, this.options.studyUid, seriesUid);
  }

  /** The kind of box a label draws (box2d when the taxonomy does not say). */
  labelKind(name: string | null): TaxonomyLabel['kind'] {
    return this.#labels.find((l) => l.name === name)?.kind ?? 'box2d';
  }

  /**
   * Picks the label for new boxes; with a box selected that I may edit, relabels it when the
   * label is meant for that kind of box (a 2D box does not take a 3D label and vice versa).
   */
  chooseLabel(name: string): void {
    this.#currentLabel = name;
    this.#editing.relabelSelected(name);
  }

  /** Makes the shown slice the first (or last) slice of the selected 3D box. */
  setSliceEnd(end: 'first' | 'last'): void {
    this.#editing.setSliceEnd(end);
  }

  setAttributes(patch: AttributesPatch): void {
    this.#editing.setAttributes(patch);
  }

  deleteSelected(): void {
    if (this.#editing.deleteSelected()) this.select(null);
  }

  select(id: string | null): void {
    this.#selectedId = id;
    if (id === null) csAnnotation.selection.deselectAnnotation();
  }

  /** What a review action at `level` applies to now: the shown image, its series, or the study. */
  reviewTarget(level: ReviewLevel): ReviewTarget | null {
    return this.#reviewActions.target(level);
  }

  /** The outcome recorded at `level` for what is shown now, if any. */
  reviewOf(level: ReviewLevel): ImageState | undefined {
    return this.#reviewActions.stateOf(level);
  }

  /** Records "no finding" for the shown image, its series or the study. */
  markNoFinding(level: ReviewLevel): void {
    this.#reviewActions.markNoFinding(level);
  }

  /** Excludes the shown image, its series or the study as of poor quality; a reason is required. */
  exclude(level: ReviewLevel, reason: string): void {
    this.#reviewActions.exclude(level, reason);
  }

  /** Removes the outcome recorded at `level` for what is shown now. */
  clearReview(level: ReviewLevel): void {
    this.#reviewActions.clear(level);
  }

  /** Reverts my own most recent change (never someone else's). */
  undo(): boolean {
    return this.#open?.study.undo() ?? false;
  }
  redo(): boolean {
    return this.#open?.study.redo() ?? false;
  }

  /** Shows the slice (and series) a box is on, and selects it. */
  async jumpTo(box: Annotation): Promise<void> {
    if (await this.#editing.show(box)) this.#selectedId = box.id;
  }

  /** Follows a participant's view (series, slice, zoom, pan, window); null stops following. */
  follow(clientId: number | null): void {
    this.#presence.follow(clientId);
  }

  /**
   * Where my pointer is over the viewport (CSS pixels of its element; null when it left), shared
   * as a live cursor on the image shown under it, and shared again whenever that image changes.
   */
  pointerAt(point: readonly [number, number] | null): void {
    this.#presence.pointerAt(point);
  }

  /** Shows an error to the user (a refused decision, a failed write). */
  reportError(text: string): void {
    this.#notice = { kind: 'error', text };
  }

  dismissNotice(): void {
    this.#notice = null;
  }

  destroy(): void {
    this.reading.stop();
    for (const companion of this.#companions.splice(0)) companion.destroy();
    for (const off of this.#cleanup.splice(0)) off();
    this.#disconnect();
    this.viewer.destroy();
  }

  /**
   * A new session view: another room (e.g. the consensus once adjudication starts) reopens the
   * document; a change of writability (a submitted read, a new phase) re-locks the boxes.
   */
  #onReadingChange(view: ReadingSessionView, previous: ReadingSessionView | null): void {
    const me = this.#me;
    if (!me || !previous) return; // the first view is applied by start()
    const writable = this.#role !== null && mayWriteMyRoom(view, me.id, this.#role);
    const roomChanged = view.myRoom !== this.#room;
    const writableChanged = writable !== this.#writable;
    this.#room = view.myRoom;
    this.#writable = writable;
    if (roomChanged) {
      this.#selectedId = null;
      this.#disconnect();
      if (this.#room) this.#connect();
    } else if (writableChanged) {
      this.#open?.resyncBoxes();
    }
    if (!this.canDraw && this.viewer.pointerMode === 'box') this.viewer.setPointerMode('windowLevel');
    for (const companion of this.#companions) companion.onReading(view);
  }

  async #untilSaved(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.saveState !== 'saved' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  }

  #connect(): void {
    const me = this.#me!;
    const { api, projectId, studyUid, token, window } = this.options;
    const room = this.#room ?? roomName({ projectId, studyInstanceUid: studyUid, scope: { type: 'shared' } });
    const open = new StudyRoom({
      room,
      me,
      colour: this.colours.colourOf(me.id),
      api,
      projectId,
      studyUid,
      token,
      window,
      viewer: this.viewer,
      bridge: {
        currentLabel: () => this.#currentLabel,
        drawsBox3d: () => this.labelKind(this.#currentLabel) === 'box3d',
        authorName: (id) => this.authorName(id),
        colourOf: (id) => this.colours.colourOf(id),
        canEdit: (box) => this.canEdit(box),
        onSelect: (id) => {
          this.#selectedId = id;
        },
        onLabelsHidden: (count) => {
          this.#hiddenLabels = count;
        },
        onError: (text) => {
          this.#notice = { kind: 'error', text };
        },
      },
      onRejected: (rejection) => this.#onRejected(rejection),
      // A role raised or lowered while the study is open: the reconnect carries the new grant.
      onGrantChanged: () => void this.#refreshGrant(),
      onClosed: ({ code, reason }) => {
        this.#notice = { kind: 'error', text: `The server closed the connection (${code}: ${reason}). Changes are no longer shared; reload the page to try again.` };
      },
      onPresenceChange: (participants) => {
        for (const p of participants) this.#names.set(p.user.id, p.user.name);
        this.#presence.onParticipantsChange();
      },
      // The server closes a connection whose grant the reading session changed (4403, reconnect):
      // each reconnect asks for the session at once instead of waiting for the next poll.
      onConnected: () => void this.reading.refresh(),
    });
    this.#open = open;
    open.presence.publishView(this.viewer.getView());
    for (const companion of this.#companions) companion.onDocument?.(open.study);
  }

  #disconnect(): void {
    this.#open?.destroy();
    this.#open = null;
  }

  /**
   * The server refused an edit: explain it, and show the server's state again. The refused change
   * is in the local Y.Doc and every later edit would build on it, so the document is dropped and
   * loaded afresh from the server (a new Y.Doc, with a new undo history that cannot replay the
   * refused change). The role and taxonomy are read again, since a change of either is the usual
   * cause (a role lowered to observer, a label removed).
   */
  #onRejected(rejection: Rejection): void {
    this.#notice = { kind: 'error', text: rejectionText(rejection) };
    this.#selectedId = null;
    this.#disconnect();
    this.#connect();
    void this.#refreshGrant();
    if (rejection.code === 'read_only') void this.#explainReadOnly();
  }

  /**
   * A refusal as read-only right after the reading session locked the document (a phase set by
   * someone else): the stock provider reconnects with its old document and offers it again, which
   * the read-only grant refuses. Said as what it is, once the session confirms the lock.
   */
  async #explainReadOnly(): Promise<void> {
    await this.reading.refresh();
    const view = this.reading.view;
    const me = this.#me;
    if (!view || !me || !this.#role) return;
    // Only a lock of the session (not a lowered role, which the error explains) is restated.
    const access = myRoomAccess(view, me.id, this.#role);
    const locked = access?.ok === true && access.readOnly && (access.because === 'submitted' || access.because === 'phase');
    const reason = this.readOnlyReason;
    if (locked && reason && this.#notice?.kind === 'error') this.#notice = { kind: 'info', text: `${reason} The document was reloaded from the server.` };
  }

  async #refreshGrant(): Promise<void> {
    const { api, projectId } = this.options;
    try {
      const [projects, labels] = await Promise.all([api.projects(), api.labels(projectId)]);
      this.#role = roleIn(projects, projectId);
      this.#labels = labels;
    } catch {
      return; // keep what we had; the next refusal asks again
    }
    if (!this.boxLabels.some((l) => l.name === this.#currentLabel)) this.#currentLabel = this.boxLabels[0]?.name ?? null;
    // The tools allow drawing by role (as in start); the toolbar follows `canDraw`.
    this.viewer.setCanDraw(this.#role !== null && can(this.#role, 'edit-own-annotation'));
    if (!this.canDraw && this.viewer.pointerMode === 'box') this.viewer.setPointerMode('windowLevel');
    this.#open?.resyncBoxes(); // boxes I may no longer edit are locked
  }

  #tryWrite(write: () => unknown): void {
    try {
      write();
    } catch (error) {
      this.#notice = { kind: 'error', text: error instanceof Error ? error.message : String(error) };
    }
  }
}
