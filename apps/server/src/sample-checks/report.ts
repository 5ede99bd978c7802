/**
 * The sample-check report, per period: how many decisions there were and how many were drawn,
 * answered, confirmed, found wrong or left unanswered, the amount found wrong, and the error rate
 * with a 95 % confidence interval (Wilson), both among the checked decisions and, weighting each
 * amount band by its share of the decisions, for all the period's decisions.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { stratifiedErrorRate, wilsonInterval } from '@tillit/domain';
import type { Interval, Stratum, StratumOutcome } from '@tillit/domain';
import type { Database } from '../db/schema.ts';

type Tx = Kysely<Database> | Transaction<Database>;

interface Counts {
  eligible: number;
  drawn: number;
  answered: number;
  confirmed: number;
  discrepancies: number;
  noAnswer: number;
  amountWrongOre: number;
}

export interface ReportStratum {
  readonly stratum: number;
  readonly fromKronor: number;
  readonly rateBasisPoints: number;
  readonly eligible: number;
  readonly drawn: number;
  readonly confirmed: number;
  readonly discrepancies: number;
  readonly noAnswer: number;
  readonly errorRate: Interval | null;
}

export interface ReportRow {
  readonly eligible: number;
  readonly drawn: number;
  readonly answered: number;
  readonly confirmed: number;
  readonly discrepancies: number;
  readonly noAnswer: number;
  /** Drawn, without an outcome yet. */
  readonly open: number;
  /** Kronor decided wrongly, as the caseworkers recorded them. */
  readonly amountFoundWrong: number;
  /** Discrepancies among checks with a finding (confirmed or discrepancy), Wilson 95 %. */
  readonly errorRate: Interval | null;
  /** Discrepancies and no answers among all closed checks (wrong or could not be verified), Wilson 95 %. */
  readonly errorOrUnverifiedRate: Interval | null;
  /** The error rate in all the decisions, each band weighted by its share of them; conservative bounds. */
  readonly populationErrorRate: Interval | null;
}

export interface PeriodReport extends ReportRow {
  readonly period: string;
  readonly strata: readonly ReportStratum[];
}

export interface SampleCheckReport {
  readonly municipality: string;
  readonly confidence: 0.95;
  readonly periods: readonly PeriodReport[];
  /** All the periods together. */
  readonly total: ReportRow;
}

const zero = (): Counts => ({
  eligible: 0,
  drawn: 0,
  answered: 0,
  confirmed: 0,
  discrepancies: 0,
  noAnswer: 0,
  amountWrongOre: 0,
});

function add(a: Counts, b: Counts): Counts {
  return {
    eligible: a.eligible + b.eligible,
    drawn: a.drawn + b.drawn,
    answered: a.answered + b.answered,
    confirmed: a.confirmed + b.confirmed,
    discrepancies: a.discrepancies + b.discrepancies,
    noAnswer: a.noAnswer + b.noAnswer,
    amountWrongOre: a.amountWrongOre + b.amountWrongOre,
  };
}

function row(c: Counts, bands: readonly StratumOutcome[]): ReportRow {
  const concluded = c.confirmed + c.discrepancies;
  return {
    eligible: c.eligible,
    drawn: c.drawn,
    answered: c.answered,
    confirmed: c.confirmed,
    discrepancies: c.discrepancies,
    noAnswer: c.noAnswer,
    open: c.drawn - concluded - c.noAnswer,
    amountFoundWrong: c.amountWrongOre / 100,
    errorRate: wilsonInterval(c.discrepancies, concluded),
    errorOrUnverifiedRate: wilsonInterval(c.discrepancies + c.noAnswer, concluded + c.noAnswer),
    populationErrorRate: stratifiedErrorRate(bands),
  };
}

/** The report for a municipality's draws, from and to periods (YYYY-MM, inclusive) when given. */
export async function sampleCheckReport(
  db: Tx,
  municipality: string,
  range: { readonly from?: string; readonly to?: string } = {},
): Promise<SampleCheckReport> {
  let draws = db
    .selectFrom('sample_draw')
    .select(['id', 'period', 'strata'])
    .where('municipality_id', '=', municipality)
    .orderBy('period');
  if (range.from !== undefined) draws = draws.where('period', '>=', range.from);
  if (range.to !== undefined) draws = draws.where('period', '<=', range.to);
  const drawRows = await draws.execute();
  const ids = drawRows.map((d) => d.id);
  const eligibleRows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('sample_draw_item')
          .select(['draw_id', 'stratum', sql<string>`count(*)::text`.as('n')])
          .where('draw_id', 'in', ids)
          .groupBy(['draw_id', 'stratum'])
          .execute();
  const checkRows =
    ids.length === 0
      ? []
      : await db
          .selectFrom('sample_check')
          .select([
            'draw_id',
            'stratum',
            sql<string>`count(*)::text`.as('drawn'),
            sql<string>`count(answered_at)::text`.as('answered'),
            sql<string>`(count(*) filter (where outcome = 'confirmed'))::text`.as('confirmed'),
            sql<string>`(count(*) filter (where outcome = 'discrepancy'))::text`.as('discrepancies'),
            sql<string>`(count(*) filter (where outcome = 'no-answer'))::text`.as('no_answer'),
            sql<string>`coalesce(sum(discrepancy_ore), 0)::text`.as('wrong_ore'),
          ])
          .where('municipality_id', '=', municipality)
          .where('draw_id', 'in', ids)
          .groupBy(['draw_id', 'stratum'])
          .execute();

  const cell = new Map<string, Counts>();
  const at = (draw: string, stratum: number) => {
    const key = `${draw}/${stratum}`;
    if (!cell.has(key)) cell.set(key, zero());
    return cell.get(key)!;
  };
  for (const r of eligibleRows) at(r.draw_id, r.stratum).eligible = Number(r.n);
  for (const r of checkRows)
    Object.assign(at(r.draw_id, r.stratum), {
      drawn: Number(r.drawn),
      answered: Number(r.answered),
      confirmed: Number(r.confirmed),
      discrepancies: Number(r.discrepancies),
      noAnswer: Number(r.no_answer),
      amountWrongOre: Number(r.wrong_ore),
    });

  let total = zero();
  const allBands: StratumOutcome[] = [];
  const periods = drawRows.map((d): PeriodReport => {
    const strata = d.strata as Stratum[];
    let sum = zero();
    const bands = strata.map((s, i): ReportStratum => {
      const c = at(d.id, i);
      sum = add(sum, c);
      return {
        stratum: i,
        fromKronor: s.fromOre / 100,
        rateBasisPoints: s.rateBasisPoints,
        eligible: c.eligible,
        drawn: c.drawn,
        confirmed: c.confirmed,
        discrepancies: c.discrepancies,
        noAnswer: c.noAnswer,
        errorRate: wilsonInterval(c.discrepancies, c.confirmed + c.discrepancies),
      };
    });
    const outcomes = bands.map((b) => ({
      eligible: b.eligible,
      concluded: b.confirmed + b.discrepancies,
      discrepancies: b.discrepancies,
    }));
    allBands.push(...outcomes);
    total = add(total, sum);
    return { period: d.period, ...row(sum, outcomes), strata: bands };
  });
  return { municipality, confidence: 0.95, periods, total: row(total, allBands) };
}
