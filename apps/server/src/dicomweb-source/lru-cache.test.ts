import { describe, expect, it } from 'vitest';
import { LruCache } from './lru-cache';

describe('LruCache', () => {
  it('evicts the least recently used entry beyond maxEntries', () => {
    const c = new LruCache<number>({ maxEntries: 2, ttlMs: 1000 });
    c.set('a', 1);
    c.set('b', 2);
    expect(c.get('a')).toBe(1); // a is now more recent than b
    c.set('c', 3);
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
  });

  it('expires entries ttlMs after they were stored, even when read in between', () => {
    let now = 0;
    const c = new LruCache<string>({ maxEntries: 10, ttlMs: 100, now: () => now });
    c.set('k', 'v');
    now = 99;
    expect(c.get('k')).toBe('v');
    now = 100;
    expect(c.get('k')).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it('stores nothing when disabled with maxEntries 0', () => {
    const c = new LruCache<number>({ maxEntries: 0, ttlMs: 1000 });
    c.set('a', 1);
    expect(c.get('a')).toBeUndefined();
  });
});
