import type { Page } from 'playwright-core';

/** `window.__rr` on a study page (apps/web/src/study/study-test-hook.ts), as a test sees it. */
export interface StudyHook {
  userId: string | null;
  saveState: string;
  synced: boolean;
  status: string;
  error: string | null;
  currentImageIndex: number;
  imageIds: string[];
  renderedImageId: string | null;
  getPixel(index: number, column: number, row: number): Promise<{ stored: number; modality: number }>;
  /** Canvas pixel (device pixels) where the centre of image pixel (column, row) of the shown image lands. */
  canvasPixelOf(column: number, row: number): [number, number];
  voi: { lower: number; upper: number } | null;
  parallelScale: number | null;
  notice: string | null;
  selectedId: string | null;
  imageCount: number;
  loadedCount: number;
  /** Settles once the viewport holds its final stack and rendered an image of it. */
  stackReady: Promise<void>;
  stackIsReady: boolean;
  loadTimeline: { startedAt: number; firstImageMs: number | null; loadedAtFirstImage: number | null; allLoadedMs: number | null } | null;
  isImageLoaded(index: number): boolean;
  loadOrder(): number[];
  role: string | null;
  canDraw: boolean;
  pointerMode: string;
  boxLabels(): string[];
  participants(): Array<{ clientId: number; userId: string; name: string; index: number | null; cursor: { sopInstanceUid: string; frameIndex: number; x: number; y: number } | null }>;
  stackImages(): Array<{ sopInstanceUid: string; frame: number; columns: number; rows: number }>;
  scroll(delta: number): void;
  shownBoxes(): Array<{ id: string; label?: string; imageId: string; endImageId: string | null; x: number; y: number; width: number; height: number }>;
  renderedBoxes(): Array<{ id: string; dash: string | null }>;
  reviewStates(): Array<{ level: 'study' | 'series' | 'image'; status: string; reason?: string; setBy: string; sopInstanceUid?: string; seriesInstanceUid?: string }>;
  documentBoxes(): Array<{
    id: string;
    kind: 'box2d' | 'box3d';
    label: string;
    author: string;
    sopInstanceUid?: string;
    frameIndex?: number;
    geometry: { x: number; y: number; width: number; height: number; firstSliceIndex?: number; lastSliceIndex?: number; firstSopInstanceUid?: string; lastSopInstanceUid?: string };
  }>;
  follow(userId: string | null): void;
  pagePointOf(x: number, y: number): [number, number];
  showImage(index: number): Promise<void>;
  select(id: string | null): void;
  chooseLabel(name: string): void;
  undo(): boolean;
}

/** Runs `read` in the page with `window.__rr`. */
export function rr<T, A = undefined>(page: Page, read: (hook: StudyHook, arg: A) => T | Promise<T>, arg?: A): Promise<T> {
  return page.evaluate(
    ([source, value]) => {
      const fn = new Function(`return (${source})`)() as (hook: unknown, arg: unknown) => unknown;
      return fn((globalThis as unknown as { __rr: unknown }).__rr, value);
    },
    [read.toString(), arg] as const,
  ) as Promise<T>;
}

/** Drags the mouse from image point `from` to `to` (image pixels of the shown image). */
export async function dragImage(page: Page, from: [number, number], to: [number, number], steps = 8): Promise<void> {
  const [x0, y0] = await rr(page, (h, p) => h.pagePointOf(p[0], p[1]), from);
  const [x1, y1] = await rr(page, (h, p) => h.pagePointOf(p[0], p[1]), to);
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  await page.mouse.move(x1, y1, { steps });
  await page.mouse.up();
}

/** Draws a box with the Box tool over image pixels [x, y, x + w, y + h]. */
export function drawBox(page: Page, box: { x: number; y: number; width: number; height: number }): Promise<void> {
  return dragImage(page, [box.x, box.y], [box.x + box.width, box.y + box.height]);
}

/** Waits until `predicate` holds in the page; returns how long it took (ms). */
export async function waitFor<A>(page: Page, predicate: (hook: StudyHook, arg: A) => boolean, arg: A, timeout = 10_000): Promise<number> {
  const started = Date.now();
  await page.waitForFunction(
    ([source, value]) => {
      const fn = new Function(`return (${source})`)() as (hook: unknown, arg: unknown) => boolean;
      const hook = (globalThis as unknown as { __rr?: unknown }).__rr;
      return hook !== undefined && fn(hook, value);
    },
    [predicate.toString(), arg] as const,
    { timeout, polling: 20 },
  );
  return Date.now() - started;
}
