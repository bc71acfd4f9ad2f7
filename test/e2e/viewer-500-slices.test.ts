import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { generateCtSeries } from '@readingroom/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollabFixture, type CollabFixture, type StudyPage } from './support/collab-session';
import { rr, waitFor } from './support/study-hook';

// Benchmark-style smoke test of progressive loading: a 500-slice CT (the project's phantom,
// 0.7 mm slices) opened in the study page. Numbers go to artifacts/viewer-500-slices.json and
// BENCHMARKS.md; only generous sanity bounds are asserted.
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
const SLICES = 500;
const JUMP_TO = 250;
const WHEEL_TICKS_PER_S = 20;
const SCROLL_MS = 4000;

interface ScrollProbe {
  fromIndex: number;
  toIndex: number;
  ticks: number;
  slicesRendered: number;
  loadedAtStart: number;
  loadedAtEnd: number;
  frameTimes: number[];
  latencies: number[];
}

/**
 * In the page: a wheel step (`__rr.scroll(1)`, what the wheel handler calls) WHEEL_TICKS_PER_S
 * times a second for `durationMs`, recording every animation frame's delta (is the page
 * responsive?) and, per slice, the time from its first request to cornerstone's IMAGE_RENDERED.
 */
function scrollProbe(page: StudyPage['page'], durationMs: number): Promise<ScrollProbe> {
  return page.evaluate(
    ([duration, perSecond]) => {
      type Hook = { scroll(d: number): void; currentImageIndex: number; loadedCount: number };
      const hook = (globalThis as unknown as { __rr: Hook }).__rr;
      const doc = globalThis as unknown as {
        document: { querySelector(s: string): { addEventListener(t: string, f: () => void): void; removeEventListener(t: string, f: () => void): void } };
        requestAnimationFrame(f: (t: number) => void): void;
        performance: { now(): number };
      };
      const element = doc.document.querySelector('[data-testid=viewport]');
      const requested = new Map<number, number>();
      const latencies: number[] = [];
      let rendered = 0;
      const onRendered = () => {
        const index = hook.currentImageIndex;
        const at = requested.get(index);
        if (at === undefined) return;
        requested.delete(index);
        latencies.push(doc.performance.now() - at);
        rendered++;
      };
      element.addEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered);
      const fromIndex = hook.currentImageIndex;
      const loadedAtStart = hook.loadedCount;
      const frames: number[] = [];
      let ticks = 0;
      return new Promise<ScrollProbe>((resolve) => {
        const start = doc.performance.now();
        let lastTick = -Infinity;
        let target = fromIndex;
        const frame = (timestamp: number) => {
          frames.push(timestamp);
          const now = doc.performance.now();
          if (now - start >= duration) {
            element.removeEventListener('CORNERSTONE_IMAGE_RENDERED', onRendered);
            resolve({
              fromIndex,
              toIndex: hook.currentImageIndex,
              ticks,
              slicesRendered: rendered,
              loadedAtStart,
              loadedAtEnd: hook.loadedCount,
              frameTimes: frames.slice(1).map((t, i) => t - frames[i]!),
              latencies,
            });
            return;
          }
          if (now - lastTick >= 1000 / perSecond) {
            lastTick = now;
            ticks++;
            target++; // what scroll(1) asks for: the slice after the one last asked for
            if (!requested.has(target)) requested.set(target, now);
            hook.scroll(1);
          }
          doc.requestAnimationFrame(frame);
        };
        doc.requestAnimationFrame(frame);
      });
    },
    [durationMs, WHEEL_TICKS_PER_S] as const,
  );
}

function percentiles(values: readonly number[]): { n: number; p50: number; p95: number; max: number } {
  const sorted = [...values].sort((x, y) => x - y);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
  const round = (v: number) => Math.round(v * 10) / 10;
  return { n: sorted.length, p50: round(at(0.5)), p95: round(at(0.95)), max: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

const summary = (probe: ScrollProbe) => ({
  fromIndex: probe.fromIndex,
  toIndex: probe.toIndex,
  wheelTicks: probe.ticks,
  slicesRendered: probe.slicesRendered,
  loadedAtStart: probe.loadedAtStart,
  loadedAtEnd: probe.loadedAtEnd,
  frameTimeMs: percentiles(probe.frameTimes),
  sliceLatencyMs: percentiles(probe.latencies),
});

describe('a 500-slice series loads progressively and scrolls while it loads', () => {
  let fx: CollabFixture;
  let viewer: StudyPage;
  const results: Record<string, unknown> = {};

  beforeAll(async () => {
    const started = Date.now();
    const ct = generateCtSeries({ sliceCount: SLICES, sliceSpacingMm: 0.7 });
    results.generateMs = Date.now() - started;
    fx = await startCollabFixture([{ username: 'reader1', role: 'reader' }], {
      series: { files: ct.files, studyInstanceUid: ct.studyInstanceUid, seriesInstanceUid: ct.seriesInstanceUid, imageCount: SLICES },
    });
    results.setupMs = Date.now() - started;
    viewer = await fx.openStudy('reader1');
  }, 300_000);

  afterAll(async () => {
    await fx?.close();
  });

  it('shows the first slice before the others are loaded, then loads outward from the slice shown', async () => {
    expect(await rr(viewer.page, (h) => h.error)).toBeNull();
    const timeline = (await rr(viewer.page, (h) => h.loadTimeline))!;
    results.timeToFirstImageMs = Math.round(timeline.firstImageMs!);
    results.loadedAtFirstImage = timeline.loadedAtFirstImage;
    expect(await rr(viewer.page, (h) => [h.imageCount, h.currentImageIndex])).toEqual([SLICES, 0]);
    expect(timeline.loadedAtFirstImage).toBeLessThan(SLICES);
    expect(timeline.firstImageMs).toBeLessThan(30_000);

    // Jump to the middle (in one go in the page, so no load finishes in between): the loads
    // started from then on are the neighbours of the new slice, outward.
    const { before, order: orderBefore } = await viewer.page.evaluate((index) => {
      const hook = (globalThis as unknown as { __rr: { loadedCount: number; loadOrder(): number[]; showImage(i: number): Promise<void> } }).__rr;
      const state = { before: hook.loadedCount, order: hook.loadOrder() };
      void hook.showImage(index);
      return state;
    }, JUMP_TO);
    results.loadedAtJump = before;
    expect(before).toBeLessThan(SLICES - 60);
    // Before the jump: outward from slice 0 (at most 4 loads run at once).
    expect(orderBefore.filter((i) => i >= before + 4)).toEqual([]);
    await viewer.page.screenshot({ path: `${ARTIFACTS}viewer-500-loading.png` });
    const progress = await viewer.page.getByTestId('load-progress').textContent();
    expect(progress).toMatch(new RegExp(`Loaded \\d+/${SLICES}`));
    await waitFor(viewer.page, (h, n) => h.loadedCount >= n, before + 50, 60_000);
    const after = (await rr(viewer.page, (h) => h.loadOrder())).slice(before, before + 50);
    const far = after.filter((i) => Math.abs(i - JUMP_TO) > 30);
    expect(far.length).toBeLessThanOrEqual(4); // loads already under way at the jump
    expect(await rr(viewer.page, (h) => h.currentImageIndex)).toBe(JUMP_TO);
  });

  it('keeps scrolling responsive while the rest loads, and the indicator reaches 500/500', async () => {
    const during = await scrollProbe(viewer.page, SCROLL_MS);
    results.scrollWhileLoading = summary(during);
    expect(during.loadedAtStart).toBeLessThan(SLICES);
    expect(during.slicesRendered).toBeGreaterThan(10);
    expect(percentiles(during.frameTimes).p50).toBeLessThan(250);

    await viewer.page.waitForFunction(
      (n) => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(a: string): string | null } | null } }).document.querySelector('[data-testid=load-progress]');
        return el?.getAttribute('data-loaded') === String(n) && el.getAttribute('data-total') === String(n);
      },
      SLICES,
      { timeout: 240_000, polling: 100 },
    );
    expect((await viewer.page.getByTestId('load-progress').textContent())?.trim()).toBe(`Loaded ${SLICES}/${SLICES}`);
    const timeline = (await rr(viewer.page, (h) => h.loadTimeline))!;
    results.allLoadedMs = Math.round(timeline.allLoadedMs!);
    expect(timeline.allLoadedMs).toBeLessThan(240_000);
    expect(new Set(await rr(viewer.page, (h) => h.loadOrder())).size).toBe(SLICES);

    await rr(viewer.page, (h) => h.showImage(0));
    const loaded = await scrollProbe(viewer.page, SCROLL_MS);
    results.scrollAllLoaded = summary(loaded);
    expect(percentiles(loaded.frameTimes).p50).toBeLessThan(100);
    expect(loaded.slicesRendered).toBeGreaterThan(10);

    results.machine = { cores: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', loadavg: loadavg().map((l) => Math.round(l * 10) / 10), chromium: fx.browser.version() };
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(`${ARTIFACTS}viewer-500-slices.json`, `${JSON.stringify(results, null, 2)}\n`);
    console.info(`viewer 500 slices: ${JSON.stringify(results)}`);
    expect(viewer.errors).toEqual([]);
  });
});
