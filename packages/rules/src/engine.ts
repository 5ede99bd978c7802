/**
 * The calculation engine: a household's försörjningsstöd for one month, with every line
 * explained. Pure functions over a compiled rule book; the arithmetic is written once and runs
 * either with explanation (`calculate`) or as totals only (`calculateTotals`, for batches).
 */
import { ageOnFirst, parseMonth } from './dates.ts';
import type { Month } from './dates.ts';
import { EMPTY_GUIDELINES, guidelineAt, snapshotGuidelines } from './guidelines.ts';
import type { Guidelines, GuidelinesSource } from './guidelines.ts';
import { EMPLOYMENT_INCOME, LIVSFORING_TYPES } from './input.ts';
import type { CalculationInput, CostType, FieldProblem, Msg } from './input.ts';
import { COST_LABELS, INCOME_LABELS, MONTHS_EN, MONTHS_SV } from './labels.ts';
import { ceilDiv, formatEn as en, formatRate, formatSv as sv, oreToKronor } from './money.ts';
import { rulePeriodAt, valueAt } from './rulebook.ts';
import type { LegalReference, ParameterValue, RuleBook, VerificationStatus } from './rulebook.ts';
import type { RuleId } from './version.ts';

export type Section = 'norm' | 'costs' | 'income' | 'result';

/**
 * capped: a cost above the municipality's guideline was limited to it.
 * needsAssessment: no guideline applies; the amount applied for was accepted and a person must assess it.
 * proRata: a part-time child's amount (days at home ÷ days in the month).
 * share: a share of the shared costs of a household the applicant lives in without cohabiting.
 * extended: shared costs for more than seven persons.
 * roundedUp: the line divides an amount and was rounded up to a whole öre (the applicant's favour).
 */
export type Flag = 'capped' | 'needsAssessment' | 'proRata' | 'share' | 'extended' | 'roundedUp';

export interface Line {
  /** 1-based position in the calculation. */
  readonly n: number;
  readonly rule: RuleId;
  readonly section: Section;
  readonly person?: string;
  /** The cost or income type the line is about. */
  readonly item?: string;
  /** Contribution to its section in öre (negative for income that is not counted). */
  readonly amountOre: number;
  /** The same in kronor. */
  readonly amount: number;
  /** The parameter values the line read, with their dates, status and source. */
  readonly parameters: readonly ParameterValue[];
  /** The input values the line read. */
  readonly inputs: Readonly<Record<string, string | number | boolean>>;
  /** The legal references of the rule in force for the month. */
  readonly references: readonly LegalReference[];
  readonly text: Msg;
  readonly flags: readonly Flag[];
}

export interface Warning {
  readonly code: 'needs-assessment' | 'parameters-not-verified' | 'rule-not-in-force';
  /** The line it concerns, if any. */
  readonly line?: number;
  readonly text: Msg;
}

/** Totals in öre. */
export interface Totals {
  readonly norm: number;
  readonly costs: number;
  readonly income: number;
  readonly amount: number;
  readonly surplus: number;
}

export interface Receipt {
  readonly format: 'tillit-receipt/1';
  readonly engine: { readonly name: '@tillit/rules'; readonly version: string };
  readonly rulebook: { readonly id: string; readonly version: string; readonly hash: string };
  readonly input: CalculationInput;
  /** The municipal guideline values the calculation read, so the receipt replays on its own. */
  readonly guidelines: GuidelinesSource;
  readonly lines: readonly Line[];
  readonly totals: Totals;
  /** The weakest verification status among the rule-book parameters used. */
  readonly status: VerificationStatus;
}

export interface CalculationResult {
  readonly month: string;
  readonly municipality?: string;
  /** Totals in kronor. */
  readonly norm: number;
  readonly costs: number;
  readonly income: number;
  readonly amount: number;
  readonly surplus: number;
  readonly status: VerificationStatus;
  readonly lines: readonly Line[];
  readonly warnings: readonly Warning[];
  readonly receipt: Receipt;
}

export class CalculationError extends Error {
  constructor(
    readonly code: 'missing-parameters',
    readonly problems: readonly (FieldProblem & { readonly text: Msg })[],
  ) {
    super(problems.map((p) => p.text.en).join(' '));
    this.name = 'CalculationError';
  }
}

export interface CalculateOptions {
  /** The municipality's guidelines (open parameters); none means every guided cost is assessed by a person. */
  readonly guidelines?: Guidelines;
}

// ---------------------------------------------------------------------------------------------
// Month context: everything that depends only on the rule book and the month, memoized.

interface MonthContext {
  readonly m: Month;
  readonly monthSv: string;
  readonly monthEn: string;
  /** Parameter values by slot (see SLOT_IDS): undefined until resolved, null when missing. */
  readonly slots: (ParameterValue | null | undefined)[];
  readonly refs: Map<RuleId, readonly LegalReference[] | null>;
  /** The rules every calculation needs that are not in force this month (computed once). */
  coreMissing: readonly string[] | null;
  /** Municipal guidelines resolved for this month, per guideline set. */
  readonly guidelines: WeakMap<Guidelines, GuidelineMonth>;
  readonly notVerified: { secondary?: Warning; derived?: Warning };
}

/** A guideline set resolved for one month: caps per cost type, and the receipt's snapshot. */
interface GuidelineMonth {
  /** Per cost type: [generic cap, cap for 1 person, …, cap for 7 or more]. */
  readonly caps: Map<CostType, readonly (ParameterValue | undefined)[]>;
  snapshot: GuidelinesSource | null;
}

const contexts = new WeakMap<RuleBook, Map<string, MonthContext>>();

function monthContext(rb: RuleBook, month: string): MonthContext {
  let byMonth = contexts.get(rb);
  if (!byMonth) contexts.set(rb, (byMonth = new Map()));
  let ctx = byMonth.get(month);
  if (!ctx) {
    const m = parseMonth(month);
    ctx = {
      m,
      monthSv: `${MONTHS_SV[m.month - 1]} ${m.year}`,
      monthEn: `${MONTHS_EN[m.month - 1]} ${m.year}`,
      slots: [],
      refs: new Map(),
      coreMissing: null,
      guidelines: new WeakMap(),
      notVerified: {},
    };
    byMonth.set(month, ctx);
  }
  return ctx;
}

const STATUS_RANK: Record<VerificationStatus, number> = { verified: 0, secondary: 1, derived: 2 };
const NO_FLAGS: readonly Flag[] = Object.freeze([]);
const NO_PARAMS: readonly ParameterValue[] = Object.freeze([]);
// Shared empty arrays for totals-only runs, which never push to them.
const NO_LINES: Line[] = [];
const NO_WARNINGS: Warning[] = [];

/** Mutable state of one calculation. */
interface Acc {
  readonly rb: RuleBook;
  readonly ctx: MonthContext;
  readonly explain: boolean;
  readonly lines: Line[];
  readonly warnings: Warning[];
  missing: string[] | null;
  readonly g: Guidelines;
  status: VerificationStatus;
}

// The state parameters the rules read, numbered so that a month resolves each once into an array.
const SLOT_IDS: string[] = [];
function slot(id: string): number {
  SLOT_IDS.push(id);
  return SLOT_IDS.length - 1;
}
const ADULT_SINGLE = slot('riksnorm.personal.adult.single');
const ADULT_COUPLE = slot('riksnorm.personal.adult.couple');
const PRISBASBELOPP = slot('prisbasbelopp');
const JOBBSTIMULANS_RATE = slot('jobbstimulans.rate');
/** SHARED[n]: shared costs for n persons (1–7). */
const SHARED: readonly number[] = [-1, 1, 2, 3, 4, 5, 6, 7].map((n) => (n < 0 ? -1 : slot(`riksnorm.shared.${n}`)));

/** The parameter value in force this month for a slot; records a missing one and the weakest status. */
function param(acc: Acc, slotNo: number): ParameterValue | undefined {
  const { ctx } = acc;
  let v = ctx.slots[slotNo];
  if (v === undefined) {
    const def = acc.rb.parameters.get(SLOT_IDS[slotNo]!);
    v = (def && valueAt(def.values, ctx.m.firstDay)) ?? null;
    ctx.slots[slotNo] = v;
  }
  if (v === null) {
    const id = SLOT_IDS[slotNo]!;
    if (acc.missing === null) acc.missing = [id];
    else if (!acc.missing.includes(id)) acc.missing.push(id);
    return undefined;
  }
  if (STATUS_RANK[v.status] > STATUS_RANK[acc.status]) acc.status = v.status;
  return v;
}

function refs(acc: Acc, rule: RuleId): readonly LegalReference[] | undefined {
  const { ctx } = acc;
  let r = ctx.refs.get(rule);
  if (r === undefined) {
    const def = acc.rb.rules.get(rule);
    r = (def && rulePeriodAt(def, ctx.m.firstDay)?.references) ?? null;
    ctx.refs.set(rule, r);
  }
  return r ?? undefined;
}

function push(
  acc: Acc,
  rule: RuleId,
  section: Section,
  amountOre: number,
  parameters: readonly ParameterValue[],
  inputs: Record<string, string | number | boolean>,
  text: Msg,
  flags: readonly Flag[] = NO_FLAGS,
  person?: string,
  item?: string,
): number {
  const n = acc.lines.length + 1;
  // One object shape for every line (absent person/item are undefined, which JSON omits).
  const line: Line = {
    n,
    rule,
    section,
    person,
    item,
    amountOre,
    amount: oreToKronor(amountOre),
    parameters,
    inputs,
    references: refs(acc, rule) ?? [],
    text,
    flags,
  };
  acc.lines.push(line);
  return n;
}

// ---------------------------------------------------------------------------------------------
// The rules.

interface ChildBand {
  readonly max: number;
  readonly sv: string;
  readonly en: string;
  /** Parameter slot with lunch at home (or the only one from seven years). */
  readonly slot: number;
  /** Parameter slot without weekday lunch at home (0–6 years), else -1. */
  readonly noLunchSlot: number;
}

function band(max: number, name: string, sv: string, en: string, lunch: boolean): ChildBand {
  const id = `riksnorm.personal.child.${name}`;
  return { max, sv, en, slot: slot(id), noLunchSlot: lunch ? slot(`${id}.withoutLunch`) : -1 };
}

const CHILD_BANDS: readonly ChildBand[] = [
  band(0, '0', '0 år', 'aged 0', true),
  band(2, '1-2', '1–2 år', 'aged 1–2', true),
  band(3, '3', '3 år', 'aged 3', true),
  band(6, '4-6', '4–6 år', 'aged 4–6', true),
  band(10, '7-10', '7–10 år', 'aged 7–10', false),
  band(14, '11-14', '11–14 år', 'aged 11–14', false),
  band(18, '15-18', '15–18 år', 'aged 15–18', false),
  band(20, '19-20', '19–20 år', 'aged 19–20', false),
];

/** The band for each age 0–20. */
const BAND_BY_AGE: readonly ChildBand[] = Array.from({ length: 21 }, (_, age) =>
  CHILD_BANDS.find((b) => age <= b.max)!,
);

function childBand(age: number): ChildBand {
  return BAND_BY_AGE[age > 20 ? 20 : age]!;
}

function adultsNorm(acc: Acc, input: CalculationInput): number {
  const couple = input.household.adults.length === 2;
  const p = param(acc, couple ? ADULT_COUPLE : ADULT_SINGLE);
  if (!p) return 0;
  if (acc.explain) {
    const adults = input.household.adults;
    const ids = couple ? adults[0]!.id + ' + ' + adults[1]!.id : adults[0]!.id;
    push(
      acc,
      'norm.personal.adults',
      'norm',
      p.amount,
      [p],
      { adults: input.household.adults.length },
      couple
        ? {
            sv: `Personliga kostnader för ett sammanboende par (${ids}) enligt riksnormen: ${sv(p.amount)}.`,
            en: `Personal costs for a cohabiting couple (${ids}) under the national norm: ${en(p.amount)}.`,
          }
        : {
            sv: `Personliga kostnader för en ensamstående vuxen (${ids}) enligt riksnormen: ${sv(p.amount)}.`,
            en: `Personal costs for a single adult (${ids}) under the national norm: ${en(p.amount)}.`,
          },
      NO_FLAGS,
      couple ? undefined : input.household.adults[0]!.id,
    );
  }
  return p.amount;
}

function childrenNorm(acc: Acc, input: CalculationInput): number {
  const { m } = acc.ctx;
  let total = 0;
  for (const c of input.household.children) {
    const age = c.birthDate > m.firstDay ? 0 : ageOnFirst(c.birthDate, m.year, m.month);
    const band = childBand(age);
    const lunchBand = band.noLunchSlot >= 0;
    const withoutLunch = lunchBand && !c.lunchAtHome;
    const p = param(acc, withoutLunch ? band.noLunchSlot : band.slot);
    if (!p) continue;
    const days = c.daysAtHome ?? m.days;
    const partTime = days < m.days;
    const amount = partTime ? ceilDiv(p.amount * days, m.days) : p.amount;
    total += amount;
    if (acc.explain) {
      const lunchSv = lunchBand
        ? withoutLunch
          ? ', äter inte lunch hemma på vardagar'
          : ', äter lunch hemma på vardagar'
        : '';
      const lunchEn = lunchBand ? (withoutLunch ? ', no weekday lunch at home' : ', weekday lunch at home') : '';
      const rounded = partTime && p.amount * days !== amount * m.days;
      push(
        acc,
        'norm.personal.children',
        'norm',
        amount,
        [p],
        { birthDate: c.birthDate, age, lunchAtHome: c.lunchAtHome, daysAtHome: days, daysInMonth: m.days },
        partTime
          ? {
              sv: `Personliga kostnader för ${c.id} (${band.sv} den 1 ${acc.ctx.monthSv}${lunchSv}), som bor i hushållet ${days} av ${m.days} dagar: ${sv(p.amount)} × ${days}/${m.days} = ${sv(amount)}${rounded ? ' (avrundat uppåt till helt öre)' : ''}.`,
              en: `Personal costs for ${c.id} (${band.en} on 1 ${acc.ctx.monthEn}${lunchEn}), living in the household ${days} of ${m.days} days: ${en(p.amount)} × ${days}/${m.days} = ${en(amount)}${rounded ? ' (rounded up to a whole öre)' : ''}.`,
            }
          : {
              sv: `Personliga kostnader för ${c.id} (${band.sv} den 1 ${acc.ctx.monthSv}${lunchSv}) enligt riksnormen: ${sv(amount)}.`,
              en: `Personal costs for ${c.id} (${band.en} on 1 ${acc.ctx.monthEn}${lunchEn}) under the national norm: ${en(amount)}.`,
            },
        partTime ? (rounded ? ['proRata', 'roundedUp'] : ['proRata']) : NO_FLAGS,
        c.id,
      );
    }
  }
  return total;
}

/** Shared costs for a household of `size` persons (above seven: the 6→7 step per extra person). */
function sharedFor(acc: Acc, size: number): { amount: number; params: ParameterValue[] } | undefined {
  if (size <= 7) {
    const p = param(acc, SHARED[size]!);
    return p && { amount: p.amount, params: [p] };
  }
  const p6 = param(acc, SHARED[6]!);
  const p7 = param(acc, SHARED[7]!);
  if (!p6 || !p7) return undefined;
  return { amount: p7.amount + (size - 7) * (p7.amount - p6.amount), params: [p6, p7] };
}

function sharedNorm(acc: Acc, input: CalculationInput): number {
  const persons = input.household.adults.length + input.household.children.length;
  const size = input.household.householdSize ?? persons;
  const s = sharedFor(acc, size);
  if (!s) return 0;
  const extended = size > 7;
  const step = extended ? s.params[1]!.amount - s.params[0]!.amount : 0;
  const extSv = extended
    ? ` (${sv(s.params[1]!.amount)} för sju personer + ${size - 7} × ${sv(step)} för varje person utöver sju)`
    : '';
  const extEn = extended
    ? ` (${en(s.params[1]!.amount)} for seven persons + ${size - 7} × ${en(step)} for each person beyond seven)`
    : '';
  if (input.household.householdSize === undefined) {
    if (acc.explain) {
      push(
        acc,
        'norm.shared',
        'norm',
        s.amount,
        s.params,
        { persons: size },
        {
          sv: `Hushållsgemensamma kostnader för ett hushåll med ${size} ${size === 1 ? 'person' : 'personer'}${extSv}: ${sv(s.amount)}.`,
          en: `Shared household costs for a household of ${size} ${size === 1 ? 'person' : 'persons'}${extEn}: ${en(s.amount)}.`,
        },
        extended ? ['extended'] : NO_FLAGS,
      );
    }
    return s.amount;
  }
  const amount = ceilDiv(s.amount * persons, size);
  if (acc.explain) {
    const rounded = amount * size !== s.amount * persons;
    const flags: Flag[] = ['share'];
    if (extended) flags.push('extended');
    if (rounded) flags.push('roundedUp');
    push(
      acc,
      'norm.shared.nonCohabiting',
      'norm',
      amount,
      s.params,
      { persons, householdSize: size },
      {
        sv: `Du delar hushåll med andra utan att vara sambo. Hushållsgemensamma kostnader för hela hushållet med ${size} personer${extSv} är ${sv(s.amount)}; er andel är ${persons} av ${size}: ${sv(s.amount)} × ${persons}/${size} = ${sv(amount)}${rounded ? ' (avrundat uppåt till helt öre)' : ''}.`,
        en: `You share a household with others without cohabiting. Shared costs for the whole household of ${size} persons${extEn} are ${en(s.amount)}; your share is ${persons} of ${size}: ${en(s.amount)} × ${persons}/${size} = ${en(amount)}${rounded ? ' (rounded up to a whole öre)' : ''}.`,
      },
      flags,
    );
  }
  return amount;
}

/** The needs-assessment warning for each cost type (constant, built once). */
const NEEDS_ASSESSMENT = Object.fromEntries(
  Object.entries(COST_LABELS).map(([type, label]) => [
    type,
    Object.freeze({
      sv: `${label.sv} saknar riktlinje och ska bedömas av en handläggare.`,
      en: `${label.en} has no guideline and must be assessed by a caseworker.`,
    }),
  ]),
) as Record<CostType, Msg>;

/** The warning for a month whose amounts are not all verified (one object per month and status). */
function notVerifiedWarning(ctx: MonthContext, status: 'secondary' | 'derived'): Warning {
  let w = ctx.notVerified[status];
  if (!w) {
    // Shared by every result of the month, so frozen.
    w = ctx.notVerified[status] = Object.freeze({
      code: 'parameters-not-verified',
      text:
        status === 'derived'
          ? {
              sv: `Några belopp för ${ctx.monthSv} är framräknade och ännu inte kontrollerade mot den officiella författningen.`,
              en: `Some amounts for ${ctx.monthEn} are derived and not yet checked against the official statute.`,
            }
          : {
              sv: `Några belopp för ${ctx.monthSv} kommer från en sekundär källa och är ännu inte kontrollerade mot den officiella författningen.`,
              en: `Some amounts for ${ctx.monthEn} come from a secondary source and are not yet checked against the official statute.`,
            },
    });
  }
  return w;
}

function guidelineMonth(ctx: MonthContext, g: Guidelines): GuidelineMonth {
  let gm = ctx.guidelines.get(g);
  if (!gm) ctx.guidelines.set(g, (gm = { caps: new Map(), snapshot: null }));
  return gm;
}

/** The guideline capping a cost type for a household of `persons`: by size if set, else general. */
function guidelineFor(acc: Acc, type: CostType, persons: number): ParameterValue | undefined {
  const gm = guidelineMonth(acc.ctx, acc.g);
  let caps = gm.caps.get(type);
  if (!caps) {
    const date = acc.ctx.m.firstDay;
    caps = [0, 1, 2, 3, 4, 5, 6, 7].map((n) =>
      guidelineAt(acc.g, n === 0 ? `guideline.${type}.max` : `guideline.${type}.max.${n}`, date),
    );
    gm.caps.set(type, caps);
  }
  return caps[persons > 7 ? 7 : persons] ?? caps[0];
}

/** The municipal guideline values in force in the month, as the receipt records them. */
function guidelinesInForce(ctx: MonthContext, g: Guidelines): GuidelinesSource {
  if (g.values.size === 0) return [];
  const gm = guidelineMonth(ctx, g);
  if (gm.snapshot === null) {
    const inForce: ParameterValue[] = [];
    for (const id of g.values.keys()) {
      const v = guidelineAt(g, id, ctx.m.firstDay);
      if (v) inForce.push(v);
    }
    gm.snapshot = snapshotGuidelines(g, inForce);
  }
  return gm.snapshot;
}

const SCRATCH_TYPES: CostType[] = [];
const SCRATCH_SUMS: number[] = [];
const SCRATCH_COUNTS: number[] = [];

/** Input kronor (validated: at most two decimals) to öre. */
function ore(kronor: number): number {
  return Math.round(kronor * 100);
}

function costs(acc: Acc, input: CalculationInput): number {
  const list = input.costs;
  if (list.length === 0) return 0;
  // Sum per type, in the order types first appear; a guideline applies to a type's total.
  // The scratch arrays are module-level: the engine is synchronous and calls no outside code.
  const types = SCRATCH_TYPES;
  const sums = SCRATCH_SUMS;
  const counts = SCRATCH_COUNTS;
  let seen = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!;
    let k = 0;
    while (k < seen && types[k] !== c.type) k++;
    if (k < seen) {
      sums[k]! += ore(c.amount);
      counts[k]!++;
    } else {
      types[seen] = c.type;
      sums[seen] = ore(c.amount);
      counts[seen] = 1;
      seen++;
    }
  }
  const persons = input.household.adults.length + input.household.children.length;
  let total = 0;
  for (let k = 0; k < seen; k++) {
    const type = types[k]!;
    const applied = sums[k]!;
    const items = counts[k]!;
    const rule: RuleId = LIVSFORING_TYPES.has(type) ? 'costs.livsforingIOvrigt' : 'costs.reasonable';
    const cap = guidelineFor(acc, type, persons);
    const accepted = cap && applied > cap.amount ? cap.amount : applied;
    total += accepted;
    if (acc.explain) {
      const label = COST_LABELS[type];
      const inputs = { type, applied: applied / 100, items };
      let n: number;
      if (!cap) {
        n = push(
          acc,
          rule,
          'costs',
          accepted,
          NO_PARAMS,
          inputs,
          {
            sv: `${label.sv}: ${sv(applied)} godtas som ansökt. Kommunen har ingen riktlinje för kostnaden, så en handläggare ska bedöma den.`,
            en: `${label.en}: ${en(applied)} is accepted as applied for. The municipality has no guideline for this cost, so a caseworker must assess it.`,
          },
          ['needsAssessment'],
          undefined,
          type,
        );
        acc.warnings.push({
          code: 'needs-assessment',
          line: n,
          text: NEEDS_ASSESSMENT[type],
        });
      } else if (accepted < applied) {
        push(
          acc,
          rule,
          'costs',
          accepted,
          [cap],
          inputs,
          {
            sv: `${label.sv}: ${sv(applied)} söktes. Kommunens riktlinje är högst ${sv(cap.amount)}, så ${sv(accepted)} godtas.`,
            en: `${label.en}: ${en(applied)} was applied for. The municipality's guideline is at most ${en(cap.amount)}, so ${en(accepted)} is accepted.`,
          },
          ['capped'],
          undefined,
          type,
        );
      } else {
        push(
          acc,
          rule,
          'costs',
          accepted,
          [cap],
          inputs,
          {
            sv: `${label.sv}: ${sv(accepted)} godtas (kommunens riktlinje är högst ${sv(cap.amount)}).`,
            en: `${label.en}: ${en(accepted)} is accepted (the municipality's guideline is at most ${en(cap.amount)}).`,
          },
          NO_FLAGS,
          undefined,
          type,
        );
      }
    }
  }
  return total;
}

/** A person's income from employment this month, in öre. */
function employmentIncome(input: CalculationInput, person: string): number {
  let sum = 0;
  for (const inc of input.incomes) if (inc.person === person && EMPLOYMENT_INCOME.has(inc.type)) sum += ore(inc.amount);
  return sum;
}

function incomes(acc: Acc, input: CalculationInput): number {
  if (input.incomes.length === 0) return 0;
  let total = 0;
  let anyEmployment = false;
  for (const inc of input.incomes) {
    const amount = ore(inc.amount);
    total += amount;
    if (inc.person !== undefined && EMPLOYMENT_INCOME.has(inc.type)) anyEmployment = true;
    if (acc.explain) {
      const label = INCOME_LABELS[inc.type];
      const whose = inc.person !== undefined ? ` (${inc.person})` : '';
      push(
        acc,
        'income.counted',
        'income',
        amount,
        NO_PARAMS,
        { type: inc.type, amount: inc.amount },
        {
          sv: `${label.sv}${whose}: ${sv(amount)} räknas som inkomst.`,
          en: `${label.en}${whose}: ${en(amount)} counts as income.`,
        },
        NO_FLAGS,
        inc.person,
        inc.type,
      );
    }
  }
  if (!anyEmployment) return total;

  // Jobbstimulans: a share of a qualifying adult's employment income is not counted.
  for (const a of input.household.adults) {
    if (!a.jobStimulus) continue;
    const earned = employmentIncome(input, a.id);
    if (earned === 0) continue;
    if (!refs(acc, 'income.jobbstimulans')) {
      if (acc.explain)
        acc.warnings.push({
          code: 'rule-not-in-force',
          text: {
            sv: `Jobbstimulans gäller inte ${acc.ctx.monthSv}; hela lönen för ${a.id} räknas.`,
            en: `Jobbstimulans is not in force in ${acc.ctx.monthEn}; all of ${a.id}'s salary counts.`,
          },
        });
      continue;
    }
    const rate = param(acc, JOBBSTIMULANS_RATE);
    if (!rate) continue;
    const exempt = ceilDiv(earned * rate.amount, 10_000);
    total -= exempt;
    if (acc.explain) {
      const rounded = exempt * 10_000 !== earned * rate.amount;
      push(
        acc,
        'income.jobbstimulans',
        'income',
        -exempt,
        [rate],
        { person: a.id, employmentIncome: earned / 100, jobStimulus: true },
        {
          sv: `Jobbstimulans: ${formatRate(rate.amount, 'sv')} av ${a.id}s inkomst av anställning (${sv(earned)}) räknas inte, ${sv(exempt)}${rounded ? ' (avrundat uppåt till helt öre)' : ''}.`,
          en: `Job stimulus (jobbstimulans): ${formatRate(rate.amount, 'en')} of ${a.id}'s employment income (${en(earned)}) is not counted, ${en(exempt)}${rounded ? ' (rounded up to a whole öre)' : ''}.`,
        },
        rounded ? ['roundedUp'] : NO_FLAGS,
        a.id,
        'salary',
      );
    }
  }

  // Children's and pupils' own earnings: not counted up to one prisbasbelopp per calendar year.
  for (const c of input.household.children) {
    const earned = employmentIncome(input, c.id);
    if (earned === 0) continue;
    const pbb = param(acc, PRISBASBELOPP);
    if (!pbb) continue;
    const earlier = ore(c.earlierEarningsThisYear);
    const room = pbb.amount > earlier ? pbb.amount - earlier : 0;
    const exempt = earned < room ? earned : room;
    total -= exempt;
    if (acc.explain) {
      push(
        acc,
        'income.childEarnings',
        'income',
        0 - exempt, // +0, not −0, when nothing is exempt
        [pbb],
        { person: c.id, employmentIncome: earned / 100, earlierEarningsThisYear: c.earlierEarningsThisYear },
        exempt === 0
          ? {
              sv: `${c.id}s egen arbetsinkomst räknas inte upp till ett prisbasbelopp (${sv(pbb.amount)}) per år, men ${c.id} har redan tjänat ${sv(earlier)} i år. Hela månadens ${sv(earned)} räknas.`,
              en: `${c.id}'s own earnings are not counted up to one price base amount (${en(pbb.amount)}) a year, but ${c.id} has already earned ${en(earlier)} this year. All of this month's ${en(earned)} counts.`,
            }
          : exempt === earned
            ? {
                sv: `${c.id}s egen arbetsinkomst räknas inte upp till ett prisbasbelopp (${sv(pbb.amount)}) per år. Tidigare i år: ${sv(earlier)}. Hela månadens ${sv(earned)} räknas inte.`,
                en: `${c.id}'s own earnings are not counted up to one price base amount (${en(pbb.amount)}) a year. Earlier this year: ${en(earlier)}. All of this month's ${en(earned)} is not counted.`,
              }
            : {
                sv: `${c.id}s egen arbetsinkomst räknas inte upp till ett prisbasbelopp (${sv(pbb.amount)}) per år. Tidigare i år: ${sv(earlier)}, så ${sv(exempt)} av månadens ${sv(earned)} räknas inte och resten räknas.`,
                en: `${c.id}'s own earnings are not counted up to one price base amount (${en(pbb.amount)}) a year. Earlier this year: ${en(earlier)}, so ${en(exempt)} of this month's ${en(earned)} is not counted and the rest counts.`,
              },
        NO_FLAGS,
        c.id,
        'salary',
      );
    }
  }
  return total;
}

function newAcc(rb: RuleBook, input: CalculationInput, g: Guidelines, explain: boolean): Acc {
  return {
    rb,
    ctx: monthContext(rb, input.month),
    explain,
    lines: explain ? [] : NO_LINES,
    warnings: explain ? [] : NO_WARNINGS,
    missing: null,
    g,
    status: 'verified',
  };
}

/** Runs every rule for one household; lines and warnings go to `acc` when it explains. */
function run(acc: Acc, input: CalculationInput): Totals {
  const { rb, ctx } = acc;
  const norm = adultsNorm(acc, input) + childrenNorm(acc, input) + sharedNorm(acc, input);
  const costTotal = costs(acc, input);
  const income = incomes(acc, input);
  if (ctx.coreMissing === null) {
    const core = ['norm.personal.adults', 'norm.shared', 'result.amount'] as const;
    ctx.coreMissing = core.filter((rule) => !refs(acc, rule)).map((rule) => `rule:${rule}`);
  }
  if (ctx.coreMissing.length > 0) acc.missing = [...(acc.missing ?? []), ...ctx.coreMissing];
  if (acc.missing !== null) throw missingError(rb, acc, acc.missing);

  const need = norm + costTotal;
  const amount = need > income ? need - income : 0;
  const surplus = income > need ? income - need : 0;
  if (acc.explain) {
    push(
      acc,
      'result.amount',
      'result',
      amount,
      NO_PARAMS,
      { norm: norm / 100, costs: costTotal / 100, income: income / 100 },
      surplus > 0
        ? {
            sv: `Behovet är ${sv(need)} (riksnorm ${sv(norm)} + kostnader ${sv(costTotal)}). Inkomsterna är ${sv(income)}, ${sv(surplus)} mer än behovet (normöverskott). Inget försörjningsstöd betalas för ${acc.ctx.monthSv}.`,
            en: `The need is ${en(need)} (national norm ${en(norm)} + costs ${en(costTotal)}). Income is ${en(income)}, ${en(surplus)} more than the need (surplus). No försörjningsstöd is paid for ${acc.ctx.monthEn}.`,
          }
        : {
            sv: `Behovet är ${sv(need)} (riksnorm ${sv(norm)} + kostnader ${sv(costTotal)}). Inkomsterna är ${sv(income)}. Försörjningsstöd för ${acc.ctx.monthSv}: ${sv(need)} − ${sv(income)} = ${sv(amount)}.`,
            en: `The need is ${en(need)} (national norm ${en(norm)} + costs ${en(costTotal)}). Income is ${en(income)}. Försörjningsstöd for ${acc.ctx.monthEn}: ${en(need)} − ${en(income)} = ${en(amount)}.`,
          },
    );
    if (acc.status !== 'verified') {
      acc.warnings.push(notVerifiedWarning(ctx, acc.status));
    }
  }
  return { norm, costs: costTotal, income, amount, surplus };
}

/** The periods a parameter has values for, briefly: "2019, 2021, 2023–2026" or dates. */
function describeAvailable(rb: RuleBook, id: string): string {
  const def = rb.parameters.get(id);
  if (!def || def.values.length === 0) return '';
  const parts: string[] = [];
  let runStart = -1;
  let runEnd = -1;
  const flush = () => {
    if (runStart >= 0) parts.push(runStart === runEnd ? String(runStart) : `${runStart}–${runEnd}`);
    runStart = runEnd = -1;
  };
  for (const v of def.values) {
    const y = Number(v.from.slice(0, 4));
    const wholeYear = v.from.endsWith('-01-01') && v.until === `${y}-12-31`;
    if (!wholeYear) {
      flush();
      parts.push(v.until ? `${v.from}–${v.until}` : `${v.from}–`);
    } else if (runStart >= 0 && y === runEnd + 1) runEnd = y;
    else {
      flush();
      runStart = runEnd = y;
    }
  }
  flush();
  return parts.join(', ');
}

function missingError(rb: RuleBook, acc: Acc, missing: readonly string[]): CalculationError {
  const month = acc.ctx.m.iso;
  const problems = missing.map((id) => {
    if (id.startsWith('rule:')) {
      const rule = id.slice(5);
      const text = {
        sv: `Regeln ${rule} gäller inte ${acc.ctx.monthSv}.`,
        en: `The rule ${rule} is not in force in ${acc.ctx.monthEn}.`,
      };
      return { pointer: '/month', field: 'month', code: 'missing-parameter', message: text.en, text };
    }
    const available = describeAvailable(rb, id);
    const text = {
      sv: `Regelboken har inget värde för ${id} i ${acc.ctx.monthSv}${available ? ` (värden finns för ${available})` : ''}.`,
      en: `The rule book has no value for ${id} in ${acc.ctx.monthEn}${available ? ` (values exist for ${available})` : ''}.`,
    };
    return {
      pointer: '/month',
      field: 'month',
      code: 'missing-parameter',
      message: text.en,
      text,
      parameter: id,
      month,
    };
  });
  return new CalculationError('missing-parameters', problems);
}

/**
 * Calculates försörjningsstöd for a validated input with every line explained and a receipt.
 * Throws CalculationError when the rule book lacks a value the household needs for the month.
 */
export function calculate(rb: RuleBook, input: CalculationInput, options: CalculateOptions = {}): CalculationResult {
  const g = options.guidelines ?? EMPTY_GUIDELINES;
  const acc = newAcc(rb, input, g, true);
  const totals = run(acc, input);
  const receipt: Receipt = {
    format: 'tillit-receipt/1',
    engine: { name: '@tillit/rules', version: rb.engineVersion },
    rulebook: { id: rb.id, version: rb.version, hash: rb.hash },
    input,
    guidelines: guidelinesInForce(acc.ctx, g),
    lines: acc.lines,
    totals,
    status: acc.status,
  };
  return {
    month: input.month,
    municipality: input.municipality, // undefined when absent; JSON omits it
    norm: oreToKronor(totals.norm),
    costs: oreToKronor(totals.costs),
    income: oreToKronor(totals.income),
    amount: oreToKronor(totals.amount),
    surplus: oreToKronor(totals.surplus),
    status: acc.status,
    lines: acc.lines,
    warnings: acc.warnings,
    receipt,
  };
}

/** The same arithmetic without explanation: totals in öre, for batches and simulations. */
export function calculateTotals(rb: RuleBook, input: CalculationInput, options: CalculateOptions = {}): Totals {
  return run(newAcc(rb, input, options.guidelines ?? EMPTY_GUIDELINES, false), input);
}
