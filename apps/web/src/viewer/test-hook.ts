import type { PixelSample } from './pixel-probe';
import type { StackViewer } from './stack-viewer.svelte';

/**
 * What end-to-end tests read through `window.__rr`: read-only views of the viewer plus
 * `showImage`, so a test can check real pixel values instead of "something loaded".
 */
export interface ReadingRoomTestHook {
  readonly ready: Promise<void>;
  /**
   * Settles once the viewport holds its final stack and has rendered an image from it (see
   * `StackViewer.stackReady`): after it, `showImage` works without waiting anything out.
   */
  readonly stackReady: Promise<void>;
  /** `stackReady` has settled for the stack shown now (for polling). */
  readonly stackIsReady: boolean;
  readonly status: string;
  readonly error: string | null;
  readonly imageIds: string[];
  readonly renderedImageId: string | null;
  readonly currentImageIndex: number;
  /** Which renderer draws the images (null before the viewer is attached). */
  readonly renderer: 'cpu' | 'gpu' | null;
  getPixel(imageIndex: number, column: number, row: number): Promise<PixelSample>;
  showImage(imageIndex: number): Promise<void>;
  /** Canvas pixel (device pixels) where the centre of image pixel (column, row) of the shown image lands. */
  canvasPixelOf(column: number, row: number): [number, number];
}

declare global {
  interface Window {
    __rr?: ReadingRoomTestHook;
  }
}

export function exposeTestHook(target: Window, viewer: StackViewer): void {
  target.__rr = {
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
      return viewer.error;
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
    get renderer() {
      return viewer.renderer;
    },
    getPixel: (imageIndex, column, row) => viewer.pixel(imageIndex, column, row),
    showImage: (imageIndex) => viewer.showImage(imageIndex),
    canvasPixelOf: (column, row) => viewer.canvasPixelOf(column, row),
  };
}
