import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testHmac } from '../test-support/samples';
import { createDateShifter } from './date-shifter';
import { shiftDa, shiftDt } from './dates';
import { TAG_RULES } from './profile';
import { createUidMapper } from './uid-mapper';

describe('createUidMapper', () => {
  it('maps the same UID to the same 2.25 UID and different UIDs to different ones', () => {
    const map = createUidMapper(testHmac);
    expect(map('1.2.3.4')).toBe(map('1.2.3.4'));
    expect(map('1.2.3.4')).not.toBe(map('1.2.3.5'));
    expect(map('1.2.3.4')).toMatch(/^2\.25\.[1-9]\d*$/);
    expect(map('1.2.3.4').length).toBeLessThanOrEqual(64);
  });
});

describe('createDateShifter', () => {
  it('gives each patient a stable non-zero offset within the configured range', () => {
    const shift = createDateShifter(testHmac, { maxDays: 30 });
    const offsets = Array.from({ length: 200 }, (_, i) => shift(`patient-${i}`));
    expect(offsets.every((days) => days !== 0 && Math.abs(days) <= 30)).toBe(true);
    expect(shift('patient-7')).toBe(offsets[7]);
    expect(new Set(offsets).size).toBeGreaterThan(20);
  });
});

describe('date shifting', () => {
  it('crosses month and leap-year boundaries and rejects malformed dates', () => {
    expect(shiftDa('20240228', 1)).toBe('20240229');
    expect(shiftDa('20240301', -1)).toBe('20240229');
    expect(shiftDa('1996.06.11', 10)).toBe('19960621');
    expect(shiftDa('20241341', 1)).toBeUndefined();
    expect(shiftDt('20191231235959.5+0100', 1)).toBe('20200101235959.5+0100');
    expect(shiftDt('2019', 1)).toBeUndefined();
  });
});

describe('DEIDENTIFICATION.md', () => {
  it('documents every tag rule of the profile with its action', () => {
    const doc = readFileSync(new URL('../../DEIDENTIFICATION.md', import.meta.url), 'utf8');
    for (const [tag, , action] of TAG_RULES) {
      const row = doc.split('\n').find((line) => line.includes(`(${tag.slice(0, 4)},${tag.slice(4)})`));
      expect(row, `row for ${tag}`).toBeDefined();
      expect(row).toContain(action);
    }
  });
});
