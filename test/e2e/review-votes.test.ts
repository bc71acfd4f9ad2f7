import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readStudyState } from '@readingroom/model';
import { openStockClient } from '../support/stock-client';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { studyRoom } from './support/reading-session';
import { drawBox, rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** The vote counts and comments a page's annotation list shows for one box. */
function discussionOf(page: Page, id: string) {
  return page.evaluate((boxId) => {
    const doc = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null; querySelectorAll(s: string): ArrayLike<{ textContent: string | null; getAttribute(n: string): string | null }> } }).document;
    const scope = `[data-testid=annotation-discussion][data-id="${boxId}"]`;
    const count = (kind: string) => Number(doc.querySelector(`${scope} [data-testid=vote-${kind}]`)?.getAttribute('data-count') ?? NaN);
    const pressed = (kind: string) => doc.querySelector(`${scope} [data-testid=vote-${kind}]`)?.getAttribute('aria-pressed') === 'true';
    const comments = Array.from(doc.querySelectorAll(`[data-testid=annotation-comment][data-annotation-id="${boxId}"]`)).map((n) => n.textContent?.trim() ?? '');
    return { agree: count('agree'), disagree: count('disagree'), myAgree: pressed('agree'), myDisagree: pressed('disagree'), comments };
  }, id);
}

async function waitForDiscussion(page: Page, id: string, predicate: (shown: Awaited<ReturnType<typeof discussionOf>>) => boolean, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  let shown = await discussionOf(page, id);
  while (!predicate(shown)) {
    if (Date.now() > deadline) throw new Error(`timed out; the page shows ${JSON.stringify(shown)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    shown = await discussionOf(page, id);
  }
  return shown;
}

describe("a reviewer votes and comments on a reader's box over HTTP, live on the reader's page", () => {
  let fx: CollabFixture;
  let reader: StudyPage;
  let reviewer: StudyPage;
  let boxId: string;
  let reviewerId: string;

  beforeAll(async () => {
    fx = await startCollabFixture([
      { username: 'reader1', role: 'reader' },
      { username: 'critic', role: 'reviewer' },
    ]);
    reviewerId = fx.userIds.get('critic')!;
    [reader, reviewer] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('critic')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  it("shows the reader's new box on the reviewer's list with no votes, and the reviewer stays read-only", async () => {
    await rr(reader.page, (h) => h.showImage(10));
    await drawBox(reader.page, { x: 60, y: 70, width: 40, height: 30 });
    await waitFor(reader.page, (h) => h.documentBoxes().length === 1 && h.saveState === 'saved', undefined);
    boxId = (await rr(reader.page, (h) => h.documentBoxes()[0]!.id));
    await reviewer.page.waitForSelector(`[data-testid=annotation-discussion][data-id="${boxId}"]`, { timeout: 10_000 });
    expect(await discussionOf(reviewer.page, boxId)).toEqual({ agree: 0, disagree: 0, myAgree: false, myDisagree: false, comments: [] });
    expect(await rr(reviewer.page, (h) => h.canDraw)).toBe(false);
    expect(await reviewer.page.isDisabled(`[data-testid=annotation-discussion][data-id="${boxId}"] [data-testid=vote-disagree]`)).toBe(false);
  });

  it("counts the reviewer's disagree vote on the reader's page and stores it in the document", async () => {
    await reviewer.page.click(`[data-testid=annotation-discussion][data-id="${boxId}"] [data-testid=vote-disagree]`);
    const onReader = await waitForDiscussion(reader.page, boxId, (s) => s.disagree === 1);
    expect(onReader).toMatchObject({ agree: 0, disagree: 1, myDisagree: false });
    expect(await waitForDiscussion(reviewer.page, boxId, (s) => s.myDisagree)).toMatchObject({ disagree: 1, myDisagree: true });

    // The shared document as the server holds it, read by a stock y-websocket client.
    const client = await openStockClient({ syncUrl: fx.server.syncUrl, room: studyRoom(fx, { type: 'shared' }), token: await fx.server.login(), timeoutMs: 10_000 });
    try {
      expect(readStudyState(client.doc).votes.map(({ annotationId, userId, vote }) => ({ annotationId, userId, vote }))).toEqual([
        { annotationId: boxId, userId: reviewerId, vote: 'disagree' },
      ]);
    } finally {
      client.destroy();
    }
  });

  it("shows the reviewer's comment on the box live on the reader's page", async () => {
    const scope = `[data-testid=annotation-discussion][data-id="${boxId}"]`;
    await reviewer.page.click(`${scope} [data-testid=comment-open]`);
    await reviewer.page.fill('[data-testid=comment-input]', 'Looks like a vessel, not a nodule');
    await reviewer.page.click('[data-testid=comment-send]');
    const onReader = await waitForDiscussion(reader.page, boxId, (s) => s.comments.length === 1);
    expect(onReader.comments[0]).toContain('Looks like a vessel, not a nodule');
    expect(onReader.comments[0]).toContain('critic');
    await reader.page.screenshot({ path: `${ARTIFACTS}review-votes-reader.png` });
    const client = await openStockClient({ syncUrl: fx.server.syncUrl, room: studyRoom(fx, { type: 'shared' }), token: await fx.server.login(), timeoutMs: 10_000 });
    try {
      expect(readStudyState(client.doc).comments.map(({ author, text, target }) => ({ author, text, target }))).toEqual([
        { author: reviewerId, text: 'Looks like a vessel, not a nodule', target: { type: 'annotation', annotationId: boxId } },
      ]);
    } finally {
      client.destroy();
    }
  });

  it('withdraws the vote when the reviewer presses "disagree" again, and the reader\'s count drops to 0', async () => {
    await reviewer.page.click(`[data-testid=annotation-discussion][data-id="${boxId}"] [data-testid=vote-disagree]`);
    expect(await waitForDiscussion(reader.page, boxId, (s) => s.disagree === 0)).toMatchObject({ agree: 0, disagree: 0 });
    expect(await waitForDiscussion(reviewer.page, boxId, (s) => !s.myDisagree)).toMatchObject({ disagree: 0 });
    // The reviewer was never refused an edit on the socket.
    expect(await rr(reviewer.page, (h) => h.notice)).toBeNull();
    expect(reader.errors).toEqual([]);
    expect(reviewer.errors).toEqual([]);
  });
});
