import { describe, expect, it } from 'vitest';
import { add, decimalOf, divideRounded, formatDecimal, half, multiplyInt, parseDecimal, subtract, toNumber } from './decimal';

const d = (text: string) => {
  const value = parseDecimal(text);
  if (value === null) throw new Error(`not a decimal: ${text}`);
  return value;
};

describe('exact decimals', () => {
  it('reads plain and exponent notation and prints plain decimals without trailing zeros', () => {
    expect(formatDecimal(d('12.500'))).toBe('12.5');
    expect(formatDecimal(d('-0.0')).toString()).toBe('0');
    expect(formatDecimal(d('.25'))).toBe('0.25');
    expect(formatDecimal(d('1e-7'))).toBe('0.0000001');
    expect(formatDecimal(d('1.5E+3'))).toBe('1500');
    expect(formatDecimal(decimalOf(5e-324))).toMatch(/^0\.0{323}5$/);
  });

  it('rejects text that is not a decimal number', () => {
    for (const text of ['', '.', '1.2.3', '0x10', 'NaN', 'Infinity', '1e', '--1', '1,5']) expect(parseDecimal(text)).toBeNull();
  });

  it('adds, subtracts, multiplies and halves without binary rounding', () => {
    expect(formatDecimal(add(decimalOf(0.1), decimalOf(0.2)))).toBe('0.3');
    expect(0.1 + 0.2).not.toBe(0.3);
    expect(formatDecimal(subtract(d('0.3'), decimalOf(0.1)))).toBe('0.2');
    expect(formatDecimal(multiplyInt(d('0.001953125'), 512))).toBe('1');
    expect(formatDecimal(half(d('-3')))).toBe('-1.5');
  });

  it('divides with half-to-even rounding at the requested digits', () => {
    expect(formatDecimal(divideRounded(d('1'), 3, 6))).toBe('0.333333');
    expect(formatDecimal(divideRounded(d('2'), 3, 6))).toBe('0.666667');
    expect(formatDecimal(divideRounded(d('0.0000125'), 1, 5))).toBe('0.00001');
    expect(formatDecimal(divideRounded(d('0.0000135'), 1, 5))).toBe('0.00001');
    expect(formatDecimal(divideRounded(d('-0.0000135'), 1, 5))).toBe('-0.00001');
    expect(formatDecimal(divideRounded(d('0.7'), 512, 20))).toBe('0.0013671875');
  });

  it('returns every finite number from its decimal unchanged', () => {
    for (const value of [0, -0.5, 0.1, 1 / 3, Math.PI * 1e5, 123456.78901234567, 2 ** -40, 1e21, Number.MAX_SAFE_INTEGER + 2]) {
      expect(toNumber(decimalOf(value))).toBe(value);
    }
  });
});
