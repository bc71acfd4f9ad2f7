import type { Vec3 } from './types';

/** Component-wise sum a + b. */
export function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

/** Component-wise difference a - b. */
export function subtract(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}

/** The vector v multiplied by the scalar s. */
export function scale(v: Vec3, s: number): Vec3 {
  return [v[0] * s, v[1] * s, v[2] * s];
}

/** Dot product a · b. */
export function dot(a: Vec3, b: Vec3): number {
  return a[0] * b[0] + a[1] * b[1] + a[2] * b[2];
}

/** Cross product a × b (right-handed). */
export function cross(a: Vec3, b: Vec3): Vec3 {
  return [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
}

/** Euclidean length of v. */
export function length(v: Vec3): number {
  return Math.hypot(v[0], v[1], v[2]);
}

/** v scaled to unit length, or null for a zero or non-finite vector. */
export function normalize(v: Vec3): Vec3 | null {
  const len = length(v);
  if (!Number.isFinite(len) || len === 0) return null;
  return [v[0] / len, v[1] / len, v[2] / len];
}
