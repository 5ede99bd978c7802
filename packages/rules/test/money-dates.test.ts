/** Unit tests of exact money (money.ts) and civil-calendar arithmetic (dates.ts). */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, daysInMonth, nextMonth, parseMonth } from '../src/dates.ts';
import { MAX_KRONOR, ceilDiv, formatEn, formatRate, formatSv, kronorToOre, oreToKronor } from '../src/money.ts';

const NBSP = '\u00a0';
const MINUS = '\u2212';

describe('kronorToOre', () => {
  it('converts kronor with up to two decimals exactly', () => {
    expect(kronorToOre(0)).toBe(0);
    expect(kronorToOre(0.1)).toBe(10);
    expect(kronorToOre(0.01)).toBe(1);
    expect(kronorToOre(19.99)).toBe(1999);
    expect(kronorToOre(1181.62)).toBe(118162);
    expect(kronorToOre(0.1 + 0.2)).toBe(30); // 0.30000000000000004: representation noise, not a decimal
    expect(kronorToOre(1.15)).toBe(115); // 114.99999999999999 × 100 in binary
    expect(kronorToOre(1e7)).toBe(1_000_000_000);
    expect(kronorToOre(MAX_KRONOR)).toBe(1_000_000_000);
    expect(kronorToOre(9_999_999.99)).toBe(999_999_999);
  });

  it('keeps the sign (the input schema, not this function, rejects negative amounts)', () => {
    expect(kronorToOre(-5.5)).toBe(-550);
  });

  it('rejects a third decimal and non-finite numbers instead of rounding', () => {
    expect(kronorToOre(0.001)).toBeUndefined();
    expect(kronorToOre(1.005)).toBeUndefined();
    expect(kronorToOre(19.999)).toBeUndefined();
    expect(kronorToOre(0.125)).toBeUndefined();
    expect(kronorToOre(NaN)).toBeUndefined();
    expect(kronorToOre(Infinity)).toBeUndefined();
    expect(kronorToOre(-Infinity)).toBeUndefined();
  });

  it('round-trips every whole number of öre up to ten million kronor', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (ore) => {
        expect(kronorToOre(oreToKronor(ore))).toBe(ore);
      }),
      { numRuns: 1000 },
    );
  });

  it('rejects every amount with a non-zero third decimal', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 100_000_000 }), fc.integer({ min: 1, max: 9 }), (ore, milli) => {
        expect(kronorToOre((ore * 10 + milli) / 1000)).toBeUndefined();
      }),
      { numRuns: 1000 },
    );
  });
});

describe('oreToKronor', () => {
  it('divides by 100', () => {
    expect(oreToKronor(118162)).toBe(1181.62);
    expect(oreToKronor(1)).toBe(0.01);
    expect(oreToKronor(0)).toBe(0);
  });
});

describe('ceilDiv', () => {
  it('rounds up exactly', () => {
    expect(ceilDiv(0, 3)).toBe(0);
    expect(ceilDiv(1, 3)).toBe(1);
    expect(ceilDiv(3, 3)).toBe(1);
    expect(ceilDiv(4, 3)).toBe(2);
    expect(ceilDiv(10, 5)).toBe(2);
    expect(ceilDiv(11, 5)).toBe(3);
    // A part-time child: 2 420 kr × 20 / 31 days = 1 561,29… kr → 156 130 öre.
    expect(ceilDiv(242000 * 20, 31)).toBe(156130);
    // Jobbstimulans 25 % (2 500 basis points) of 1 öre and of 12 000 kr.
    expect(ceilDiv(1 * 2500, 10_000)).toBe(1);
    expect(ceilDiv(1_200_000 * 2500, 10_000)).toBe(300_000);
    // The largest products the engine forms: 10^9 öre × 31 days, and × 10 000 basis points.
    expect(ceilDiv(1_000_000_000 * 31, 31)).toBe(1_000_000_000);
    expect(ceilDiv(1_000_000_000 * 10_000 + 1, 10_000)).toBe(1_000_000_001);
  });

  it('is the least q with q × b ≥ a', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000_000_000_000 }), fc.integer({ min: 1, max: 10_000 }), (a, b) => {
        const q = ceilDiv(a, b);
        expect(Number.isSafeInteger(q)).toBe(true);
        expect(q * b).toBeGreaterThanOrEqual(a);
        expect((q - 1) * b).toBeLessThan(a);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('formatSv', () => {
  it('groups thousands with non-breaking spaces and shows öre only when there are any', () => {
    expect(formatSv(0)).toBe(`0${NBSP}kr`);
    expect(formatSv(5)).toBe(`0,05${NBSP}kr`);
    expect(formatSv(50)).toBe(`0,50${NBSP}kr`);
    expect(formatSv(99999)).toBe(`999,99${NBSP}kr`);
    expect(formatSv(100000)).toBe(`1${NBSP}000${NBSP}kr`);
    expect(formatSv(316000)).toBe(`3${NBSP}160${NBSP}kr`);
    expect(formatSv(118162)).toBe(`1${NBSP}181,62${NBSP}kr`);
    expect(formatSv(1_000_000_000)).toBe(`10${NBSP}000${NBSP}000${NBSP}kr`);
    expect(formatSv(123456789)).toBe(`1${NBSP}234${NBSP}567,89${NBSP}kr`);
  });

  it('writes negatives with a minus sign (U+2212)', () => {
    expect(formatSv(-300000)).toBe(`${MINUS}3${NBSP}000${NBSP}kr`);
    expect(formatSv(-118162)).toBe(`${MINUS}1${NBSP}181,62${NBSP}kr`);
    expect(formatSv(-1)).toBe(`${MINUS}0,01${NBSP}kr`);
  });
});

describe('formatEn', () => {
  it('groups thousands with commas and uses a decimal point', () => {
    expect(formatEn(0)).toBe(`SEK${NBSP}0`);
    expect(formatEn(5)).toBe(`SEK${NBSP}0.05`);
    expect(formatEn(316000)).toBe(`SEK${NBSP}3,160`);
    expect(formatEn(118162)).toBe(`SEK${NBSP}1,181.62`);
    expect(formatEn(123456789)).toBe(`SEK${NBSP}1,234,567.89`);
    expect(formatEn(1_000_000_000)).toBe(`SEK${NBSP}10,000,000`);
  });

  it('writes negatives with a minus sign before the currency', () => {
    expect(formatEn(-118162)).toBe(`${MINUS}SEK${NBSP}1,181.62`);
    expect(formatEn(-50)).toBe(`${MINUS}SEK${NBSP}0.50`);
  });
});

describe('formatRate', () => {
  it('writes basis points as a percentage', () => {
    expect(formatRate(2500, 'sv')).toBe(`25${NBSP}%`);
    expect(formatRate(2500, 'en')).toBe('25%');
    expect(formatRate(1250, 'sv')).toBe(`12,5${NBSP}%`);
    expect(formatRate(1250, 'en')).toBe('12.5%');
    expect(formatRate(1, 'en')).toBe('0.01%');
  });
});

describe('ageOn', () => {
  it('ages on the birthday, not the day before', () => {
    expect(ageOn('2000-05-10', '2018-05-09')).toBe(17);
    expect(ageOn('2000-05-10', '2018-05-10')).toBe(18);
    expect(ageOn('2000-05-10', '2018-05-11')).toBe(18);
    expect(ageOn('2000-05-10', '2000-05-10')).toBe(0);
    expect(ageOn('2000-12-31', '2001-01-01')).toBe(0);
    expect(ageOn('2000-01-01', '2020-12-31')).toBe(20);
    expect(ageOn('2000-01-01', '2021-01-01')).toBe(21);
  });

  it('a person born on 29 February ages on 1 March in common years and on 29 February in leap years', () => {
    expect(ageOn('2004-02-29', '2022-02-28')).toBe(17);
    expect(ageOn('2004-02-29', '2022-03-01')).toBe(18);
    expect(ageOn('2004-02-29', '2024-02-28')).toBe(19);
    expect(ageOn('2004-02-29', '2024-02-29')).toBe(20);
    expect(ageOn('2004-02-29', '2024-03-01')).toBe(20);
  });

  it('the age on the first of a month (as the engine asks it)', () => {
    expect(ageOn('2008-03-01', '2026-03-01')).toBe(18);
    expect(ageOn('2008-03-02', '2026-03-01')).toBe(17);
  });
});

describe('daysInMonth', () => {
  it('knows the Gregorian leap years', () => {
    expect(daysInMonth(2000, 2)).toBe(29); // divisible by 400
    expect(daysInMonth(1900, 2)).toBe(28); // divisible by 100, not 400
    expect(daysInMonth(2024, 2)).toBe(29);
    expect(daysInMonth(2023, 2)).toBe(28);
    expect(daysInMonth(2100, 2)).toBe(28);
  });

  it('knows the other months', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12].map((m) => daysInMonth(2025, m))).toEqual([
      31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31,
    ]);
  });

  it('agrees with the JavaScript calendar for every month of 1900–2100', () => {
    for (let y = 1900; y <= 2100; y++)
      for (let m = 1; m <= 12; m++) expect(daysInMonth(y, m)).toBe(new Date(Date.UTC(y, m, 0)).getUTCDate());
  });
});

describe('parseMonth', () => {
  it('parses a month with its first and last day', () => {
    expect(parseMonth('2024-02')).toEqual({
      year: 2024,
      month: 2,
      iso: '2024-02',
      firstDay: '2024-02-01',
      lastDay: '2024-02-29',
      days: 29,
    });
    expect(parseMonth('2021-12')).toEqual({
      year: 2021,
      month: 12,
      iso: '2021-12',
      firstDay: '2021-12-01',
      lastDay: '2021-12-31',
      days: 31,
    });
    expect(parseMonth('2026-04').lastDay).toBe('2026-04-30');
  });

  it('rejects what is not a month', () => {
    for (const bad of ['2021-13', '2021-00', '2021-1', '21-01', '2021-01-01', '2021/01', '', ' 2021-01'])
      expect(() => parseMonth(bad)).toThrow(RangeError);
    expect(() => parseMonth('2021-13')).toThrow('not a month (YYYY-MM): 2021-13');
  });
});

describe('nextMonth', () => {
  it('steps over the year end', () => {
    expect(nextMonth('2021-11')).toBe('2021-12');
    expect(nextMonth('2021-12')).toBe('2022-01');
    expect(nextMonth('2024-01')).toBe('2024-02');
  });
});
