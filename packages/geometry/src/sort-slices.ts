import { resolveImageAxes, resolveImagePosition, resolvePixelSpacing, type ImageAxes } from './image-frame';
import { at } from './checked-index';
import type { ImagePlane, Vec3 } from './types';
import { dot, subtract } from './vector';

/** Largest difference between two slices' direction cosines still counted as one orientation. */
export const ORIENTATION_TOLERANCE = 1e-3;
/** Slices closer than this along the normal are duplicates, mm. */
export const DUPLICATE_POSITION_TOLERANCE_MM = 0.01;
/** Allowed deviation of a gap from the mean gap: relative part, plus an absolute part in mm. */
export const SPACING_RELATIVE_TOLERANCE = 0.02;
export const SPACING_ABSOLUTE_TOLERANCE_MM = 0.01;
/** Allowed in-plane drift of a slice's origin from the first slice's, in pixels. */
export const SHEAR_TOLERANCE_PIXELS = 0.25;

export const SliceIssueCode = {
  Empty: 'empty',
  MissingPosition: 'missing-position',
  MissingOrientation: 'missing-orientation',
  MixedOrientation: 'mixed-orientation',
  DuplicatePosition: 'duplicate-position',
  NonUniformSpacing: 'non-uniform-spacing',
  ShearedStack: 'sheared-stack',
  UnusableInstanceNumbers: 'unusable-instance-numbers',
} as const;
export type SliceIssueCode = (typeof SliceIssueCode)[keyof typeof SliceIssueCode];

export interface SliceIssue {
  code: SliceIssueCode;
  message: string;
}

export type SortMethod = 'normal' | 'instance-number' | 'input-order';

export interface SliceOrder {
  /** Indices into the input array, in sorted order. */
  order: number[];
  /** Mean distance between adjacent slice centres when sorted by normal and uniform, mm. */
  spacingMm: number | null;
  /** False when any issue was found, including the ones that still allow sorting by normal. */
  consistent: boolean;
  method: SortMethod;
  /** Human-readable, one per issue. */
  warnings: string[];
  /** The same issues with machine-readable codes. */
  issues: SliceIssue[];
  /** When sorted by normal: the shared axes and each sorted slice's position along the normal. */
  stack: { axes: ImageAxes; positionsMm: number[] } | null;
}

interface NormalSort {
  order: number[];
  axes: ImageAxes;
  positionsMm: number[];
}

/** Sorts by projection on the normal, or returns the issues that make it impossible. */
function sortByNormal(planes: readonly ImagePlane[], issues: SliceIssue[]): NormalSort | null {
  const first = planes[0];
  if (first === undefined) return null;
  const origins: Vec3[] = [];
  const axesList: ImageAxes[] = [];
  // One issue per distinct reason, naming the slices, so a broken 500-slice series gives one line.
  const problems = new Map<string, { code: SliceIssueCode; slices: number[] }>();
  const note = (code: SliceIssueCode, reason: string, index: number) => {
    const entry = problems.get(reason) ?? { code, slices: [] };
    entry.slices.push(index);
    problems.set(reason, entry);
  };
  planes.forEach((plane, index) => {
    const origin = resolveImagePosition(plane.imagePositionPatient);
    const axes = resolveImageAxes(plane.imageOrientationPatient);
    if (origin.ok) origins.push(origin.value);
    else note(SliceIssueCode.MissingPosition, origin.reason, index);
    if (axes.ok) axesList.push(axes.value);
    else note(SliceIssueCode.MissingOrientation, axes.reason, index);
  });
  for (const [reason, { code, slices }] of problems) {
    issues.push({ code, message: `${describeSlices(slices)}: ${reason}` });
  }
  const axes = axesList[0];
  if (origins.length !== planes.length || axesList.length !== planes.length || axes === undefined) return null;

  const mixed = axesList.findIndex(
    (other) =>
      maxDifference(other.rowDirection, axes.rowDirection) > ORIENTATION_TOLERANCE ||
      maxDifference(other.columnDirection, axes.columnDirection) > ORIENTATION_TOLERANCE,
  );
  if (mixed !== -1) {
    issues.push({
      code: SliceIssueCode.MixedOrientation,
      message: `slice ${mixed} has a different ImageOrientationPatient from slice 0`,
    });
    return null;
  }

  const positions = origins.map((origin) => dot(origin, axes.normal));
  const order = positions.map((_, index) => index).sort((a, b) => at(positions, a) - at(positions, b) || a - b);
  const positionsMm = order.map((index) => at(positions, index));
  for (let i = 1; i < positionsMm.length; i++) {
    if (at(positionsMm, i) - at(positionsMm, i - 1) < DUPLICATE_POSITION_TOLERANCE_MM) {
      const position = at(positionsMm, i).toFixed(3);
      issues.push({
        code: SliceIssueCode.DuplicatePosition,
        message: `slices ${at(order, i - 1)} and ${at(order, i)} share the position ${position} mm along the normal`,
      });
      return null;
    }
  }

  const firstOrigin = at(origins, at(order, 0));
  const spacing = resolvePixelSpacing(first.pixelSpacing);
  const shearToleranceMm =
    SHEAR_TOLERANCE_PIXELS * (spacing.ok ? Math.min(spacing.value.rowSpacing, spacing.value.columnSpacing) : 1);
  const sheared = order.findIndex((index) => {
    const drift = subtract(at(origins, index), firstOrigin);
    return Math.hypot(dot(drift, axes.rowDirection), dot(drift, axes.columnDirection)) > shearToleranceMm;
  });
  if (sheared !== -1) {
    issues.push({
      code: SliceIssueCode.ShearedStack,
      message:
        `slice ${at(order, sheared)} is shifted within the image plane relative to the first slice ` +
        '(tilted or sheared stack)',
    });
  }
  return { order, axes, positionsMm };
}

/** Mean gap between adjacent positions if all gaps agree within tolerance, else null with an issue. */
function uniformSpacing(positionsMm: readonly number[], issues: SliceIssue[]): number | null {
  if (positionsMm.length < 2) return null;
  const gaps = positionsMm.slice(1).map((position, i) => position - at(positionsMm, i));
  const mean = (at(positionsMm, positionsMm.length - 1) - at(positionsMm, 0)) / gaps.length;
  const tolerance = SPACING_RELATIVE_TOLERANCE * mean + SPACING_ABSOLUTE_TOLERANCE_MM;
  if (gaps.every((gap) => Math.abs(gap - mean) <= tolerance)) return mean;
  issues.push({
    code: SliceIssueCode.NonUniformSpacing,
    message:
      `slice spacing is not uniform: gaps from ${Math.min(...gaps).toFixed(3)} ` +
      `to ${Math.max(...gaps).toFixed(3)} mm`,
  });
  return null;
}

/** Orders by InstanceNumber if every slice has a distinct one, else null with an issue. */
function sortByInstanceNumber(planes: readonly ImagePlane[], issues: SliceIssue[]): number[] | null {
  const numbers = planes.map((plane) => plane.instanceNumber);
  const usable =
    numbers.every((n) => typeof n === 'number' && Number.isFinite(n)) && new Set(numbers).size === numbers.length;
  if (!usable) {
    issues.push({ code: SliceIssueCode.UnusableInstanceNumbers, message: 'InstanceNumber is missing or repeated' });
    return null;
  }
  return numbers.map((_, index) => index).sort((a, b) => Number(numbers[a]) - Number(numbers[b]));
}

/**
 * Orders the slices of a series along the slice normal (row direction × column direction) by
 * the projection of ImagePositionPatient on it, ascending. Non-uniform spacing and in-plane
 * drift are reported but still sorted by normal. Missing position or orientation, mixed
 * orientations and duplicate positions fall back to InstanceNumber, then to input order; the
 * result's `method`, `warnings` and `issues` say which and why.
 */
export function sortSlices(planes: readonly ImagePlane[]): SliceOrder {
  const issues: SliceIssue[] = [];
  const result = (
    method: SortMethod,
    order: number[],
    spacingMm: number | null,
    stack: SliceOrder['stack'],
    note?: string,
  ): SliceOrder => ({
    order,
    spacingMm,
    consistent: issues.length === 0,
    method,
    warnings: [...issues.map((issue) => issue.message), ...(note === undefined ? [] : [note])],
    issues,
    stack,
  });
  if (planes.length === 0) {
    issues.push({ code: SliceIssueCode.Empty, message: 'the series has no slices' });
    return result('input-order', [], null, null);
  }
  const byNormal = sortByNormal(planes, issues);
  if (byNormal !== null) {
    const spacingMm = uniformSpacing(byNormal.positionsMm, issues);
    return result('normal', byNormal.order, spacingMm, { axes: byNormal.axes, positionsMm: byNormal.positionsMm });
  }
  const byInstance = sortByInstanceNumber(planes, issues);
  if (byInstance !== null) {
    return result('instance-number', byInstance, null, null, 'fell back to sorting by InstanceNumber');
  }
  const inputOrder = planes.map((_, index) => index);
  return result('input-order', inputOrder, null, null, 'fell back to the input order');
}

/** "slice 3", or "4 slices (0, 1, 2, …)" for several. */
function describeSlices(slices: readonly number[]): string {
  if (slices.length === 1) return `slice ${slices[0]}`;
  const listed = slices.slice(0, 3).join(', ');
  return `${slices.length} slices (${listed}${slices.length > 3 ? ', …' : ''})`;
}

function maxDifference(a: Vec3, b: Vec3): number {
  return Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2]));
}
