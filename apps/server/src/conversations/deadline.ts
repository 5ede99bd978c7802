/**
 * The appeal deadline, pure: dates are ISO strings (YYYY-MM-DD, the Swedish calendar day), no
 * clock, no I/O.
 *
 * An appeal must have come in within three weeks from the day the applicant was notified of the
 * decision (förvaltningslagen (2017:900) 44 §). A time counted in weeks ends on the day with the
 * same name in the week as the day it is counted from (lagen (1930:173) om beräkning av lagstadgad
 * tid, 1 §); when that last day is a Sunday, another public holiday (allmän helgdag), a Saturday,
 * Midsummer Eve, Christmas Eve or New Year's Eve, the act may be done on the next weekday
 * (vardag) (same act, 2 §).
 *
 * Those days are exactly the days Swedish banks are closed as `@tillit/domain` computes them from
 * the maintained `date-holidays` data (weekends, the public holidays of lagen (1989:253) om
 * allmänna helgdagar, and Midsummer Eve, Christmas Eve and New Year's Eve), so the next vardag is
 * the next banking day; the tests hold the two lists together for a whole year.
 */
import { addDays, bankingDayOnOrAfter, isBankingDay } from '@tillit/domain';

/** The appeal time in weeks (förvaltningslagen 44 §). */
export const APPEAL_WEEKS = 3;

/** Whether the day is a vardag in the sense of lagen (1930:173) 2 §: an act due that day may be done that day. */
export const isVardag: (date: string) => boolean = isBankingDay;

/** The last day to appeal a decision the applicant was notified of on `notifiedOn`. */
export function appealDeadline(notifiedOn: string): string {
  return bankingDayOnOrAfter(addDays(notifiedOn, APPEAL_WEEKS * 7));
}

export interface AppealTiming {
  readonly deadline: string;
  /** Whether an appeal lodged on `lodgedOn` came in on or before the deadline. */
  readonly withinDeadline: boolean;
}

/** The deadline for a decision notified on `notifiedOn`, and whether an appeal lodged on `lodgedOn` met it. */
export function appealTiming(notifiedOn: string, lodgedOn: string): AppealTiming {
  const deadline = appealDeadline(notifiedOn);
  return { deadline, withinDeadline: lodgedOn <= deadline };
}
