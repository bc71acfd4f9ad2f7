/**
 * Exact decimal arithmetic on finite decimals (value = mantissa × 10^exponent), used to write
 * and read pixel coordinates in text formats without binary rounding: a JavaScript number's
 * shortest round-trip text is a finite decimal, and sums, differences, integer multiples and
 * halves of finite decimals are finite decimals again. Only division needs rounding.
 */
export interface Decimal {
  readonly mantissa: bigint;
  readonly exponent: number;
}

const DECIMAL_TEXT = /^([+-]?)(\d+)?(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Parses a plain or exponent-notation decimal (`12`, `-0.5`, `.25`, `1e-7`); null otherwise. */
export function parseDecimal(text: string): Decimal | null {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) return null;
  const [, sign, whole = '', fraction = '', exp = '0'] = match;
  if (whole === '' && fraction === '') return null;
  const exponent = Number(exp) - fraction.length;
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 10_000) return null;
  const digits = BigInt(`${whole}${fraction}` || '0');
  return normalize({ mantissa: sign === '-' ? -digits : digits, exponent });
}

/** The exact decimal of a finite number's shortest round-trip text (`String(value)`). */
export function decimalOf(value: number): Decimal {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const parsed = parseDecimal(String(value));
  if (parsed === null) throw new RangeError(`cannot read ${String(value)} as a decimal`);
  return parsed;
}

function normalize(d: Decimal): Decimal {
  if (d.mantissa === 0n) return { mantissa: 0n, exponent: 0 };
  let { mantissa, exponent } = d;
  while (mantissa % 10n === 0n) {
    mantissa /= 10n;
    exponent += 1;
  }
  return { mantissa, exponent };
}

function aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
  const exponent = Math.min(a.exponent, b.exponent);
  return [a.mantissa * 10n ** BigInt(a.exponent - exponent), b.mantissa * 10n ** BigInt(b.exponent - exponent), exponent];
}

export function add(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = aligned(a, b);
  return normalize({ mantissa: x + y, exponent });
}

export function subtract(a: Decimal, b: Decimal): Decimal {
  const [x, y, exponent] = aligned(a, b);
  return normalize({ mantissa: x - y, exponent });
}

export function multiplyInt(a: Decimal, factor: number): Decimal {
  return normalize({ mantissa: a.mantissa * BigInt(factor), exponent: a.exponent });
}

/** a / 2, exact. */
export function half(a: Decimal): Decimal {
  return normalize({ mantissa: a.mantissa * 5n, exponent: a.exponent - 1 });
}

export function compare(a: Decimal, b: Decimal): -1 | 0 | 1 {
  const [x, y] = aligned(a, b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** a / divisor rounded half-to-even to `fractionDigits` digits after the point. */
export function divideRounded(a: Decimal, divisor: number, fractionDigits: number): Decimal {
  if (!Number.isSafeInteger(divisor) || divisor <= 0) throw new RangeError('divisor must be a positive integer');
  const shift = a.exponent + fractionDigits;
  const numerator = shift >= 0 ? a.mantissa * 10n ** BigInt(shift) : a.mantissa;
  const denominator = BigInt(divisor) * (shift >= 0 ? 1n : 10n ** BigInt(-shift));
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  let quotient = n / denominator;
  const twice = (n % denominator) * 2n;
  if (twice > denominator || (twice === denominator && quotient % 2n === 1n)) quotient += 1n;
  return normalize({ mantissa: negative ? -quotient : quotient, exponent: -fractionDigits });
}

/** Plain decimal text without exponent or trailing zeros (`0.125`, `-3`, `1200`). */
export function formatDecimal(d: Decimal): string {
  const n = normalize(d);
  const negative = n.mantissa < 0n;
  const digits = (negative ? -n.mantissa : n.mantissa).toString();
  let text: string;
  if (n.exponent >= 0) text = digits + '0'.repeat(n.exponent);
  else {
    const point = digits.length + n.exponent;
    text = point > 0 ? `${digits.slice(0, point)}.${digits.slice(point)}` : `0.${'0'.repeat(-point)}${digits}`;
  }
  return negative ? `-${text}` : text;
}

/** The nearest number to the decimal (JavaScript's correctly rounded parse). */
export function toNumber(d: Decimal): number {
  return Number(formatDecimal(d));
}
