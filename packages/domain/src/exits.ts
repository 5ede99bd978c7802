/**
 * Exits (avslut) from the labour-market track and the three-month rule, as pure functions of the
 * data: the recorded exits and the dates the person submitted applications. Nothing is stored
 * about a return; the state is derived whenever it is read, so no event can be missed.
 *
 * The rule (Trelleborg's follow-up, DOMAIN.md §7): an exit to work, studies or other counts,
 * unless the same person returns — submits an application in the same municipality — within
 * three months after the exit date. A return within three months reopens the track and the exit
 * no longer counts.
 *
 * "Within three months after the exit date" precisely: the return window of an exit on day D is
 * the days after D up to and including the same day-of-month three calendar months later; when
 * that month is shorter, its last day (2026-11-30 → 2027-02-28; 2026-01-31 → 2026-04-30). The
 * exit day itself is not in the window (an application submitted on the exit day was made while
 * the person was still on the track). Days are Swedish calendar days (YYYY-MM-DD); a submission's
 * day is the day in Sweden when it was submitted.
 */
export const EXIT_REASONS = ['work', 'studies', 'other'] as const;
export type ExitReason = (typeof EXIT_REASONS)[number];

/** Calendar months after an exit during which a return voids it. */
export const RETURN_WINDOW_MONTHS = 3;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: string): { y: number; m: number; d: number } {
  const match = ISO_DATE.exec(date);
  if (!match) throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utc = new Date(Date.UTC(y, m - 1, d));
  if (utc.getUTCFullYear() !== y || utc.getUTCMonth() !== m - 1 || utc.getUTCDate() !== d)
    throw new RangeError(`not a date (YYYY-MM-DD): ${date}`);
  return { y, m, d };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Days in a month (m 1–12). */
function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * The same day-of-month `months` calendar months later (earlier when negative); the month's last
 * day when it has no such day: 2026-01-31 + 1 → 2026-02-28.
 */
export function addCalendarMonths(date: string, months: number): string {
  const { y, m, d } = parts(date);
  const index = y * 12 + (m - 1) + months;
  const ny = Math.floor(index / 12);
  const nm = (index % 12) + 1;
  return `${pad(ny, 4)}-${pad(nm)}-${pad(Math.min(d, daysInMonth(ny, nm)))}`;
}

/** The return window of an exit: the days after `after` up to and including `through`. */
export interface ReturnWindow {
  /** The exit date: not itself in the window. */
  readonly after: string;
  /** The window's last day. */
  readonly through: string;
}

export function returnWindow(exitDate: string): ReturnWindow {
  return { after: exitDate, through: addCalendarMonths(exitDate, RETURN_WINDOW_MONTHS) };
}

/** Whether a submission on `submittedOn` is a return that voids an exit on `exitDate`. */
export function isReturnWithin(exitDate: string, submittedOn: string): boolean {
  const w = returnWindow(exitDate);
  return submittedOn > w.after && submittedOn <= w.through;
}

/**
 * An exit's standing:
 * - `voided`: the person returned within three months; the exit does not count;
 * - `provisional`: no return yet, but the window is still open (today is in it); it counts for now;
 * - `final`: the window has passed without a return; it counts for good.
 */
export type ExitState = 'voided' | 'provisional' | 'final';

export interface ExitStanding {
  readonly state: ExitState;
  /** Whether the exit counts in the outcome figures (not voided). */
  readonly counts: boolean;
  /** The first submission in the window (the return), if any. */
  readonly returnedOn: string | null;
  readonly window: ReturnWindow;
}

/** An exit's standing on `today`, given the days the person submitted applications (any order). */
export function exitStanding(exitDate: string, submittedOn: readonly string[], today: string): ExitStanding {
  const window = returnWindow(exitDate);
  let returnedOn: string | null = null;
  for (const s of submittedOn)
    if (s > window.after && s <= window.through && (returnedOn === null || s < returnedOn)) returnedOn = s;
  const state: ExitState = returnedOn !== null ? 'voided' : today > window.through ? 'final' : 'provisional';
  return { state, counts: state !== 'voided', returnedOn, window };
}

/**
 * The track's state:
 * - `open`: no exit, or the person came back after the last exit's window (a new track; that exit counted);
 * - `exited`: the last exit stands, the person has not applied since;
 * - `reopened`: the person returned within three months of the last exit; that exit does not count.
 */
export type TrackState = 'open' | 'exited' | 'reopened';

export interface ExitFact {
  readonly id: string;
  readonly date: string;
  readonly reason: ExitReason;
}

export interface TrackStanding {
  readonly state: TrackState;
  /** The latest exit (by date; of equal dates the later in the list) with its standing. */
  readonly lastExit: (ExitFact & { readonly standing: ExitStanding }) | null;
  /** The first submission after the last exit, if any (the return, within the window or not). */
  readonly returnedOn: string | null;
}

/** The latest exit: by date, and of equal dates the one later in the list (recorded later). */
export function latestExit<E extends { readonly date: string }>(exits: readonly E[]): E | undefined {
  let last: E | undefined;
  for (const e of exits) if (last === undefined || e.date >= last.date) last = e;
  return last;
}

export function trackStanding(
  exits: readonly ExitFact[],
  submittedOn: readonly string[],
  today: string,
): TrackStanding {
  const last = latestExit(exits);
  if (last === undefined) return { state: 'open', lastExit: null, returnedOn: null };
  const standing = exitStanding(last.date, submittedOn, today);
  let returnedOn: string | null = null;
  for (const s of submittedOn) if (s > last.date && (returnedOn === null || s < returnedOn)) returnedOn = s;
  const state: TrackState = returnedOn === null ? 'exited' : standing.state === 'voided' ? 'reopened' : 'open';
  return { state, lastExit: { ...last, standing }, returnedOn };
}

/** One exit with the person's submission days, for the outcome figures. */
export interface ExitForCount {
  readonly date: string;
  readonly reason: ExitReason;
  readonly submittedOn: readonly string[];
}

export interface MonthOutcome {
  /** YYYY-MM: the month of the exit date. */
  readonly month: string;
  /** Exits that count (provisional or final), by reason. */
  readonly counted: Readonly<Record<ExitReason, number>>;
  /** All exits that count. */
  readonly total: number;
  /** Of those that count, how many are still provisional (their window is open). */
  readonly provisional: number;
  /** Exits voided by a return within three months: not counted. */
  readonly voided: number;
  /** Share of the counted exits that went to work or studies, in per cent with one decimal; null without exits. */
  readonly workOrStudiesPercent: number | null;
}

/** Months from `from` to `to` (YYYY-MM), both included. */
export function monthsBetween(from: string, to: string): string[] {
  const index = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;
  const out: string[] = [];
  for (let i = index(from); i <= index(to); i++) out.push(`${pad(Math.floor(i / 12), 4)}-${pad((i % 12) + 1)}`);
  return out;
}

/**
 * Exits per month of the exit date, from `from` to `to` (YYYY-MM, both included; months without
 * exits are zeros), as they stand on `today`: those that count by reason, the provisional among
 * them, and the voided ones beside.
 */
export function exitOutcomes(
  exits: readonly ExitForCount[],
  range: { readonly from: string; readonly to: string },
  today: string,
): MonthOutcome[] {
  return monthsBetween(range.from, range.to).map((month) => {
    const counted: Record<ExitReason, number> = { work: 0, studies: 0, other: 0 };
    let provisional = 0;
    let voided = 0;
    for (const e of exits) {
      if (e.date.slice(0, 7) !== month) continue;
      const s = exitStanding(e.date, e.submittedOn, today);
      if (!s.counts) voided++;
      else {
        counted[e.reason]++;
        if (s.state === 'provisional') provisional++;
      }
    }
    const total = counted.work + counted.studies + counted.other;
    const workOrStudiesPercent =
      total === 0 ? null : Math.round(((counted.work + counted.studies) * 1000) / total) / 10;
    return { month, counted, total, provisional, voided, workOrStudiesPercent };
  });
}
