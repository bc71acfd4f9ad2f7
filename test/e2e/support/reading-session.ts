import type { Page } from 'playwright-core';
import { readAnnotations, roomName, type Annotation, type RoomScope } from '@readingroom/model';
import { openStockClient } from '../../support/stock-client';
import type { CollabFixture, StudyPage } from './collab-session';
import { rr, waitFor, type StudyHook } from './study-hook';

/** What a study page's `window.__rr` tells about the reading session (study-test-hook.ts). */
export interface ReadingHook extends StudyHook {
  reading(): {
    phase: string;
    status: string;
    room: string | null;
    writable: boolean;
    readOnlyReason: string | null;
    canSubmit: boolean;
    canAdjudicate: boolean;
  } | null;
  overlayBoxes(): Array<{ id: string; layer: string; x: number; y: number; width: number; height: number }>;
  adjudication(): {
    active: boolean;
    synced: boolean;
    readers: Array<{ id: string; name: string; visible: boolean; boxCount: number }>;
    currentId: string | null;
    queue: Array<{
      id: string;
      kinds: string[];
      severity: number | null;
      meanIoU: number | null;
      label: string;
      fused: { x: number; y: number; width: number; height: number };
      sources: Array<{ readerId: string; annotationId: string }>;
    }>;
  };
  teaching(): { active: boolean; peers: string[]; f1: number | null; meanIoU: number | null; consensusReady: boolean };
}

/** `rr` with the reading-session part of the hook. */
export function rs<T, A = undefined>(page: Page, read: (hook: ReadingHook, arg: A) => T | Promise<T>, arg?: A): Promise<T> {
  return rr(page, read as unknown as (hook: StudyHook, arg: A) => T | Promise<T>, arg);
}

/** `waitFor` with the reading-session part of the hook. */
export function waitForReading<A>(page: Page, predicate: (hook: ReadingHook, arg: A) => boolean, arg: A, timeout = 10_000): Promise<number> {
  return waitFor(page, predicate as unknown as (hook: StudyHook, arg: A) => boolean, arg, timeout);
}

/** The session routes of the fixture's study, called as the global admin. */
export function sessionAdmin(fx: CollabFixture) {
  const base = `/api/projects/${fx.projectId}/studies/${encodeURIComponent(fx.studyUid)}/session`;
  return {
    assign: (readers: readonly string[], adjudicators?: readonly string[]) =>
      fx.admin('PUT', `${base}/assignment`, { readers, ...(adjudicators ? { adjudicators } : {}) }),
    phase: (phase: 'open' | 'blinded' | 'adjudication' | 'final') => fx.admin('PUT', `${base}/phase`, { phase }),
    flags: (flags: { readersMayDiscuss?: boolean; revealed?: boolean }) => fx.admin('PUT', `${base}/flags`, flags),
  };
}

/** The fixture study's room of `scope`. */
export function studyRoom(fx: CollabFixture, scope: RoomScope): string {
  return roomName({ projectId: fx.projectId, studyInstanceUid: fx.studyUid, scope });
}

/**
 * The annotations (not deleted) of a study document as the server holds it, read with the stock
 * y-websocket client (not the web client) as the global admin.
 */
export async function serverAnnotations(fx: CollabFixture, scope: RoomScope): Promise<Annotation[]> {
  const token = await fx.server.login();
  const client = await openStockClient({ syncUrl: fx.server.syncUrl, room: studyRoom(fx, scope), token, timeoutMs: 10_000 });
  try {
    return readAnnotations(client.doc);
  } finally {
    client.destroy();
  }
}

/** Goes back to the worklist of the page (same tab and token) and waits for the study's row. */
export async function showWorklist(fx: CollabFixture, page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { location: { hash: string } }).location.hash = '#/';
  });
  await page.waitForSelector(`[data-testid=study-row][data-study-uid="${fx.studyUid}"][data-status]:not([data-status=""])`, { timeout: 10_000 });
}

/** Opens the study again from the worklist shown in the page, and waits until it is ready. */
export async function openFromWorklist(fx: CollabFixture, page: Page): Promise<void> {
  await page.click(`[data-study-uid="${fx.studyUid}"] a`);
  await page.waitForFunction(
    () => {
      const rr = (globalThis as unknown as { __rr?: { stackIsReady: boolean; synced: boolean; error: string | null } }).__rr;
      return rr?.error || (rr?.stackIsReady && rr.synced);
    },
    null,
    { timeout: 60_000 },
  );
}

/** The worklist row of the fixture study: status, task and submitted marker as the page shows them. */
export function worklistRow(fx: CollabFixture, page: Page) {
  return page.$eval(`[data-testid=study-row][data-study-uid="${fx.studyUid}"]`, (row) => ({
    status: row.getAttribute('data-status'),
    task: row.getAttribute('data-task'),
    submitted: row.getAttribute('data-submitted') === 'true',
    statusText: row.querySelector('[data-testid=session-status]')?.textContent?.trim() ?? '',
    taskText: row.querySelector('[data-testid=my-task]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '',
  }));
}

/** What a page shows of boxes: drawn by cornerstone, in its open document, and in the overlay. */
export async function boxesOnPage(page: StudyPage) {
  const [shown, documented, overlay, overlayElements] = await Promise.all([
    rr(page.page, (h) => h.shownBoxes().map((b) => b.id)),
    rr(page.page, (h) => h.documentBoxes().map((b) => ({ id: b.id, author: b.author }))),
    rs(page.page, (h) => h.overlayBoxes().map((b) => b.id)),
    page.page.$$eval('[data-testid=overlay-box]', (nodes) => nodes.map((n) => n.getAttribute('data-id') ?? '')),
  ]);
  return { shown, documented, overlay, overlayElements };
}

/** Submits the page's read through the button and its confirmation, as a reader would. */
export async function submitThroughUi(page: Page): Promise<void> {
  await page.click('[data-testid=submit-read]');
  await page.waitForSelector('[data-testid=confirm-submit]');
  await page.click('[data-testid=confirm-submit-yes]');
  await page.waitForSelector('[data-testid=read-submitted]', { timeout: 10_000 });
}
