/**
 * The meetings calendar, pure: Swedish wall-clock time (Europe/Stockholm), working days, the
 * booking window and the three slots offered to an applicant (the Trelleborg model: on applying,
 * the applicant books a meeting with a labour-market coach the next working day). No clock and no
 * I/O: every function is given the instant it reasons about.
 */
import { addDays, isBankingDay, nextBankingDay } from '@tillit/domain';
import { swedishDate } from '../swedish-time.ts';

/** How many slots an applicant is offered. */
export const OFFERED_SLOTS = 3;
/** How many working days ahead the offer may reach when the next working day has too few free slots. */
export const OFFER_HORIZON_WORKING_DAYS = 5;

const WALL_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** What a clock in Sweden shows at an instant: the date (YYYY-MM-DD) and minutes since midnight. */
export function swedishWallClock(at: Date): { readonly date: string; readonly minutes: number } {
  const p = Object.fromEntries(WALL_CLOCK.formatToParts(at).map((part) => [part.type, part.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, minutes: Number(p.hour) * 60 + Number(p.minute) };
}

/** Minutes since midnight as a clock shows them, HH:MM. */
export function clockTime(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** Minutes Sweden is ahead of UTC at an instant: 60 in winter, 120 in summer. */
function utcOffsetMinutes(at: Date): number {
  const { date, minutes } = swedishWallClock(at);
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * 60_000;
  return Math.round((wall - Math.floor(at.getTime() / 60_000) * 60_000) / 60_000);
}

/**
 * The instant at which a clock in Sweden shows `time` (HH:MM) on `date` (YYYY-MM-DD). A time in
 * the hour skipped when summer time starts resolves to the hour after.
 */
export function swedishInstant(date: string, time: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  // The offset at the wall time read as UTC is right except within hours of a change; the second
  // pass takes the offset at the first estimate, which is on the right side of it.
  let at = wall;
  for (let pass = 0; pass < 2; pass++) at = wall - utcOffsetMinutes(new Date(at)) * 60_000;
  return new Date(at);
}

/**
 * Whether the municipality's offices work on a date. The same days as Swedish banks (payday.ts):
 * not a Saturday or Sunday, not a public holiday (lagen (1989:253) om allmänna helgdagar), nor
 * Midsummer Eve, Christmas Eve or New Year's Eve, which semesterlagen (1977:480) counts as Sundays.
 */
export const isWorkingDay: (date: string) => boolean = isBankingDay;

/** The first working day after the Swedish date of an instant (a Friday afternoon gives Monday). */
export function nextWorkingDay(at: Date): string {
  return nextBankingDay(swedishDate(at));
}

export interface BookingWindow {
  /** The working days an applicant may book, first the next working day. */
  readonly days: readonly string[];
  /** Midnight in Sweden starting the first day. */
  readonly start: Date;
  /** Midnight in Sweden ending the last day. */
  readonly end: Date;
}

/** The working days an applicant may book at an instant: the next `horizon` working days. */
export function bookingWindow(now: Date, horizon = OFFER_HORIZON_WORKING_DAYS): BookingWindow {
  const days = [nextWorkingDay(now)];
  while (days.length < horizon) days.push(nextBankingDay(days[days.length - 1]!));
  return {
    days,
    start: swedishInstant(days[0]!, '00:00'),
    end: swedishInstant(addDays(days[days.length - 1]!, 1), '00:00'),
  };
}

/**
 * The start times of a slot repeated over working days: the first at `startsAt`, each further one
 * at the same Swedish clock time on the following working day.
 */
export function repeatedStarts(startsAt: Date, workingDays: number): Date[] {
  const { date, minutes } = swedishWallClock(startsAt);
  const time = clockTime(minutes);
  const starts = [startsAt];
  for (let day = date; starts.length < workingDays;) {
    day = nextBankingDay(day);
    starts.push(swedishInstant(day, time));
  }
  return starts;
}

/** A slot as far as choosing goes: an id and a start. */
export interface Timed {
  readonly id: string;
  readonly startsAt: Date;
}

/** Earliest first; slots starting together by id, so that the choice never depends on input order. */
export function chronological(a: Timed, b: Timed): number {
  return a.startsAt.getTime() - b.startsAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * `n` of one day's free slots spread over the day: for evenly spaced target times from the
 * earliest start to the latest (with three: first thing, around the middle, last thing), the slot
 * nearest each target, preferring a start time not yet chosen (several coaches may offer the same
 * hour), then the earlier slot. Deterministic; the result is in chronological order.
 */
export function spreadOverDay<T extends Timed>(slots: readonly T[], n: number): T[] {
  const sorted = [...slots].sort(chronological);
  if (sorted.length <= n) return sorted;
  const first = sorted[0]!.startsAt.getTime();
  const last = sorted[sorted.length - 1]!.startsAt.getTime();
  const chosen = new Set<T>();
  const chosenTimes = new Set<number>();
  for (let k = 0; k < n; k++) {
    const target = n === 1 ? first : first + ((last - first) * k) / (n - 1);
    let best: T | undefined;
    let bestRank: readonly [number, number] = [Infinity, Infinity];
    for (const slot of sorted) {
      if (chosen.has(slot)) continue;
      const t = slot.startsAt.getTime();
      const rank = [chosenTimes.has(t) ? 1 : 0, Math.abs(t - target)] as const;
      if (rank[0] < bestRank[0] || (rank[0] === bestRank[0] && rank[1] < bestRank[1])) [best, bestRank] = [slot, rank];
    }
    chosen.add(best!);
    chosenTimes.add(best!.startsAt.getTime());
  }
  return sorted.filter((s) => chosen.has(s));
}

export interface Offer<T> {
  /** The next working day: the day the offer is for. */
  readonly date: string;
  /** Up to three slots, chronological: the next working day's first, any from later days after. */
  readonly slots: readonly T[];
  /** The next working day had fewer than three free slots, so the offer goes on into later working days. */
  readonly filledFromLaterDays: boolean;
}

/**
 * The slots offered to an applicant at `now`, from the free ones: three spread over the next
 * working day; when that day has fewer, all of them and then the earliest free slots of the
 * following working days, at most `horizon` working days ahead. Slots outside the window (or on a
 * day that is not a working day) are never offered.
 */
export function offerSlots<T extends Timed>(
  now: Date,
  free: readonly T[],
  count = OFFERED_SLOTS,
  horizon = OFFER_HORIZON_WORKING_DAYS,
): Offer<T> {
  const window = bookingWindow(now, horizon);
  const byDay = new Map<string, T[]>(window.days.map((d) => [d, []]));
  for (const slot of [...free].sort(chronological)) byDay.get(swedishWallClock(slot.startsAt).date)?.push(slot);
  const [first, ...later] = window.days;
  const chosen = spreadOverDay(byDay.get(first!)!, count);
  const fill = later.flatMap((d) => byDay.get(d)!).slice(0, count - chosen.length);
  return { date: first!, slots: [...chosen, ...fill], filledFromLaterDays: fill.length > 0 };
}
