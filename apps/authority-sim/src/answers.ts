/**
 * What each simulated authority answers about one person. Pure: the population, the person, the
 * months asked for and the date decide the answer; faults are applied afterwards by the server.
 */
import { monthIndex, monthString, type MonthIndex } from './months.ts';
import { activityReportFor, paymentsFor, type IncomeSource, type SimHousehold, type SimPerson } from './population.ts';
import {
  DROPPABLE_FIELDS,
  type AfMonth,
  type MonthPayments,
  type RegisterMember,
  type SourceAnswer,
  type SourceId,
} from './types.ts';

/** How many months back, the current month included, the sources hold. */
export const WINDOW_MONTHS = 24;

export interface AnswerContext {
  /** "YYYY-MM-DD" in Sweden: payments dated later are not made yet. */
  readonly today: string;
  /** ISO instant stamped on the answer. */
  readonly retrievedAt: string;
}

export interface ResolvedMonths {
  readonly available: readonly MonthIndex[];
  readonly unavailable: readonly string[];
}

/** Splits the requested months into those in the window and the rest; none requested = the whole window, newest first. */
export function resolveMonths(requested: readonly string[] | undefined, today: string): ResolvedMonths {
  const current = monthIndex(today.slice(0, 7));
  const oldest = current - WINDOW_MONTHS + 1;
  if (requested === undefined) {
    return { available: Array.from({ length: WINDOW_MONTHS }, (_, i) => current - i), unavailable: [] };
  }
  const available: MonthIndex[] = [];
  const unavailable: string[] = [];
  for (const m of requested) {
    const i = monthIndex(m);
    if (i >= oldest && i <= current) available.push(i);
    else unavailable.push(m);
  }
  return { available, unavailable };
}

function relation(asked: SimPerson, other: SimPerson): RegisterMember['relation'] {
  if (asked === other) return 'self';
  if (asked.role === 'adult') return other.role === 'adult' ? 'partner' : 'child';
  return other.role === 'adult' ? 'parent' : 'sibling';
}

function monthly(person: SimPerson, source: IncomeSource, months: ResolvedMonths, today: string): MonthPayments[] {
  return months.available.map((m) => ({ month: monthString(m), payments: paymentsFor(person, source, m, today) }));
}

/** The full (not partial) answer of `source` about `person`. */
export function buildAnswer(
  source: SourceId,
  household: SimHousehold,
  person: SimPerson,
  requestedMonths: readonly string[] | undefined,
  ctx: AnswerContext,
): SourceAnswer {
  const base = { personnummer: person.personnummer, retrievedAt: ctx.retrievedAt, partial: false };
  const months = resolveMonths(requestedMonths, ctx.today);
  const unavailableMonths = months.unavailable;
  switch (source) {
    case 'population-register':
      return {
        source,
        ...base,
        householdId: household.householdId,
        municipalityCode: household.municipalityCode,
        protectedIdentity: household.protectedIdentity,
        cohabiting: household.cohabiting,
        address: household.protectedIdentity ? null : household.address,
        members: household.members.map((m) => ({
          personnummer: m.personnummer,
          givenName: m.givenName,
          familyName: m.familyName,
          birthDate: m.birthDate,
          sex: m.sex,
          role: m.role,
          relation: relation(person, m),
          protectedIdentity: m.protectedIdentity,
        })),
      };
    case 'income-register':
    case 'pensionsmyndigheten':
      return { source, ...base, unavailableMonths, months: monthly(person, source, months, ctx.today) };
    case 'forsakringskassan':
      return {
        source,
        ...base,
        unavailableMonths,
        months: monthly(person, source, months, ctx.today),
        pendingApplications: person.pendingApplications,
      };
    case 'csn':
      return {
        source,
        ...base,
        unavailableMonths,
        months: monthly(person, source, months, ctx.today),
        studies: person.studies,
      };
    case 'arbetsformedlingen': {
      const afMonths: AfMonth[] = months.available.map((m) => ({
        month: monthString(m),
        payments: paymentsFor(person, source, m, ctx.today),
        activityReport: activityReportFor(person, m),
      }));
      return { source, ...base, unavailableMonths, months: afMonths, registration: person.registration };
    }
    case 'unemployment-fund':
      return {
        source,
        ...base,
        unavailableMonths,
        months: monthly(person, source, months, ctx.today),
        membership: person.membership,
      };
    case 'migrationsverket':
      return { source, ...base, permits: person.permits };
    case 'transportstyrelsen':
      return { source, ...base, vehicles: person.vehicles };
  }
}

/**
 * Leaves out a random, non-empty selection of the answer's months and droppable fields and marks
 * it `partial: true` with `missing` naming them. An answer with nothing to leave out is returned
 * as it is.
 */
export function makePartial(answer: SourceAnswer, draw: () => number): SourceAnswer {
  const months = 'months' in answer ? answer.months.map((m) => m.month) : [];
  const fields = DROPPABLE_FIELDS[answer.source].filter((f) => f in answer);
  const candidates = [...months.map((m) => ({ month: m })), ...fields.map((f) => ({ field: f }))];
  if (candidates.length === 0) return answer;
  let chosen = candidates.filter(() => draw() < 0.5);
  if (chosen.length === 0) chosen = [candidates[Math.floor(draw() * candidates.length)]!];
  const missingMonths = chosen.flatMap((c) => ('month' in c ? [c.month] : []));
  const missingFields = chosen.flatMap((c) => ('field' in c ? [c.field] : []));
  const dropFields = new Set<string>(missingFields);
  const out: Record<string, unknown> = Object.fromEntries(Object.entries(answer).filter(([k]) => !dropFields.has(k)));
  out.partial = true;
  out.missing = { months: missingMonths, fields: missingFields };
  if ('months' in answer) {
    const drop = new Set(missingMonths);
    out.months = answer.months.filter((m) => !drop.has(m.month));
  }
  return out as unknown as SourceAnswer;
}
