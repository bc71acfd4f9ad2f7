import { add, compare, decimalOf, divideRounded, formatDecimal, half, multiplyInt, subtract, toNumber, type Decimal } from '../decimal';
import type { PixelRect } from '../prepare-export';

/** Fewest and most digits after the point in YOLO's normalised numbers. */
export const YOLO_MIN_DIGITS = 6;
export const YOLO_MAX_DIGITS = 40;

/** One axis of a YOLO box: normalised centre and size. */
interface Axis {
  centre: Decimal;
  size: Decimal;
}

/** Pixel start and size of an axis read back from normalised values (exact decimal arithmetic). */
function readAxis(axis: Axis, extent: number): { start: Decimal; size: Decimal } {
  const size = multiplyInt(axis.size, extent);
  return { start: subtract(multiplyInt(axis.centre, extent), half(size)), size };
}

/**
 * Normalised centre and size of one axis, written with the fewest digits (at least
 * {@link YOLO_MIN_DIGITS}) that read back to exactly `start` and `size`. The centre is
 * (2·start + size) / (2·extent), computed from the numbers' shortest decimals; when the extent
 * has only the prime factors 2 and 5 (256, 512, 1024, 2000, 2500, ...) the quotient is a finite
 * decimal and the round trip is exact. Otherwise the digits grow until it is, up to
 * {@link YOLO_MAX_DIGITS}; the error is then below extent × 10^-40 pixels.
 */
function writeAxis(start: number, size: number, extent: number): Axis {
  const startDecimal = decimalOf(start);
  const sizeDecimal = decimalOf(size);
  const twiceCentre = add(multiplyInt(startDecimal, 2), sizeDecimal);
  let best: Axis | null = null;
  for (let digits = YOLO_MIN_DIGITS; digits <= YOLO_MAX_DIGITS; digits++) {
    const axis = { centre: divideRounded(twiceCentre, 2 * extent, digits), size: divideRounded(sizeDecimal, extent, digits) };
    best = axis;
    const back = readAxis(axis, extent);
    if (toNumber(back.start) === start && toNumber(back.size) === size) return axis;
  }
  return best!;
}

/** The four normalised numbers of a YOLO label line for a pixel box on a columns × rows image. */
export function yoloNumbers(rect: PixelRect, columns: number, rows: number): [string, string, string, string] {
  const x = writeAxis(rect.x, rect.width, columns);
  const y = writeAxis(rect.y, rect.height, rows);
  return [formatDecimal(x.centre), formatDecimal(y.centre), formatDecimal(x.size), formatDecimal(y.size)];
}

/**
 * The pixel box of normalised YOLO numbers on a columns × rows image, computed exactly in
 * decimal and rounded once to the nearest number; also whether it lies inside the image
 * (decided on the exact decimals, before rounding).
 */
export function pixelRectOf(
  normalised: { cx: Decimal; cy: Decimal; w: Decimal; h: Decimal },
  columns: number,
  rows: number,
): { rect: PixelRect; inside: boolean; positive: boolean } {
  const x = readAxis({ centre: normalised.cx, size: normalised.w }, columns);
  const y = readAxis({ centre: normalised.cy, size: normalised.h }, rows);
  const zero = { mantissa: 0n, exponent: 0 };
  const within = (a: { start: Decimal; size: Decimal }, extent: number) =>
    compare(a.start, zero) >= 0 && compare(add(a.start, a.size), { mantissa: BigInt(extent), exponent: 0 }) <= 0;
  return {
    rect: { x: toNumber(x.start), y: toNumber(y.start), width: toNumber(x.size), height: toNumber(y.size) },
    inside: within(x, columns) && within(y, rows),
    positive: x.size.mantissa > 0n && y.size.mantissa > 0n,
  };
}
