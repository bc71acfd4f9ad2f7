const UNIT_SECONDS = { s: 1, m: 60, h: 3600, d: 86_400 } as const;

/**
 * Parses a duration such as `90`, `90s`, `30m`, `12h` or `7d` into whole seconds.
 * Returns null for anything else, so the schema can report it.
 */
export function parseDurationSeconds(input: string | number): number | null {
  if (typeof input === 'number') return Number.isInteger(input) && input > 0 ? input : null;
  const match = /^(\d+)\s*([smhd]?)$/.exec(input.trim());
  if (!match) return null;
  const value = Number(match[1]);
  const unit = (match[2] || 's') as keyof typeof UNIT_SECONDS;
  const seconds = value * UNIT_SECONDS[unit];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : null;
}
