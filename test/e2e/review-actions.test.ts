import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { rr, waitFor } from './support/study-hook';

const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));

/** The review badges B's viewport shows now, as `level:status` (and the text). */
function badges(page: Page): Promise<Array<{ key: string; text: string }>> {
  return page.$$eval('[data-testid=review-badge]', (nodes) =>
    nodes.map((n) => ({ key: `${n.getAttribute('data-level')}:${n.getAttribute('data-status')}`, text: n.textContent ?? '' })),
  );
}

async function waitForBadges(page: Page, keys: string[]): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const doc = (globalThis as unknown as { document: { querySelectorAll(s: string): ArrayLike<{ getAttribute(n: string): string | null }> } }).document;
      const shown = Array.from(doc.querySelectorAll('[data-testid=review-badge]')).map((n) => `${n.getAttribute('data-level')}:${n.getAttribute('data-status')}`);
      return JSON.stringify(shown) === JSON.stringify(expected);
    },
    keys,
    { timeout: 5000, polling: 50 },
  );
}

describe('"no finding" and "exclude: poor quality" at image, series and study level', () => {
  let fx: CollabFixture;
  let a: StudyPage; // reader
  let b: StudyPage; // reader
  let c: StudyPage; // observer: may look, not review

  beforeAll(async () => {
    fx = await startCollabFixture(
      [
        { username: 'reader1', role: 'reader' },
        { username: 'reader2', role: 'reader' },
        { username: 'watcher', role: 'observer' },
      ],
      { sliceCount: 12 },
    );
    [a, b, c] = await Promise.all([fx.openStudy('reader1'), fx.openStudy('reader2'), fx.openStudy('watcher')]);
  }, 240_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('shows the "no finding" badge A sets on an image on B\'s page, on that image only', async () => {
    await rr(a.page, (h) => h.showImage(5));
    await rr(b.page, (h) => h.showImage(5));
    await a.page.click('[data-testid=review-image-no-finding]');
    await waitForBadges(b.page, ['image:no_finding']);
    const [state] = await rr(b.page, (h) => h.reviewStates());
    const stack = await rr(a.page, (h) => h.stackImages());
    expect(state).toMatchObject({ level: 'image', status: 'no_finding', sopInstanceUid: stack[5]!.sopInstanceUid, setBy: await rr(a.page, (h) => h.userId) });
    expect((await badges(b.page))[0]!.text).toContain('No finding');
    await b.page.screenshot({ path: `${ARTIFACTS}review-b-sees-no-finding.png` });
    // Another image of the series has no outcome of its own.
    await rr(b.page, (h) => h.showImage(6));
    await waitForBadges(b.page, []);
    expect(await b.page.textContent('[data-testid=series] small')).toContain('1 reviewed');
  });

  it("shows A's series exclusion with its reason in B's series list and on every image", async () => {
    await a.page.click('[data-testid=review-series-exclude]');
    await a.page.fill('[data-testid=review-reason]', 'motion artefact');
    await a.page.click('[data-testid=review-exclude-confirm]');
    await waitForBadges(b.page, ['series:excluded_poor_quality']);
    expect((await badges(b.page))[0]!.text).toContain('Excluded: motion artefact');
    await b.page.waitForSelector('[data-testid=series-review][data-status=excluded_poor_quality]', { timeout: 5000 });
    expect(await b.page.textContent('[data-testid=series-review]')).toContain('motion artefact');
    await rr(b.page, (h) => h.showImage(5));
    await waitForBadges(b.page, ['image:no_finding', 'series:excluded_poor_quality']);
  });

  it('records a study-level outcome from B and lets A clear its image outcome, live on both pages', async () => {
    await b.page.click('[data-testid=review-study-no-finding]');
    await waitForBadges(a.page, ['image:no_finding', 'series:excluded_poor_quality', 'study:no_finding']);
    await a.page.click('[data-testid=review-image-clear]');
    await waitForBadges(b.page, ['series:excluded_poor_quality', 'study:no_finding']);
    const states = await rr(a.page, (h) => h.reviewStates().map((s) => `${s.level}:${s.status}`).sort());
    expect(states).toEqual(['series:excluded_poor_quality', 'study:no_finding']);
    await b.page.screenshot({ path: `${ARTIFACTS}review-b-series-excluded.png` });
  });

  it('shows a thumbnail of the middle image of each series in the series list', async () => {
    await b.page.waitForSelector('[data-testid=series-thumbnail][data-state=ready]', { timeout: 10_000 });
    const thumbnail = await b.page.$eval('[data-testid=series-thumbnail]', (element) => {
      const canvas = element as unknown as { width: number; height: number; getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } };
      const grey = (x: number, y: number) => canvas.getContext('2d').getImageData(x, y, 1, 1).data[0]!;
      return { width: canvas.width, corner: grey(1, 1), centre: grey(canvas.width / 2, canvas.height / 2 + 8) };
    });
    // A 64 px picture of the chest phantom in its lung window: air (dark grey, about 59) in the
    // corner, soft tissue (near white) inside the body.
    expect(thumbnail.width).toBe(64);
    expect(thumbnail.corner).toBeLessThan(100);
    expect(thumbnail.centre).toBeGreaterThan(thumbnail.corner + 60);
  });

  it('shows the outcomes to an observer without letting them change any', async () => {
    await rr(c.page, (h) => h.showImage(5));
    await waitForBadges(c.page, ['series:excluded_poor_quality', 'study:no_finding']);
    for (const level of ['image', 'series', 'study']) {
      expect(await c.page.isDisabled(`[data-testid=review-${level}-no-finding]`)).toBe(true);
      expect(await c.page.isDisabled(`[data-testid=review-${level}-exclude]`)).toBe(true);
    }
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
    expect(c.errors).toEqual([]);
  });
});
