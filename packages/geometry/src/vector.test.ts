import { describe, expect, it } from 'vitest';
import { add, cross, dot, length, normalize, scale, subtract } from './vector';

describe('vector helpers', () => {
  it('computes a right-handed cross product', () => {
    expect(cross([1, 0, 0], [0, 1, 0])).toEqual([0, 0, 1]);
    expect(cross([0, 1, 0], [0, 0, -1])).toEqual([-1, 0, 0]);
  });

  it('computes dot products, sums, differences and scaling', () => {
    expect(dot([1, 2, 3], [4, -5, 6])).toBe(12);
    expect(add([1, 2, 3], [1, 1, 1])).toEqual([2, 3, 4]);
    expect(subtract([1, 2, 3], [1, 1, 1])).toEqual([0, 1, 2]);
    expect(scale([1, -2, 3], 2)).toEqual([2, -4, 6]);
  });

  it('normalizes to unit length and refuses zero or non-finite vectors', () => {
    const unit = normalize([3, 0, 4]);
    expect(unit).toEqual([0.6, 0, 0.8]);
    expect(length(unit ?? [0, 0, 0])).toBeCloseTo(1, 15);
    expect(normalize([0, 0, 0])).toBeNull();
    expect(normalize([Number.NaN, 1, 0])).toBeNull();
  });
});
