/** Keeps `test/bench/validation-cost.ts` from rotting: a tiny run must measure both modes. */
import { expect, it } from 'vitest';
import { runValidationCost } from './validation-cost';

it('measures the update rate with and without the validating accept step on the same session', async () => {
  const lines: string[] = [];
  const result = await runValidationCost({ rounds: 1, writers: 2, boxesPerWriter: 3, movesPerWriter: 20 }, (l) => lines.push(l));
  expect(result.updates).toBe(2 * 3 * 2 + 2 * 20);
  expect(result.baselinePerS).toBeGreaterThan(0);
  expect(result.validatingPerS).toBeGreaterThan(0);
  expect(Number.isFinite(result.lossPercent)).toBe(true);
  expect(lines.join('\n')).toContain('throughput loss');
});
