import { expect } from 'vitest';

/**
 * Asserts two byte arrays hold the same bytes. Reports the first differing index instead of
 * dumping megabytes of numbers, and ignores the concrete class (a Buffer equals a Uint8Array).
 */
export function expectSameBytes(actual: Uint8Array | null | undefined, expected: Uint8Array): void {
  expect(actual, 'expected a Uint8Array').toBeInstanceOf(Uint8Array);
  if (!actual) return;
  expect(actual.byteLength, 'byte length').toBe(expected.byteLength);
  for (let i = 0; i < expected.byteLength; i++) {
    if (actual[i] !== expected[i]) {
      expect.fail(`bytes differ at index ${i}: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function pseudoRandomBytes(length: number, seed = 0x9e3779b9): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
