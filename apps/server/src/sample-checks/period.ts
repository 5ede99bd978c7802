/** Months of decisions in Swedish time: a period is YYYY-MM, from midnight on the 1st in Stockholm. */

import { swedishDate } from '../swedish-time.ts';

export const PERIOD = /^\d{4}-(0[1-9]|1[0-2])$/;
const ZONE = 'Europe/Stockholm';

export { swedishDate };

/** The month (YYYY-MM) an instant falls in, in Stockholm. */
export function swedishMonth(at: Date): string {
  return swedishDate(at).slice(0, 7);
}

function hhmm(at: Date): string {
  return at.toLocaleTimeString('sv-SE', { timeZone: ZONE, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
}

/** The instant of midnight starting a month's 1st day in Stockholm (UTC+1 in winter, UTC+2 in summer). */
function monthStart(year: number, month: number): Date {
  const utcMidnight = Date.UTC(year, month - 1, 1);
  for (const offsetHours of [1, 2]) {
    const at = new Date(utcMidnight - offsetHours * 3_600_000);
    if (swedishDate(at).endsWith('-01') && hhmm(at) === '00:00') return at;
  }
  throw new Error(`no Stockholm midnight found for ${year}-${month}`);
}

/** [start, end) of a period: decisions made from start up to, not including, end. */
export function periodBounds(period: string): { readonly start: Date; readonly end: Date } {
  if (!PERIOD.test(period)) throw new Error(`not a period: ${period}`);
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  return {
    start: monthStart(year, month),
    end: month === 12 ? monthStart(year + 1, 1) : monthStart(year, month + 1),
  };
}

/** A date a number of days after another, YYYY-MM-DD. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
