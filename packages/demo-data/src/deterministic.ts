/**
 * Deterministic building blocks: a string hash, a seeded PRNG with Gaussian samples, and
 * UIDs derived from a seed. Everything the generators randomise goes through here, so the same
 * seed always gives byte-identical files.
 */

/** Four independent 32-bit hashes of a string (cyrb128), enough for 128-bit UIDs and PRNG seeds. */
export function hash128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/**
 * A UID under the `2.25` root (PS3.5 B.2: a UUID as one decimal integer), derived from the seed
 * and a purpose such as `series` or `ct-slice-17`. At most 44 characters, no leading zero.
 */
export function deterministicUid(seed: string, purpose: string): string {
  const [a, b, c, d] = hash128(`${seed}\u0000${purpose}`);
  let value = (BigInt(a) << 96n) | (BigInt(b) << 64n) | (BigInt(c) << 32n) | BigInt(d);
  // Make it a well-formed version-4 style UUID value so it can never be zero.
  value = (value & ~(0xf000n << 64n)) | (0x4000n << 64n);
  return `2.25.${value.toString(10)}`;
}

/** A seeded pseudo-random source (sfc32): uniform in [0, 1) and standard normal samples. */
export interface SeededRandom {
  next(): number;
  gaussian(): number;
}

/** Creates a {@link SeededRandom} whose sequence depends only on `seed`. */
export function seededRandom(seed: string): SeededRandom {
  let [a, b, c, d] = hash128(seed);
  const next = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  let spare: number | null = null;
  const gaussian = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // Box-Muller; 1 - u keeps the logarithm finite.
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return { next, gaussian };
}

/** A table of standard normal samples, shared by {@link fastGaussian} streams. */
export function gaussianTable(seed: string, size = 65536): Float32Array {
  const random = seededRandom(`${seed}\u0000gaussian-table`);
  const table = new Float32Array(size);
  for (let i = 0; i < size; i++) table[i] = random.gaussian();
  return table;
}

/**
 * A cheap stream of standard normal samples: a xorshift32 index into a 65536-entry table.
 * Image noise needs millions of samples per series; Box-Muller for each would dominate the
 * generation time.
 */
export function fastGaussian(table: Float32Array, seed: string): () => number {
  if (table.length !== 65536) throw new RangeError('fastGaussian needs a 65536-entry table');
  let state = hash128(seed)[0] || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return table[(state >>> 8) & 0xffff]!;
  };
}
