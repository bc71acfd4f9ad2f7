import { describe, expect, it } from 'vitest';
import { BOX_LAYOUTS, runViewerFrameBench } from '../bench/viewer-frame-time';

// The viewer frame-time benchmark (test/bench/viewer-frame-time.ts, `pnpm bench:viewer`) in a
// very short run: it must still set everything up, draw the boxes and produce numbers. No
// timing is asserted; the numbers live in BENCHMARKS.md.
describe('the viewer frame-time benchmark', () => {
  it('scrolls a short series with and without boxes, hiding labels on a crowded image, and reports frame times', async () => {
    // 40 boxes: 2 per slice when spread, 40 on every slice when stacked (above MAX_LABELLED_BOXES).
    const result = await runViewerFrameBench({ slices: 20, boxes: 40, passes: 1, layouts: BOX_LAYOUTS, renderers: ['cpu'] });
    const [run] = result.runs;
    expect(run?.renderer).toBe('cpu');
    expect(run!.scenarios.map((s) => s.scenario)).toEqual(['none', 'spread2d', 'stacked3d']);
    for (const scenario of run!.scenarios) {
      expect(scenario.frames).toBeGreaterThan(19);
      for (const value of [scenario.frameTime.p50, scenario.frameTime.p95, scenario.frameTime.p99, scenario.frameTime.max, scenario.fps, scenario.slicesPerS]) {
        expect(Number.isFinite(value) && value > 0).toBe(true);
      }
      expect(scenario.frameTime.p50).toBeLessThanOrEqual(scenario.frameTime.max);
    }
    const [none, spread, stacked] = run!.scenarios;
    // What was measured is what was meant: no boxes, 2 boxes per slice, all 40 boxes on every slice;
    // a few boxes keep their labels, 40 on one image are drawn without.
    expect(none!.boxesDrawn).toEqual({ min: 0, max: 0 });
    expect(spread!.boxesDrawn).toEqual({ min: 2, max: 2 });
    expect(spread!.labelsDrawn).toEqual({ min: 2, max: 2 });
    expect(stacked!.boxesDrawn).toEqual({ min: 40, max: 40 });
    expect(stacked!.labelsDrawn).toEqual({ min: 0, max: 0 });
  }, 240_000);
});
