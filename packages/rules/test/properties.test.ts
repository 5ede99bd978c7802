/**
 * Property tests over random households: the invariants every calculation must keep, whatever the
 * household, month, costs, incomes and municipal guidelines. fast-check prints the seed and the
 * shrunk counter-example of any failure, so a failure is reproducible as it stands.
 */
import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COST_TYPES,
  INCOME_TYPES,
  calculate,
  calculateTotals,
  compileGuidelines,
  parseCalculationInput,
  replay,
} from '../src/index.ts';
import type {
  CalculationInput,
  CalculationInputIn,
  CostType,
  Guidelines,
  GuidelinesSource,
  IncomeType,
  Receipt,
  Section,
  Totals,
} from '../src/index.ts';
import { loadRuleBook } from '../src/node.ts';

const rb = loadRuleBook();
const NUM_RUNS = 200;

// ---------------------------------------------------------------------------------------------
// Calendar helpers (UTC, whole days).

const DAY_MS = 86_400_000;

function dayNumber(iso: string): number {
  return Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
}

function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** `firstDay` (always a 1st of a month) `years` years earlier. */
function yearsBefore(firstDay: string, years: number): string {
  return `${String(Number(firstDay.slice(0, 4)) - years).padStart(4, '0')}${firstDay.slice(4)}`;
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

// ---------------------------------------------------------------------------------------------
// Arbitraries.

/** Years for which the rule book has every riksnorm value. */
const YEARS = [2019, 2021, 2023, 2024, 2025, 2026] as const;

interface MonthInfo {
  readonly iso: string;
  readonly firstDay: string;
  readonly lastDay: string;
  readonly days: number;
}

const monthArb: fc.Arbitrary<MonthInfo> = fc
  .record({ year: fc.constantFrom(...YEARS), month: fc.integer({ min: 1, max: 12 }) })
  .map(({ year, month }) => {
    const iso = `${year}-${String(month).padStart(2, '0')}`;
    const days = daysIn(year, month);
    return { iso, firstDay: `${iso}-01`, lastDay: `${iso}-${String(days).padStart(2, '0')}`, days };
  });

/** Kronor with at most two decimals, from whole öre (whole kronor half of the time). */
function kronorArb(maxKronor: number): fc.Arbitrary<number> {
  return fc.oneof(
    fc.integer({ min: 0, max: maxKronor }),
    fc.integer({ min: 0, max: maxKronor * 100 }).map((ore) => ore / 100),
  );
}

/** A birth date giving an age in [minAge, maxAge] on `firstDay`. */
function birthDateArb(firstDay: string, minAge: number, maxAge: number): fc.Arbitrary<string> {
  return fc.integer({ min: minAge, max: maxAge }).chain((age) => {
    // Born in (firstDay − (age + 1) years, firstDay − age years]: age `age` on firstDay.
    const latest = dayNumber(yearsBefore(firstDay, age));
    const earliest = dayNumber(yearsBefore(firstDay, age + 1)) + 1;
    return fc.integer({ min: 0, max: latest - earliest }).map((back) => isoOfDay(latest - back));
  });
}

interface AdultIn {
  id: string;
  birthDate: string;
  jobStimulus: boolean;
}

interface ChildIn {
  id: string;
  birthDate: string;
  lunchAtHome: boolean;
  daysAtHome?: number;
  earlierEarningsThisYear: number;
}

interface CostIn {
  type: CostType;
  amount: number;
}

interface IncomeIn {
  type: IncomeType;
  person?: string;
  amount: number;
}

interface Case {
  readonly month: MonthInfo;
  readonly adults: AdultIn[];
  readonly children: ChildIn[];
  readonly householdSize?: number;
  readonly costs: CostIn[];
  readonly incomes: IncomeIn[];
  readonly guidelines: GuidelinesSource;
}

function adultArb(m: MonthInfo): fc.Arbitrary<Omit<AdultIn, 'id'>> {
  return fc.record({ birthDate: birthDateArb(m.firstDay, 18, 80), jobStimulus: fc.boolean() });
}

function childArb(m: MonthInfo): fc.Arbitrary<Omit<ChildIn, 'id'>> {
  // Mostly ages 0–20 on the first day; sometimes born during the month itself (age 0).
  const birthDate = fc.oneof(
    { arbitrary: birthDateArb(m.firstDay, 0, 20), weight: 9 },
    {
      arbitrary: fc.integer({ min: 0, max: m.days - 1 }).map((d) => isoOfDay(dayNumber(m.firstDay) + d)),
      weight: 1,
    },
  );
  return fc
    .record({
      birthDate,
      lunchAtHome: fc.boolean(),
      daysAtHome: fc.option(fc.integer({ min: 0, max: m.days }), { nil: undefined }),
      earlierEarningsThisYear: kronorArb(80_000),
    })
    .map(({ daysAtHome, ...rest }) => (daysAtHome === undefined ? rest : { ...rest, daysAtHome }));
}

const OPEN_IDS = [...rb.parameters.values()].filter((p) => p.open).map((p) => p.id);

/** Random caps for a random subset of the open parameters, in öre. */
const capsArb: fc.Arbitrary<Record<string, number>> = fc
  .subarray(OPEN_IDS)
  .chain((ids) =>
    fc
      .array(fc.integer({ min: 0, max: 2_000_000 }), { minLength: ids.length, maxLength: ids.length })
      .map((amounts) => Object.fromEntries(ids.map((id, i) => [id, amounts[i]!]))),
  );

/** No guidelines, or one decision until 2023 and another from 2024. */
const guidelinesArb: fc.Arbitrary<GuidelinesSource> = fc.oneof(
  fc.constant<GuidelinesSource>([]),
  fc.tuple(capsArb, capsArb).map(([early, late]) => {
    const blocks: GuidelinesSource = [];
    if (Object.keys(early).length > 0)
      blocks.push({
        from: '2019-01-01',
        until: '2023-12-31',
        decision: { act: 'Socialnämnden i Provby 2018-11-20 § 1', url: 'https://example.org/provby/2019' },
        values: early,
      });
    if (Object.keys(late).length > 0)
      blocks.push({
        from: '2024-01-01',
        decision: { act: 'Socialnämnden i Provby 2023-11-21 § 2', url: 'https://example.org/provby/2024' },
        values: late,
      });
    return blocks;
  }),
);

const incomeArb = fc.record({
  type: fc.constantFrom(...INCOME_TYPES),
  /** Index into the household's persons, or none (income of the household as a whole). */
  personIndex: fc.option(fc.nat(), { nil: undefined }),
  amount: kronorArb(60_000),
});

function withPerson(
  inc: { type: IncomeType; personIndex: number | undefined; amount: number },
  ids: readonly string[],
): IncomeIn {
  return inc.personIndex === undefined
    ? { type: inc.type, amount: inc.amount }
    : { type: inc.type, person: ids[inc.personIndex % ids.length]!, amount: inc.amount };
}

function personIds(c: Pick<Case, 'adults' | 'children'>): string[] {
  return [...c.adults.map((a) => a.id), ...c.children.map((ch) => ch.id)];
}

const caseArb: fc.Arbitrary<Case> = monthArb.chain((month) =>
  fc
    .record({
      adults: fc.array(adultArb(month), { minLength: 1, maxLength: 2 }),
      children: fc.array(childArb(month), { maxLength: 9 }),
      extraPersons: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      costs: fc.array(fc.record({ type: fc.constantFrom(...COST_TYPES), amount: kronorArb(30_000) }), {
        maxLength: 6,
      }),
      incomes: fc.array(incomeArb, { maxLength: 6 }),
      guidelines: guidelinesArb,
    })
    .map(({ adults, children, extraPersons, costs, incomes, guidelines }) => {
      const a = adults.map((x, i) => ({ id: `a${i + 1}`, ...x }));
      const ch = children.map((x, i) => ({ id: `c${i + 1}`, ...x }));
      const ids = personIds({ adults: a, children: ch });
      const persons = a.length + ch.length;
      const householdSize =
        a.length === 1 && extraPersons !== undefined ? Math.min(persons + extraPersons, 30) : undefined;
      return {
        month,
        adults: a,
        children: ch,
        ...(householdSize !== undefined ? { householdSize } : {}),
        costs,
        incomes: incomes.map((inc) => withPerson(inc, ids)),
        guidelines,
      };
    }),
);

// ---------------------------------------------------------------------------------------------
// Running a case.

function toInput(c: Case): CalculationInputIn {
  return {
    month: c.month.iso,
    household: {
      adults: c.adults,
      children: c.children,
      ...(c.householdSize !== undefined ? { householdSize: c.householdSize } : {}),
    },
    costs: c.costs,
    incomes: c.incomes,
  };
}

function parse(c: Case): CalculationInput {
  const r = parseCalculationInput(toInput(c), 'en');
  if (!r.ok) throw new Error(`the generated input is invalid: ${JSON.stringify(r.problems)}`);
  return r.input;
}

const guidelineCache = new Map<string, Guidelines>();
function guidelinesOf(c: Case): Guidelines {
  const key = JSON.stringify(c.guidelines);
  let g = guidelineCache.get(key);
  if (!g) guidelineCache.set(key, (g = compileGuidelines(rb, c.guidelines)));
  return g;
}

function totalsOf(c: Case): Totals {
  return calculateTotals(rb, parse(c), { guidelines: guidelinesOf(c) });
}

// ---------------------------------------------------------------------------------------------
// The properties.

describe('properties over random households', () => {
  it('every generated input is valid and calculable', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const r = parseCalculationInput(toInput(c), 'en');
        expect(r.ok).toBe(true);
        expect(() => calculate(rb, parse(c), { guidelines: guidelinesOf(c) })).not.toThrow();
      }),
      { numRuns: 100 },
    );
  });

  it('the generator reaches every rule, flag, status and outcome (the properties are not vacuous)', () => {
    const rules = new Set<string>();
    const flags = new Set<string>();
    const statuses = new Set<string>();
    const outcomes = new Set<string>();
    for (const c of fc.sample(caseArb, { numRuns: 400, seed: 20260101 })) {
      const r = calculate(rb, parse(c), { guidelines: guidelinesOf(c) });
      for (const l of r.lines) {
        rules.add(l.rule);
        for (const f of l.flags) flags.add(f);
      }
      statuses.add(r.status);
      outcomes.add(r.receipt.totals.surplus > 0 ? 'surplus' : r.receipt.totals.amount > 0 ? 'amount' : 'zero');
    }
    expect([...rules].sort()).toEqual([...rb.rules.keys()].sort());
    expect([...flags].sort()).toEqual(['capped', 'extended', 'needsAssessment', 'proRata', 'roundedUp', 'share']);
    expect([...statuses].sort()).toEqual(['derived', 'secondary', 'verified']);
    expect(outcomes.has('surplus') && outcomes.has('amount')).toBe(true);
  });

  it('(a) amount ≥ 0, surplus ≥ 0, never both > 0, and amount − surplus = norm + costs − income in öre', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = calculate(rb, parse(c), { guidelines: guidelinesOf(c) });
        const t = result.receipt.totals;
        for (const v of [t.norm, t.costs, t.income, t.amount, t.surplus]) expect(Number.isSafeInteger(v)).toBe(true);
        expect(t.amount).toBeGreaterThanOrEqual(0);
        expect(t.surplus).toBeGreaterThanOrEqual(0);
        expect(t.amount > 0 && t.surplus > 0).toBe(false);
        expect(t.amount - t.surplus).toBe(t.norm + t.costs - t.income);
        expect(t.norm).toBeGreaterThan(0);
        expect(t.costs).toBeGreaterThanOrEqual(0);
        // The kronor totals are the öre totals / 100.
        expect([result.norm, result.costs, result.income, result.amount, result.surplus]).toEqual(
          [t.norm, t.costs, t.income, t.amount, t.surplus].map((o) => o / 100),
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(b) adding an income never raises the amount (nor lowers counted income or surplus)', () => {
    fc.assert(
      fc.property(caseArb, incomeArb, (c, extra) => {
        const before = totalsOf(c);
        const more: Case = { ...c, incomes: [...c.incomes, withPerson(extra, personIds(c))] };
        const after = totalsOf(more);
        expect(after.amount).toBeLessThanOrEqual(before.amount);
        expect(after.income).toBeGreaterThanOrEqual(before.income);
        expect(after.surplus).toBeGreaterThanOrEqual(before.surplus);
        expect(after.norm).toBe(before.norm);
        expect(after.costs).toBe(before.costs);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(b) increasing an income never raises the amount', () => {
    fc.assert(
      fc.property(
        caseArb.filter((c) => c.incomes.length > 0),
        fc.nat(),
        fc.integer({ min: 1, max: 5_000_000 }),
        (c, index, deltaOre) => {
          const i = index % c.incomes.length;
          const old = c.incomes[i]!;
          // Add whole öre to the amount, exactly (via öre, never by adding floats), within the
          // largest amount the input accepts (10 000 000 kr).
          const raised = Math.min(Math.round(old.amount * 100) + deltaOre, 1_000_000_000) / 100;
          const more: Case = { ...c, incomes: c.incomes.map((inc, j) => (j === i ? { ...inc, amount: raised } : inc)) };
          const before = totalsOf(c);
          const after = totalsOf(more);
          expect(after.amount).toBeLessThanOrEqual(before.amount);
          expect(after.income).toBeGreaterThanOrEqual(before.income);
          expect(after.surplus).toBeGreaterThanOrEqual(before.surplus);
        },
      ),
      { numRuns: NUM_RUNS },
    );
  });

  it('(c) the order of adults, children, costs and incomes does not change the totals', () => {
    const shuffled = <T>(xs: T[]): fc.Arbitrary<T[]> =>
      fc.shuffledSubarray(xs, { minLength: xs.length, maxLength: xs.length });
    const pairArb = caseArb.chain((c) =>
      fc
        .record({
          adults: shuffled(c.adults),
          children: shuffled(c.children),
          costs: shuffled(c.costs),
          incomes: shuffled(c.incomes),
        })
        .map((order): [Case, Case] => [c, { ...c, ...order }]),
    );
    const lineKey = (l: Receipt['lines'][number]) =>
      `${l.section}|${l.rule}|${l.person ?? ''}|${l.item ?? ''}|${l.amountOre}`;
    fc.assert(
      fc.property(pairArb, ([c, d]) => {
        const a = calculate(rb, parse(c), { guidelines: guidelinesOf(c) });
        const b = calculate(rb, parse(d), { guidelines: guidelinesOf(d) });
        expect(b.receipt.totals).toEqual(a.receipt.totals);
        expect(b.status).toBe(a.status);
        // The same lines, possibly in another order.
        expect(b.lines.map(lineKey).sort()).toEqual(a.lines.map(lineKey).sort());
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(d) a receipt replays after a JSON round trip', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const result = calculate(rb, parse(c), { guidelines: guidelinesOf(c) });
        const stored = JSON.parse(JSON.stringify(result.receipt)) as Receipt;
        const outcome = replay(stored, rb);
        if (!outcome.ok) throw new Error(`replay failed: ${outcome.reason}: ${outcome.message}`);
        expect(outcome.ok).toBe(true);
        expect(outcome.result.receipt.totals).toEqual(result.receipt.totals);
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(e) calculateTotals (the batch path) equals calculate(...).receipt.totals (the explained path)', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const input = parse(c);
        const g = guidelinesOf(c);
        expect(calculateTotals(rb, input, { guidelines: g })).toEqual(
          calculate(rb, input, { guidelines: g }).receipt.totals,
        );
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(f) the line amounts of each section add up to the section total', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { lines, receipt } = calculate(rb, parse(c), { guidelines: guidelinesOf(c) });
        const sums: Record<Section, number> = { norm: 0, costs: 0, income: 0, result: 0 };
        for (const l of lines) {
          expect(Number.isSafeInteger(l.amountOre)).toBe(true);
          expect(l.amount).toBe(l.amountOre / 100);
          sums[l.section] += l.amountOre;
        }
        expect(sums.norm).toBe(receipt.totals.norm);
        expect(sums.costs).toBe(receipt.totals.costs);
        expect(sums.income).toBe(receipt.totals.income);
        expect(sums.result).toBe(receipt.totals.amount);
        // Exactly one result line, and it is the last.
        expect(lines.filter((l) => l.section === 'result')).toHaveLength(1);
        expect(lines.at(-1)?.rule).toBe('result.amount');
        expect(lines.map((l) => l.n)).toEqual(lines.map((_, i) => i + 1));
      }),
      { numRuns: NUM_RUNS },
    );
  });

  it('(g) every line has Swedish and English text and at least one legal reference', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { lines } = calculate(rb, parse(c), { guidelines: guidelinesOf(c) });
        for (const l of lines) {
          expect(l.text.sv.length).toBeGreaterThan(10);
          expect(l.text.en.length).toBeGreaterThan(10);
          expect(l.text.sv).not.toBe(l.text.en);
          for (const t of [l.text.sv, l.text.en]) expect(t).not.toMatch(/undefined|NaN|null|\[object/);
          expect(l.references.length).toBeGreaterThanOrEqual(1);
          for (const r of l.references) {
            expect(r.act.length).toBeGreaterThan(0);
            expect(r.provision.length).toBeGreaterThan(0);
            expect(r.url).toMatch(/^https:\/\//);
          }
        }
      }),
      { numRuns: NUM_RUNS },
    );
  });
});

describe('zero lines', () => {
  // When a child's allowance (one prisbasbelopp a year) is used up, the income.childEarnings line
  // still says so, with +0 (not −0, which JSON hides but Object.is and toEqual see).
  const p = parseCalculationInput({
    month: '2024-03',
    household: {
      adults: [{ id: 'a1', birthDate: '1990-01-01' }],
      children: [{ id: 'c1', birthDate: '2008-01-01', earlierEarningsThisYear: 60000 }],
    },
    incomes: [{ type: 'salary', person: 'c1', amount: 1000 }],
  });
  if (!p.ok) throw new Error('invalid');
  const childLine = calculate(rb, p.input).lines.find((l) => l.rule === 'income.childEarnings');

  it('the used-up allowance still gets its own line (0 kr not counted)', () => {
    expect(childLine?.text.en).toBe(
      "c1's own earnings are not counted up to one price base amount (SEK\u00a057,300) a year, but c1 has already earned SEK\u00a060,000 this year. All of this month's SEK\u00a01,000 counts.",
    );
  });

  it('a zero line amount is +0, not −0', () => {
    expect(Object.is(childLine?.amountOre, 0)).toBe(true);
  });
});
