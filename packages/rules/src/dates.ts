/** Calendar arithmetic on ISO strings. No time zones: a month is a civil month. */

const MONTH_RE = /^(\d{4})-(0[1-9]|1[0-2])$/;

export interface Month {
  readonly year: number;
  readonly month: number; // 1–12
  readonly iso: string; // "2021-03"
  readonly firstDay: string; // "2021-03-01"
  readonly lastDay: string; // "2021-03-31"
  readonly days: number;
}

export function isMonth(s: string): boolean {
  return MONTH_RE.test(s);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export function parseMonth(iso: string): Month {
  const m = MONTH_RE.exec(iso);
  if (!m) throw new RangeError(`not a month (YYYY-MM): ${iso}`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const days = daysInMonth(year, month);
  return { year, month, iso, firstDay: `${iso}-01`, lastDay: `${iso}-${days}`, days };
}

/** Whole years of age on `date` (both ISO dates). A person born on 29 February ages on 1 March. */
export function ageOn(birthDate: string, date: string): number {
  const by = Number(birthDate.slice(0, 4));
  const bmd = birthDate.slice(5);
  const y = Number(date.slice(0, 4));
  const md = date.slice(5);
  return y - by - (md < bmd ? 1 : 0);
}

const ZERO = 48; // '0'
function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) v = v * 10 + (s.charCodeAt(i) - ZERO);
  return v;
}

/** Whole years of age on the first day of a month; `ageOn(birthDate, "YYYY-MM-01")` without string slicing. */
export function ageOnFirst(birthDate: string, year: number, month: number): number {
  const by = digits(birthDate, 0, 4);
  const bm = digits(birthDate, 5, 2);
  const bd = digits(birthDate, 8, 2);
  return year - by - (bm > month || (bm === month && bd > 1) ? 1 : 0);
}

/**
 * A child's whole years of age on the first day of a month, and 0 for a child born later in the
 * month: `birthDate > firstDay ? 0 : ageOnFirst(…)` for ISO dates, without comparing strings.
 */
export function childAgeOnFirst(birthDate: string, year: number, month: number): number {
  const by = digits(birthDate, 0, 4);
  const bm = digits(birthDate, 5, 2);
  const bd = digits(birthDate, 8, 2);
  const beforeBirthday = bm > month || (bm === month && bd > 1);
  if (by > year || (by === year && beforeBirthday)) return 0;
  return year - by - (beforeBirthday ? 1 : 0);
}

/** The month after `month` ("2021-12" → "2022-01"). */
export function nextMonth(month: string): string {
  const { year, month: m } = parseMonth(month);
  return m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, '0')}`;
}
