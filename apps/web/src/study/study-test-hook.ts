import { utilities as coreUtilities, type Types } from '@cornerstonejs/core';
import { annotation as csAnnotation } from '@cornerstonejs/tools';
import type { Annotation, ImageState } from '@readingroom/model';
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
  participants(): Array<{ clientId: number; userId: string; name: string; index: number | null }>;
  follow(userId: string | null): void;
  /** Page (CSS) coordinates of image point (x, y) of the shown image, for mouse input. */
  pagePointOf(x: number, y: number): [number, number];
  setVoi(lower: number, upper: number): void;
  chooseLabel(name: string): void;
  select(id: string | null): void;
  undo(): boolean;
}

export function exposeStudyTestHook(target: Window & { __rr?: unknown }, session: StudySession): void {
  const viewer = session.viewer;
  const hook: StudyTestHook = {
    get ready() {
      return viewer.ready;
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
      session.participants.map((p) => ({ clientId: p.clientId, userId: p.user.id, name: p.user.name, index: p.view?.index ?? null })),
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
  };
  target.__rr = hook;
}
