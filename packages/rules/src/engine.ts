/**
 * The calculation engine: a household's försörjningsstöd for one month, with every line
 * explained. Pure functions over a compiled rule book; the arithmetic is written once and runs
 * either with explanation (`calculate`) or as totals only (`calculateTotals`, for batches).
 */
import { childAgeOnFirst, parseMonth } from './dates.ts';
import type { Month } from './dates.ts';
import { EMPTY_GUIDELINES, guidelineAt, snapshotGuidelines } from './guidelines.ts';
import type { Guidelines, GuidelinesSource } from './guidelines.ts';
import { COST_TYPES, EMPLOYMENT_INCOME, INCOME_TYPES, LIVSFORING_TYPES } from './input.ts';
import type { CalculationInput, CostType, FieldProblem, Msg } from './input.ts';
import { COST_LABELS, INCOME_LABELS, MONTHS_EN, MONTHS_SV } from './labels.ts';
import { appendEn, appendSv, ceilDiv, formatEn as en, formatRate, formatSv as sv, oreToKronor } from './money.ts';
import { rulePeriodAt, valueAt } from './rulebook.ts';
import type { LegalReference, ParameterValue, RuleBook, VerificationStatus } from './rulebook.ts';
import { RULE_IDS } from './version.ts';
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
  /** The parameter values the line read, with their dates, status and source (often a shared, frozen list). */
  readonly parameters: readonly ParameterValue[];
  /** The input values the line read. */
  readonly inputs: Readonly<Record<string, string | number | boolean>>;
  /** The legal references of the rule in force for the month. */
  readonly references: readonly LegalReference[];
  readonly text: Msg;
  /** Often a shared, frozen list. */
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
// Speed. `calculate` runs once per request and `calculateTotals` once per household of a batch,
// so both are written for speed (see docs/benchmarks.md, "Rule book"):
//
// - Everything that depends only on the rule book and the month (parameter values, legal
//   references, the month's names) and on the guidelines and the month (the caps per cost type)
//   is resolved once into a `MonthContext` and looked up by number, not by string key.
// - The explanation's sentences are built from pieces: every part that does not depend on the
//   household (for example "(3 år den 1 mars 2026, äter lunch hemma på vardagar) enligt
//   riksnormen: 2 270 kr.") is rendered once per month and parameter value, so a line costs a few
//   string concatenations instead of a template with several formatted amounts.
// - Objects that are the same for every result of a month are shared and frozen, as the rule
//   book's parameter values and references already were: a line's `parameters` list, its
//   constant `flags` lists, the receipt's engine and rule-book records.
// The sentences, amounts and records are exactly those of a straightforward template per line;
// the scenario, property and replay tests and the benchmark's comparison check that.

/** The rule ids by number: a month's legal references are kept in an array indexed by it. */
type RuleNo = number;
const ruleNo = (id: RuleId): RuleNo => RULE_IDS.indexOf(id);
const R_ADULTS = ruleNo('norm.personal.adults');
const R_CHILDREN = ruleNo('norm.personal.children');
const R_SHARED = ruleNo('norm.shared');
const R_SHARED_PART = ruleNo('norm.shared.nonCohabiting');
const R_REASONABLE = ruleNo('costs.reasonable');
const R_LIVSFORING = ruleNo('costs.livsforingIOvrigt');
const R_INCOME = ruleNo('income.counted');
const R_JOBBSTIMULANS = ruleNo('income.jobbstimulans');
const R_CHILD_EARNINGS = ruleNo('income.childEarnings');
const R_RESULT = ruleNo('result.amount');
/** The rules every calculation needs (a month where one is not in force cannot be calculated). */
const CORE_RULES: readonly RuleNo[] = [R_ADULTS, R_SHARED, R_RESULT];

const STATUSES: readonly VerificationStatus[] = ['verified', 'secondary', 'derived'];
/** Rank of a status: the weakest (highest) one among the parameters used is the result's. */
const STATUS_RANK: Readonly<Record<VerificationStatus, number>> = { verified: 0, secondary: 1, derived: 2 };

/** Everything one rule book needs across months. */
interface RuleBookState {
  /** Months of the years FIRST_YEAR–FIRST_YEAR+199 by monthNumber(); others in `months`. */
  readonly byNumber: (MonthContext | undefined)[];
  readonly months: Map<string, MonthContext>;
  /** The receipt's records of the engine and the rule book (shared by every receipt, so frozen). */
  readonly engine: Receipt['engine'];
  readonly rulebook: Receipt['rulebook'];
}

interface MonthContext {
  readonly m: Month;
  readonly monthSv: string;
  readonly monthEn: string;
  /** Parameter values by slot (see SLOT_IDS): undefined until resolved, null when missing. */
  readonly slots: (ParameterValue | null | undefined)[];
  /** Per slot: the status rank of its value, and the one-element parameter list lines cite. */
  readonly ranks: number[];
  readonly paramLists: (readonly ParameterValue[])[];
  /** Legal references by rule number: undefined until resolved, null when not in force. */
  readonly refs: (readonly LegalReference[] | null | undefined)[];
  /** The rules every calculation needs that are not in force this month (computed once). */
  coreMissing: readonly string[] | null;
  /** Municipal guidelines resolved for this month, per guideline set; the last one used at hand. */
  readonly guidelines: WeakMap<Guidelines, GuidelineMonth>;
  lastGuidelines: Guidelines | null;
  lastGuidelineMonth: GuidelineMonth | null;
  readonly notVerified: { secondary?: Warning; derived?: Warning };
  // Sentence pieces that depend only on the month and its parameter values, built on first use.
  /** The end of the adults' sentence, [single, couple]. */
  readonly adultTexts: (Msg | undefined)[];
  /** The ends of a child's sentences, by parameter slot (band and lunch). */
  readonly childTexts: (ChildTexts | undefined)[];
  /** The whole shared-costs sentence for a household of 1–7 persons (cohabiting). */
  readonly sharedTexts: (Msg | undefined)[];
  /** "Jobbstimulans: 25 % av " for the rate in `jobbstimulansRate`. */
  jobbstimulansRate: ParameterValue | null;
  jobbstimulansHead: Msg | null;
  /** Month pieces of the result sentence. */
  readonly payFor: Msg;
  readonly surplusTail: Msg;
  readonly partTimeDiv: Msg;
}

/** The pieces of a child's two sentences around the child's id and days. */
interface ChildTexts {
  /** Full month: everything after the id. */
  readonly full: Msg;
  /** Part of the month: after the id, before the days; after the days, before the days again. */
  readonly partHead: Msg;
  readonly partMid: Msg;
}

/** A guideline set resolved for one month: caps per cost type, and the receipt's snapshot. */
interface GuidelineMonth {
  /** By cost type number: [generic cap, cap for 1 person, …, cap for 7 or more]; undefined until resolved. */
  readonly caps: ((Cap | undefined)[] | undefined)[];
  snapshot: GuidelinesSource | null;
}

/** A municipal cap with the parts of its cost line's sentences that depend only on the cap. */
interface Cap {
  readonly value: ParameterValue;
  readonly params: readonly ParameterValue[];
  /** After the amount applied for, when it was capped: " söktes. Kommunens riktlinje … godtas." */
  readonly capped: Msg;
  /** After the amount accepted, when it was within the cap. */
  readonly within: Msg;
}

// The rule book used last and its state, at hand without a WeakMap look-up (a process usually has
// one rule book; this keeps the last one alive until another is used).
let lastRuleBook: RuleBook | null = null;
let lastState: RuleBookState | null = null;
const states = new WeakMap<RuleBook, RuleBookState>();

function ruleBookState(rb: RuleBook): RuleBookState {
  if (rb === lastRuleBook) return lastState!;
  let state = states.get(rb);
  if (!state) {
    state = {
      byNumber: new Array<MonthContext | undefined>(MONTH_NUMBERS).fill(undefined),
      months: new Map(),
      engine: Object.freeze({ name: '@tillit/rules', version: rb.engineVersion }),
      rulebook: Object.freeze({ id: rb.id, version: rb.version, hash: rb.hash }),
    };
    states.set(rb, state);
  }
  lastRuleBook = rb;
  lastState = state;
  return state;
}

const FIRST_YEAR = 1900;
const MONTH_NUMBERS = 200 * 12;

/** (year − FIRST_YEAR) × 12 + month − 1 for "YYYY-MM" in the years covered, else -1. */
function monthNumber(month: string): number {
  if (month.length !== 7 || month.charCodeAt(4) !== 45 /* - */) return -1;
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const d = month.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    year = year * 10 + d;
  }
  const d1 = month.charCodeAt(5) - 48;
  const d2 = month.charCodeAt(6) - 48;
  if (d1 < 0 || d1 > 1 || d2 < 0 || d2 > 9) return -1;
  const m = d1 * 10 + d2;
  const n = (year - FIRST_YEAR) * 12 + m - 1;
  return m >= 1 && m <= 12 && n >= 0 && n < MONTH_NUMBERS ? n : -1;
}

/**
 * The month's context, found by the month's number (reading seven characters is cheaper than
 * hashing and comparing the string); anything else, including an invalid month, goes by string.
 */
function monthContext(state: RuleBookState, month: string): MonthContext {
  const n = monthNumber(month);
  if (n < 0) return monthContextByString(state, month);
  return (state.byNumber[n] ??= newMonthContext(month));
}

function monthContextByString(state: RuleBookState, month: string): MonthContext {
  let ctx = state.months.get(month);
  if (!ctx) {
    ctx = newMonthContext(month);
    state.months.set(month, ctx);
  }
  return ctx;
}

function newMonthContext(month: string): MonthContext {
  const m = parseMonth(month);
  const monthSv = `${MONTHS_SV[m.month - 1]} ${m.year}`;
  const monthEn = `${MONTHS_EN[m.month - 1]} ${m.year}`;
  return {
    m,
    monthSv,
    monthEn,
    slots: [],
    ranks: [],
    paramLists: [],
    refs: [],
    coreMissing: null,
    guidelines: new WeakMap(),
    lastGuidelines: null,
    lastGuidelineMonth: null,
    notVerified: {},
    adultTexts: [],
    childTexts: [],
    sharedTexts: [],
    jobbstimulansRate: null,
    jobbstimulansHead: null,
    payFor: { sv: `. Försörjningsstöd för ${monthSv}: `, en: `. Försörjningsstöd for ${monthEn}: ` },
    surplusTail: {
      sv: ` mer än behovet (normöverskott). Inget försörjningsstöd betalas för ${monthSv}.`,
      en: ` more than the need (surplus). No försörjningsstöd is paid for ${monthEn}.`,
    },
    partTimeDiv: { sv: `/${m.days} = `, en: `/${m.days} = ` },
  };
}

const NO_FLAGS: readonly Flag[] = Object.freeze([]);
const NO_PARAMS: readonly ParameterValue[] = Object.freeze([]);
const NO_GUIDELINES: GuidelinesSource = Object.freeze([]) as unknown as GuidelinesSource;
// The flag lists lines use, shared (frozen) like NO_FLAGS.
const FLAGS_PRO_RATA: readonly Flag[] = Object.freeze(['proRata']);
const FLAGS_PRO_RATA_ROUNDED: readonly Flag[] = Object.freeze(['proRata', 'roundedUp']);
const FLAGS_EXTENDED: readonly Flag[] = Object.freeze(['extended']);
const FLAGS_ROUNDED: readonly Flag[] = Object.freeze(['roundedUp']);
const FLAGS_CAPPED: readonly Flag[] = Object.freeze(['capped']);
const FLAGS_NEEDS_ASSESSMENT: readonly Flag[] = Object.freeze(['needsAssessment']);
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
  /** The guidelines resolved for the month, once the costs need them. */
  gm: GuidelineMonth | null;
  /** STATUS_RANK of the weakest status so far. */
  rank: number;
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
    if (v !== null) {
      ctx.ranks[slotNo] = STATUS_RANK[v.status];
      ctx.paramLists[slotNo] = Object.freeze([v]);
    }
  }
  if (v === null) {
    const id = SLOT_IDS[slotNo]!;
    if (acc.missing === null) acc.missing = [id];
    else if (!acc.missing.includes(id)) acc.missing.push(id);
    return undefined;
  }
  const rank = ctx.ranks[slotNo]!;
  if (rank > acc.rank) acc.rank = rank;
  return v;
}

/** The one-element parameter list of a slot that `param` has resolved (shared and frozen). */
function paramList(acc: Acc, slotNo: number): readonly ParameterValue[] {
  return acc.ctx.paramLists[slotNo]!;
}

function refs(acc: Acc, rule: RuleNo): readonly LegalReference[] | undefined {
  const { ctx } = acc;
  let r = ctx.refs[rule];
  if (r === undefined) {
    const def = acc.rb.rules.get(RULE_IDS[rule]!);
    r = (def && rulePeriodAt(def, ctx.m.firstDay)?.references) ?? null;
    ctx.refs[rule] = r;
  }
  return r ?? undefined;
}

function push(
  acc: Acc,
  rule: RuleNo,
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
    rule: RULE_IDS[rule]!,
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

const ROUNDED_END: Msg = { sv: ' (avrundat uppåt till helt öre).', en: ' (rounded up to a whole öre).' };

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
  const adults = input.household.adults;
  const couple = adults.length === 2;
  const slotNo = couple ? ADULT_COUPLE : ADULT_SINGLE;
  const p = param(acc, slotNo);
  if (!p) return 0;
  if (acc.explain) {
    const k = couple ? 1 : 0;
    const tail = (acc.ctx.adultTexts[k] ??= {
      sv: `) enligt riksnormen: ${sv(p.amount)}.`,
      en: `) under the national norm: ${en(p.amount)}.`,
    });
    const a0 = adults[0]!.id;
    let text: Msg;
    if (couple) {
      // The ids are joined onto the long head, not to each other (see appendSv).
      const a1 = adults[1]!.id;
      text = {
        sv: 'Personliga kostnader för ett sammanboende par (' + a0 + ' + ' + a1 + tail.sv,
        en: 'Personal costs for a cohabiting couple (' + a0 + ' + ' + a1 + tail.en,
      };
    } else {
      text = {
        sv: 'Personliga kostnader för en ensamstående vuxen (' + a0 + tail.sv,
        en: 'Personal costs for a single adult (' + a0 + tail.en,
      };
    }
    push(
      acc,
      R_ADULTS,
      'norm',
      p.amount,
      paramList(acc, slotNo),
      { adults: adults.length },
      text,
      NO_FLAGS,
      couple ? undefined : a0,
    );
  }
  return p.amount;
}

/** The parts of a child's sentences that depend only on the month, the band and lunch. */
function childTexts(
  ctx: MonthContext,
  band: ChildBand,
  lunchBand: boolean,
  withoutLunch: boolean,
  p: ParameterValue,
): ChildTexts {
  const lunchSv = lunchBand
    ? withoutLunch
      ? ', äter inte lunch hemma på vardagar'
      : ', äter lunch hemma på vardagar'
    : '';
  const lunchEn = lunchBand ? (withoutLunch ? ', no weekday lunch at home' : ', weekday lunch at home') : '';
  const days = ctx.m.days;
  return {
    full: {
      sv: ` (${band.sv} den 1 ${ctx.monthSv}${lunchSv}) enligt riksnormen: ${sv(p.amount)}.`,
      en: ` (${band.en} on 1 ${ctx.monthEn}${lunchEn}) under the national norm: ${en(p.amount)}.`,
    },
    partHead: {
      sv: ` (${band.sv} den 1 ${ctx.monthSv}${lunchSv}), som bor i hushållet `,
      en: ` (${band.en} on 1 ${ctx.monthEn}${lunchEn}), living in the household `,
    },
    partMid: { sv: ` av ${days} dagar: ${sv(p.amount)} × `, en: ` of ${days} days: ${en(p.amount)} × ` },
  };
}

function childrenNorm(acc: Acc, input: CalculationInput): number {
  const children = input.household.children;
  const { ctx } = acc;
  const { m } = ctx;
  let total = 0;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    const age = childAgeOnFirst(c.birthDate, m.year, m.month);
    const band = childBand(age);
    const lunchBand = band.noLunchSlot >= 0;
    const withoutLunch = lunchBand && !c.lunchAtHome;
    const slotNo = withoutLunch ? band.noLunchSlot : band.slot;
    const p = param(acc, slotNo);
    if (!p) continue;
    const days = c.daysAtHome ?? m.days;
    const partTime = days < m.days;
    const amount = partTime ? ceilDiv(p.amount * days, m.days) : p.amount;
    total += amount;
    if (acc.explain) {
      const t = (ctx.childTexts[slotNo] ??= childTexts(ctx, band, lunchBand, withoutLunch, p));
      const rounded = partTime && p.amount * days !== amount * m.days;
      let text: Msg;
      if (partTime) {
        const end = rounded ? ROUNDED_END : undefined;
        const headSv =
          'Personliga kostnader för ' + c.id + t.partHead.sv + days + t.partMid.sv + days + ctx.partTimeDiv.sv;
        const headEn = 'Personal costs for ' + c.id + t.partHead.en + days + t.partMid.en + days + ctx.partTimeDiv.en;
        text = {
          sv: appendSv(headSv, amount) + (end ? end.sv : '.'),
          en: appendEn(headEn, amount) + (end ? end.en : '.'),
        };
      } else {
        text = { sv: 'Personliga kostnader för ' + c.id + t.full.sv, en: 'Personal costs for ' + c.id + t.full.en };
      }
      push(
        acc,
        R_CHILDREN,
        'norm',
        amount,
        paramList(acc, slotNo),
        { birthDate: c.birthDate, age, lunchAtHome: c.lunchAtHome, daysAtHome: days, daysInMonth: m.days },
        text,
        partTime ? (rounded ? FLAGS_PRO_RATA_ROUNDED : FLAGS_PRO_RATA) : NO_FLAGS,
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
  if (input.household.householdSize === undefined && size <= 7) {
    // The common case: the whole sentence depends only on the month and the size.
    const slotNo = SHARED[size]!;
    const p = param(acc, slotNo);
    if (!p) return 0;
    if (acc.explain) {
      const t = (acc.ctx.sharedTexts[size] ??= {
        sv: `Hushållsgemensamma kostnader för ett hushåll med ${size} ${size === 1 ? 'person' : 'personer'}: ${sv(p.amount)}.`,
        en: `Shared household costs for a household of ${size} ${size === 1 ? 'person' : 'persons'}: ${en(p.amount)}.`,
      });
      push(acc, R_SHARED, 'norm', p.amount, paramList(acc, slotNo), { persons: size }, { sv: t.sv, en: t.en });
    }
    return p.amount;
  }
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
        R_SHARED,
        'norm',
        s.amount,
        s.params,
        { persons: size },
        {
          sv: `Hushållsgemensamma kostnader för ett hushåll med ${size} ${size === 1 ? 'person' : 'personer'}${extSv}: ${sv(s.amount)}.`,
          en: `Shared household costs for a household of ${size} ${size === 1 ? 'person' : 'persons'}${extEn}: ${en(s.amount)}.`,
        },
        extended ? FLAGS_EXTENDED : NO_FLAGS,
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
      R_SHARED_PART,
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

/** What the engine needs to know about a cost type, and the constant parts of its sentences. */
interface CostTypeInfo {
  readonly type: CostType;
  /** Index into a month's caps. */
  readonly no: number;
  readonly rule: RuleNo;
  /** "Hyra: " */
  readonly label: Msg;
  /** The needs-assessment warning (constant, shared, frozen). */
  readonly warning: Msg;
}

const NEEDS_ASSESSMENT_TAIL: Msg = {
  sv: ' godtas som ansökt. Kommunen har ingen riktlinje för kostnaden, så en handläggare ska bedöma den.',
  en: ' is accepted as applied for. The municipality has no guideline for this cost, so a caseworker must assess it.',
};

const COST_INFO: ReadonlyMap<string, CostTypeInfo> = new Map(
  COST_TYPES.map((type, no) => {
    const label = COST_LABELS[type];
    const info: CostTypeInfo = {
      type,
      no,
      rule: LIVSFORING_TYPES.has(type) ? R_LIVSFORING : R_REASONABLE,
      label: { sv: label.sv + ': ', en: label.en + ': ' },
      warning: Object.freeze({
        sv: `${label.sv} saknar riktlinje och ska bedömas av en handläggare.`,
        en: `${label.en} has no guideline and must be assessed by a caseworker.`,
      }),
    };
    return [type, info];
  }),
);

/** What the engine needs to know about an income type, and the constant parts of its sentences. */
interface IncomeTypeInfo {
  readonly employment: boolean;
  /** "Lön: " and "Lön (" (before the person). */
  readonly label: Msg;
  readonly labelOpen: Msg;
}

const INCOME_INFO: ReadonlyMap<string, IncomeTypeInfo> = new Map(
  INCOME_TYPES.map((type) => {
    const label = INCOME_LABELS[type];
    const info: IncomeTypeInfo = {
      employment: EMPLOYMENT_INCOME.has(type),
      label: { sv: label.sv + ': ', en: label.en + ': ' },
      labelOpen: { sv: label.sv + ' (', en: label.en + ' (' },
    };
    return [type, info];
  }),
);

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
  if (ctx.lastGuidelines === g) return ctx.lastGuidelineMonth!;
  let gm = ctx.guidelines.get(g);
  if (!gm) ctx.guidelines.set(g, (gm = { caps: [], snapshot: null }));
  ctx.lastGuidelines = g;
  ctx.lastGuidelineMonth = gm;
  return gm;
}

function cap(value: ParameterValue): Cap {
  const s = sv(value.amount);
  const e = en(value.amount);
  return {
    value,
    params: Object.freeze([value]),
    capped: {
      sv: ` söktes. Kommunens riktlinje är högst ${s}, så ${s} godtas.`,
      en: ` was applied for. The municipality's guideline is at most ${e}, so ${e} is accepted.`,
    },
    within: {
      sv: ` godtas (kommunens riktlinje är högst ${s}).`,
      en: ` is accepted (the municipality's guideline is at most ${e}).`,
    },
  };
}

/** The guideline capping a cost type for a household of `persons`: by size if set, else general. */
function guidelineFor(acc: Acc, info: CostTypeInfo, persons: number): Cap | undefined {
  if (acc.g.values.size === 0) return undefined; // no guidelines (no municipality): nothing caps
  const gm = (acc.gm ??= guidelineMonth(acc.ctx, acc.g));
  let caps = gm.caps[info.no];
  if (!caps) {
    const date = acc.ctx.m.firstDay;
    const type = info.type;
    caps = [0, 1, 2, 3, 4, 5, 6, 7].map((n) => {
      const v = guidelineAt(acc.g, n === 0 ? `guideline.${type}.max` : `guideline.${type}.max.${n}`, date);
      return v && cap(v);
    });
    gm.caps[info.no] = caps;
  }
  return caps[persons > 7 ? 7 : persons] ?? caps[0];
}

/** The municipal guideline values in force in the month, as the receipt records them. */
function guidelinesInForce(ctx: MonthContext, g: Guidelines): GuidelinesSource {
  if (g.values.size === 0) return NO_GUIDELINES;
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

const SCRATCH_TYPES: CostTypeInfo[] = [];
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
    const info = COST_INFO.get(c.type)!;
    let k = 0;
    while (k < seen && types[k] !== info) k++;
    if (k < seen) {
      sums[k]! += ore(c.amount);
      counts[k]!++;
    } else {
      types[seen] = info;
      sums[seen] = ore(c.amount);
      counts[seen] = 1;
      seen++;
    }
  }
  const persons = input.household.adults.length + input.household.children.length;
  let total = 0;
  for (let k = 0; k < seen; k++) {
    const info = types[k]!;
    const applied = sums[k]!;
    const items = counts[k]!;
    const cap = guidelineFor(acc, info, persons);
    const accepted = cap && applied > cap.value.amount ? cap.value.amount : applied;
    total += accepted;
    if (acc.explain) {
      const { label, type } = info;
      const inputs = { type, applied: applied / 100, items };
      if (!cap) {
        const n = push(
          acc,
          info.rule,
          'costs',
          accepted,
          NO_PARAMS,
          inputs,
          {
            sv: appendSv(label.sv, applied) + NEEDS_ASSESSMENT_TAIL.sv,
            en: appendEn(label.en, applied) + NEEDS_ASSESSMENT_TAIL.en,
          },
          FLAGS_NEEDS_ASSESSMENT,
          undefined,
          type,
        );
        acc.warnings.push({ code: 'needs-assessment', line: n, text: info.warning });
      } else if (accepted < applied) {
        push(
          acc,
          info.rule,
          'costs',
          accepted,
          cap.params,
          inputs,
          { sv: appendSv(label.sv, applied) + cap.capped.sv, en: appendEn(label.en, applied) + cap.capped.en },
          FLAGS_CAPPED,
          undefined,
          type,
        );
      } else {
        push(
          acc,
          info.rule,
          'costs',
          accepted,
          cap.params,
          inputs,
          { sv: appendSv(label.sv, accepted) + cap.within.sv, en: appendEn(label.en, accepted) + cap.within.en },
          NO_FLAGS,
          undefined,
          type,
        );
      }
    }
  }
  return total;
}

// The household's employment incomes of a person (whose, and öre), in input order, collected by
// `incomes` (module-level like the cost scratch arrays: the engine is synchronous).
const EMPLOYMENT_PERSONS: string[] = [];
const EMPLOYMENT_ORE: number[] = [];

/** A person's income from employment this month, in öre (of the `count` collected). */
function employmentIncome(count: number, person: string): number {
  let sum = 0;
  for (let k = 0; k < count; k++) if (EMPLOYMENT_PERSONS[k] === person) sum += EMPLOYMENT_ORE[k]!;
  return sum;
}

/** "Jobbstimulans: 25 % av " for the month's rate (built once per month). */
function jobbstimulansHead(ctx: MonthContext, rate: ParameterValue): Msg {
  if (ctx.jobbstimulansRate !== rate || ctx.jobbstimulansHead === null) {
    ctx.jobbstimulansRate = rate;
    ctx.jobbstimulansHead = {
      sv: `Jobbstimulans: ${formatRate(rate.amount, 'sv')} av `,
      en: `Job stimulus (jobbstimulans): ${formatRate(rate.amount, 'en')} of `,
    };
  }
  return ctx.jobbstimulansHead;
}

function incomes(acc: Acc, input: CalculationInput): number {
  const list = input.incomes;
  if (list.length === 0) return 0;
  let total = 0;
  let employment = 0;
  for (let i = 0; i < list.length; i++) {
    const inc = list[i]!;
    const info = INCOME_INFO.get(inc.type)!;
    const amount = ore(inc.amount);
    total += amount;
    if (inc.person !== undefined && info.employment) {
      EMPLOYMENT_PERSONS[employment] = inc.person;
      EMPLOYMENT_ORE[employment] = amount;
      employment++;
    }
    if (acc.explain) {
      const head = inc.person !== undefined ? info.labelOpen : info.label;
      push(
        acc,
        R_INCOME,
        'income',
        amount,
        NO_PARAMS,
        { type: inc.type, amount: inc.amount },
        inc.person !== undefined
          ? {
              sv: appendSv(head.sv + inc.person + '): ', amount) + ' räknas som inkomst.',
              en: appendEn(head.en + inc.person + '): ', amount) + ' counts as income.',
            }
          : {
              sv: appendSv(head.sv, amount) + ' räknas som inkomst.',
              en: appendEn(head.en, amount) + ' counts as income.',
            },
        NO_FLAGS,
        inc.person,
        inc.type,
      );
    }
  }
  if (employment === 0) return total;

  // Jobbstimulans: a share of a qualifying adult's employment income is not counted.
  const adults = input.household.adults;
  for (let i = 0; i < adults.length; i++) {
    const a = adults[i]!;
    if (!a.jobStimulus) continue;
    const earned = employmentIncome(employment, a.id);
    if (earned === 0) continue;
    if (!refs(acc, R_JOBBSTIMULANS)) {
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
      const head = jobbstimulansHead(acc.ctx, rate);
      push(
        acc,
        R_JOBBSTIMULANS,
        'income',
        -exempt,
        paramList(acc, JOBBSTIMULANS_RATE),
        { person: a.id, employmentIncome: earned / 100, jobStimulus: true },
        {
          sv:
            appendSv(appendSv(head.sv + a.id + 's inkomst av anställning (', earned) + ') räknas inte, ', exempt) +
            (rounded ? ROUNDED_END.sv : '.'),
          en:
            appendEn(appendEn(head.en + a.id + "'s employment income (", earned) + ') is not counted, ', exempt) +
            (rounded ? ROUNDED_END.en : '.'),
        },
        rounded ? FLAGS_ROUNDED : NO_FLAGS,
        a.id,
        'salary',
      );
    }
  }

  // Children's and pupils' own earnings: not counted up to one prisbasbelopp per calendar year.
  const children = input.household.children;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    const earned = employmentIncome(employment, c.id);
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
        R_CHILD_EARNINGS,
        'income',
        0 - exempt, // +0, not −0, when nothing is exempt
        paramList(acc, PRISBASBELOPP),
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

function newAcc(rb: RuleBook, ctx: MonthContext, g: Guidelines, explain: boolean): Acc {
  return {
    rb,
    ctx,
    explain,
    lines: explain ? [] : NO_LINES,
    warnings: explain ? [] : NO_WARNINGS,
    missing: null,
    g,
    gm: null,
    rank: 0,
  };
}

/** Runs every rule for one household; lines and warnings go to `acc` when it explains. */
function run(acc: Acc, input: CalculationInput): Totals {
  const { rb, ctx } = acc;
  const norm = adultsNorm(acc, input) + childrenNorm(acc, input) + sharedNorm(acc, input);
  const costTotal = costs(acc, input);
  const income = incomes(acc, input);
  if (ctx.coreMissing === null) {
    ctx.coreMissing = CORE_RULES.filter((rule) => !refs(acc, rule)).map((rule) => `rule:${RULE_IDS[rule]}`);
  }
  if (ctx.coreMissing.length > 0) acc.missing = [...(acc.missing ?? []), ...ctx.coreMissing];
  if (acc.missing !== null) throw missingError(rb, acc, acc.missing);

  const need = norm + costTotal;
  const amount = need > income ? need - income : 0;
  const surplus = income > need ? income - need : 0;
  if (acc.explain) {
    // "Behovet är … (riksnorm … + kostnader …). Inkomsterna är …", then the outcome.
    let textSv = appendSv('Behovet är ', need);
    textSv = appendSv(textSv + ' (riksnorm ', norm);
    textSv = appendSv(textSv + ' + kostnader ', costTotal);
    textSv = appendSv(textSv + '). Inkomsterna är ', income);
    let textEn = appendEn('The need is ', need);
    textEn = appendEn(textEn + ' (national norm ', norm);
    textEn = appendEn(textEn + ' + costs ', costTotal);
    textEn = appendEn(textEn + '). Income is ', income);
    if (surplus > 0) {
      textSv = appendSv(textSv + ', ', surplus) + ctx.surplusTail.sv;
      textEn = appendEn(textEn + ', ', surplus) + ctx.surplusTail.en;
    } else {
      textSv = appendSv(appendSv(appendSv(textSv + ctx.payFor.sv, need) + ' − ', income) + ' = ', amount) + '.';
      textEn = appendEn(appendEn(appendEn(textEn + ctx.payFor.en, need) + ' − ', income) + ' = ', amount) + '.';
    }
    push(
      acc,
      R_RESULT,
      'result',
      amount,
      NO_PARAMS,
      { norm: norm / 100, costs: costTotal / 100, income: income / 100 },
      { sv: textSv, en: textEn },
    );
    if (acc.rank !== 0) {
      acc.warnings.push(notVerifiedWarning(ctx, acc.rank === 1 ? 'secondary' : 'derived'));
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
export function calculate(rb: RuleBook, input: CalculationInput, options?: CalculateOptions): CalculationResult {
  const g = options?.guidelines ?? EMPTY_GUIDELINES;
  const state = ruleBookState(rb);
  const acc = newAcc(rb, monthContext(state, input.month), g, true);
  const totals = run(acc, input);
  const status = STATUSES[acc.rank]!;
  const receipt: Receipt = {
    format: 'tillit-receipt/1',
    engine: state.engine,
    rulebook: state.rulebook,
    input,
    guidelines: guidelinesInForce(acc.ctx, g),
    lines: acc.lines,
    totals,
    status,
  };
  return {
    month: input.month,
    municipality: input.municipality, // undefined when absent; JSON omits it
    norm: oreToKronor(totals.norm),
    costs: oreToKronor(totals.costs),
    income: oreToKronor(totals.income),
    amount: oreToKronor(totals.amount),
    surplus: oreToKronor(totals.surplus),
    status,
    lines: acc.lines,
    warnings: acc.warnings,
    receipt,
  };
}

/** The same arithmetic without explanation: totals in öre, for batches and simulations. */
export function calculateTotals(rb: RuleBook, input: CalculationInput, options?: CalculateOptions): Totals {
  const ctx = monthContext(ruleBookState(rb), input.month);
  return run(newAcc(rb, ctx, options?.guidelines ?? EMPTY_GUIDELINES, false), input);
}
