import { Enums, imageLoader, RenderingEngine, utilities, type Types } from '@cornerstonejs/core';
import { wadors } from '@cornerstonejs/dicom-image-loader';
import type { Types as ToolTypes } from '@cornerstonejs/tools';
import type { DicomwebClient } from '../lib/dicomweb-client';
import { buildStack, type StackImage } from '../lib/series-stack';
import type { SeriesRequest } from '../lib/session';
import { activeRenderer, initCornerstone } from './cornerstone-setup';
import type { RenderingMode } from './rendering-mode';
import { samplePixel, type PixelSample } from './pixel-probe';
import { ProgressiveLoader } from './progressive-loader';
import { createToolGroup, initViewerTools, setPointerMode, type PointerMode } from './viewer-tools';

export const VIEWER_STATUS = ['idle', 'loading', 'ready', 'error'] as const;
export type ViewerStatus = (typeof VIEWER_STATUS)[number];

export const ENGINE_ID = 'readingroom-engine';
export const VIEWPORT_ID = 'readingroom-stack';
/** Images fetched and decoded at the same time while a series loads (the shown one first). */
const LOAD_CONCURRENCY = 4;

export interface VoiRange {
  readonly lower: number;
  readonly upper: number;
}
/** What another participant needs to see exactly what this viewer shows. */
export interface ViewState {
  readonly seriesUid: string;
  readonly index: number;
  readonly voi: VoiRange | null;
  /** Relative to "whole image fits"; pan in world units from the centred position. */
  readonly zoom: number;
  readonly pan: readonly [number, number];
}

/** How the current series loaded, in milliseconds since it was asked for (null: not yet). */
export interface LoadTimeline {
  /** `performance.now()` when the series was asked for. */
  readonly startedAt: number;
  /** Until the first image was on screen. */
  readonly firstImageMs: number | null;
  /** Images of the series finished loading when the first one was on screen. */
  readonly loadedAtFirstImage: number | null;
  /** Until every image was fetched and decoded. */
  readonly allLoadedMs: number | null;
}

/**
 * One series at a time in a cornerstone3D StackViewport, with its tool group. Owns the rendering
 * engine for its element; components read the reactive fields and call the methods.
 */
export class StackViewer {
  #status = $state<ViewerStatus>('idle');
  #error = $state<string | null>(null);
  #imageCount = $state(0);
  #loadedCount = $state(0);
  #currentIndex = $state(-1);
  #renderedImageId = $state<string | null>(null);
  #voi = $state<VoiRange | null>(null);
  #viewVersion = $state(0);
  #pointerMode = $state<PointerMode>('windowLevel');
  #series = $state<SeriesRequest | null>(null);
  #images = $state.raw<StackImage[]>([]);

  #engine: RenderingEngine | undefined;
  #viewport: Types.IStackViewport | undefined;
  #toolGroup: ToolTypes.IToolGroup | undefined;
  #canDraw = false;
  #renderWaiters = new Map<string, Array<() => void>>();
  #resizeObserver: ResizeObserver | undefined;
  #element: HTMLDivElement | undefined;
  #firstRender = deferred();
  #stack = deferred();
  #stackSettled = false;
  #stackIsReady = $state(false);
  #loader: ProgressiveLoader | null = null;
  #timeline: LoadTimeline | null = null;
  #loadGeneration = 0;
  #viewListeners = new Set<() => void>();
  #seriesListeners = new Set<() => void>();

  constructor(
    private readonly client: DicomwebClient,
    private readonly rendering: RenderingMode = 'auto',
  ) {
    // An unobserved rejection of `ready` is not an error of its own; `error` carries it.
    this.#firstRender.promise.catch(() => {});
    this.#stack.promise.catch(() => {});
  }

  get status(): ViewerStatus {
    return this.#status;
  }
  get error(): string | null {
    return this.#error;
  }
  get imageCount(): number {
    return this.#imageCount;
  }
  /** Images of the series fetched and decoded so far (progressive loading). */
  get loadedCount(): number {
    return this.#loadedCount;
  }
  /** Index in the position-sorted stack of the image last rendered, -1 before the first. */
  get currentIndex(): number {
    return this.#currentIndex;
  }
  get renderedImageId(): string | null {
    return this.#renderedImageId;
  }
  get voi(): VoiRange | null {
    return this.#voi;
  }
  /** Changes whenever what is drawn moves (new image, camera): overlays recompute from it. */
  get viewVersion(): number {
    return this.#viewVersion;
  }
  get pointerMode(): PointerMode {
    return this.#pointerMode;
  }
  get series(): SeriesRequest | null {
    return this.#series;
  }
  get images(): readonly StackImage[] {
    return this.#images;
  }
  get currentImage(): StackImage | undefined {
    return this.#images[this.#currentIndex];
  }
  /** Settles when the first image has been rendered (or loading failed). */
  get ready(): Promise<void> {
    return this.#firstRender.promise;
  }
  /**
   * Settles once the viewport holds the stack of the latest requested series and has rendered
   * its first image; rejects if that load failed. A later series (or the viewport being
   * re-created) makes a still pending promise wait for that one instead, so whoever awaits it
   * gets the final stack, never one about to be replaced.
   */
  get stackReady(): Promise<void> {
    return this.#stack.promise;
  }
  /** Whether `stackReady` has settled successfully for the stack shown now. */
  get stackIsReady(): boolean {
    return this.#stackIsReady;
  }
  /** How the current series loaded (progressive loading), null before the first series. */
  get timeline(): LoadTimeline | null {
    return this.#timeline;
  }
  /** Stack indices of the images loaded so far, in the order they finished. */
  loadOrder(): number[] {
    return [...(this.#loader?.order ?? [])];
  }
  /** Whether image `index` of the stack has been fetched and decoded. */
  isImageLoaded(index: number): boolean {
    return this.#loader?.isLoaded(index) ?? false;
  }
  get imageIds(): string[] {
    return this.#images.map((image) => image.imageId);
  }
  get element(): HTMLDivElement | undefined {
    return this.#element;
  }
  /** The renderer in use once attached (see `RenderingMode`). */
  get renderer(): 'cpu' | 'gpu' | null {
    return this.#element ? activeRenderer() : null;
  }

  /** Creates the engine, viewport and tools on `element` (once). */
  attach(element: HTMLDivElement, options: { canDraw: boolean } = { canDraw: false }): void {
    if (this.#element === element) return;
    initCornerstone(() => this.client.authHeaders(), this.rendering);
    initViewerTools();
    this.#element = element;
    this.#canDraw = options.canDraw;
    this.#engine = new RenderingEngine(ENGINE_ID);
    this.#engine.enableElement({ viewportId: VIEWPORT_ID, type: Enums.ViewportType.STACK, element });
    this.#viewport = this.#engine.getViewport(VIEWPORT_ID) as Types.IStackViewport;
    this.#toolGroup = createToolGroup(ENGINE_ID, VIEWPORT_ID);
    setPointerMode(this.#toolGroup, this.#pointerMode, this.#canDraw);
    element.addEventListener(Enums.Events.IMAGE_RENDERED, this.#onRendered);
    element.addEventListener(Enums.Events.CAMERA_MODIFIED, this.#onViewChanged);
    element.addEventListener(Enums.Events.VOI_MODIFIED, this.#onVoiModified);
    this.#resizeObserver = new ResizeObserver(() => this.#engine?.resize(true, true));
    this.#resizeObserver.observe(element);
  }

  /** Legacy entry (`?study=&series=`): attach and show one series. */
  async open(element: HTMLDivElement, request: SeriesRequest): Promise<void> {
    try {
      this.attach(element);
    } catch (error) {
      this.#fail(error);
      return;
    }
    await this.loadSeries(request);
  }

  /**
   * Shows a series (replacing the current one), then loads all its images progressively: the
   * shown one first, then its neighbours outward (following the reader's scrolling), at most
   * LOAD_CONCURRENCY at a time; `loadedCount` counts them.
   */
  async loadSeries(request: SeriesRequest, startIndex = 0): Promise<void> {
    const generation = ++this.#loadGeneration;
    this.#loader?.stop();
    this.#loader = null;
    this.#pendingStack();
    if (this.#status !== 'ready') this.#status = 'loading';
    const startedAt = performance.now();
    this.#timeline = { startedAt, firstImageMs: null, loadedAtFirstImage: null, allLoadedMs: null };
    try {
      const metadata = await this.client.seriesMetadata(request.studyUid, request.seriesUid);
      if (generation !== this.#loadGeneration) return;
      const images = buildStack(this.client.seriesUrl(request.studyUid, request.seriesUid), metadata);
      if (images.length === 0) throw new Error('the series has no images');
      for (const image of images) wadors.metaDataManager.add(image.imageId, image.metadata as never);
      this.#images = images;
      this.#series = request;
      this.#imageCount = images.length;
      this.#loadedCount = 0;
      const viewport = this.#requireViewport();
      const index = Math.min(images.length - 1, Math.max(0, startIndex));
      const rendered = this.#nextRenderOf(images[index]!.imageId);
      await viewport.setStack(this.imageIds, index);
      if (generation !== this.#loadGeneration) return;
      viewport.render();
      for (const listener of this.#seriesListeners) listener();
      await rendered;
      if (generation !== this.#loadGeneration) return;
      this.#timeline = { startedAt, firstImageMs: performance.now() - startedAt, loadedAtFirstImage: this.#loadedCount, allLoadedMs: null };
      this.#stackIsReady = true;
      this.#stackSettled = true;
      this.#stack.resolve();
      void this.#loadAll(generation, index, startedAt);
    } catch (error) {
      if (generation === this.#loadGeneration) this.#fail(error);
    }
  }

  /** Shows image `index` of the stack; resolves once it has been rendered. */
  async showImage(index: number): Promise<void> {
    const viewport = this.#requireViewport();
    const imageId = this.#images[index]?.imageId;
    if (!imageId) throw new RangeError(`no image ${index} in a stack of ${this.#images.length}`);
    this.#loader?.focus(index);
    const rendered = this.#nextRenderOf(imageId);
    if (viewport.getCurrentImageIdIndex() === index) viewport.render();
    else await viewport.setImageIdIndex(index);
    await rendered;
  }

  scroll(delta: number): void {
    if (this.#images.length === 0) return;
    const from = this.#viewport?.getCurrentImageIdIndex() ?? this.#currentIndex;
    const next = Math.min(this.#images.length - 1, Math.max(0, from + delta));
    if (next !== from) void this.showImage(next);
  }

  setPointerMode(mode: PointerMode): void {
    this.#pointerMode = mode;
    if (this.#toolGroup) setPointerMode(this.#toolGroup, mode, this.#canDraw);
  }

  /** Whether the primary button may draw boxes (a grant can change while a study is open). */
  setCanDraw(canDraw: boolean): void {
    this.#canDraw = canDraw;
    if (!canDraw && this.#pointerMode === 'box') this.#pointerMode = 'windowLevel';
    if (this.#toolGroup) setPointerMode(this.#toolGroup, this.#pointerMode, canDraw);
  }

  setVoi(range: VoiRange): void {
    const viewport = this.#requireViewport();
    viewport.setProperties({ voiRange: { lower: range.lower, upper: range.upper } });
    viewport.render();
  }

  zoomBy(factor: number): void {
    const viewport = this.#requireViewport();
    viewport.setZoom(viewport.getZoom() * factor);
    viewport.render();
  }

  /** Back to the whole image, the file's window and no pan or zoom. */
  resetView(): void {
    const viewport = this.#requireViewport();
    viewport.resetProperties();
    viewport.resetCamera();
    viewport.render();
  }

  getView(): ViewState | null {
    const viewport = this.#viewport;
    if (!viewport || !this.#series || this.#images.length === 0) return null;
    const pan = viewport.getPan();
    return {
      seriesUid: this.#series.seriesUid,
      index: Math.max(0, viewport.getCurrentImageIdIndex()),
      voi: this.#voi,
      zoom: viewport.getZoom(),
      pan: [pan[0], pan[1]],
    };
  }

  /** Shows what `view` describes (same series assumed loaded): slice, window/level, zoom and pan. */
  async applyView(view: ViewState): Promise<void> {
    const viewport = this.#requireViewport();
    if (view.index !== viewport.getCurrentImageIdIndex() && view.index < this.#images.length) await this.showImage(view.index);
    if (view.voi) viewport.setProperties({ voiRange: { lower: view.voi.lower, upper: view.voi.upper } });
    if (view.zoom > 0) viewport.setZoom(view.zoom);
    viewport.setPan([view.pan[0], view.pan[1]]);
    viewport.render();
  }

  /** Calls `listener` when the slice, camera or window changes; returns an unsubscribe. */
  onViewChange(listener: () => void): () => void {
    this.#viewListeners.add(listener);
    return () => this.#viewListeners.delete(listener);
  }
  /** Calls `listener` after a new series was put in the viewport. */
  onSeriesChange(listener: () => void): () => void {
    this.#seriesListeners.add(listener);
    return () => this.#seriesListeners.delete(listener);
  }

  /** CSS pixel position (relative to the viewport element) of image point (x, y) of the shown image. */
  imageToElement(x: number, y: number): [number, number] | null {
    const viewport = this.#viewport;
    const imageId = viewport?.getCurrentImageId();
    if (!viewport || !imageId) return null;
    const world = utilities.imageToWorldCoords(imageId, [x, y]);
    if (!world) return null;
    const [cx, cy] = viewport.worldToCanvas(world);
    return [cx, cy];
  }

  /** Image point under CSS pixel (x, y) of the viewport element. */
  elementToImage(x: number, y: number): [number, number] | null {
    const viewport = this.#viewport;
    const imageId = viewport?.getCurrentImageId();
    if (!viewport || !imageId) return null;
    const point = utilities.worldToImageCoords(imageId, viewport.canvasToWorld([x, y]));
    return point ? [point[0], point[1]] : null;
  }

  /** A pixel of image `index` (loaded on demand), as stored and after the modality rescale. */
  pixel(index: number, column: number, row: number): Promise<PixelSample> {
    const imageId = this.#images[index]?.imageId;
    if (!imageId) return Promise.reject(new RangeError(`no image ${index}`));
    return samplePixel(imageId, column, row);
  }

  /**
   * Where the centre of pixel (column, row) of the current image is drawn, in canvas pixels
   * (device pixels, the unit of the canvas' own width and height).
   */
  canvasPixelOf(column: number, row: number): [number, number] {
    const viewport = this.#requireViewport();
    const world = utilities.imageToWorldCoords(viewport.getCurrentImageId(), [column + 0.5, row + 0.5]);
    if (!world) throw new Error('the current image has no geometry');
    const [x, y] = viewport.worldToCanvas(world);
    const canvas = viewport.canvas;
    const scale = canvas.width / canvas.clientWidth;
    return [x * scale, y * scale];
  }

  viewport(): Types.IStackViewport | undefined {
    return this.#viewport;
  }

  destroy(): void {
    this.#loadGeneration++;
    this.#loader?.stop();
    this.#loader = null;
    this.#pendingStack();
    this.#resizeObserver?.disconnect();
    this.#element?.removeEventListener(Enums.Events.IMAGE_RENDERED, this.#onRendered);
    this.#element?.removeEventListener(Enums.Events.CAMERA_MODIFIED, this.#onViewChanged);
    this.#element?.removeEventListener(Enums.Events.VOI_MODIFIED, this.#onVoiModified);
    this.#engine?.destroy();
    this.#engine = undefined;
    this.#viewport = undefined;
    this.#element = undefined;
  }

  /** Loads every image of the stack, nearest to the shown one first (as prefetch requests). */
  async #loadAll(generation: number, focus: number, startedAt: number): Promise<void> {
    const ids = this.imageIds;
    const loader = new ProgressiveLoader(ids.length, (index) => imageLoader.loadAndCacheImage(ids[index]!), {
      concurrency: LOAD_CONCURRENCY,
      focus: this.#viewport?.getCurrentImageIdIndex() ?? focus,
      onLoaded: (_index, finished) => {
        if (generation === this.#loadGeneration) this.#loadedCount = finished;
      },
    });
    this.#loader = loader;
    await loader.run();
    if (generation !== this.#loadGeneration || loader.finished < ids.length || !this.#timeline) return;
    this.#timeline = { ...this.#timeline, allLoadedMs: performance.now() - startedAt };
  }

  /** A new stack is on its way: `stackReady` waits for it (a still pending promise is kept). */
  #pendingStack(): void {
    this.#stackIsReady = false;
    if (!this.#stackSettled) return;
    this.#stack = deferred();
    this.#stack.promise.catch(() => {});
    this.#stackSettled = false;
  }

  #onRendered = (): void => {
    const viewport = this.#viewport;
    if (!viewport) return;
    const imageId = viewport.getCurrentImageId();
    if (!imageId) return;
    const changed = this.#renderedImageId !== imageId;
    const range = viewport.getProperties().voiRange;
    if (range && (range.lower !== this.#voi?.lower || range.upper !== this.#voi?.upper)) this.#voi = { lower: range.lower, upper: range.upper };
    this.#renderedImageId = imageId;
    this.#currentIndex = viewport.getCurrentImageIdIndex();
    this.#loader?.focus(this.#currentIndex);
    if (this.#status === 'loading') {
      this.#status = 'ready';
      this.#firstRender.resolve();
    }
    const waiters = this.#renderWaiters.get(imageId) ?? [];
    this.#renderWaiters.delete(imageId);
    for (const wake of waiters) wake();
    if (changed) this.#onViewChanged();
  };

  #onViewChanged = (): void => {
    this.#viewVersion++;
    for (const listener of this.#viewListeners) listener();
  };

  #onVoiModified = (event: Event): void => {
    const range = (event as CustomEvent<{ range?: { lower: number; upper: number } }>).detail.range;
    if (range) this.#voi = { lower: range.lower, upper: range.upper };
    this.#onViewChanged();
  };

  #nextRenderOf(imageId: string): Promise<void> {
    return new Promise((resolve) => {
      const waiters = this.#renderWaiters.get(imageId) ?? [];
      waiters.push(resolve);
      this.#renderWaiters.set(imageId, waiters);
    });
  }

  #requireViewport(): Types.IStackViewport {
    if (!this.#viewport) throw new Error('no series is open');
    return this.#viewport;
  }

  #fail(error: unknown): void {
    this.#status = 'error';
    this.#error = error instanceof Error ? error.message : String(error);
    const failure = error instanceof Error ? error : new Error(this.#error);
    this.#firstRender.reject(failure);
    this.#stackSettled = true;
    this.#stack.reject(failure);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve!: () => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
