/**
 * Swedish banking days and the payday rule: weekends, Easter, Midsummer, Christmas and New Year
 * (Midsummer Eve, Christmas Eve and New Year's Eve are not banking days either), across month
 * and year ends; when a decision is paid; the next regular payday; rounding of the paid amount; a
 * co-applicant's account.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addBankingDays,
  addDays,
  applicationContentSchema,
  bankingDayOnOrAfter,
  bankingDayOnOrBefore,
  isBankingDay,
  nextBankingDay,
  nextRegularPayday,
  paidAmountOre,
  payDateFor,
  paydayOf,
  urgentPayDate,
} from '../src/index.ts';

describe('banking days', () => {
  it.each([
    ['2026-11-23', true, 'a Monday'],
    ['2026-11-21', false, 'a Saturday'],
    ['2026-11-22', false, 'a Sunday'],
    ['2026-01-01', false, "New Year's Day"],
    ['2026-01-05', true, 'Twelfth Night Eve (a half day, banks open)'],
    ['2026-01-06', false, 'Epiphany'],
    ['2026-04-02', true, 'Maundy Thursday'],
    ['2026-04-03', false, 'Good Friday'],
    ['2026-04-06', false, 'Easter Monday'],
    ['2026-04-30', true, 'Walpurgis Eve'],
    ['2026-05-01', false, 'First of May'],
    ['2026-05-14', false, 'Ascension Day'],
    ['2026-05-25', true, 'Whit Monday (not a holiday since 2005)'],
    ['2026-06-05', true, 'the day before National Day'],
    ['2025-06-06', false, 'National Day on a Friday'],
    ['2026-06-19', false, 'Midsummer Eve'],
    ['2026-06-18', true, 'the day before Midsummer Eve'],
    ['2026-12-23', true, 'the day before Christmas Eve'],
    ['2026-12-24', false, 'Christmas Eve'],
    ['2026-12-25', false, 'Christmas Day'],
    ['2025-12-26', false, 'Boxing Day'],
    ['2026-12-31', false, "New Year's Eve"],
    ['2027-03-26', false, 'Good Friday 2027'],
    ['2027-03-29', false, 'Easter Monday 2027'],
    ['2027-06-25', false, 'Midsummer Eve 2027'],
    ['2024-02-29', true, 'a leap day on a Thursday'],
  ])('%s is a banking day: %s (%s)', (date, expected) => {
    expect(isBankingDay(date)).toBe(expected);
  });

  it('steps over weekends and holidays in both directions, across the year end', () => {
    expect(bankingDayOnOrBefore('2026-12-27')).toBe('2026-12-23');
    expect(bankingDayOnOrAfter('2026-12-24')).toBe('2026-12-28');
    expect(nextBankingDay('2026-12-30')).toBe('2027-01-04'); // 31 Dec, 1 Jan, then a weekend
    expect(nextBankingDay('2026-04-02')).toBe('2026-04-07'); // Easter
    expect(bankingDayOnOrBefore('2027-01-01')).toBe('2026-12-30');
    expect(addBankingDays('2026-06-17', 3)).toBe('2026-06-23'); // 18th, (19th–21st closed), 22nd, 23rd
    expect(addBankingDays('2026-06-20', 0)).toBe('2026-06-22');
  });

  it('refuses what is not a date', () => {
    expect(() => isBankingDay('2026-02-30')).toThrow(RangeError);
    expect(() => isBankingDay('26-02-03')).toThrow(RangeError);
  });
});

describe('payday', () => {
  it.each([
    ['2026-11', 25, '2026-11-25', 'a Wednesday: the day itself'],
    ['2026-10', 25, '2026-10-23', 'a Sunday: the Friday before'],
    ['2026-07', 25, '2026-07-24', 'a Saturday: the Friday'],
    ['2026-12', 25, '2026-12-23', 'Christmas Day: before Christmas Eve'],
    ['2026-12', 27, '2026-12-23', 'a Sunday after Christmas (Sundsvall’s 27th)'],
    ['2025-12', 25, '2025-12-23', 'Christmas Day on a Thursday: not Christmas Eve'],
    ['2026-06', 19, '2026-06-18', 'Midsummer Eve'],
    ['2026-06', 20, '2026-06-18', 'Midsummer Day'],
    ['2027-06', 25, '2027-06-24', 'Midsummer Eve 2027'],
    ['2026-04', 6, '2026-04-02', 'Easter Monday: back over Easter to Maundy Thursday'],
    ['2026-04', 3, '2026-04-02', 'Good Friday'],
    ['2027-03', 27, '2027-03-25', 'Easter Saturday 2027: before Good Friday'],
    ['2026-05', 1, '2026-04-30', 'First of May: into the month before'],
    ['2027-01', 1, '2026-12-30', "New Year's Day: back past New Year's Eve, into the year before"],
    ['2026-01', 6, '2026-01-05', 'Epiphany'],
    ['2026-02', 28, '2026-02-27', 'the last allowed day, a Saturday'],
  ])('%s, day %i → %s (%s)', (month, day, expected) => {
    expect(paydayOf(month, day)).toBe(expected);
  });

  it('refuses a payday outside 1–28', () => {
    expect(() => paydayOf('2026-11', 29)).toThrow(RangeError);
    expect(() => paydayOf('2026-11', 0)).toThrow(RangeError);
    expect(() => paydayOf('2026-13', 25)).toThrow(RangeError);
  });
});

describe('when a decision is paid', () => {
  it('before the payday of its month: on the payday (cycle)', () => {
    expect(payDateFor('2026-11-10', 25)).toEqual({ payOn: '2026-11-25', kind: 'cycle' });
    expect(payDateFor('2026-11-24', 25)).toEqual({ payOn: '2026-11-25', kind: 'cycle' });
    expect(payDateFor('2026-12-01', 25)).toEqual({ payOn: '2026-12-23', kind: 'cycle' });
    expect(payDateFor('2026-12-22', 25)).toEqual({ payOn: '2026-12-23', kind: 'cycle' });
  });

  it('on the payday or after it: the next banking day (late), not a month later', () => {
    expect(payDateFor('2026-11-25', 25)).toEqual({ payOn: '2026-11-26', kind: 'late' });
    expect(payDateFor('2026-11-27', 25)).toEqual({ payOn: '2026-11-30', kind: 'late' });
    expect(payDateFor('2026-12-23', 25)).toEqual({ payOn: '2026-12-28', kind: 'late' });
    // Decided on a Sunday after the payday moved back to the Friday.
    expect(payDateFor('2026-10-25', 25)).toEqual({ payOn: '2026-10-26', kind: 'late' });
    expect(payDateFor('2026-06-18', 19)).toEqual({ payOn: '2026-06-22', kind: 'late' });
  });

  it('an urgent payment: today on a banking day, else the next one', () => {
    expect(urgentPayDate('2026-11-23')).toBe('2026-11-23');
    expect(urgentPayDate('2026-12-24')).toBe('2026-12-28');
    expect(urgentPayDate('2026-06-19')).toBe('2026-06-22');
  });
});

describe('rounding of the paid amount', () => {
  it('none pays to the öre; down-to-krona drops the öre', () => {
    expect(paidAmountOre(1_142_050, 'none')).toBe(1_142_050);
    expect(paidAmountOre(1_142_050, 'down-to-krona')).toBe(1_142_000);
    expect(paidAmountOre(1_142_000, 'down-to-krona')).toBe(1_142_000);
    expect(paidAmountOre(99, 'down-to-krona')).toBe(0);
    expect(() => paidAmountOre(-1, 'none')).toThrow(RangeError);
    expect(() => paidAmountOre(1.5, 'none')).toThrow(RangeError);
  });
});

describe("payment to a co-applicant's account", () => {
  const form = (adults: number, holder?: string) => ({
    household: {
      adults: [
        { personnummer: '191212121212', name: 'Tolvan Tolvansson' },
        { personnummer: '198112189876', name: 'Sam Samsson' },
      ].slice(0, adults),
    },
    residence: { type: 'rental' },
    paymentAccount: { clearing: '8327', account: '9412345678', ...(holder !== undefined ? { holder } : {}) },
    attestation: { truthful: true, informedAboutChecks: true },
  });

  it('is the applicant’s account unless the household asks for the co-applicant’s', () => {
    const own = applicationContentSchema.parse(form(2));
    expect(own.paymentAccount.holder).toBeUndefined();
    expect(applicationContentSchema.parse(form(2, 'a1')).paymentAccount.holder).toBe('a1');
  });

  it('needs a second adult, and names the field', () => {
    const r = applicationContentSchema.safeParse(form(1, 'a1'));
    expect(r.success).toBe(false);
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['paymentAccount.holder']);
    expect(applicationContentSchema.safeParse(form(1, 'a2')).error!.issues.map((i) => i.path.join('.'))).toEqual([
      'paymentAccount.holder',
    ]);
  });
});

describe('the next regular payday', () => {
  it('is this month’s payday while it is ahead, moved before weekends and holidays', () => {
    expect(nextRegularPayday('2026-11-02', 25)).toBe('2026-11-25'); // a Wednesday
    expect(nextRegularPayday('2026-11-25', 25)).toBe('2026-11-25'); // the day itself
    expect(nextRegularPayday('2026-11-26', 25)).toBe('2026-12-23'); // 25 Dec → 24 Dec (closed) → 23 Dec
    expect(nextRegularPayday('2026-07-01', 25)).toBe('2026-07-24'); // Saturday 25 July → Friday
  });

  it('finds a payday moved into the month before, and skips one already behind', () => {
    // Day 1: 1 January 2027 (New Year) → 31 Dec (closed) → Wednesday 30 December 2026.
    expect(nextRegularPayday('2026-12-29', 1)).toBe('2026-12-30');
    expect(nextRegularPayday('2026-12-31', 1)).toBe('2027-02-01');
  });

  it('is a banking day on or after today with no payday between', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 365 * 8 }), fc.integer({ min: 1, max: 28 }), (offset, day) => {
        const today = addDays('2024-01-01', offset);
        const next = nextRegularPayday(today, day);
        expect(isBankingDay(next)).toBe(true);
        expect(next >= today).toBe(true);
        // No month's payday falls between today and the answer.
        for (let d = today; d < next; d = addDays(d, 1)) {
          for (const m of [d.slice(0, 7), addDays(`${d.slice(0, 7)}-28`, 5).slice(0, 7)])
            expect(paydayOf(m, day)).not.toBe(d);
        }
      }),
      { numRuns: 300 },
    );
  });
});
