import { eventTarget, utilities as coreUtilities, type Types } from '@cornerstonejs/core';
import { annotation as csAnnotation, Enums as ToolEnums, utilities as toolUtilities, type Types as ToolTypes } from '@cornerstonejs/tools';
import { ROOT, type Annotation, type Box2dGeometry, type StudyDocument } from '@readingroom/model';
import type * as Y from 'yjs';
import type { StackImage } from '../lib/series-stack';
import { VIEWPORT_ID, type StackViewer } from '../viewer/stack-viewer.svelte';
import { BOX_TOOL, type BoxDisplayData } from '../viewer/viewer-tools';
import { boxFromImagePoints, cornersOf, sameBox, type ImagePoint } from './box-geometry';
import { dashOn, oneSliceGeometry, sliceRangeOf, withRect, type SliceRange } from './box3d-range';
import { ShownBoxes } from './shown-boxes';

/** How often a box being dragged is written to the document (ms); the last position always is. */
const MOVE_WRITE_INTERVAL_MS = 80;

/**
 * Above this many boxes on the shown image only the selected box keeps its label text: hundreds
 * of labels cover the image, and each costs a text layout on every frame (with 500 boxes on the
 * image the text took 80 % of the frame time, BENCHMARKS.md).
 */
export const MAX_LABELLED_BOXES = 30;

export interface BridgeOptions {
  /** Label for a newly drawn box; null: drawing is refused (no label class). */
  readonly currentLabel: () => string | null;
  /** Whether a newly drawn box is a 3D box (its label is of kind box3d): one slice at first. */
  readonly drawsBox3d: () => boolean;
  readonly authorName: (userId: string) => string;
  readonly colourOf: (userId: string) => string;
  /** Boxes I may not edit are shown locked (no handles, no dragging). */
  readonly canEdit: (box: Annotation) => boolean;
  readonly onSelect: (id: string | null) => void;
  /** How many boxes are on the shown image when their labels are hidden (0: labels shown). */
  readonly onLabelsHidden?: (boxesOnImage: number) => void;
  /** A local edit could not be written (e.g. invalid); the message is for the user. */
  readonly onError: (message: string) => void;
}

type CsAnnotation = ToolTypes.Annotation & { data: ToolTypes.Annotation['data'] & BoxDisplayData };

/** Where a document box is drawn in the shown stack: its image, and for a 3D box its slice range. */
interface Placement {
  readonly image: StackImage;
  readonly range: SliceRange | null;
  readonly end: StackImage | null;
}

/**
 * The one place where cornerstone annotations and the study Y.Doc meet. Cornerstone events
 * (completed / modified / removed) become StudyDocument writes; document changes made by anyone
 * else (other readers, undo, the side panels) become cornerstone annotations, coloured per author.
 * While the bridge writes it ignores the resulting transactions, so its own edits do not echo.
 *
 * A 3D box is one cornerstone annotation referencing its first slice with a multi-slice
 * reference to its last, so cornerstone shows it on every slice of the range; its line is solid
 * on the two key slices and dashed between, restyled whenever the shown slice changes.
 */
export class AnnotationBridge {
  #writing = false;
  #removingQuietly = false;
  #pendingMoves = new Map<string, { timer: ReturnType<typeof setTimeout> | null; last: number }>();
  #unsubscribers: Array<() => void> = [];
  #shown = new ShownBoxes();
  #styledIndex = -1;
  #selectedId: string | null = null;
  #hiddenLabels = 0;
  readonly #annotations: Y.Map<unknown>;

  constructor(
    private readonly viewer: StackViewer,
    private readonly study: StudyDocument,
    private readonly options: BridgeOptions,
  ) {
    this.#annotations = study.doc.getMap(ROOT.annotations);
  }

  start(): void {
    const listen = (type: string, handler: (event: Event) => void) => {
      eventTarget.addEventListener(type, handler);
      this.#unsubscribers.push(() => eventTarget.removeEventListener(type, handler));
    };
    listen(ToolEnums.Events.ANNOTATION_COMPLETED, this.#onCompleted);
    listen(ToolEnums.Events.ANNOTATION_MODIFIED, this.#onModified);
    listen(ToolEnums.Events.ANNOTATION_REMOVED, this.#onRemoved);
    listen(ToolEnums.Events.ANNOTATION_SELECTION_CHANGE, this.#onSelection);
    this.#annotations.observeDeep(this.#onDocChange);
    this.#unsubscribers.push(() => this.#annotations.unobserveDeep(this.#onDocChange));
    this.#unsubscribers.push(this.viewer.onSeriesChange(() => this.resyncAll()));
    this.#unsubscribers.push(this.viewer.onViewChange(() => this.#restyleForSlice()));
    this.resyncAll();
  }

  /** Replaces every box in cornerstone with the document's boxes on the shown series. */
  resyncAll(): void {
    this.#quietly(() => {
      for (const existing of csAnnotation.state.getAllAnnotations()) {
        if (existing.metadata?.toolName === BOX_TOOL && existing.annotationUID) csAnnotation.state.removeAnnotation(existing.annotationUID);
      }
    });
    this.#shown.clear();
    this.#styledIndex = this.viewer.currentIndex;
    for (const box of this.study.listAnnotations()) this.#reconcile(box.id, box);
    this.#render();
  }

  /** Writes any move still waiting for its throttle, then detaches. */
  destroy(): void {
    for (const [id, pending] of this.#pendingMoves) {
      if (pending.timer) {
        clearTimeout(pending.timer);
        this.#writeGeometry(id);
      }
    }
    this.#pendingMoves.clear();
    for (const off of this.#unsubscribers.splice(0)) off();
    this.#quietly(() => {
      for (const existing of csAnnotation.state.getAllAnnotations()) {
        if (existing.metadata?.toolName === BOX_TOOL && existing.annotationUID) csAnnotation.state.removeAnnotation(existing.annotationUID);
      }
    });
    this.#render();
  }

  #onCompleted = (event: Event): void => {
    const drawn = (event as CustomEvent<{ annotation: CsAnnotation }>).detail.annotation;
    if (drawn.metadata?.toolName !== BOX_TOOL || !drawn.annotationUID || this.#isDocumentBox(drawn.annotationUID)) return;
    const image = this.#imageOf(drawn.metadata.referencedImageId);
    const series = this.viewer.series;
    const geometry = image ? this.#geometryOf(drawn, image) : null;
    const label = this.options.currentLabel();
    this.#quietly(() => csAnnotation.state.removeAnnotation(drawn.annotationUID!));
    if (!image || !series || !geometry) return this.#render();
    if (!label) {
      this.options.onError('Choose a label before drawing a box.');
      return this.#render();
    }
    const where = { studyInstanceUid: series.studyUid, seriesInstanceUid: series.seriesUid };
    let created: Annotation;
    try {
      created = this.#write(() =>
        this.options.drawsBox3d()
          ? this.study.createBox3d({ ...where, geometry: oneSliceGeometry(geometry, this.viewer.images.indexOf(image), this.viewer.images), label })
          : this.study.createBox2d({ ...where, sopInstanceUid: image.sopInstanceUid, frameIndex: image.frame - 1, geometry, label }),
      );
    } catch (error) {
      this.options.onError(error instanceof Error ? error.message : String(error));
      return this.#render();
    }
    this.#reconcile(created.id, created);
    csAnnotation.selection.setAnnotationSelected(created.id, true);
    this.options.onSelect(created.id);
    this.#render();
  };

  #onModified = (event: Event): void => {
    const changed = (event as CustomEvent<{ annotation: CsAnnotation }>).detail.annotation;
    const id = changed.annotationUID;
    if (changed.metadata?.toolName !== BOX_TOOL || !id || !this.#isDocumentBox(id)) return;
    const pending = this.#pendingMoves.get(id) ?? { timer: null, last: 0 };
    this.#pendingMoves.set(id, pending);
    if (pending.timer) return;
    const wait = Math.max(0, pending.last + MOVE_WRITE_INTERVAL_MS - Date.now());
    pending.timer = setTimeout(() => {
      pending.timer = null;
      pending.last = Date.now();
      this.#writeGeometry(id);
    }, wait);
  };

  #onRemoved = (event: Event): void => {
    if (this.#removingQuietly) return;
    const removed = (event as CustomEvent<{ annotation: CsAnnotation }>).detail.annotation;
    const id = removed.annotationUID;
    if (!id || !this.#isDocumentBox(id)) return;
    try {
      this.#write(() => this.study.deleteAnnotation(id));
    } catch (error) {
      this.options.onError(error instanceof Error ? error.message : String(error));
    }
  };

  #onSelection = (event: Event): void => {
    const selection = (event as CustomEvent<{ selection: string[] }>).detail.selection ?? [];
    const id = selection.find((uid) => this.#isDocumentBox(uid)) ?? null;
    this.#selectedId = id;
    this.#declutter();
    this.options.onSelect(id);
  };

  #onDocChange = (events: Array<Y.YEvent<Y.AbstractType<unknown>>>): void => {
    if (this.#writing) return;
    const ids = new Set<string>();
    for (const event of events) {
      if (event.target === this.#annotations) for (const key of (event as Y.YMapEvent<unknown>).keysChanged) ids.add(key);
      else if (typeof event.path[0] === 'string') ids.add(event.path[0]);
    }
    for (const id of ids) this.#reconcile(id, this.study.getAnnotation(id));
    this.#render();
  };

  #writeGeometry(id: string): void {
    const shown = csAnnotation.state.getAnnotation(id) as CsAnnotation | undefined;
    const stored = this.study.getAnnotation(id);
    if (!shown || !stored || stored.deleted) return;
    const image = this.#imageOf(shown.metadata?.referencedImageId);
    const rect = image ? this.#geometryOf(shown, image) : null;
    if (!rect) return this.#reconcile(id, stored); // collapsed or lost: show the stored box again
    if (sameBox(rect, stored.geometry)) return;
    const geometry = stored.kind === 'box3d' ? withRect(stored.geometry, rect) : rect;
    try {
      this.#write(() => this.study.moveBox(id, geometry));
    } catch (error) {
      this.options.onError(error instanceof Error ? error.message : String(error));
      this.#reconcile(id, this.study.getAnnotation(id));
    }
  }

  /** Makes cornerstone show `box` as the document has it (or not at all). */
  #reconcile(id: string, box: Annotation | undefined): void {
    const shown = csAnnotation.state.getAnnotation(id) as CsAnnotation | undefined;
    const placed = box && !box.deleted ? this.#placementOf(box) : null;
    if (!box || !placed) {
      this.#shown.remove(id);
      if (shown) this.#quietly(() => csAnnotation.state.removeAnnotation(id));
      return;
    }
    const viewport = this.viewer.viewport();
    if (!viewport) return;
    const { image, range, end } = placed;
    const points = cornersOf(box.geometry).map((p) => worldOf(image.imageId, p));
    const colour = this.options.colourOf(box.author);
    if (range) this.#shown.place3d(id, { range, colour });
    else this.#shown.place2d(id, image.imageId);
    this.#style(id, colour, range);
    if (shown) {
      if (this.#isBeingDragged(shown)) return;
      const metadata = shown.metadata!;
      if (metadata.referencedImageId !== image.imageId) {
        metadata.referencedImageId = image.imageId;
        delete metadata.referencedImageURI; // cornerstone caches the URI of the reference
      }
      if (end) metadata.multiSliceReference = { referencedImageId: end.imageId };
      else delete metadata.multiSliceReference;
      shown.data.handles!.points = points;
      shown.data.label = box.label;
      shown.data.rrAuthorName = this.options.authorName(box.author);
      shown.isLocked = !this.options.canEdit(box);
      shown.invalidated = true;
      return;
    }
    const camera = viewport.getCamera();
    const created: CsAnnotation = {
      annotationUID: id,
      highlighted: false,
      invalidated: true,
      isLocked: !this.options.canEdit(box),
      isVisible: true,
      metadata: {
        toolName: BOX_TOOL,
        referencedImageId: image.imageId,
        ...(end ? { multiSliceReference: { referencedImageId: end.imageId } } : {}),
        FrameOfReferenceUID: viewport.getFrameOfReferenceUID(),
        viewPlaneNormal: camera.viewPlaneNormal!,
        viewUp: camera.viewUp!,
      },
      data: {
        label: box.label,
        rrAuthorName: this.options.authorName(box.author),
        handles: {
          points,
          activeHandleIndex: null,
          textBox: { hasMoved: false, worldPosition: [0, 0, 0], worldBoundingBox: { topLeft: [0, 0, 0], topRight: [0, 0, 0], bottomLeft: [0, 0, 0], bottomRight: [0, 0, 0] } },
        },
        cachedStats: {},
      },
    };
    csAnnotation.state.addAnnotation(created, this.viewer.element!);
  }

  #isBeingDragged(shown: CsAnnotation): boolean {
    return this.#pendingMoves.get(shown.annotationUID!)?.timer != null;
  }

  #geometryOf(shown: CsAnnotation, image: StackImage): Box2dGeometry | null {
    const points = (shown.data.handles?.points ?? []).map((p) => imageOf(image.imageId, p));
    return points.length > 0 ? boxFromImagePoints(points, image.columns, image.rows) : null;
  }

  #placementOf(box: Annotation): Placement | null {
    if (box.seriesInstanceUid !== this.viewer.series?.seriesUid) return null;
    const images = this.viewer.images;
    if (box.kind === 'box2d') {
      const image = images.find((i) => i.sopInstanceUid === box.sopInstanceUid && i.frame === box.frameIndex + 1);
      return image ? { image, range: null, end: null } : null;
    }
    const range = sliceRangeOf(box.geometry, images);
    const image = range ? images[range.first] : undefined;
    if (!range || !image) return null;
    return { image, range, end: range.last > range.first ? (images[range.last] ?? null) : null };
  }

  #style(id: string, colour: string, range: SliceRange | null): void {
    const lineDash = range ? dashOn(range, this.viewer.currentIndex) : '';
    csAnnotation.config.style.setAnnotationStyles(id, { color: colour, colorHighlighted: '#ffffff', colorSelected: '#ffffff', lineWidth: '2', lineDash });
  }

  /** On another slice a 3D box may change from solid (key slice) to dashed and back. */
  #restyleForSlice(): void {
    const index = this.viewer.currentIndex;
    if (index === this.#styledIndex) return;
    const before = this.#styledIndex;
    this.#styledIndex = index;
    for (const [id, { range, colour }] of this.#shown.restyledBetween(before, index)) this.#style(id, colour, range);
    this.#declutter();
  }

  /** Shows the label texts of the boxes on the shown image, unless there are too many. */
  #declutter(): void {
    const index = this.viewer.currentIndex;
    const imageId = this.viewer.images[index]?.imageId;
    if (!imageId) return;
    const ids = this.#shown.onSlice(index, imageId);
    const hidden = ids.length > MAX_LABELLED_BOXES;
    for (const id of ids) {
      const shown = csAnnotation.state.getAnnotation(id) as CsAnnotation | undefined;
      if (shown) shown.data.rrShowText = !hidden || id === this.#selectedId;
    }
    const count = hidden ? ids.length : 0;
    if (count !== this.#hiddenLabels) {
      this.#hiddenLabels = count;
      this.options.onLabelsHidden?.(count);
    }
  }

  #imageOf(imageId: string | undefined): StackImage | undefined {
    return imageId ? this.viewer.images.find((image) => image.imageId === imageId) : undefined;
  }

  #isDocumentBox(id: string): boolean {
    return this.#annotations.has(id);
  }

  #write<T>(fn: () => T): T {
    this.#writing = true;
    try {
      return fn();
    } finally {
      this.#writing = false;
    }
  }

  #quietly(fn: () => void): void {
    this.#removingQuietly = true;
    try {
      fn();
    } finally {
      this.#removingQuietly = false;
    }
  }

  #render(): void {
    this.#declutter();
    if (this.viewer.viewport()) toolUtilities.triggerAnnotationRenderForViewportIds([VIEWPORT_ID]);
  }
}

function worldOf(imageId: string, point: ImagePoint): Types.Point3 {
  const world = coreUtilities.imageToWorldCoords(imageId, [point[0], point[1]]);
  if (!world) throw new Error('the image has no geometry');
  return world;
}

function imageOf(imageId: string, world: Types.Point3): ImagePoint {
  const point = coreUtilities.worldToImageCoords(imageId, world);
  if (!point) throw new Error('the image has no geometry');
  return [point[0], point[1]];
}
