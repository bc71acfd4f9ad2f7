import { describe, expect, it } from 'vitest';
import { nearestPending, ProgressiveLoader } from './progressive-loader';

/** A load that finishes when the test says so. */
function manualLoads() {
  const waiting = new Map<number, () => void>();
  const started: number[] = [];
  const load = (index: number) =>
    new Promise<void>((resolve) => {
      started.push(index);
      waiting.set(index, resolve);
    });
  const finish = async (index: number) => {
    waiting.get(index)!();
    waiting.delete(index);
    await new Promise((r) => setTimeout(r, 0));
  };
  return { load, started, waiting, finish };
}

describe('nearestPending', () => {
  it('picks the focus first, then alternates outward, the slice after before the one before', () => {
    const states = new Uint8Array(7);
    const order: number[] = [];
    for (let i = nearestPending(states, 3); i >= 0; i = nearestPending(states, 3)) {
      order.push(i);
      states[i] = 2;
    }
    expect(order).toEqual([3, 4, 2, 5, 1, 6, 0]);
  });

  it('goes on past the end of the stack on one side, and answers -1 when nothing is pending', () => {
    const states = Uint8Array.from([0, 0, 0, 2, 2]);
    expect(nearestPending(states, 4)).toBe(2);
    expect(nearestPending(states, 99)).toBe(2);
    expect(nearestPending(Uint8Array.from([2, 1]), 0)).toBe(-1);
    expect(nearestPending(new Uint8Array(0), 0)).toBe(-1);
  });
});

describe('ProgressiveLoader', () => {
  it('runs at most `concurrency` loads, nearest the focus first, and reports each finished load', async () => {
    const loads = manualLoads();
    const reported: Array<[number, number]> = [];
    const loader = new ProgressiveLoader(10, loads.load, { concurrency: 2, focus: 0, onLoaded: (i, n) => reported.push([i, n]) });
    const done = loader.run();
    expect(loads.started).toEqual([0, 1]);
    await loads.finish(1);
    expect(loads.started).toEqual([0, 1, 2]);
    expect(loads.waiting.size).toBe(2);
    await loads.finish(0);
    expect(reported).toEqual([
      [1, 1],
      [0, 2],
    ]);
    expect(loader.order).toEqual([1, 0]);
    expect(loader.isLoaded(0) && loader.isLoaded(1) && !loader.isLoaded(2)).toBe(true);
    loader.stop();
    await loads.finish(2);
    await loads.finish(3);
    await done;
    expect(loader.finished).toBe(2); // loads finishing after stop are not reported
  });

  it('starts the next loads around a new focus when the reader scrolls away', async () => {
    const loads = manualLoads();
    const loader = new ProgressiveLoader(100, loads.load, { concurrency: 1, focus: 0, onLoaded: () => {} });
    const done = loader.run();
    await loads.finish(0);
    loader.focus(60);
    await loads.finish(1); // started before the focus moved
    await loads.finish(60);
    await loads.finish(61);
    expect(loads.started).toEqual([0, 1, 60, 61, 59]);
    loader.stop();
    await loads.finish(59);
    await done;
  });

  it('counts a failed load as finished and goes on', async () => {
    const loader = new ProgressiveLoader(3, (i) => (i === 1 ? Promise.reject(new Error('404')) : Promise.resolve()), {
      concurrency: 2,
      focus: 0,
      onLoaded: () => {},
    });
    await loader.run();
    expect([...loader.order].sort()).toEqual([0, 1, 2]);
    expect(loader.finished).toBe(3);
  });
});
