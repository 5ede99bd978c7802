/**
 * The municipality's next regular payday, pure: what customer service can tell a person who has
 * no payment scheduled yet ("if the decision comes before it, the money comes on …"). No clock:
 * the caller gives today's Swedish date.
 */
import { paydayOf } from '@tillit/domain';

/** The month (YYYY-MM) `n` months after `month`. */
function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + n, 1));
  return d.toISOString().slice(0, 7);
}

/**
 * The first of the municipality's paydays on or after `today` (YYYY-MM-DD): each month's payday
 * is the day `day` (1–28), moved to the last banking day before it when that is a weekend or a
 * holiday (`paydayOf`). A moved payday can fall in the month before (day 1 on a Sunday), so a
 * month's payday may already be behind us while the next month's is still ahead; three months
 * always hold one.
 */
export function nextRegularPayday(today: string, day: number): string {
  const month = today.slice(0, 7);
  for (let n = 0; n < 3; n++) {
    const payday = paydayOf(addMonths(month, n), day);
    if (payday >= today) return payday;
  }
  // Unreachable: next month's payday is at least 28 days after this month's first.
  throw new RangeError(`no payday within three months of ${today}`);
}
