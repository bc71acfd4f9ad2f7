import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import cohenFixture from './fixtures/cohen-kappa.json';
import fleissFixture from './fixtures/fleiss-kappa.json';
import { cohenKappa, fleissKappa, type Category } from './kappa';

const close = (actual: number | null, expected: number | null) => {
  if (expected === null) expect(actual).toBeNull();
  else {
    expect(actual).not.toBeNull();
    expect(Math.abs(actual! - expected)).toBeLessThan(1e-9);
  }
};

describe('cohenKappa', () => {
  it('has at least 8 reference cases, including 3+ categories and undefined ones', () => {
    expect(cohenFixture.cases.length).toBeGreaterThanOrEqual(8);
    expect(cohenFixture.cases.some((c) => new Set([...c.a, ...c.b]).size >= 3)).toBe(true);
    expect(cohenFixture.cases.some((c) => c.expected === null)).toBe(true);
  });

  it.each(cohenFixture.cases)('matches scikit-learn: $name', (c) => {
    const labels = 'labels' in c ? (c.labels as Category[]) : undefined;
    close(cohenKappa(c.a as Category[], c.b as Category[], labels), c.expected);
  });

  it('is 1 for perfect agreement over two or more categories and symmetric in the raters', () => {
    const cat = fc.constantFrom('a', 'b', 'c', 'd');
    fc.assert(
      fc.property(fc.array(fc.tuple(cat, cat), { minLength: 1, maxLength: 40 }), (pairs) => {
        const a = pairs.map((p) => p[0]);
        const b = pairs.map((p) => p[1]);
        const k = cohenKappa(a, b);
        const k2 = cohenKappa(b, a);
        if (k === null) expect(k2).toBeNull();
        else {
          expect(Math.abs(k - k2!)).toBeLessThan(1e-12);
          expect(k).toBeLessThanOrEqual(1 + 1e-12);
          expect(k).toBeGreaterThanOrEqual(-1 - 1e-12);
        }
        if (new Set(a).size >= 2) expect(cohenKappa(a, a)).toBe(1);
      }),
    );
  });

  it('refuses raters of different lengths and returns null for no items', () => {
    expect(() => cohenKappa(['a'], ['a', 'b'])).toThrow(RangeError);
    expect(cohenKappa([], [])).toBeNull();
  });
});

describe('fleissKappa', () => {
  it('has at least 6 reference tables, including an undefined one', () => {
    expect(fleissFixture.cases.length).toBeGreaterThanOrEqual(6);
    expect(fleissFixture.cases.some((c) => c.expected === null)).toBe(true);
  });

  it.each(fleissFixture.cases)('matches statsmodels: $name', ({ table, expected }) => {
    close(fleissKappa(table), expected);
  });

  it('rejects tables whose subjects have different numbers of ratings, or fewer than two', () => {
    expect(() => fleissKappa([[2, 1], [1, 1]])).toThrow(/same number/);
    expect(() => fleissKappa([[1, 0], [0, 1]])).toThrow(/at least two/);
    expect(() => fleissKappa([])).toThrow(RangeError);
    expect(() => fleissKappa([[1, -1, 2]])).toThrow(RangeError);
  });
});
