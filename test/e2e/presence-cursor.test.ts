import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { rr, waitFor } from './support/study-hook';

const POINT: [number, number] = [100, 120];

/** Page positions of the live cursors of `userId` drawn on `page` now. */
async function cursorsOf(page: Page, userId: string): Promise<Array<[number, number]>> {
  const boxes = await page.locator(`[data-testid=remote-cursor][data-user-id="${userId}"]`).evaluateAll((elements) =>
    elements.map((e) => {
      const r = e.getBoundingClientRect();
      return [r.left, r.top] as [number, number];
    }),
  );
  return boxes;
}

/** Waits until `page` draws `count` cursors of `userId`, and checks it still does a little later. */
async function expectCursors(page: Page, userId: string, count: number): Promise<Array<[number, number]>> {
  await page.waitForFunction(
    ([id, n]) =>
      (globalThis as unknown as { document: { querySelectorAll(s: string): { length: number } } }).document.querySelectorAll(`[data-testid=remote-cursor][data-user-id="${id}"]`)
        .length === n,
    [userId, count] as const,
    { timeout: 5000, polling: 20 },
  );
  await page.waitForTimeout(300); // presence is throttled to 50-60 ms: nothing late changes it back
  const now = await cursorsOf(page, userId);
  expect(now).toHaveLength(count);
  return now;
}

describe("a colleague's live cursor is shown only on the image they are pointing at", () => {
  let fx: CollabFixture;
  let a: StudyPage;
  let b: StudyPage;
  let bId = '';

  beforeAll(async () => {
    fx = await startCollabFixture(
      [
        { username: 'reader1', role: 'reader' },
        { username: 'reader2', role: 'reader' },
      ],
      { sliceCount: 24 },
    );
    [a, b] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2')]);
    bId = (await rr(b.page, (h) => h.userId))!;
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  it("shows B's cursor on A's page at the image point B points at when both are on slice 10", async () => {
    for (const p of [a, b]) await rr(p.page, (h) => h.showImage(10));
    const [x, y] = await rr(b.page, (h, p) => h.pagePointOf(p[0], p[1]), POINT);
    await b.page.mouse.move(x - 20, y - 20);
    await b.page.mouse.move(x, y, { steps: 4 });
    const [at] = await expectCursors(a.page, bId, 1);
    const expected = await rr(a.page, (h, p) => h.pagePointOf(p[0], p[1]), POINT);
    expect(Math.abs(at![0] - expected[0])).toBeLessThan(2);
    expect(Math.abs(at![1] - expected[1])).toBeLessThan(2);
  });

  it("removes B's cursor from A's slice when B scrolls away with the wheel, and shows it on B's new slice", async () => {
    // B scrolls three slices without moving the mouse: no pointer event, only the image changes.
    for (let step = 1; step <= 3; step++) {
      await b.page.mouse.wheel(0, 100);
      await waitFor(b.page, (h, i) => h.currentImageIndex === i, 10 + step, 5000);
    }
    await expectCursors(a.page, bId, 0);
    // What B shares: its pointer is on slice 13 now, at the same image point.
    const stack = await rr(a.page, (h) => h.stackImages());
    await waitFor(a.page, (h, e) => h.participants().some((p) => p.userId === e.id && p.cursor?.sopInstanceUid === e.sop), { id: bId, sop: stack[13]!.sopInstanceUid }, 5000);

    await rr(a.page, (h) => h.showImage(13));
    const [at] = await expectCursors(a.page, bId, 1);
    const expected = await rr(a.page, (h, p) => h.pagePointOf(p[0], p[1]), POINT);
    expect(Math.abs(at![0] - expected[0])).toBeLessThan(2);
    expect(Math.abs(at![1] - expected[1])).toBeLessThan(2);

    // A on another slice does not see it either.
    await rr(a.page, (h) => h.showImage(10));
    await expectCursors(a.page, bId, 0);
  });

  it("removes B's cursor when B's pointer leaves the image", async () => {
    await rr(a.page, (h) => h.showImage(13));
    await expectCursors(a.page, bId, 1);
    await b.page.mouse.move(5, 5); // the toolbar
    await expectCursors(a.page, bId, 0);
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  });
});
