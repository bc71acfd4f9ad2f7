import { utilities as coreUtilities, type Types } from '@cornerstonejs/core';
import { annotation as csAnnotation } from '@cornerstonejs/tools';
import type { Annotation, ImageState } from '@readingroom/model';
import type { AdjudicationDesk } from '../adjudication/adjudication-desk.svelte';
import { isOnImage } from '../adjudication/overlay-boxes';
import type { TeachingView } from '../teaching/teaching-view.svelte';
import type { LoadTimeline } from '../viewer/stack-viewer.svelte';
import type { ReadingRoomTestHook } from '../viewer/test-hook';
import { BOX_TOOL } from '../viewer/viewer-tools';
import type { StudySession } from './study-session.svelte';

/** A box as cornerstone draws it, converted back to image pixels. */
export interface ShownBox {
  readonly id: string;
  readonly label: string | undefined;
  readonly imageId: string;
  /** A 3D box: the image of its last slice (it is referenced from its first). */
  readonly endImageId: string | null;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** A read-only box drawn over the image (another reader's, a fused proposal), in image pixels. */
export interface OverlayShown {
  readonly id: string;
  readonly layer: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The reading session as the page follows it. */
export interface ReadingShown {
  readonly phase: string;
  readonly status: string;
  readonly room: string | null;
  readonly writable: boolean;
  readonly readOnlyReason: string | null;
  readonly canSubmit: boolean;
  readonly canAdjudicate: boolean;
}

/** The adjudication view's state. */
export interface AdjudicationShown {
  readonly active: boolean;
  readonly synced: boolean;
  readonly readers: Array<{ id: string; name: string; visible: boolean; boxCount: number }>;
  readonly currentId: string | null;
  readonly queue: Array<{
    id: string;
    kinds: string[];
    severity: number | null;
    meanIoU: number | null;
    label: string;
    fused: { x: number; y: number; width: number; height: number };
    sources: Array<{ readerId: string; annotationId: string }>;
  }>;
}

/** What the collaboration e2e tests read and drive through `window.__rr` on a study page. */
export interface StudyTestHook extends ReadingRoomTestHook {
  readonly userId: string | null;
  readonly saveState: string;
  readonly synced: boolean;
  readonly voi: { lower: number; upper: number } | null;
  readonly parallelScale: number | null;
  readonly following: number | null;
  readonly notice: string | null;
  /** Images of the series in the stack; how many are fetched and decoded (progressive loading). */
  readonly imageCount: number;
  readonly loadedCount: number;
  /** How the shown series loaded (time to first image, to all images). */
  readonly loadTimeline: LoadTimeline | null;
  /** Whether image `index` of the stack is fetched and decoded (progressive loading). */
  isImageLoaded(index: number): boolean;
  /** Stack indices in the order their loads finished. */
  loadOrder(): number[];
  /** My role in the project as the page knows it, whether it lets me draw, the box labels offered. */
  readonly role: string | null;
  readonly canDraw: boolean;
  readonly pointerMode: string;
  boxLabels(): string[];
  /** Which renderer draws the images. */
  readonly renderer: 'cpu' | 'gpu' | null;
  /** The stack in display order (what a box's slice index refers to). */
  stackImages(): Array<{ sopInstanceUid: string; frame: number; columns: number; rows: number }>;
  /** Scrolls like the mouse wheel does (`delta` slices). */
  scroll(delta: number): void;
  /** Boxes in cornerstone's annotation state (what is drawn), in image pixels. */
  shownBoxes(): ShownBox[];
  /** Box outlines drawn in the viewport's SVG layer now (on the shown image), with their dash. */
  renderedBoxes(): Array<{ id: string; dash: string | null }>;
  readonly selectedId: string | null;
  /** Review outcomes ("no finding", "excluded") in the Y.Doc. */
  reviewStates(): ImageState[];
  /** Annotations in the Y.Doc (not deleted). */
  documentBoxes(): Annotation[];
  participants(): Array<{
    clientId: number;
    userId: string;
    name: string;
    index: number | null;
    cursor: { sopInstanceUid: string; frameIndex: number; x: number; y: number } | null;
  }>;
  follow(userId: string | null): void;
  /** Page (CSS) coordinates of image point (x, y) of the shown image, for mouse input. */
  pagePointOf(x: number, y: number): [number, number];
  setVoi(lower: number, upper: number): void;
  chooseLabel(name: string): void;
  select(id: string | null): void;
  undo(): boolean;
  /** The reading session (null when the server has none). */
  reading(): ReadingShown | null;
  /** Read-only boxes of the overlay on the shown image (other readers, proposals). */
  overlayBoxes(): OverlayShown[];
  adjudication(): AdjudicationShown;
  teaching(): { active: boolean; peers: string[]; f1: number | null; meanIoU: number | null; consensusReady: boolean };
}

export function exposeStudyTestHook(
  target: Window & { __rr?: unknown },
  session: StudySession,
  views: { readonly desk: AdjudicationDesk; readonly teaching: TeachingView },
): void {
  const viewer = session.viewer;
  const { desk, teaching } = views;
  const hook: StudyTestHook = {
    get ready() {
      return viewer.ready;
    },
    get stackReady() {
      return viewer.stackReady;
    },
    get stackIsReady() {
      return viewer.stackIsReady;
    },
    get status() {
      return viewer.status;
    },
    get error() {
      return viewer.error ?? session.failed;
    },
    get imageIds() {
      return viewer.imageIds;
    },
    get renderedImageId() {
      return viewer.renderedImageId;
    },
    get currentImageIndex() {
      return viewer.currentIndex;
    },
    get userId() {
      return session.me?.id ?? null;
    },
    get saveState() {
      return session.saveState;
    },
    get synced() {
      return session.synced;
    },
    get voi() {
      return viewer.voi;
    },
    get parallelScale() {
      return viewer.viewport()?.getCamera().parallelScale ?? null;
    },
    get following() {
      return session.following;
    },
    get notice() {
      return session.notice?.text ?? null;
    },
    get selectedId() {
      return session.selectedId;
    },
    get renderer() {
      return viewer.renderer;
    },
    get imageCount() {
      return viewer.imageCount;
    },
    get loadedCount() {
      return viewer.loadedCount;
    },
    get loadTimeline() {
      return viewer.timeline;
    },
    isImageLoaded: (index) => viewer.isImageLoaded(index),
    loadOrder: () => viewer.loadOrder(),
    get role() {
      return session.role;
    },
    get canDraw() {
      return session.canDraw;
    },
    get pointerMode() {
      return viewer.pointerMode;
    },
    boxLabels: () => session.boxLabels.map((l) => l.name),
    stackImages: () => viewer.images.map((i) => ({ sopInstanceUid: i.sopInstanceUid, frame: i.frame, columns: i.columns, rows: i.rows })),
    scroll: (delta) => viewer.scroll(delta),
    getPixel: (index, column, row) => viewer.pixel(index, column, row),
    showImage: (index) => viewer.showImage(index),
    canvasPixelOf: (column, row) => viewer.canvasPixelOf(column, row),
    shownBoxes: () =>
      csAnnotation.state
        .getAllAnnotations()
        .filter((a) => a.metadata?.toolName === BOX_TOOL && a.annotationUID)
        .map((a) => {
          const imageId = a.metadata?.referencedImageId ?? '';
          const points: Array<[number, number]> = (a.data.handles?.points ?? []).map((p: Types.Point3) => {
            const point = coreUtilities.worldToImageCoords(imageId, p);
            return [point?.[0] ?? Number.NaN, point?.[1] ?? Number.NaN];
          });
          const xs = points.map((p) => p[0]);
          const ys = points.map((p) => p[1]);
          const x = Math.min(...xs);
          const y = Math.min(...ys);
          const endImageId = a.metadata?.multiSliceReference?.referencedImageId ?? null;
          return { id: a.annotationUID!, label: (a.data as { label?: string }).label, imageId, endImageId, x, y, width: Math.max(...xs) - x, height: Math.max(...ys) - y };
        }),
    renderedBoxes: () =>
      [...(viewer.element?.querySelectorAll('svg rect[data-id$="-rect"]') ?? [])].map((rect) => ({
        id: (rect.getAttribute('data-id') ?? '').replace(/-rect$/, ''),
        dash: rect.getAttribute('stroke-dasharray'),
      })),
    documentBoxes: () => session.studyDocument?.listAnnotations() ?? [],
    reviewStates: () => session.review?.list ?? [],
    participants: () =>
      session.participants.map((p) => ({ clientId: p.clientId, userId: p.user.id, name: p.user.name, index: p.view?.index ?? null, cursor: p.cursor })),
    follow: (userId) => session.follow(userId === null ? null : (session.participants.find((p) => p.user.id === userId && !p.isMe)?.clientId ?? null)),
    pagePointOf: (x, y) => {
      const rect = viewer.element!.getBoundingClientRect();
      const at = viewer.imageToElement(x, y);
      if (!at) throw new Error('no image shown');
      return [rect.left + at[0], rect.top + at[1]];
    },
    setVoi: (lower, upper) => viewer.setVoi({ lower, upper }),
    chooseLabel: (name) => session.chooseLabel(name),
    select: (id) => {
      if (id) csAnnotation.selection.setAnnotationSelected(id, true);
      session.select(id);
    },
    undo: () => session.undo(),
    reading: () => {
      const view = session.reading.view;
      if (!view) return null;
      const { phase, status, canSubmit, canAdjudicate } = view;
      return { phase, status, canSubmit, canAdjudicate, room: session.room, writable: session.writable, readOnlyReason: session.readOnlyReason };
    },
    overlayBoxes: () => {
      const boxes = desk.active ? desk.overlayBoxes : teaching.active ? teaching.overlayBoxes : [];
      return boxes
        .filter((b) => isOnImage(b.place, viewer.series?.seriesUid, viewer.images, viewer.currentIndex))
        .map((b) => ({ id: b.id, layer: b.layer, x: b.rect.x, y: b.rect.y, width: b.rect.width, height: b.rect.height }));
    },
    adjudication: () => ({
      active: desk.active,
      synced: desk.synced,
      readers: desk.readers.map((r) => ({ id: r.id, name: r.name, visible: r.visible, boxCount: r.boxCount })),
      currentId: desk.current?.id ?? null,
      queue: desk.queue.map((item) => {
        const { x, y, width, height } = item.proposal.fused.region;
        return {
          id: item.id,
          kinds: item.disagreement?.kinds ?? [],
          severity: item.disagreement?.severity ?? null,
          meanIoU: item.proposal.meanIoU,
          label: item.proposal.fused.label,
          fused: { x, y, width, height },
          sources: item.proposal.sources.map((s) => ({ readerId: s.readerId, annotationId: s.annotationId })),
        };
      }),
    }),
    teaching: () => {
      const score = teaching.score;
      return { active: teaching.active, peers: teaching.peers.map((p) => p.id), f1: score?.f1 ?? null, meanIoU: score?.meanIoU ?? null, consensusReady: teaching.consensusReady };
    },
  };
  target.__rr = hook;
}
