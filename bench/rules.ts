/**
 * Benchmark of the rule-book engine: `npm run bench:rules` (see docs/benchmarks.md).
 *
 * 1. `calculate` (every line explained, with receipt) one household at a time, on validated input,
 *    and the same including validation (`parseCalculationInput` + `calculate`).
 * 2. `calculateTotals` over a batch of 100 000 households; 2p the same batch on every core, with the
 *    worker-thread batch runner of `@tillit/rules/batch` (os.availableParallelism() workers).
 * 3. The same arithmetic as a json-rules-engine rule set built from the loaded rule book, checked
 *    household by household against `calculateTotals` before it is timed.
 *
 * Everything but row 2p runs in this one Node.js thread. For 2p the households are copied to the
 * workers once, before timing (setup and copy are timed separately); a timed pass is one round in
 * which every worker calculates its share and the main thread waits for all of them. Households
 * are generated deterministically from a seeded PRNG. Each figure is the median of several timed
 * runs after warm-up.
 *
 * `--only=batch` (or calculate, jre) runs just one part, for profiling:
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx bench/rules.ts --only=batch
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, availableParallelism, cpus, loadavg, platform, release } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { Engine } from 'json-rules-engine';
import type { Almanac, Event, RuleProperties } from 'json-rules-engine';
import * as prettier from 'prettier';
import {
  COST_TYPES,
  EMPLOYMENT_INCOME,
  ENGINE_VERSION,
  ageOn,
  calculate,
  calculateTotals,
  compileGuidelines,
  daysInMonth,
  kronorToOre,
  parseCalculationInput,
  parseMonth,
  rulePeriodAt,
  valueAt,
} from '@tillit/rules';
import type {
  CalculateOptions,
  CalculationInput,
  CalculationInputIn,
  CostType,
  GuidelinesSource,
  IncomeType,
  RuleBook,
  Totals,
} from '@tillit/rules';
import { startBatchRunner } from '@tillit/rules/batch';
import type { BatchRunner } from '@tillit/rules/batch';
import { loadRuleBook } from '@tillit/rules/node';
import { mulberry32 } from './random.ts';
import type { Rng } from './random.ts';

// ---------------------------------------------------------------------------------------------
// Configuration.

const SEED = 20260301;
const SET_SIZE = 10_000;
const BATCH_SIZE = 100_000;
const JRE_SAMPLE = 5_000;
const JRE_TRIVIAL_RUNS = 20_000;
const WARMUP_PASSES = 2;
const RUNS = 7;
/** A timed run repeats its pass over the households until it has lasted at least this long. */
const MIN_RUN_MS = 300;
/** Worker threads for row 2p: one per core. */
const BATCH_WORKERS = availableParallelism();

const GOALS = {
  calculatePerSecond: 200_000,
  batchPerSecond: 1_000_000,
  openFiscaPerSecond: 1_500,
  jsonRulesEngineTrivialPerSecond: 105_000,
} as const;

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS_FILE = join(here, 'results', 'rules.json');

const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg?.slice('--only='.length);
if (only !== undefined && !['calculate', 'batch', 'jre'].includes(only)) {
  console.error(`unknown --only=${only} (calculate, batch or jre)`);
  process.exit(2);
}
const wants = (part: 'calculate' | 'batch' | 'jre'): boolean => only === undefined || only === part;

// ---------------------------------------------------------------------------------------------
// Households: a seeded PRNG and a generator of varied, valid households.

/** An integer in [lo, hi]. */
const int = (rng: Rng, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
const pick = <T>(rng: Rng, xs: readonly T[]): T => xs[Math.floor(rng() * xs.length)]!;
const chance = (rng: Rng, p: number): boolean => rng() < p;
/** An index drawn with the given weights (summing to 1). */
function weighted(rng: Rng, weights: readonly number[]): number {
  let r = rng();
  for (let i = 0; i < weights.length; i++) {
    r -= weights[i]!;
    if (r < 0) return i;
  }
  return weights.length - 1;
}
/** Kronor in [lo, hi], whole or (sometimes) with öre. */
const kronor = (rng: Rng, lo: number, hi: number): number =>
  chance(rng, 0.4) ? int(rng, lo * 100, hi * 100) / 100 : int(rng, lo, hi);

const YEARS = [2019, 2021, 2023, 2024, 2025, 2026] as const;
const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

const COST_RANGE: Readonly<Record<CostType, readonly [number, number]>> = {
  rent: [3_500, 14_000],
  electricity: [150, 1_200],
  homeInsurance: [90, 450],
  workTravel: [300, 1_000],
  unionFee: [100, 600],
  unemploymentFundFee: [90, 200],
  medicalCare: [100, 1_400],
  medicine: [50, 1_400],
  dentalCare: [200, 4_000],
  glasses: [500, 3_000],
  childcareFee: [150, 1_700],
  other: [50, 2_500],
};
const OTHER_INCOME: readonly IncomeType[] = [
  'unemploymentBenefit',
  'activitySupport',
  'establishmentAllowance',
  'sicknessBenefit',
  'parentalBenefit',
  'housingAllowance',
  'childAllowance',
  'maintenanceSupport',
  'studentAid',
  'pension',
  'other',
];

type HouseholdIn = CalculationInputIn['household'];
type AdultIn = HouseholdIn['adults'][number];
type ChildIn = NonNullable<HouseholdIn['children']>[number];
type IncomeIn = NonNullable<CalculationInputIn['incomes']>[number];
type CostIn = NonNullable<CalculationInputIn['costs']>[number];

/**
 * One household as a client would send it: 1–2 adults, 0–6 children aged 0–20, lunch flags,
 * part-time children, a non-cohabiting household size, 1–4 costs, 0–3 incomes (salaries with
 * jobbstimulans, children's earnings), months in 2019, 2021 and 2023–2026, half of them in a
 * municipality with guidelines. Defaults are sometimes left out, as clients do.
 */
function generateHousehold(rng: Rng): CalculationInputIn {
  const year = pick(rng, YEARS);
  const monthNo = int(rng, 1, 12);
  const month = `${year}-${String(monthNo).padStart(2, '0')}`;
  const firstDay = `${month}-01`;
  const days = daysInMonth(year, monthNo);
  const first = Date.UTC(year, monthNo - 1, 1);

  const adults: AdultIn[] = [];
  const nAdults = chance(rng, 0.4) ? 2 : 1;
  for (let i = 0; i < nAdults; i++) {
    // At least 6 600 days (over 18 years) before the first day of the month, at most about 68 years.
    const adult: AdultIn = { id: `a${i + 1}`, birthDate: isoDay(first - (6_600 + int(rng, 0, 50 * 365)) * DAY_MS) };
    const r = rng();
    if (r < 0.35) adult.jobStimulus = true;
    else if (r < 0.6) adult.jobStimulus = false;
    adults.push(adult);
  }

  const children: ChildIn[] = [];
  const incomes: IncomeIn[] = [];
  const earners: ChildIn[] = [];
  const nChildren = weighted(rng, [0.35, 0.2, 0.2, 0.12, 0.07, 0.04, 0.02]);
  for (let j = 0; j < nChildren; j++) {
    // Born during the month at the latest, and under 21 on its first day (21 × 365 days < 21 years).
    const birthDate = isoDay(first - int(rng, -(days - 1), 21 * 365 - 1) * DAY_MS);
    const age = birthDate > firstDay ? 0 : ageOn(birthDate, firstDay);
    const child: ChildIn = { id: `c${j + 1}`, birthDate };
    const lunch = rng();
    if (lunch < 0.4) child.lunchAtHome = false;
    else if (lunch < 0.7) child.lunchAtHome = true;
    const part = rng();
    if (part < 0.08) child.daysAtHome = int(rng, 1, days - 1);
    else if (part < 0.11) child.daysAtHome = days;
    if (age >= 13 && chance(rng, 0.5)) earners.push(child);
    children.push(child);
  }

  const persons = adults.length + children.length;
  const householdSize = adults.length === 1 && chance(rng, 0.12) ? persons + int(rng, 1, 4) : undefined;

  const costs: CostIn[] = [];
  const nCosts = int(rng, 1, 4);
  for (let k = 0; k < nCosts; k++) {
    const type: CostType = k === 0 && chance(rng, 0.9) ? 'rent' : pick(rng, COST_TYPES);
    const [lo, hi] = COST_RANGE[type];
    costs.push({ type, amount: kronor(rng, lo, hi) });
  }

  const nIncomes = weighted(rng, [0.25, 0.35, 0.25, 0.15]);
  for (let k = 0; k < nIncomes; k++) {
    const r = rng();
    if (r < 0.35) {
      incomes.push({ type: 'salary', person: pick(rng, adults).id, amount: kronor(rng, 1_000, 32_000) });
    } else if (r < 0.38) {
      incomes.push({ type: 'salary', amount: kronor(rng, 1_000, 12_000) });
    } else if (r < 0.5 && earners.length > 0) {
      const child = pick(rng, earners);
      if (chance(rng, 0.6)) child.earlierEarningsThisYear = kronor(rng, 0, 60_000);
      incomes.push({ type: 'salary', person: child.id, amount: kronor(rng, 500, 9_000) });
    } else {
      const type = pick(rng, OTHER_INCOME);
      const amount = type === 'childAllowance' ? 1_250 * Math.max(1, children.length) : kronor(rng, 300, 18_000);
      incomes.push(chance(rng, 0.5) ? { type, person: pick(rng, adults).id, amount } : { type, amount });
    }
  }

  const input: CalculationInputIn = {
    month,
    household: {
      adults,
      ...(children.length > 0 || chance(rng, 0.5) ? { children } : {}),
      ...(householdSize !== undefined ? { householdSize } : {}),
    },
    costs,
    ...(incomes.length > 0 || chance(rng, 0.5) ? { incomes } : {}),
  };
  if (chance(rng, 0.5)) input.municipality = 'ekby';
  return input;
}

/** Fictional municipal guidelines (the demo municipality Ekby), for households with a municipality. */
const GUIDELINES_SOURCE: GuidelinesSource = [
  {
    from: '2019-01-01',
    until: '2025-12-31',
    decision: { act: 'Socialnämnden i Ekby 2018-11-20 § 112 (fictional)', url: 'https://example.org/ekby/2019' },
    values: {
      'guideline.rent.max.1': 650_000,
      'guideline.rent.max.2': 780_000,
      'guideline.rent.max.3': 900_000,
      'guideline.rent.max.4': 1_020_000,
      'guideline.rent.max.5': 1_140_000,
      'guideline.rent.max.6': 1_260_000,
      'guideline.rent.max.7': 1_380_000,
      'guideline.electricity.max': 60_000,
      'guideline.homeInsurance.max': 25_000,
      'guideline.glasses.max': 150_000,
    },
  },
  {
    from: '2026-01-01',
    decision: { act: 'Socialnämnden i Ekby 2025-11-18 § 98 (fictional)', url: 'https://example.org/ekby/2026' },
    values: {
      'guideline.rent.max.1': 720_000,
      'guideline.rent.max.2': 860_000,
      'guideline.rent.max.3': 990_000,
      'guideline.rent.max.4': 1_120_000,
      'guideline.rent.max.5': 1_250_000,
      'guideline.rent.max.6': 1_380_000,
      'guideline.rent.max.7': 1_510_000,
      'guideline.electricity.max': 70_000,
      'guideline.homeInsurance.max': 30_000,
      'guideline.glasses.max': 150_000,
    },
  },
];

/**
 * Households the json-rules-engine rule set covers: no municipal guidelines, no part-time child
 * and no child's own earnings (those need per-item arithmetic that the rule set leaves out).
 */
function jreComparable(input: CalculationInput): boolean {
  if (input.municipality !== undefined) return false;
  const { days } = parseMonth(input.month);
  const childIds = new Set<string>();
  for (const c of input.household.children) {
    if (c.daysAtHome !== undefined && c.daysAtHome < days) return false;
    childIds.add(c.id);
  }
  return !input.incomes.some((i) => i.person !== undefined && childIds.has(i.person) && EMPLOYMENT_INCOME.has(i.type));
}

// ---------------------------------------------------------------------------------------------
// The same arithmetic as a json-rules-engine rule set.

/** What the rule set's events add up to, in öre; one per run. */
interface Ledger {
  norm: number;
  shared: number;
  costs: number;
  income: number;
  amount: number;
}

/** The facts one run starts from (input only: no amounts from the rule book). */
interface HouseholdFacts {
  readonly adults: number;
  readonly persons: number;
  readonly householdSize: number;
  readonly children: readonly { readonly age: number; readonly lunchAtHome: boolean }[];
  readonly jobStimulus: readonly boolean[];
  readonly employmentOre: readonly number[];
  readonly costsOre: number;
  readonly incomeOre: number;
  readonly ledger: Ledger;
}

function toFacts(input: CalculationInput): HouseholdFacts {
  const { firstDay } = parseMonth(input.month);
  const { adults, children } = input.household;
  const persons = adults.length + children.length;
  let costsOre = 0;
  for (const c of input.costs) costsOre += kronorToOre(c.amount)!;
  let incomeOre = 0;
  const employmentOre = adults.map(() => 0);
  for (const inc of input.incomes) {
    const ore = kronorToOre(inc.amount)!;
    incomeOre += ore;
    if (inc.person !== undefined && EMPLOYMENT_INCOME.has(inc.type)) {
      const i = adults.findIndex((a) => a.id === inc.person);
      if (i >= 0) employmentOre[i]! += ore;
    }
  }
  return {
    adults: adults.length,
    persons,
    householdSize: input.household.householdSize ?? persons,
    children: children.map((c) => ({
      age: c.birthDate > firstDay ? 0 : ageOn(c.birthDate, firstDay),
      lunchAtHome: c.lunchAtHome,
    })),
    jobStimulus: adults.map((a) => a.jobStimulus),
    employmentOre,
    costsOre,
    incomeOre,
    ledger: { norm: 0, shared: 0, costs: 0, income: 0, amount: 0 },
  };
}

/** ceil(a / b) for non-negative integers, exactly (as the engine rounds in the applicant's favour). */
function ceilDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  return a - q * b > 0 ? q + 1 : q;
}

function num(event: Event, key: string): number {
  const v: unknown = event.params?.[key];
  if (typeof v !== 'number') throw new Error(`event ${event.type}: ${key} is not a number`);
  return v;
}

/** The little arithmetic json-rules-engine cannot express: events carry amounts, this adds them. */
function applyEvent(l: Ledger, e: Event): void {
  switch (e.type) {
    case 'norm':
      l.norm += num(e, 'amountOre') * num(e, 'count');
      break;
    case 'shared':
      l.shared = num(e, 'amountOre');
      break;
    case 'sharedExtended':
      l.shared = num(e, 'sevenOre') + (num(e, 'householdSize') - 7) * num(e, 'stepOre');
      break;
    case 'sharedPart':
      l.shared = ceilDiv(l.shared * num(e, 'persons'), num(e, 'householdSize'));
      break;
    case 'costs':
      l.costs += num(e, 'amountOre');
      break;
    case 'income':
      l.income += num(e, 'amountOre');
      break;
    case 'notCounted':
      l.income -= ceilDiv(num(e, 'baseOre') * num(e, 'rateBasisPoints'), 10_000);
      break;
    case 'payable':
      l.amount = num(e, 'needOre') - num(e, 'incomeOre');
      break;
    case 'nothingPayable':
      l.amount = 0;
      break;
    default:
      throw new Error(`unknown event ${e.type}`);
  }
}

/** Priorities: json-rules-engine runs higher priorities first, and each priority level to completion. */
const P_ITEMS = 3;
const P_SHARE = 2;
const P_RESULT = 1;

/**
 * The rule set for one month, with the riksnorm, the age bands (from the parameter ids), the shared
 * costs by household size and the jobbstimulans rate read from the loaded rule book.
 */
function jreRules(rb: RuleBook, month: string): RuleProperties[] {
  const day = parseMonth(month).firstDay;
  const amount = (id: string): number => {
    const def = rb.parameters.get(id);
    const v = def && valueAt(def.values, day);
    if (!v) throw new Error(`the rule book has no value for ${id} in ${month}`);
    return v.amount;
  };
  const inForce = (rule: string): boolean => {
    const def = rb.rules.get(rule);
    return def !== undefined && rulePeriodAt(def, day) !== undefined;
  };
  const rules: RuleProperties[] = [];
  const item = (name: string, conditions: RuleProperties['conditions'], event: Event, priority = P_ITEMS) =>
    rules.push({ name, priority, conditions, event });

  // Personal costs of the adults.
  for (const [n, id] of [
    [1, 'riksnorm.personal.adult.single'],
    [2, 'riksnorm.personal.adult.couple'],
  ] as const) {
    item(
      id,
      { all: [{ fact: 'adults', operator: 'equal', value: n }] },
      { type: 'norm', params: { amountOre: amount(id), count: 1 } },
    );
  }

  // Personal costs of the children, one rule per age band (and lunch variant) of the rule book.
  for (const id of rb.parameters.keys()) {
    const m = /^riksnorm\.personal\.child\.(\d+)(?:-(\d+))?$/.exec(id);
    if (!m) continue;
    const min = Number(m[1]);
    const max = m[2] !== undefined ? Number(m[2]) : min;
    const variants = rb.parameters.has(`${id}.withoutLunch`)
      ? [
          { param: id, lunchAtHome: true },
          { param: `${id}.withoutLunch`, lunchAtHome: false },
        ]
      : [{ param: id, lunchAtHome: null }];
    for (const v of variants) {
      const params = { min, max, lunchAtHome: v.lunchAtHome };
      item(
        v.param,
        { all: [{ fact: 'childrenInBand', params, operator: 'greaterThan', value: 0 }] },
        { type: 'norm', params: { amountOre: amount(v.param), count: { fact: 'childrenInBand', params } } },
      );
    }
  }

  // Shared household costs by household size; above seven, the six-to-seven step per extra person.
  for (let n = 1; n <= 7; n++) {
    item(
      `riksnorm.shared.${n}`,
      { all: [{ fact: 'householdSize', operator: 'equal', value: n }] },
      { type: 'shared', params: { amountOre: amount(`riksnorm.shared.${n}`) } },
    );
  }
  const six = amount('riksnorm.shared.6');
  const seven = amount('riksnorm.shared.7');
  item(
    'riksnorm.shared.extended',
    { all: [{ fact: 'householdSize', operator: 'greaterThan', value: 7 }] },
    {
      type: 'sharedExtended',
      params: { sevenOre: seven, stepOre: seven - six, householdSize: { fact: 'householdSize' } },
    },
  );
  // Sharing a household without cohabiting: the applicants' share (persons of household size).
  item(
    'norm.shared.nonCohabiting',
    { all: [{ fact: 'householdSize', operator: 'greaterThan', value: { fact: 'persons' } }] },
    { type: 'sharedPart', params: { persons: { fact: 'persons' }, householdSize: { fact: 'householdSize' } } },
    P_SHARE,
  );

  // Costs and income (sums of the input's items).
  item(
    'costs',
    { all: [{ fact: 'costsOre', operator: 'greaterThan', value: 0 }] },
    { type: 'costs', params: { amountOre: { fact: 'costsOre' } } },
  );
  item(
    'income.counted',
    { all: [{ fact: 'incomeOre', operator: 'greaterThan', value: 0 }] },
    { type: 'income', params: { amountOre: { fact: 'incomeOre' } } },
  );

  // Jobbstimulans: a share of each qualifying adult's employment income is not counted.
  if (inForce('income.jobbstimulans')) {
    const rate = amount('jobbstimulans.rate');
    for (const adult of [0, 1]) {
      const params = { adult };
      item(
        `income.jobbstimulans.${adult}`,
        {
          all: [
            { fact: 'jobStimulusOf', params, operator: 'equal', value: true },
            { fact: 'employmentOreOf', params, operator: 'greaterThan', value: 0 },
          ],
        },
        { type: 'notCounted', params: { rateBasisPoints: rate, baseOre: { fact: 'employmentOreOf', params } } },
      );
    }
  }

  // The result: need minus income, never below zero.
  rules.push(
    {
      name: 'result.amount',
      priority: P_RESULT,
      conditions: { all: [{ fact: 'needOre', operator: 'greaterThan', value: { fact: 'countedIncomeOre' } }] },
      event: { type: 'payable', params: { needOre: { fact: 'needOre' }, incomeOre: { fact: 'countedIncomeOre' } } },
    },
    {
      name: 'result.nothingPayable',
      priority: P_RESULT,
      conditions: {
        all: [{ fact: 'needOre', operator: 'lessThanInclusive', value: { fact: 'countedIncomeOre' } }],
      },
      event: { type: 'nothingPayable' },
    },
  );
  return rules;
}

const household = (almanac: Almanac): Promise<HouseholdFacts> => almanac.factValue<HouseholdFacts>('household');

function paramNumber(params: Record<string, unknown>, key: string): number {
  const v = params[key];
  if (typeof v !== 'number') throw new Error(`fact parameter ${key} is not a number`);
  return v;
}

/** One json-rules-engine Engine per month (its parameter values are constants in the rules). */
function jreEngine(rb: RuleBook, month: string): Engine {
  const engine = new Engine(jreRules(rb, month), { replaceFactsInEventParams: true });
  engine.addFact<Promise<number>>('childrenInBand', (params, almanac) =>
    household(almanac).then(({ children }) => {
      const min = paramNumber(params, 'min');
      const max = paramNumber(params, 'max');
      const lunch: unknown = params['lunchAtHome'];
      let n = 0;
      for (const c of children) if (c.age >= min && c.age <= max && (lunch === null || c.lunchAtHome === lunch)) n++;
      return n;
    }),
  );
  engine.addFact<Promise<boolean>>('jobStimulusOf', (params, almanac) =>
    household(almanac).then(({ jobStimulus }) => jobStimulus[paramNumber(params, 'adult')] ?? false),
  );
  engine.addFact<Promise<number>>('employmentOreOf', (params, almanac) =>
    household(almanac).then(({ employmentOre }) => employmentOre[paramNumber(params, 'adult')] ?? 0),
  );
  // Read only by the result rules, which run after every other priority level has finished.
  engine.addFact<Promise<number>>(
    'needOre',
    (_params, almanac) => household(almanac).then(({ ledger }) => ledger.norm + ledger.shared + ledger.costs),
    { cache: false },
  );
  engine.addFact<Promise<number>>(
    'countedIncomeOre',
    (_params, almanac) => household(almanac).then(({ ledger }) => ledger.income),
    { cache: false },
  );
  engine.on('success', async (event: Event, almanac: Almanac) => {
    applyEvent(await almanac.factValue<Ledger>('ledger'), event);
  });
  return engine;
}

class JreCalculator {
  private readonly engines = new Map<string, Engine>();
  constructor(private readonly rb: RuleBook) {}

  async totals(input: CalculationInput): Promise<Ledger> {
    let engine = this.engines.get(input.month);
    if (!engine) this.engines.set(input.month, (engine = jreEngine(this.rb, input.month)));
    const f = toFacts(input);
    await engine.run({ ...f, household: f });
    return f.ledger;
  }
}

// ---------------------------------------------------------------------------------------------
// Timing.

interface Measurement {
  readonly id: string;
  readonly label: string;
  /** Households in the set or batch. */
  readonly households: number;
  readonly warmupPasses: number;
  /** Passes over the set per timed run (so that a run lasts at least MIN_RUN_MS). */
  readonly passesPerRun: number;
  /** Households per second of each timed run. */
  readonly runs: readonly number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /**
   * Process CPU time ÷ wall time of each run. About 1 (a little more with V8's helper threads)
   * when the benchmark had its core; clearly below 1 when something else took the CPU. For row 2p
   * the CPU time is that of every thread of the process: about the number of workers when they
   * had a core each.
   */
  readonly cpuShare: readonly number[];
}

interface Task {
  readonly id: string;
  readonly label: string;
  readonly households: number;
  readonly warmupPasses: number;
  /** One pass over the households; returns a value derived from every result. */
  readonly pass: () => number | Promise<number>;
  passesPerRun: number;
  readonly runs: number[];
  readonly cpuShare: number[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** A value every pass feeds, so that no result can be optimised away. */
let sink = 0;

function task(
  id: string,
  label: string,
  households: number,
  pass: () => number | Promise<number>,
  warmupPasses = WARMUP_PASSES,
): Task {
  return { id, label, households, warmupPasses, pass, passesPerRun: 1, runs: [], cpuShare: [] };
}

/** Warm-up passes; the last one sets how many passes a timed run makes. */
async function warmUp(t: Task): Promise<void> {
  let last = 0;
  for (let i = 0; i < t.warmupPasses; i++) {
    const t0 = performance.now();
    sink += await t.pass();
    last = performance.now() - t0;
  }
  t.passesPerRun = Math.max(1, Math.ceil(MIN_RUN_MS / Math.max(last, 0.001)));
}

async function timedRun(t: Task): Promise<void> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let p = 0; p < t.passesPerRun; p++) sink += await t.pass();
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  t.runs.push((t.households * t.passesPerRun) / (ms / 1000));
  t.cpuShare.push(Math.round(((cpu.user + cpu.system) / 1000 / ms) * 100) / 100);
}

function summarize(t: Task): Measurement {
  return {
    id: t.id,
    label: t.label,
    households: t.households,
    warmupPasses: t.warmupPasses,
    passesPerRun: t.passesPerRun,
    runs: t.runs.map(Math.round),
    median: Math.round(median(t.runs)),
    min: Math.round(Math.min(...t.runs)),
    max: Math.round(Math.max(...t.runs)),
    cpuShare: t.cpuShare,
  };
}

/** 1234567.8 → "1 234 568". */
function fmt(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

// ---------------------------------------------------------------------------------------------
// The run.

const started = performance.now();
const rb = loadRuleBook();
const guidelines = compileGuidelines(rb, GUIDELINES_SOURCE, 'bench');
const withGuidelines: CalculateOptions = { guidelines };
const noGuidelines: CalculateOptions = {};
const optionsFor = (input: { municipality?: string | undefined }): CalculateOptions =>
  input.municipality !== undefined ? withGuidelines : noGuidelines;

const cpu = cpus();
const env = {
  node: process.version,
  v8: process.versions.v8,
  platform: `${platform()} ${release()} ${arch()}`,
  cpu: cpu[0]?.model.trim() ?? 'unknown',
  logicalCpus: cpu.length,
  /** Other work on the machine skews the figures; this is the 1-minute load average at the start. */
  loadAverageAtStart: Math.round(loadavg()[0]! * 100) / 100,
};
console.log(`Rule-book benchmark: rule book ${rb.id} ${rb.version}, engine ${ENGINE_VERSION}`);
console.log(
  `Node ${env.node} (V8 ${env.v8}), ${env.platform}, ${env.cpu} (${env.logicalCpus} logical CPUs), ` +
    `load average ${env.loadAverageAtStart}`,
);
console.log(
  `One thread (row 2p: ${BATCH_WORKERS} worker threads); median of`,
  RUNS,
  'timed runs after',
  WARMUP_PASSES,
  'warm-up passes (json-rules-engine: 1).\n',
);

interface Households {
  /** As generated (kept only for the measurement that validates). */
  readonly raw: readonly CalculationInputIn[];
  readonly inputs: readonly CalculationInput[];
  readonly options: readonly CalculateOptions[];
}

/** The first `n` households of the seeded sequence, validated once, outside the timings. */
function households(n: number, keepRaw: boolean): Households {
  const rng = mulberry32(SEED);
  const raw: CalculationInputIn[] = [];
  const inputs: CalculationInput[] = [];
  for (let i = 0; i < n; i++) {
    const r = generateHousehold(rng);
    const p = parseCalculationInput(r, 'en');
    if (!p.ok) throw new Error(`generated household ${i} is invalid: ${JSON.stringify(p.problems)}`);
    if (keepRaw) raw.push(r);
    inputs.push(p.input);
  }
  return { raw, inputs, options: inputs.map(optionsFor) };
}

function describeSet({ inputs: xs, options }: Households) {
  const share = (pred: (x: CalculationInput) => boolean) =>
    Math.round((xs.filter(pred).length / xs.length) * 1000) / 10;
  const totals = xs.map((x, i) => calculateTotals(rb, x, options[i]!));
  return {
    households: xs.length,
    percent: {
      couples: share((x) => x.household.adults.length === 2),
      withChildren: share((x) => x.household.children.length > 0),
      nonCohabiting: share((x) => x.household.householdSize !== undefined),
      extendedShared: share(
        (x) => (x.household.householdSize ?? x.household.adults.length + x.household.children.length) > 7,
      ),
      withGuidelines: share((x) => x.municipality !== undefined),
      partTimeChild: share((x) =>
        x.household.children.some((c) => c.daysAtHome !== undefined && c.daysAtHome < parseMonth(x.month).days),
      ),
      jobStimulus: share((x) => x.household.adults.some((a) => a.jobStimulus)),
      childEarnings: share((x) =>
        x.incomes.some((i) => i.type === 'salary' && x.household.children.some((c) => c.id === i.person)),
      ),
      surplus: Math.round((totals.filter((t) => t.surplus > 0).length / xs.length) * 1000) / 10,
    },
    linesPerHousehold:
      Math.round((xs.reduce((s, x, i) => s + calculate(rb, x, options[i]!).lines.length, 0) / xs.length) * 10) / 10,
  };
}

const t0 = performance.now();
const set = households(SET_SIZE, true);
const mix = describeSet(set);
console.log(
  `Generated and validated ${fmt(SET_SIZE)} households in ${Math.round(performance.now() - t0)} ms (seed ${SEED}); ` +
    `${mix.linesPerHousehold} explanation lines per household; mix in %: ${JSON.stringify(mix.percent)}\n`,
);

const tasks: Task[] = [];

if (wants('calculate')) {
  const { raw: raws, inputs, options: setOptions } = set;
  tasks.push(
    task('calculate', 'calculate, validated input', SET_SIZE, () => {
      let s = 0;
      for (let i = 0; i < SET_SIZE; i++) {
        const r = calculate(rb, inputs[i]!, setOptions[i]!);
        s += r.lines.length + r.amount;
      }
      return s;
    }),
    task('parseAndCalculate', 'parseCalculationInput + calculate', SET_SIZE, () => {
      let s = 0;
      for (let i = 0; i < SET_SIZE; i++) {
        const p = parseCalculationInput(raws[i]!);
        if (!p.ok) throw new Error('invalid');
        const r = calculate(rb, p.input, setOptions[i]!);
        s += r.lines.length + r.amount;
      }
      return s;
    }),
  );
}

// The batch: the same seeded sequence, so its first households are the set's.
const t1 = performance.now();
const all = wants('batch') || wants('jre') ? households(BATCH_SIZE, false) : undefined;
if (all)
  console.log(`Generated and validated ${fmt(BATCH_SIZE)} households in ${Math.round(performance.now() - t1)} ms.`);
const inputsAll = all?.inputs ?? [];
const allOptions = all?.options ?? [];

if (wants('batch')) {
  tasks.push(
    task('calculateTotals', 'calculateTotals, batch', BATCH_SIZE, () => {
      let s = 0;
      for (let i = 0; i < BATCH_SIZE; i++) s += calculateTotals(rb, inputsAll[i]!, allOptions[i]!).amount;
      return s;
    }),
  );
}

/**
 * Row 2p: the same 100 000 households on BATCH_WORKERS worker threads. Outside the timing: starting
 * the workers (each loads the rule book and compiles the guidelines) and copying each worker its
 * share of the households (structured clone), both measured here; then one verification run.
 * Inside the timing (one pass): a message to every worker, every worker calculating its share
 * concurrently and writing the totals into shared memory, and the main thread waiting for all.
 */
let parallel:
  | {
      readonly workers: number;
      readonly startMs: number;
      readonly distributeMs: number;
      readonly verified: { readonly compared: number; readonly agreeing: number; readonly amountSumOre: number };
    }
  | undefined;
let runner: BatchRunner | undefined;
if (wants('batch')) {
  const s0 = performance.now();
  runner = await startBatchRunner({ workers: BATCH_WORKERS, guidelines: { ekby: GUIDELINES_SOURCE } });
  const startMs = performance.now() - s0;
  const d0 = performance.now();
  const loaded = await runner.load(inputsAll);
  const distributeMs = performance.now() - d0;
  // Verify before timing: every household's five totals, and the sum of the amounts, must equal
  // calculateTotals' in this thread.
  const got = await runner.run(loaded);
  let agreeing = 0;
  let amountSum = 0;
  const mismatches: { index: number; parallel: Totals; engine: Totals }[] = [];
  for (let i = 0; i < BATCH_SIZE; i++) {
    const t = calculateTotals(rb, inputsAll[i]!, allOptions[i]!);
    const p: Totals = {
      norm: got.norm[i]!,
      costs: got.costs[i]!,
      income: got.income[i]!,
      amount: got.amount[i]!,
      surplus: got.surplus[i]!,
    };
    amountSum += t.amount;
    if (
      p.norm === t.norm &&
      p.costs === t.costs &&
      p.income === t.income &&
      p.amount === t.amount &&
      p.surplus === t.surplus
    )
      agreeing++;
    else if (mismatches.length < 3) mismatches.push({ index: i, parallel: p, engine: t });
  }
  if (agreeing !== BATCH_SIZE || got.amountSum !== amountSum) {
    await runner.close();
    throw new Error(
      `row 2p: the worker threads disagree with calculateTotals: ${agreeing} of ${BATCH_SIZE} agree, ` +
        `sum of amounts ${got.amountSum} against ${amountSum} öre; ${JSON.stringify(mismatches)}`,
    );
  }
  parallel = {
    workers: runner.workers,
    startMs: Math.round(startMs),
    distributeMs: Math.round(distributeMs),
    verified: { compared: BATCH_SIZE, agreeing, amountSumOre: amountSum },
  };
  console.log(
    `Row 2p: ${runner.workers} worker threads started in ${parallel.startMs} ms (rule book and guidelines loaded in ` +
      `each); ${fmt(BATCH_SIZE)} households copied to them in ${parallel.distributeMs} ms (both outside the timing); ` +
      `${agreeing} of ${BATCH_SIZE} agree with calculateTotals (all five totals; sum of amounts ${amountSum} öre).`,
  );
  const r = runner;
  tasks.push(
    task(
      'calculateTotalsParallel',
      `calculateTotals, batch, ${runner.workers} worker thread${runner.workers === 1 ? '' : 's'}`,
      BATCH_SIZE,
      async () => (await r.run(loaded)).amountSum,
    ),
  );
}

let verification: { readonly compared: number; readonly agreeing: number } | undefined;
if (wants('jre')) {
  const sample = inputsAll.filter(jreComparable).slice(0, JRE_SAMPLE);
  const jreCalc = new JreCalculator(rb);
  // Verify before timing: every household's totals must equal calculateTotals'.
  let agreeing = 0;
  const mismatches: { index: number; jre: Ledger; engine: Totals }[] = [];
  for (let i = 0; i < sample.length; i++) {
    const input = sample[i]!;
    const l = await jreCalc.totals(input);
    const t = calculateTotals(rb, input);
    if (l.norm + l.shared === t.norm && l.costs === t.costs && l.income === t.income && l.amount === t.amount)
      agreeing++;
    else if (mismatches.length < 3) mismatches.push({ index: i, jre: l, engine: t });
  }
  verification = { compared: sample.length, agreeing };
  console.log(
    `json-rules-engine rule set: ${agreeing} of ${sample.length} households agree with calculateTotals ` +
      '(norm, costs, income and amount).',
  );
  for (const m of mismatches) console.log('  MISMATCH', JSON.stringify(m), JSON.stringify(sample[m.index]));
  const trivial = new Engine([
    { conditions: { all: [{ fact: 'age', operator: 'greaterThanInclusive', value: 18 }] }, event: { type: 'adult' } },
  ]);
  tasks.push(
    task(
      'jsonRulesEngine',
      'json-rules-engine rule set',
      sample.length,
      async () => {
        let s = 0;
        for (const input of sample) s += (await jreCalc.totals(input)).amount;
        return s;
      },
      1,
    ),
    task('calculateOnJreSample', 'calculate on the same sample', sample.length, () => {
      let s = 0;
      for (const input of sample) s += calculate(rb, input).amount;
      return s;
    }),
    task(
      'jsonRulesEngineTrivial',
      'json-rules-engine, one trivial rule (evaluations)',
      JRE_TRIVIAL_RUNS,
      async () => {
        let s = 0;
        for (let i = 0; i < JRE_TRIVIAL_RUNS; i++) s += (await trivial.run({ age: i % 40 })).events.length;
        return s;
      },
      1,
    ),
  );
}

// Warm every measurement up, then time them in rounds (one run of each per round), so that a burst
// of other work on the machine spoils one run of several measurements rather than all runs of one.
console.log('\nWarming up…');
for (const t of tasks) await warmUp(t);
for (let r = 0; r < RUNS; r++) {
  process.stdout.write(`Round ${r + 1} of ${RUNS}…\n`);
  for (const t of tasks) await timedRun(t);
}
await runner?.close();
const measured = new Map(tasks.map((t) => [t.id, summarize(t)]));
const calc = measured.get('calculate');
const parseCalc = measured.get('parseAndCalculate');
const batch = measured.get('calculateTotals');
const batchParallelM = measured.get('calculateTotalsParallel');
const batchParallel = batchParallelM && parallel ? { ...batchParallelM, ...parallel } : undefined;
const jreM = measured.get('jsonRulesEngine');
const jre = jreM && verification ? { ...jreM, ...verification } : undefined;
const calcOnJreSample = measured.get('calculateOnJreSample');
const jreTrivial = measured.get('jsonRulesEngineTrivial');

// ---------------------------------------------------------------------------------------------
// Report.

const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
const ratio = (a: number | undefined, b: number | undefined): number | null =>
  a !== undefined && b !== undefined && b > 0 ? Math.round((a / b) * 10) / 10 : null;
const ratios = {
  calculateVsJsonRulesEngine: ratio(calc?.median, jre?.median),
  calculateVsJsonRulesEngineSameSample: ratio(calcOnJreSample?.median, jre?.median),
  calculateVsOpenFisca: ratio(calc?.median, GOALS.openFiscaPerSecond),
};
const goalsMet = {
  calculate: calc ? calc.median >= GOALS.calculatePerSecond : null,
  batch: batch ? batch.median > GOALS.batchPerSecond : null,
  batchParallel: batchParallel ? batchParallel.median > GOALS.batchPerSecond : null,
  jsonRulesEngineAgrees: jre ? jre.agreeing === jre.compared : null,
};

type Row = readonly [string, string, string, string, string];
const rows: Row[] = [];
const row = (n: string, m: Measurement, note: string) =>
  rows.push([n, m.label, fmt(m.households), fmt(m.median), `${fmt(m.min)}–${fmt(m.max)}${note ? `; ${note}` : ''}`]);
if (calc) row('1a', calc, `goal ≥ ${fmt(GOALS.calculatePerSecond)}`);
if (parseCalc) row('1b', parseCalc, '');
if (batch) row('2', batch, `goal > ${fmt(GOALS.batchPerSecond)}`);
if (batchParallel) row('2p', batchParallel, `goal > ${fmt(GOALS.batchPerSecond)}`);
if (jre) {
  const faster = ratios.calculateVsJsonRulesEngine;
  row('3', jre, `${jre.agreeing} of ${jre.compared} agree` + (faster !== null ? `; 1a is ${faster}× faster` : ''));
}
if (calcOnJreSample) row('3b', calcOnJreSample, `${ratios.calculateVsJsonRulesEngineSameSample}× the rule set`);
if (jreTrivial) row('3c', jreTrivial, `DOMAIN.md: ≈ ${fmt(GOALS.jsonRulesEngineTrivialPerSecond)}/s`);
rows.push(['ref', 'OpenFisca, per request (measured earlier)', '', `≈ ${fmt(GOALS.openFiscaPerSecond)}`, '']);

const header: Row = ['#', 'Measurement', 'Households', 'Median households/s', 'Range of runs; notes'];
const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
const line = (r: readonly string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
console.log('');
console.log(line(header));
console.log(`| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
for (const r of rows) console.log(line(r));
console.log('');
console.log(`Peak RSS ${peakRssMb} MB; whole run ${Math.round((performance.now() - started) / 100) / 10} s.`);
const threadsOf = (m: Measurement): number => (m.id === 'calculateTotalsParallel' ? (parallel?.workers ?? 1) : 1);
const disturbed = [...measured.values()].filter((m) => median(m.cpuShare) < 0.9 * threadsOf(m));
if (disturbed.length > 0)
  console.log(
    `Other work took the CPU during ${disturbed.map((m) => m.label).join(', ')} ` +
      '(median CPU time ÷ wall time below 0.9 per thread): those figures are low; run again on a quiet machine.',
  );
if (goalsMet.calculate === false || goalsMet.batch === false)
  console.log('Below a goal: profile with --only=calculate or --only=batch (see the top of this file).');

const results = {
  calculate: calc ?? null,
  parseAndCalculate: parseCalc ?? null,
  calculateTotalsBatch: batch ?? null,
  calculateTotalsParallel: batchParallel ?? null,
  jsonRulesEngine: jre ?? null,
  calculateOnJreSample: calcOnJreSample ?? null,
  jsonRulesEngineTrivial: jreTrivial ?? null,
};

const report = {
  benchmark: 'rules',
  timestamp: new Date().toISOString(),
  only: only ?? null,
  environment: {
    ...env,
    loadAverageAtEnd: Math.round(loadavg()[0]! * 100) / 100,
    peakRssMb,
    singleThread: !batchParallel,
  },
  rulebook: { id: rb.id, version: rb.version, hash: rb.hash, engineVersion: ENGINE_VERSION },
  method: {
    seed: SEED,
    setSize: SET_SIZE,
    batchSize: BATCH_SIZE,
    jsonRulesEngineSample: JRE_SAMPLE,
    warmupPasses: WARMUP_PASSES,
    runs: RUNS,
    minRunMs: MIN_RUN_MS,
    schedule: 'all measurements warmed up, then timed in rounds of one run each',
    statistic: 'median households/s over the timed runs',
    parallelBatch:
      'row 2p: os.availableParallelism() worker threads (@tillit/rules/batch); starting them and copying each its ' +
      'share of the households are outside the timing (startMs, distributeMs); a pass is one round in which every ' +
      'worker calculates its share into shared memory and the main thread waits for all; verified household by ' +
      'household against calculateTotals before timing',
  },
  households: mix,
  results,
  ratios,
  goals: GOALS,
  goalsMet,
  /** Sum of the results of every pass (keeps them observable; varies with passes per run). */
  checksum: sink,
};
mkdirSync(dirname(RESULTS_FILE), { recursive: true });
const prettierOptions = (await prettier.resolveConfig(RESULTS_FILE)) ?? {};
writeFileSync(RESULTS_FILE, await prettier.format(JSON.stringify(report), { ...prettierOptions, parser: 'json' }));
console.log(`Results written to ${relative(process.cwd(), RESULTS_FILE)}.`);
