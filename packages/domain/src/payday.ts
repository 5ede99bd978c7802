/**
 * Payday and payment arithmetic: Swedish banking days, the municipality's payday rule, when a
 * decision is paid, and the rounding of the paid amount. Pure: dates are ISO strings
 * (YYYY-MM-DD, the Swedish calendar day), no clock, no I/O.
 *
 * Banking days come from the maintained `date-holidays` library, never a hand-kept list: a day
 * is a banking day unless it is a Saturday, a Sunday, a Swedish public holiday (type `public`:
 * New Year's Day, Epiphany, Good Friday, Easter Sunday and Monday, 1 May, Ascension Day,
 * Whitsunday, National Day, Midsummer Day, All Saints' Day, Christmas Day, Boxing Day) or a day
 * the library marks as a bank holiday (type `bank`: Midsummer Eve, Christmas Eve, New Year's
 * Eve). Observances (Easter Saturday, Whit Monday since 2005, …) and half days (Walpurgis Eve,
 * Twelfth Night Eve, All Saints' Eve) do not close the banks.
 */
import Holidays from 'date-holidays';

/** The holiday types that close Swedish banks. */
const CLOSED: ReadonlySet<string> = new Set(['public', 'bank']);

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_MONTH = /^(\d{4})-(\d{2})$/;

/** Per year, the Swedish days that banks are closed besides weekends (memoized; the data never changes). */
const closedDays = new Map<number, ReadonlySet<string>>();

function closedDaysOf(year: number): ReadonlySet<string> {
  let days = closedDays.get(year);
  if (!days) {
    const hd = new Holidays('SE');
    days = new Set(
      hd
        .getHolidays(year)
        .filter((h) => CLOSED.has(h.type))
        .map((h) => h.date.slice(0, 10)),
    );
    closedDays.set(year, days);
  }
  return days;
}

function parseDate(date: string): { y: number; m: number; d: number } {
  const match = ISO_DATE.exec(date);
  const [y, m, d] = match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [NaN, NaN, NaN];
  const utc = new Date(Date.UTC(y, m - 1, d));
  if (!match || utc.getUTCFullYear() !== y || utc.getUTCMonth() !== m - 1 || utc.getUTCDate() !== d)
    throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return { y, m, d };
}

/** The date `days` calendar days after `date` (before, when negative). */
export function addDays(date: string, days: number): string {
  const { y, m, d } = parseDate(date);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whether Swedish banks are open on the date: not a weekend, not a public or bank holiday. */
export function isBankingDay(date: string): boolean {
  const { y, m, d } = parseDate(date);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  if (weekday === 0 || weekday === 6) return false;
  return !closedDaysOf(y).has(date);
}

/** The last banking day on or before the date. */
export function bankingDayOnOrBefore(date: string): string {
  let day = date;
  while (!isBankingDay(day)) day = addDays(day, -1);
  return day;
}

/** The first banking day on or after the date. */
export function bankingDayOnOrAfter(date: string): string {
  let day = date;
  while (!isBankingDay(day)) day = addDays(day, 1);
  return day;
}

/** The first banking day strictly after the date. */
export function nextBankingDay(date: string): string {
  return bankingDayOnOrAfter(addDays(date, 1));
}

/** The date `n` banking days after the date (n ≥ 0; 0 gives the first banking day on or after it). */
export function addBankingDays(date: string, n: number): string {
  let day = bankingDayOnOrAfter(date);
  for (let i = 0; i < n; i++) day = nextBankingDay(day);
  return day;
}

/**
 * The municipality's payday in a month (YYYY-MM): the day of the month (1–28), or, when that is
 * a weekend or a holiday, the last banking day before it (which may fall in the previous month).
 */
export function paydayOf(month: string, day: number): string {
  if (!ISO_MONTH.test(month)) throw new RangeError(`not a month (YYYY-MM): ${month}`);
  if (!Number.isInteger(day) || day < 1 || day > 28) throw new RangeError(`payday must be 1–28, not ${day}`);
  return bankingDayOnOrBefore(`${month}-${String(day).padStart(2, '0')}`);
}

/**
 * How a payment came to be scheduled: `cycle` on the municipality's payday; `late` when the
 * decision came on or after the payday of its month (paid on the next banking day, outside the
 * cycle, rather than a month later); `urgent` when a caseworker asked for it outside the cycle.
 */
export type PaymentKind = 'cycle' | 'late' | 'urgent';
export const PAYMENT_KINDS: readonly PaymentKind[] = ['cycle', 'late', 'urgent'];

export interface PayDate {
  readonly payOn: string;
  readonly kind: PaymentKind;
}

/**
 * When a decision made on `decidedOn` (the Swedish calendar day) is paid. The rule:
 *
 * - decided before the payday of the month it was made in → paid on that payday (`cycle`);
 * - decided on the payday or after it → paid on the next banking day after the decision
 *   (`late`): the household should not wait a month for money it has been granted, and a file
 *   for the payday itself has normally left already.
 *
 * So a renewal for December decided on 10 November is paid on November's payday, and an
 * application decided on 26 November is paid on the next banking day.
 */
export function payDateFor(decidedOn: string, payday: number): PayDate {
  const cycle = paydayOf(decidedOn.slice(0, 7), payday);
  return decidedOn < cycle ? { payOn: cycle, kind: 'cycle' } : { payOn: nextBankingDay(decidedOn), kind: 'late' };
}

/**
 * An urgent payment asked for on `today`: paid today when today is a banking day, otherwise on
 * the next one. The bank file asks for execution that day; how fast the money arrives is the bank's.
 */
export function urgentPayDate(today: string): string {
  return bankingDayOnOrAfter(today);
}

export type PaymentRounding = 'none' | 'down-to-krona';

/** The amount paid for a decided amount, in öre: as decided (`none`) or down to whole kronor. */
export function paidAmountOre(decidedOre: number, rounding: PaymentRounding): number {
  if (!Number.isSafeInteger(decidedOre) || decidedOre < 0) throw new RangeError(`not an amount in öre: ${decidedOre}`);
  return rounding === 'down-to-krona' ? decidedOre - (decidedOre % 100) : decidedOre;
}

/** The month (YYYY-MM) `n` months after `month`. */
function monthsAfter(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * The municipality's next regular payday: what customer service tells a person who has no
 * payment scheduled yet. The first of the municipality's paydays on or after `today` (YYYY-MM-DD): each month's payday
 * is the day `day` (1–28), moved to the last banking day before it when that is a weekend or a
 * holiday (`paydayOf`). A moved payday can fall in the month before (day 1 on a Sunday), so a
 * month's payday may already be behind us while the next month's is still ahead; three months
 * always hold one.
 */
export function nextRegularPayday(today: string, day: number): string {
  const month = today.slice(0, 7);
  for (let n = 0; n < 3; n++) {
    const payday = paydayOf(monthsAfter(month, n), day);
    if (payday >= today) return payday;
  }
  // Unreachable: next month's payday is at least 28 days after this month's first.
  throw new RangeError(`no payday within three months of ${today}`);
}
