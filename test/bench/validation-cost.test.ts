/** Keeps `test/bench/validation-cost.ts` from rotting: a tiny run must measure every mode on the same session. */
import { expect, it } from 'vitest';
import { runValidationCost } from './validation-cost';

it('measures the update rate without, with staged and with previewed validation on the same session', async () => {
  const lines: string[] = [];
  const result = await runValidationCost({ rounds: 1, writers: 2, boxesPerWriter: 3, movesPerWriter: 20 }, (l) => lines.push(l));
  expect(result.updates).toBe(2 * 3 * 2 + 2 * 20);
  for (const mode of [result.modes.none, result.modes.stagingOnly, result.modes.validating, result.modes.stagedValidating]) {
    expect(mode.perS).toBeGreaterThan(0);
    expect(mode.perCpuS).toBeGreaterThan(0);
  }
  expect(result.modes.validating.acceptUs).toBeGreaterThan(0);
  expect(Number.isFinite(result.lossPercent)).toBe(true);
  expect(Number.isFinite(result.cpuLossPercent)).toBe(true);
  expect(Number.isFinite(result.stagedLossPercent)).toBe(true);
  expect(lines.join('\n')).toContain('throughput loss');
});
