import { Enums, RenderingEngine, utilities, type Types } from '@cornerstonejs/core';
import { wadors } from '@cornerstonejs/dicom-image-loader';
import type { DicomwebClient } from '../lib/dicomweb-client';
import { buildStack, type StackImage } from '../lib/series-stack';
import type { SeriesRequest } from '../lib/session';
import { initCornerstone } from './cornerstone-setup';
import { samplePixel, type PixelSample } from './pixel-probe';

export const VIEWER_STATUS = ['idle', 'loading', 'ready', 'error'] as const;
export type ViewerStatus = (typeof VIEWER_STATUS)[number];

const ENGINE_ID = 'readingroom-engine';
const VIEWPORT_ID = 'readingroom-stack';

/**
 * One series shown in a cornerstone3D StackViewport. Owns the rendering engine for its element;
 * components read the reactive fields and call the methods.
 */
export class StackViewer {
  #status = $state<ViewerStatus>('idle');
  #error = $state<string | null>(null);
  #imageCount = $state(0);
  #currentIndex = $state(-1);
  #renderedImageId = $state<string | null>(null);

  #images: StackImage[] = [];
  #engine: RenderingEngine | undefined;
  #viewport: Types.IStackViewport | undefined;
  #renderWaiters = new Map<string, Array<() => void>>();
  #resizeObserver: ResizeObserver | undefined;
  #element: HTMLDivElement | undefined;
  #firstRender = deferred();

  constructor(private readonly client: DicomwebClient) {
    // An unobserved rejection of `ready` is not an error of its own; `error` carries it.
    this.#firstRender.promise.catch(() => {});
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
  /** Index in the position-sorted stack of the image last rendered, -1 before the first. */
  get currentIndex(): number {
    return this.#currentIndex;
  }
  get renderedImageId(): string | null {
    return this.#renderedImageId;
  }
  /** Settles when the first image has been rendered (or loading failed). */
  get ready(): Promise<void> {
    return this.#firstRender.promise;
  }
  get imageIds(): string[] {
    return this.#images.map((image) => image.imageId);
  }

  async open(element: HTMLDivElement, request: SeriesRequest): Promise<void> {
    this.#status = 'loading';
    try {
      initCornerstone(() => this.client.authHeaders());
      const metadata = await this.client.seriesMetadata(request.studyUid, request.seriesUid);
      this.#images = buildStack(this.client.seriesUrl(request.studyUid, request.seriesUid), metadata);
      if (this.#images.length === 0) throw new Error('the series has no images');
      for (const image of this.#images) wadors.metaDataManager.add(image.imageId, image.metadata as never);
      this.#imageCount = this.#images.length;
      this.#attach(element);
      await this.#viewport!.setStack(this.imageIds, 0);
      this.#viewport!.render();
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Shows image `index` of the stack; resolves once it has been rendered. */
  async showImage(index: number): Promise<void> {
    const viewport = this.#requireViewport();
    const imageId = this.#images[index]?.imageId;
    if (!imageId) throw new RangeError(`no image ${index} in a stack of ${this.#images.length}`);
    const rendered = this.#nextRenderOf(imageId);
    if (viewport.getCurrentImageIdIndex() === index) viewport.render();
    else await viewport.setImageIdIndex(index);
    await rendered;
  }

  scroll(delta: number): void {
    if (this.#images.length === 0) return;
    const next = Math.min(this.#images.length - 1, Math.max(0, this.#currentIndex + delta));
    if (next !== this.#currentIndex) void this.showImage(next);
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

  destroy(): void {
    this.#resizeObserver?.disconnect();
    this.#element?.removeEventListener(Enums.Events.IMAGE_RENDERED, this.#onRendered);
    this.#engine?.destroy();
    this.#engine = undefined;
    this.#viewport = undefined;
  }

  #attach(element: HTMLDivElement): void {
    this.#element = element;
    this.#engine = new RenderingEngine(ENGINE_ID);
    this.#engine.enableElement({ viewportId: VIEWPORT_ID, type: Enums.ViewportType.STACK, element });
    this.#viewport = this.#engine.getViewport(VIEWPORT_ID) as Types.IStackViewport;
    element.addEventListener(Enums.Events.IMAGE_RENDERED, this.#onRendered);
    this.#resizeObserver = new ResizeObserver(() => this.#engine?.resize(true, true));
    this.#resizeObserver.observe(element);
  }

  #onRendered = (): void => {
    const viewport = this.#viewport;
    if (!viewport) return;
    const imageId = viewport.getCurrentImageId();
    if (!imageId) return;
    this.#renderedImageId = imageId;
    this.#currentIndex = viewport.getCurrentImageIdIndex();
    if (this.#status === 'loading') {
      this.#status = 'ready';
      this.#firstRender.resolve();
    }
    const waiters = this.#renderWaiters.get(imageId) ?? [];
    this.#renderWaiters.delete(imageId);
    for (const wake of waiters) wake();
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
    this.#firstRender.reject(error instanceof Error ? error : new Error(this.#error));
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
