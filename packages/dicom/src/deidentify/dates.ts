/**
 * Date arithmetic for DA (YYYYMMDD) and DT (YYYYMMDD[HHMMSS[.F]][&ZZXX]) values, in UTC so no
 * local time zone or daylight saving rule can move a date. Returns undefined for values that
 * cannot be shifted safely; the caller removes those.
 */
function shiftYmd(year: number, month: number, day: number, days: number): string | undefined {
  const time = Date.UTC(year, month - 1, day);
  const check = new Date(time);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return undefined;
  const shifted = new Date(time + days * 86_400_000);
  const y = shifted.getUTCFullYear();
  if (y < 1 || y > 9999) return undefined;
  return `${String(y).padStart(4, '0')}${String(shifted.getUTCMonth() + 1).padStart(2, '0')}${String(shifted.getUTCDate()).padStart(2, '0')}`;
}

/** Shifts one DA value; also accepts the ACR-NEMA `YYYY.MM.DD` form (written back as YYYYMMDD). */
export function shiftDa(value: string, days: number): string | undefined {
  const match = /^(\d{4})\.?(\d{2})\.?(\d{2})$/.exec(value.trim());
  if (!match) return undefined;
  return shiftYmd(Number(match[1]), Number(match[2]), Number(match[3]), days);
}

/** Shifts the date part of one DT value, keeping time and offset; year-only or year-month values are not shiftable. */
export function shiftDt(value: string, days: number): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{0,6}(?:\.\d{1,6})?(?:[+-]\d{4})?)$/.exec(value.trim());
  if (!match) return undefined;
  const date = shiftYmd(Number(match[1]), Number(match[2]), Number(match[3]), days);
  return date === undefined ? undefined : date + (match[4] ?? '');
}
