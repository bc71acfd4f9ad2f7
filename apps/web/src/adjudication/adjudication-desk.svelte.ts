import { annotationsToBoxes, LiveAdjudication, type ClusterProposal, type Disagreement } from '@readingroom/agreement';
import { readAnnotations, roomName, ROOT, type Annotation, type StudyDocument } from '@readingroom/model';
import { personName, type ReadingSessionView } from '../lib/reading-session';
import type { SessionCompanion } from '../study/session-companion';
import type { StudySession } from '../study/study-session.svelte';
import { proposalOf } from './agreement-input';
import { agreementStats, type AgreementStats } from './agreement-stats';
import { indexOfPlace, placeOf, type OverlayBox, type OverlayPlace } from './overlay-boxes';
import { ReferenceDocuments } from './reference-documents.svelte';

/** A reader whose read is adjudicated. */
export interface ReaderLayer {
  readonly id: string;
  /** The reader's username when the session view names them, else "Reader 1", … in the session's order. */
  readonly name: string;
  readonly colour: string;
  readonly visible: boolean;
  readonly boxCount: number;
}

/** One finding waiting for a decision: a cluster, with what is wrong with it (if anything). */
export interface QueueItem {
  readonly id: string;
  readonly proposal: ClusterProposal;
  readonly disagreement: Disagreement | null;
}

const SHARED = 'shared';
const PROPOSAL_COLOUR = '#ffffff';
/** Recompute at most this often while documents change (a drag writes many updates). */
const RECOMPUTE_DELAY_MS = 30;

/**
 * The adjudicator's desk, active while the session is in adjudication and this user may
 * adjudicate (the open document is then the consensus). Opens every assigned reader's read
 * read-only (and the shared document, where open sessions keep reads by author), feeds them with
 * the consensus and its rejections into a LiveAdjudication, and offers the decisions: accept the
 * fused box, reject the cluster, take one reader's box; a queue ordered worst disagreement first.
 */
export class AdjudicationDesk implements SessionCompanion {
  #view = $state.raw<ReadingSessionView | null>(null);
  #docs: ReferenceDocuments | null = null;
  #live: LiveAdjudication | null = null;
  #liveReaders = '';
  #proposals = $state.raw<ClusterProposal[]>([]);
  #disagreements = $state.raw<Disagreement[]>([]);
  #readerBoxes = $state.raw<ReadonlyMap<string, Annotation[]>>(new Map());
  #hidden = $state.raw<ReadonlySet<string>>(new Set());
  #currentId = $state<string | null>(null);
  #study: StudyDocument | null = null;
  #offStudy: (() => void) | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The first item was shown once the reads were in (later, the adjudicator leads). */
  #shownFirst = false;

  constructor(private readonly session: StudySession) {}

  get active(): boolean {
    const view = this.#view;
    return view !== null && view.canAdjudicate && view.phase === 'adjudication';
  }
  /** Every assigned reader's read has completed its first sync. */
  get synced(): boolean {
    return this.#docs?.synced ?? false;
  }

  get readers(): ReaderLayer[] {
    const view = this.#view;
    if (!view) return [];
    return view.readers.map((id, i) => ({
      id,
      name: personName(view, id, `Reader ${i + 1}`),
      colour: this.session.colours.colourOf(id),
      visible: !this.#hidden.has(id),
      boxCount: this.#readerBoxes.get(id)?.length ?? 0,
    }));
  }
  readerName(id: string): string {
    return this.readers.find((r) => r.id === id)?.name ?? 'another reader';
  }
  toggleReader(id: string): void {
    const hidden = new Set(this.#hidden);
    if (!hidden.delete(id)) hidden.add(id);
    this.#hidden = hidden;
  }

  /** Every cluster with its fused box (resolved ones included). */
  get proposals(): ClusterProposal[] {
    return this.#proposals;
  }
  /** Unresolved disagreements, worst first. */
  get disagreements(): Disagreement[] {
    return this.#disagreements;
  }
  /** What is left to decide: disagreements worst first, then clusters the readers agree on. */
  get queue(): QueueItem[] {
    const byCluster = new Map(this.#disagreements.map((d) => [d.clusterId, d]));
    const items: QueueItem[] = this.#disagreements.map((d) => ({ id: d.clusterId, proposal: d.proposal, disagreement: d }));
    for (const p of this.#proposals) if (!p.resolved && !byCluster.has(p.id)) items.push({ id: p.id, proposal: p, disagreement: null });
    return items;
  }
  get current(): QueueItem | null {
    const queue = this.queue;
    return queue.find((item) => item.id === this.#currentId) ?? queue[0] ?? null;
  }

  /** Reader boxes (visible readers) and the fused boxes still to decide, for the overlay. */
  get overlayBoxes(): OverlayBox[] {
    const current = this.current;
    const inCurrent = new Set(current?.proposal.sources.map((s) => `${s.readerId}:${s.annotationId}`) ?? []);
    const boxes: OverlayBox[] = [];
    this.readers.forEach((reader, slot) => {
      if (!reader.visible) return;
      for (const box of this.#readerBoxes.get(reader.id) ?? []) {
        const key = `${reader.id}:${box.id}`;
        const caption = `R${slot + 1} ${box.label}`;
        boxes.push({ id: key, layer: reader.id, colour: reader.colour, caption, captionAbove: true, captionSlot: slot, dashed: false, emphasis: inCurrent.has(key), place: placeOf(box), rect: box.geometry });
      }
    });
    for (const item of this.queue) {
      const fused = item.proposal.fused;
      const place = this.#placeOfRegion(item.proposal);
      if (!place) continue;
      const iou = item.proposal.meanIoU === null ? '' : ` · IoU ${item.proposal.meanIoU.toFixed(2)}`;
      const caption = `fused ${fused.label}${iou}`;
      boxes.push({ id: `proposal:${item.id}`, layer: 'proposal', colour: PROPOSAL_COLOUR, caption, captionAbove: false, captionSlot: 0, dashed: true, emphasis: item.id === current?.id, place, rect: fused.region });
    }
    return boxes;
  }

  /** Kappa and F1 per class and per reader pair over the reads as they are now. */
  get stats(): AgreementStats {
    const readers = this.#view?.readers ?? [];
    const boxes = readers.flatMap((id) => annotationsToBoxes(this.#readerBoxes.get(id) ?? [], { readerId: id }));
    const images = this.session.viewer.images;
    const imageKeys = images.map((i) => `${i.sopInstanceUid}:${i.frame - 1}`);
    return agreementStats({ boxes, readers, imageKeys, classes: this.session.boxLabels.map((l) => l.name) });
  }

  /** Makes `id` the current item and shows its slice. */
  async select(id: string): Promise<void> {
    this.#currentId = id;
    const item = this.queue.find((i) => i.id === id);
    if (item) await this.#show(item);
  }
  /** The next (or previous) item of the queue, shown. */
  async step(delta: 1 | -1): Promise<void> {
    const queue = this.queue;
    if (queue.length === 0) return;
    const at = Math.max(0, queue.findIndex((i) => i.id === this.current?.id));
    const next = queue[(at + delta + queue.length) % queue.length]!;
    await this.select(next.id);
  }

  /** Writes the current cluster's fused box into the consensus, with its members as sources. */
  accept(): void {
    const item = this.current;
    if (!item) return;
    this.#write(() => {
      const members = this.#membersOf(item.proposal);
      const seriesUid = members[0]?.seriesInstanceUid;
      const images = this.session.viewer.series?.seriesUid === seriesUid ? this.session.viewer.images : [];
      const proposal = proposalOf(item.proposal.fused.region, {
        label: item.proposal.fused.label,
        sources: item.proposal.sources,
        members,
        sopAt: (index) => images[index]?.sopInstanceUid,
      });
      this.#requireStudy().acceptProposal(proposal);
    }, item);
  }
  /** Rejects every reader box of the current cluster: no consensus finding. */
  reject(): void {
    const item = this.current;
    if (item) this.#write(() => this.#requireStudy().rejectSources(item.proposal.sources), item);
  }
  /**
   * Takes the box of the `n`-th reader (1-based, session order) of the current cluster as the
   * consensus finding; the other readers' boxes of the cluster are rejected (not taken).
   */
  take(n: number): void {
    const item = this.current;
    const readerId = this.#view?.readers[n - 1];
    if (!item || !readerId) return;
    const source = item.proposal.sources.find((s) => s.readerId === readerId);
    const box = source ? this.#annotation(readerId, source.annotationId) : undefined;
    if (!box) return;
    const others = item.proposal.sources.filter((s) => s.readerId !== readerId);
    this.#write(() => {
      const study = this.#requireStudy();
      study.takeReaderBox(box, readerId);
      if (others.length > 0) study.rejectSources(others);
    }, item);
  }

  onReading(view: ReadingSessionView): void {
    this.#view = view;
    if (!this.active) {
      this.#close();
      return;
    }
    const { projectId } = this.session;
    const study = { projectId, studyInstanceUid: this.session.studyUid };
    this.#docs ??= new ReferenceDocuments({
      syncUrl: `${this.session.window.location.origin.replace(/^http/, 'ws')}/sync`,
      token: this.session.token,
      window: this.session.window,
      onChange: () => this.#schedule(),
    });
    this.#docs.show([
      ...view.readers.map((id) => ({ key: id, room: roomName({ ...study, scope: { type: 'reader', userId: id } }) })),
      { key: SHARED, room: roomName({ ...study, scope: { type: 'shared' } }) },
    ]);
    this.#schedule();
  }

  onDocument(study: StudyDocument): void {
    this.#offStudy?.();
    this.#study = study;
    const onChange = () => this.#schedule();
    const annotations = study.doc.getMap(ROOT.annotations);
    const rejections = study.doc.getMap(ROOT.rejections);
    annotations.observeDeep(onChange);
    rejections.observe(onChange);
    this.#offStudy = () => {
      annotations.unobserveDeep(onChange);
      rejections.unobserve(onChange);
    };
    this.#schedule();
  }

  destroy(): void {
    this.#close();
    this.#offStudy?.();
    this.#offStudy = null;
  }

  #close(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#docs?.destroy();
    this.#docs = null;
    this.#live = null;
    this.#proposals = [];
    this.#disagreements = [];
    this.#readerBoxes = new Map();
    this.#shownFirst = false;
    this.#currentId = null;
  }

  #schedule(): void {
    if (this.#timer || !this.active) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#recompute();
    }, RECOMPUTE_DELAY_MS);
  }

  /** Feeds the documents as they are now into the live engine (it recomputes only what changed). */
  #recompute(): void {
    const view = this.#view;
    const docs = this.#docs;
    if (!view || !docs || !this.active) return;
    const readersKey = view.readers.join(',');
    if (!this.#live || this.#liveReaders !== readersKey) {
      this.#live = new LiveAdjudication({ readers: view.readers });
      this.#liveReaders = readersKey;
    }
    const shared = docs.get(SHARED);
    const sharedBoxes = shared ? readAnnotations(shared.doc) : [];
    const byReader = new Map<string, Annotation[]>();
    for (const id of view.readers) {
      const own = docs.get(id);
      const boxes = [...(own ? readAnnotations(own.doc) : []), ...sharedBoxes.filter((b) => b.author === id)];
      byReader.set(id, boxes);
      this.#live.setReader(id, annotationsToBoxes(boxes, { readerId: id }));
    }
    const study = this.#study;
    if (study) {
      this.#live.setConsensus(annotationsToBoxes(study.listAnnotations()));
      this.#live.setRejections(study.listRejections());
    }
    this.#readerBoxes = byReader;
    this.#proposals = this.#live.proposals();
    this.#disagreements = this.#live.disagreements();
    const first = this.queue[0];
    if (!this.#shownFirst && this.#currentId === null && first && docs.synced) {
      this.#shownFirst = true;
      this.#currentId = first.id;
      void this.#show(first);
    }
  }

  #membersOf(proposal: ClusterProposal): Annotation[] {
    return proposal.sources.flatMap((s) => this.#annotation(s.readerId, s.annotationId) ?? []);
  }
  #annotation(readerId: string, annotationId: string): Annotation | undefined {
    return this.#readerBoxes.get(readerId)?.find((a) => a.id === annotationId);
  }

  #placeOfRegion(proposal: ClusterProposal): OverlayPlace | null {
    const member = this.#membersOf(proposal)[0];
    const region = proposal.fused.region;
    if (!member) return null;
    if (region.kind === 'box2d') return { kind: 'box2d', seriesInstanceUid: member.seriesInstanceUid, sopInstanceUid: region.sopInstanceUid, frameIndex: region.frameIndex };
    const images = this.session.viewer.images;
    const uid = (i: number) => images[i]?.sopInstanceUid ?? (member.kind === 'box3d' ? member.geometry.firstSopInstanceUid : '');
    return {
      kind: 'box3d',
      seriesInstanceUid: member.seriesInstanceUid,
      geometry: { ...region, firstSopInstanceUid: uid(region.firstSliceIndex), lastSopInstanceUid: uid(region.lastSliceIndex) },
    };
  }

  async #show(item: QueueItem): Promise<void> {
    const member = this.#membersOf(item.proposal)[0];
    if (!member) return;
    if (this.session.viewer.series?.seriesUid !== member.seriesInstanceUid) await this.session.openSeries(member.seriesInstanceUid);
    const index = indexOfPlace(placeOf(member), this.session.viewer.images);
    if (index !== null) await this.session.openSeries(member.seriesInstanceUid, index);
  }

  #requireStudy(): StudyDocument {
    if (!this.#study || !this.session.writable) throw new Error('the consensus is not open for writing');
    return this.#study;
  }

  /** Runs a decision; the queue moves on to the item that takes the decided one's place. */
  #write(write: () => void, item: QueueItem): void {
    const queue = this.queue;
    const at = queue.findIndex((i) => i.id === item.id);
    try {
      write();
    } catch (error) {
      this.session.reportError(error instanceof Error ? error.message : String(error));
      return;
    }
    this.#recompute();
    const after = this.queue;
    const next = after[Math.min(at, after.length - 1)] ?? null;
    this.#currentId = next?.id ?? null;
    if (next) void this.#show(next);
  }
}
