import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ZipRefusedError, looksLikeZip, unzipBounded } from './unzip';

describe('bounded unzip', () => {
  it('returns the files of a zip, leaving out folders and macOS resource forks', () => {
    const zip = zipSync({ 'a/one.dcm': new Uint8Array([1, 2]), 'b.dcm': new Uint8Array([3]), '__MACOSX/._b.dcm': new Uint8Array([9]) });
    expect(looksLikeZip(zip)).toBe(true);
    expect(unzipBounded(zip, { maxBytes: 100 }).map((f) => f.name).sort()).toEqual(['a/one.dcm', 'b.dcm']);
  });

  it('refuses a zip whose declared uncompressed size is over the budget, before inflating it', () => {
    const bomb = zipSync({ 'zeros.bin': new Uint8Array(10 * 1024 * 1024) }, { level: 9 });
    expect(bomb.length).toBeLessThan(100 * 1024);
    expect(() => unzipBounded(bomb, { maxBytes: 1024 * 1024 })).toThrow(ZipRefusedError);
  });

  it('calls garbage an invalid zip', () => {
    expect(() => unzipBounded(new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]), { maxBytes: 10 })).toThrow(/not a readable zip/);
  });
});
