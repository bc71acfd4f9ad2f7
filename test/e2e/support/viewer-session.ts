import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startTestServer, type TestServer } from '../../support/test-server';
import { launchBrowser, type TestBrowser } from './browser';
import { importWithCli } from './import-cli';
import { WEB_DIST, ensureWebBuild } from './web-build';

/** What `window.__rr` offers (apps/web/src/viewer/test-hook.ts), as seen from a test. */
export interface ViewerHook {
  ready: Promise<void>;
  /** Settles once the viewport holds its final stack and rendered an image of it. */
  stackReady: Promise<void>;
  stackIsReady: boolean;
  status: string;
  error: string | null;
  imageIds: string[];
  renderedImageId: string | null;
  currentImageIndex: number;
  renderer: 'cpu' | 'gpu' | null;
  getPixel(index: number, column: number, row: number): Promise<{ stored: number; modality: number }>;
  showImage(index: number): Promise<void>;
  canvasPixelOf(column: number, row: number): [number, number];
}
declare const window: { __rr: ViewerHook };

export interface SeriesToOpen {
  files: ReadonlyArray<{ name: string; bytes: Uint8Array }>;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

export interface ViewerSession {
  readonly server: TestServer;
  readonly page: Page;
  /** Console errors, uncaught page errors and HTTP errors seen by the page. */
  readonly pageErrors: string[];
  /** Milliseconds per setup step, for the log. */
  readonly timings: Record<string, number>;
  /** Reads from `window.__rr` (the function runs in the page). */
  hook<T>(read: (rr: ViewerHook) => T | Promise<T>): Promise<T>;
  pixel(index: number, column: number, row: number): Promise<{ stored: number; modality: number }>;
  showImage(index: number): Promise<void>;
  canvasPixelOf(column: number, row: number): Promise<[number, number]>;
  close(): Promise<void>;
}

/**
 * The whole path a user takes: builds the web client if needed, writes the files to a folder,
 * imports it with the CLI into a fresh data directory, starts the server (serving the client),
 * logs in as admin, and opens the series in headless Chromium; resolves once the viewport holds
 * its final stack and has rendered an image of it, or the page reported an error.
 */
export async function openSeriesInViewer(series: SeriesToOpen): Promise<ViewerSession> {
  const timings: Record<string, number> = {};
  const time = async <T>(label: string, step: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      return await step();
    } finally {
      timings[label] = Date.now() - started;
    }
  };
  const workDir = mkdtempSync(join(tmpdir(), 'readingroom-e2e-'));
  let server: TestServer | undefined;
  let browser: TestBrowser | undefined;
  const close = async () => {
    await browser?.close();
    await server?.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  try {
    await time('web build', ensureWebBuild);
    const inbox = join(workDir, 'inbox');
    mkdirSync(inbox);
    for (const file of series.files) writeFileSync(join(inbox, file.name), file.bytes);
    const dataDir = join(workDir, 'data');
    await time('import', () => importWithCli(dataDir, [inbox]));
    server = await startTestServer({ dataDir, deps: { webRoot: WEB_DIST } });
    const token = await server.login();
    browser = await time('chromium', launchBrowser);
    const { page, errors } = await browser.newPage();
    const query = new URLSearchParams({ study: series.studyInstanceUid, series: series.seriesInstanceUid });
    await time('first image', async () => {
      await page.goto(`${server!.url}/?${query}#token=${encodeURIComponent(token)}`);
      await waitForStack(page);
    });
    return {
      server,
      page,
      pageErrors: errors,
      timings,
      hook: <T>(read: (rr: ViewerHook) => T | Promise<T>) => page.evaluate(`(${read.toString()})(window.__rr)`) as Promise<T>,
      pixel: (index, column, row) => page.evaluate(([i, c, r]) => window.__rr.getPixel(i, c, r), [index, column, row] as const),
      showImage: (index) => page.evaluate((i) => window.__rr.showImage(i), index),
      canvasPixelOf: (column, row) => page.evaluate(([c, r]) => window.__rr.canvasPixelOf(c, r), [column, row] as const),
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Index of the image of SOP instance `sop` in a list of `wadors:` imageIds, -1 if absent. */
export function indexOfSop(imageIds: readonly string[], sop: string): number {
  return imageIds.findIndex((id) => id.includes(`/instances/${sop}/`));
}

/**
 * Waits until the page's viewer has its final stack in the viewport with an image rendered
 * (`stackReady`), or reports an error: after it, showing any image of the stack just works.
 */
export async function waitForStack(page: Page, timeout = 60_000): Promise<void> {
  await page.waitForFunction(() => window.__rr?.stackIsReady === true || window.__rr?.status === 'error', null, { timeout });
}
