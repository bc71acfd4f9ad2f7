import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import fixture from './fixtures/linear-sum-assignment.json';
import { linearSumAssignment } from './hungarian';

/** Best total over every assignment of min(rows, cols) rows to distinct columns. */
function bruteForce(m: number[][], maximize: boolean): number {
  const rows = m.length;
  const cols = m[0]?.length ?? 0;
  const t = rows > cols;
  const n = t ? cols : rows;
  const k = t ? rows : cols;
  const at = (i: number, j: number) => (t ? m[j]![i]! : m[i]![j]!);
  let best = maximize ? -Infinity : Infinity;
  const used = new Array<boolean>(k).fill(false);
  const go = (i: number, sum: number) => {
    if (i === n) {
      best = maximize ? Math.max(best, sum) : Math.min(best, sum);
      return;
    }
    for (let j = 0; j < k; j++) {
      if (used[j]) continue;
      used[j] = true;
      go(i + 1, sum + at(i, j));
      used[j] = false;
    }
  };
  go(0, 0);
  return n === 0 ? 0 : best;
}

describe('linearSumAssignment', () => {
  it.each(fixture.cases)('matches scipy: $name', ({ matrix, maximize, rowIndices, colIndices, total, unique }) => {
    const result = linearSumAssignment(matrix, { maximize });
    expect(Math.abs(result.total - total)).toBeLessThan(1e-9);
    expect(result.rowIndices).toHaveLength(rowIndices.length);
    // With a unique optimum the assignment itself must be scipy's.
    if (unique) {
      expect(result.rowIndices).toEqual(rowIndices);
      expect(result.colIndices).toEqual(colIndices);
    }
  });

  it('has a fixture set with rectangular, maximising and uniquely optimal cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(6);
    expect(fixture.cases.some((c) => c.matrix.length > (c.matrix[0]?.length ?? 0))).toBe(true);
    expect(fixture.cases.some((c) => c.matrix.length < (c.matrix[0]?.length ?? 0))).toBe(true);
    expect(fixture.cases.some((c) => c.maximize)).toBe(true);
  });

  it('finds the same optimum as brute force on small random matrices (rectangular both ways)', () => {
    const matrix = fc
      .tuple(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 6 }))
      .chain(([r, c]) =>
        fc.array(fc.array(fc.oneof(fc.integer({ min: -50, max: 50 }), fc.double({ min: -1, max: 1, noNaN: true })), { minLength: c, maxLength: c }), {
          minLength: r,
          maxLength: r,
        }),
      );
    fc.assert(
      fc.property(matrix, fc.boolean(), (m, maximize) => {
        const result = linearSumAssignment(m, { maximize });
        expect(Math.abs(result.total - bruteForce(m, maximize))).toBeLessThan(1e-9);
        expect(result.rowIndices.length).toBe(Math.min(m.length, m[0]!.length));
        expect(new Set(result.rowIndices).size).toBe(result.rowIndices.length);
        expect(new Set(result.colIndices).size).toBe(result.colIndices.length);
        expect([...result.rowIndices].sort((a, b) => a - b)).toEqual(result.rowIndices);
      }),
      { numRuns: 500 },
    );
  });

  it('returns an empty assignment for an empty matrix or empty rows', () => {
    expect(linearSumAssignment([])).toEqual({ rowIndices: [], colIndices: [], total: 0 });
    expect(linearSumAssignment([[], []])).toEqual({ rowIndices: [], colIndices: [], total: 0 });
  });

  it('rejects ragged rows and non-finite entries', () => {
    expect(() => linearSumAssignment([[1, 2], [3]])).toThrow(RangeError);
    expect(() => linearSumAssignment([[1, Number.NaN]])).toThrow(RangeError);
    expect(() => linearSumAssignment([[1, Number.POSITIVE_INFINITY]])).toThrow(RangeError);
  });

  it('recovers a planted optimal permutation in a 150 x 150 problem', () => {
    let seed = 7;
    const rand = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    const n = 150;
    const planted = Array.from({ length: n }, (_, i) => i).sort(() => rand() - 0.5);
    // Every entry costs at least 0.01 except the planted permutation, which costs 0.
    const m = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (planted[i] === j ? 0 : 0.01 + rand())));
    const r = linearSumAssignment(m);
    expect(r.total).toBe(0);
    expect(r.colIndices).toEqual(planted);
  });
});
