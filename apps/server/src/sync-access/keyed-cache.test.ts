import { describe, expect, it } from 'vitest';
import { KeyedCache } from './keyed-cache';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('KeyedCache', () => {
  it('loads a key once for concurrent ensures and serves it synchronously afterwards', async () => {
    let loads = 0;
    const cache = new KeyedCache(async (k) => {
      loads++;
      return `${k}!`;
    });
    expect(cache.peek('a')).toBeUndefined();
    await Promise.all([cache.ensure('a'), cache.ensure('a')]);
    await cache.ensure('a');
    expect(cache.peek('a')).toBe('a!');
    expect(loads).toBe(1);
  });

  it('keeps the value of the reload that started last, whatever order the reads finish in', async () => {
    const reads = [deferred<string>(), deferred<string>()];
    let i = 0;
    const cache = new KeyedCache(() => reads[i++]!.promise);
    const first = cache.reload('k');
    const second = cache.reload('k');
    reads[1]!.resolve('new');
    await second;
    reads[0]!.resolve('old');
    await first;
    expect(cache.peek('k')).toBe('new');
  });

  it('prunes entries that are neither kept nor recently used', async () => {
    let t = 0;
    const cache = new KeyedCache(async (k) => k, () => t);
    await cache.ensure('kept');
    await cache.ensure('idle');
    await cache.ensure('recent');
    t = 100;
    cache.peek('recent');
    cache.prune(new Set(['kept']), 50);
    expect([cache.peek('kept'), cache.peek('idle'), cache.peek('recent')]).toEqual(['kept', undefined, 'recent']);
  });
});
