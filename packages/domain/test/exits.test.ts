/**
 * The three-month rule for exits (avslut): calendar months with the month's last day when it is
 * shorter, the exit day outside the window and the window's last day inside it; the track's
 * state; the outcome figures. Examples at the boundaries and properties over any dates.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addCalendarMonths,
  addDays,
  exitOutcomes,
  exitStanding,
  isReturnWithin,
  latestExit,
  monthsBetween,
  returnWindow,
  trackStanding,
} from '../src/index.ts';
import type { ExitReason } from '../src/index.ts';

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/** Any day from 1990 to 2090, as YYYY-MM-DD. */
const day = fc
  .integer({ min: dayNumber('1990-01-01'), max: dayNumber('2090-12-31') })
  .map((n) => new Date(n * 86_400_000).toISOString().slice(0, 10));
const reason = fc.constantFrom<ExitReason>('work', 'studies', 'other');

describe('calendar months', () => {
  it.each([
    ['2026-03-15', 3, '2026-06-15'],
    ['2026-11-30', 3, '2027-02-28'],
    ['2027-11-30', 3, '2028-02-29'],
    ['2026-01-31', 3, '2026-04-30'],
    ['2026-12-31', 3, '2027-03-31'],
    ['2026-10-31', 1, '2026-11-30'],
    ['2026-05-31', -3, '2026-02-28'],
    ['2026-01-15', -1, '2025-12-15'],
  ])('%s + %i months = %s', (date, n, expected) => {
    expect(addCalendarMonths(date, n)).toBe(expected);
  });

  it('refuses what is not a date', () => {
    expect(() => addCalendarMonths('2026-02-30', 1)).toThrow(RangeError);
    expect(() => addCalendarMonths('20260101', 1)).toThrow(RangeError);
  });

  it('keeps the day of month when the target month has it, else takes the last day', () => {
    fc.assert(
      fc.property(day, fc.integer({ min: -24, max: 24 }), (d, n) => {
        const r = addCalendarMonths(d, n);
        const monthIndex = (x: string) => Number(x.slice(0, 4)) * 12 + Number(x.slice(5, 7));
        expect(monthIndex(r) - monthIndex(d)).toBe(n);
        const wanted = Number(d.slice(8));
        const got = Number(r.slice(8));
        if (got !== wanted) {
          expect(got).toBeLessThan(wanted);
          expect(addDays(r, 1).slice(8)).toBe('01'); // the month's last day
        }
      }),
    );
  });
});

describe('the return window', () => {
  it.each([
    // exit day, submission day, within?
    ['2026-03-15', '2026-03-15', false], // the exit day itself
    ['2026-03-15', '2026-03-16', true], // the day after
    ['2026-03-15', '2026-06-15', true], // three months later: the last day in
    ['2026-03-15', '2026-06-16', false], // the day after the window
    ['2026-11-30', '2027-02-28', true], // February has no 30th: its last day
    ['2026-11-30', '2027-03-01', false],
    ['2026-01-31', '2026-04-30', true],
    ['2026-01-31', '2026-05-01', false],
    ['2026-03-15', '2026-03-14', false], // before the exit
  ])('exit %s, application %s: within = %s', (exit, submitted, within) => {
    expect(isReturnWithin(exit, submitted)).toBe(within);
  });

  it('is 89 to 92 days long and starts the day after the exit', () => {
    fc.assert(
      fc.property(day, (d) => {
        const w = returnWindow(d);
        const length = dayNumber(w.through) - dayNumber(w.after);
        expect(length).toBeGreaterThanOrEqual(89);
        expect(length).toBeLessThanOrEqual(92);
        expect(isReturnWithin(d, d)).toBe(false);
        expect(isReturnWithin(d, addDays(d, 1))).toBe(true);
        expect(isReturnWithin(d, w.through)).toBe(true);
        expect(isReturnWithin(d, addDays(w.through, 1))).toBe(false);
      }),
    );
  });

  it('a later exit never has an earlier window end (monotone)', () => {
    fc.assert(
      fc.property(day, day, (a, b) => {
        const [x, y] = a <= b ? [a, b] : [b, a];
        expect(returnWindow(x).through <= returnWindow(y).through).toBe(true);
      }),
    );
  });
});

describe("an exit's standing", () => {
  it('is voided by a return in the window, whenever it is read', () => {
    const s = exitStanding('2026-03-15', ['2026-01-10', '2026-06-15', '2026-05-01'], '2027-01-01');
    expect(s).toEqual({
      state: 'voided',
      counts: false,
      returnedOn: '2026-05-01',
      window: { after: '2026-03-15', through: '2026-06-15' },
    });
  });

  it('is provisional while the window is open, final after it', () => {
    expect(exitStanding('2026-03-15', ['2026-03-01'], '2026-06-15')).toMatchObject({
      state: 'provisional',
      counts: true,
      returnedOn: null,
    });
    expect(exitStanding('2026-03-15', ['2026-03-01', '2026-06-16'], '2026-06-16')).toMatchObject({
      state: 'final',
      counts: true,
      returnedOn: null,
    });
  });

  it('counts exactly when no submission falls in the window (any submissions, any day read)', () => {
    fc.assert(
      fc.property(day, fc.array(day, { maxLength: 8 }), day, (exit, submitted, today) => {
        const s = exitStanding(exit, submitted, today);
        expect(s.counts).toBe(!submitted.some((x) => isReturnWithin(exit, x)));
        expect(s.counts).toBe(s.state !== 'voided');
        // The order of the submissions does not matter.
        expect(exitStanding(exit, [...submitted].reverse(), today)).toEqual(s);
        // Submissions outside the window change nothing.
        const outside = submitted.filter((x) => !isReturnWithin(exit, x));
        if (s.counts) expect(exitStanding(exit, outside, today)).toEqual(s);
      }),
    );
  });

  it('a voided exit stays voided whatever is added later (no event can be missed)', () => {
    fc.assert(
      fc.property(day, fc.array(day, { maxLength: 5 }), fc.array(day, { maxLength: 5 }), day, (exit, a, b, today) => {
        if (exitStanding(exit, a, today).state === 'voided')
          expect(exitStanding(exit, [...a, ...b], today).state).toBe('voided');
      }),
    );
  });
});

describe("the track's state", () => {
  const exit = (id: string, date: string, r: ExitReason = 'work') => ({ id, date, reason: r });

  it('is open without exits', () => {
    expect(trackStanding([], ['2026-01-01'], '2026-06-01')).toEqual({
      state: 'open',
      lastExit: null,
      returnedOn: null,
    });
  });

  it('is exited after an exit with no application since, reopened by a return within three months', () => {
    const exits = [exit('a', '2026-03-15')];
    expect(trackStanding(exits, ['2026-03-01', '2026-03-15'], '2026-04-01').state).toBe('exited');
    const back = trackStanding(exits, ['2026-03-01', '2026-06-15'], '2026-06-15');
    expect(back.state).toBe('reopened');
    expect(back.returnedOn).toBe('2026-06-15');
    expect(back.lastExit?.standing.counts).toBe(false);
  });

  it('is open again (and the exit counted) when the person comes back after the window', () => {
    const s = trackStanding([exit('a', '2026-03-15')], ['2026-06-16'], '2026-06-16');
    expect(s.state).toBe('open');
    expect(s.lastExit?.standing).toMatchObject({ state: 'final', counts: true });
    expect(s.returnedOn).toBe('2026-06-16');
  });

  it('follows the latest exit; of two on one day the one recorded later', () => {
    const exits = [exit('a', '2026-01-10'), exit('b', '2026-05-01', 'studies'), exit('c', '2026-02-01')];
    expect(latestExit(exits)?.id).toBe('b');
    expect(trackStanding(exits, ['2026-02-20'], '2026-05-02')).toMatchObject({
      state: 'exited',
      lastExit: { id: 'b', reason: 'studies' },
    });
    expect(latestExit([exit('x', '2026-01-10'), exit('y', '2026-01-10')])?.id).toBe('y');
  });

  it('is reopened exactly when the last exit is voided (property)', () => {
    fc.assert(
      fc.property(fc.array(day, { minLength: 1, maxLength: 3 }), fc.array(day, { maxLength: 6 }), day, (ds, sub, t) => {
        const exits = ds.map((d, i) => exit(String(i), d));
        const s = trackStanding(exits, sub, t);
        const last = latestExit(exits)!;
        expect(s.state === 'reopened').toBe(!exitStanding(last.date, sub, t).counts);
        expect(s.state === 'exited').toBe(!sub.some((x) => x > last.date));
      }),
    );
  });
});

describe('outcome figures', () => {
  it('count exits by reason per month, leave voided ones out and mark provisional ones', () => {
    const rows = exitOutcomes(
      [
        { date: '2026-01-10', reason: 'work', submittedOn: [] },
        { date: '2026-01-20', reason: 'studies', submittedOn: ['2026-01-05'] },
        { date: '2026-01-31', reason: 'work', submittedOn: ['2026-04-30'] }, // returned on the last day: voided
        { date: '2026-01-31', reason: 'other', submittedOn: ['2026-05-01'] }, // a day later: counts
        { date: '2026-03-02', reason: 'work', submittedOn: [] },
        { date: '2026-05-01', reason: 'work', submittedOn: [] }, // outside the range
      ],
      { from: '2026-01', to: '2026-03' },
      '2026-05-15',
    );
    expect(rows).toEqual([
      {
        month: '2026-01',
        counted: { work: 1, studies: 1, other: 1 },
        total: 3,
        provisional: 0,
        voided: 1,
        workOrStudiesPercent: 66.7,
      },
      {
        month: '2026-02',
        counted: { work: 0, studies: 0, other: 0 },
        total: 0,
        provisional: 0,
        voided: 0,
        workOrStudiesPercent: null,
      },
      {
        month: '2026-03',
        counted: { work: 1, studies: 0, other: 0 },
        total: 1,
        provisional: 1,
        voided: 0,
        workOrStudiesPercent: 100,
      },
    ]);
  });

  it('every exit in range is either counted or voided, once (property)', () => {
    const anExit = fc.record({ date: day, reason, submittedOn: fc.array(day, { maxLength: 4 }) });
    fc.assert(
      fc.property(fc.array(anExit, { maxLength: 12 }), day, (exits, today) => {
        const rows = exitOutcomes(exits, { from: '1990-01', to: '2090-12' }, today);
        const sum = rows.reduce((n, r) => n + r.total + r.voided, 0);
        expect(sum).toBe(exits.length);
        const voided = rows.reduce((n, r) => n + r.voided, 0);
        expect(voided).toBe(exits.filter((e) => !exitStanding(e.date, e.submittedOn, today).counts).length);
        for (const r of rows) expect(r.total).toBe(r.counted.work + r.counted.studies + r.counted.other);
      }),
      { numRuns: 50 },
    );
  });

  it('lists every month of the range', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2026-02', '2026-01')).toEqual([]);
  });
});
