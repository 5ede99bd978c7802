/** Calendar arithmetic on months ("YYYY-MM") and dates ("YYYY-MM-DD"), in UTC, without a clock. */

/** A month as a single integer: year × 12 + (month − 1). */
export type MonthIndex = number;

export const MONTH_PATTERN = /^\d{4}-(0[1-9]|1[0-2])$/;

export function monthIndex(month: string): MonthIndex {
  return Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
}

export function monthString(index: MonthIndex): string {
  const y = Math.floor(index / 12);
  const m = index - y * 12 + 1;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
}

/** The calendar month (1–12) of a month index. */
export function calendarMonth(index: MonthIndex): number {
  return index - Math.floor(index / 12) * 12 + 1;
}

export function dateMonthIndex(date: string): MonthIndex {
  return monthIndex(date.slice(0, 7));
}

/** The first day of a month as "YYYY-MM-DD". */
export function firstDay(index: MonthIndex): string {
  return `${monthString(index)}-01`;
}

function toUtc(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function fromUtc(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return fromUtc(toUtc(date) + days * 86_400_000);
}

/** The same day `months` months later, clamped to the month's last day. */
export function addMonths(date: string, months: number): string {
  const target = dateMonthIndex(date) + months;
  const last = new Date(Date.UTC(Math.floor(target / 12), calendarMonth(target), 0)).getUTCDate();
  const day = Math.min(Number(date.slice(8, 10)), last);
  return `${monthString(target)}-${String(day).padStart(2, '0')}`;
}

/** Whole years from `birthDate` to `date`. */
export function ageOn(birthDate: string, date: string): number {
  let age = Number(date.slice(0, 4)) - Number(birthDate.slice(0, 4));
  if (date.slice(5) < birthDate.slice(5)) age--;
  return age;
}

const stockholm = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** Today's date in Sweden ("YYYY-MM-DD") at the instant `now`. */
export function swedishDate(now: Date): string {
  return stockholm.format(now);
}
