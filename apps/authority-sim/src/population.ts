/**
 * The synthetic population: households in fictional municipalities, each person with a synthetic
 * personnummer and a profile of incomes and registrations. Pure and deterministic: the same options
 * always give the same population, and a month's payments are a function of the seed, the person
 * and the month only, so any month can be answered without storing it.
 */
import { PersonnummerRegistry } from './personnummer.ts';
import { Rng, hash32, seedOf, unit } from './random.ts';
import {
  addDays,
  addMonths,
  calendarMonth,
  dateMonthIndex,
  firstDay,
  monthIndex,
  monthString,
  type MonthIndex,
} from './months.ts';
import type {
  Address,
  AfRegistration,
  Benefit,
  FundMembership,
  IncomeType,
  Payment,
  PendingApplication,
  Permit,
  SourceId,
  StudyPeriod,
  Vehicle,
} from './types.ts';

export const DEFAULT_MUNICIPALITIES: readonly string[] = ['9901', '9902'];
export const DEFAULT_HOUSEHOLDS_PER_MUNICIPALITY = 3000;
export const DEFAULT_SEED = 20_260_101;

/** Fictional municipalities: codes 99xx do not exist in Sweden. */
export const MUNICIPALITY_NAMES: Readonly<Record<string, string>> = { '9901': 'Ekby', '9902': 'Lövsala' };

export interface PopulationOptions {
  /** Any number or string; the same seed gives the same population. */
  readonly seed?: number | string;
  /** Four-digit municipality codes; default ['9901', '9902']. */
  readonly municipalities?: readonly string[];
  /** Default 3000. */
  readonly householdsPerMunicipality?: number;
  /** "YYYY-MM": the month the population is built around (ages, recent changes). Required. */
  readonly referenceMonth: string;
}

export type Pattern =
  | { readonly kind: 'fixed' }
  /** ± spread around the base each month. */
  | { readonly kind: 'varying'; readonly spread: number }
  /** Hourly work: 55–135 % of the base, month by month. */
  | { readonly kind: 'volatile' }
  /** The base changes by `factor` from month `at` on (a raise, fewer hours, a new rate). */
  | { readonly kind: 'step'; readonly at: MonthIndex; readonly factor: number }
  /** Study support: paid every month but July. */
  | { readonly kind: 'terms' }
  /** Studiehjälp: paid September–June. */
  | { readonly kind: 'school-year' }
  /** Barnbidrag: base per child under 16, times `share` (split between cohabiting parents). */
  | { readonly kind: 'child-allowance'; readonly children: readonly MonthIndex[]; readonly share: number }
  /** Underhållsstöd: a rate per child by age, until 18. */
  | { readonly kind: 'maintenance-support'; readonly children: readonly MonthIndex[] };

export type IncomeSource = Extract<
  SourceId,
  'income-register' | 'forsakringskassan' | 'csn' | 'arbetsformedlingen' | 'unemployment-fund' | 'pensionsmyndigheten'
>;

export interface IncomeStream {
  readonly source: IncomeSource;
  readonly type: IncomeType;
  readonly benefit: Benefit;
  /** Gross per month before the pattern, öre. */
  readonly baseOre: number;
  /** Preliminary tax as a share of gross. */
  readonly taxRate: number;
  readonly payDay: number;
  /** First and last month paid, `null` = open. */
  readonly from: MonthIndex | null;
  readonly until: MonthIndex | null;
  readonly pattern: Pattern;
  readonly employer?: string;
}

export interface SimPerson {
  /** Hash key for the person's monthly values (seed, household, position). */
  readonly key: number;
  readonly personnummer: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly birthDate: string;
  readonly sex: 'female' | 'male';
  readonly role: 'adult' | 'child';
  readonly protectedIdentity: boolean;
  readonly incomes: readonly IncomeStream[];
  readonly registration: AfRegistration;
  /** Share of months without an activity report, for registered persons. */
  readonly activityReportMissRate: number;
  readonly membership: FundMembership;
  readonly studies: readonly StudyPeriod[];
  readonly permits: readonly Permit[];
  readonly pendingApplications: readonly PendingApplication[];
  readonly vehicles: readonly Vehicle[];
}

export const TRAITS = [
  'single',
  'single-parent',
  'cohabiting',
  'children',
  'protected-identity',
  'salary',
  'salary-change',
  'income-new',
  'income-dropped',
  'income-change',
  'no-income',
  'unemployment-benefit',
  'activity-support',
  'establishment-allowance',
  'sickness-benefit',
  'parental-benefit',
  'housing-allowance',
  'child-allowance',
  'maintenance-support',
  'student-aid',
  'pension',
  'af-registered',
  'residence-permit',
  'vehicle',
  'pending-application',
] as const;
export type Trait = (typeof TRAITS)[number];

export interface SimHousehold {
  readonly householdId: string;
  readonly municipalityCode: string;
  readonly address: Address;
  readonly cohabiting: boolean;
  /** Anyone in the household has protected identity (then every member has). */
  readonly protectedIdentity: boolean;
  /** Adults first, then children, oldest first. */
  readonly members: readonly SimPerson[];
  /**
   * What a caseworker would meet in this household for an application in the reference month
   * (control month M−1 against M−2): handy for picking demo and test applicants.
   */
  readonly traits: readonly Trait[];
}

/** Whether the household has every one of the traits. */
export function hasTraits(h: SimHousehold, ...traits: readonly Trait[]): boolean {
  return traits.every((t) => h.traits.includes(t));
}

/** Whether the household has none of the traits. */
export function lacksTraits(h: SimHousehold, ...traits: readonly Trait[]): boolean {
  return traits.every((t) => !h.traits.includes(t));
}

/** What a caseworker would look at: a household with none of these has nothing for a check to flag. */
export const FLAGGED_TRAITS: readonly Trait[] = [
  'children',
  'protected-identity',
  'vehicle',
  'pending-application',
  'student-aid',
  'residence-permit',
  'income-new',
  'income-dropped',
  'income-change',
  'salary-change',
];

/**
 * A household whose renewal in the reference month no check flags: a single adult without
 * income, registered at Arbetsförmedlingen, and nothing else a caseworker would look at.
 */
export function isCleanRenewal(h: SimHousehold): boolean {
  return hasTraits(h, 'single', 'no-income', 'af-registered') && lacksTraits(h, ...FLAGGED_TRAITS);
}

export interface Population {
  readonly seed: number;
  readonly referenceMonth: string;
  readonly municipalities: readonly string[];
  readonly householdsPerMunicipality: number;
  readonly households: readonly SimHousehold[];
  readonly personCount: number;
  find(personnummer: string): { readonly household: SimHousehold; readonly person: SimPerson } | undefined;
}

// ---------------------------------------------------------------------------------------------
// Names and places, all made up.

// prettier-ignore
const FEMALE_NAMES = [
  'Anna', 'Maria', 'Sara', 'Emma', 'Elin', 'Karin', 'Lina', 'Sofia', 'Johanna', 'Fatima', 'Amina', 'Leila',
  'Noor', 'Ida', 'Maja', 'Alice', 'Ebba', 'Wilma', 'Elsa', 'Astrid', 'Selma', 'Hanna', 'Linnea', 'Aisha',
  'Ingrid', 'Birgitta', 'Eva', 'Kristina', 'Lena', 'Yasmin',
];
// prettier-ignore
const MALE_NAMES = [
  'Erik', 'Lars', 'Anders', 'Johan', 'Karl', 'Per', 'Mikael', 'Ali', 'Mohammed', 'Ahmed', 'Omar', 'Hassan',
  'Oskar', 'Lucas', 'William', 'Liam', 'Noah', 'Hugo', 'Elias', 'Adam', 'Viktor', 'Emil', 'Filip', 'Nils',
  'Olle', 'Gustav', 'Sven', 'Jonas', 'Daniel', 'Yusuf',
];
// prettier-ignore
const FAMILY_NAMES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson',
  'Gustafsson', 'Pettersson', 'Jonsson', 'Lindberg', 'Lindqvist', 'Berg', 'Holm', 'Sandberg', 'Ahmed', 'Ali',
  'Hassan', 'Mohamed', 'Yilmaz', 'Nguyen', 'Nowak', 'Haddad', 'Rahimi', 'Abdi', 'Ekström', 'Forsberg', 'Lund',
];
// prettier-ignore
const STREET_PREFIXES = [
  'Lingon', 'Hallon', 'Björk', 'Rönn', 'Tall', 'Gran', 'Asp', 'Lönn', 'Ek', 'Sälg', 'Hassel', 'Fläder',
  'Smörblomme', 'Blåklints', 'Klöver', 'Mossa', 'Myr', 'Kvarn', 'Smedje', 'Skol', 'Prästgårds', 'Tomte',
  'Ugglebo', 'Trastbo', 'Ekorr', 'Räv', 'Tranbärs', 'Ljung', 'Granskogs', 'Solrosens',
];
const STREET_SUFFIXES = ['vägen', 'gatan', 'stigen', 'gränd', 'backen', 'torget', 'allén', 'slingan'];
// prettier-ignore
const EMPLOYER_KINDS = [
  'Städservice AB', 'Vård och Omsorg AB', 'Bygg AB', 'Logistik AB', 'Restaurang AB', 'Handel AB',
  'Bemanning AB', 'Fastighetsservice AB', 'Trädgård AB', 'Transport AB',
];
const FUNDS = ['Ekby a-kassa (fiktiv)', 'Norrås a-kassa (fiktiv)', 'Allmänna a-kassan Simby (fiktiv)'];
const PROGRAMMES = ['Jobb- och utvecklingsgarantin', 'Arbetsmarknadsutbildning', 'Förberedande insatser'];
const CAR_MAKES = ['Volvo', 'Saab', 'Toyota', 'Volkswagen', 'Kia', 'Ford', 'Skoda', 'Renault'];
/** Letters used on Swedish plates; the simulator's plates start with Q, which they never use. */
const PLATE_LETTERS = 'ABCDEFGHJKLMNOPRSTUWXYZ';

function cityName(code: string): string {
  return MUNICIPALITY_NAMES[code] ?? `Simby ${code}`;
}

// ---------------------------------------------------------------------------------------------
// Money helpers: whole kronor in öre.

function kr(min: number, max: number, rng: Rng): number {
  return rng.int(min, max) * 100;
}

function roundKr(ore: number): number {
  return Math.round(ore / 100) * 100;
}

const BARNBIDRAG_ORE = 125_000;
/** Illustrative underhållsstöd per month by the child's age (under 11, 11–14, 15–17). */
const MAINTENANCE_ORE = [167_300, 182_300, 222_300] as const;

// ---------------------------------------------------------------------------------------------
// Monthly amounts: a pure function of (person key, stream position, month).

function inPeriod(s: IncomeStream, m: MonthIndex): boolean {
  return (s.from === null || m >= s.from) && (s.until === null || m <= s.until);
}

/** Gross öre paid for a stream in a month (0 = nothing paid). */
export function grossFor(s: IncomeStream, key: number, position: number, m: MonthIndex): number {
  if (!inPeriod(s, m)) return 0;
  const u = unit(key, position, m);
  const p = s.pattern;
  switch (p.kind) {
    case 'fixed':
      return s.baseOre;
    case 'varying':
      return roundKr(s.baseOre * (1 + (2 * u - 1) * p.spread));
    case 'volatile':
      return roundKr(s.baseOre * (0.55 + 0.8 * u));
    case 'step':
      return roundKr(s.baseOre * (m >= p.at ? p.factor : 1) * (1 + (2 * u - 1) * 0.02));
    case 'terms':
      return calendarMonth(m) === 7 ? 0 : s.baseOre;
    case 'school-year':
      return calendarMonth(m) === 7 || calendarMonth(m) === 8 ? 0 : s.baseOre;
    case 'child-allowance': {
      // From the month after birth up to and including the month the child turns 16.
      const n = p.children.filter((b) => m > b && m <= b + 16 * 12).length;
      return roundKr(n * s.baseOre * p.share);
    }
    case 'maintenance-support': {
      let sum = 0;
      for (const b of p.children) {
        if (m <= b || m >= b + 18 * 12) continue;
        const age = Math.floor((m - b) / 12);
        sum += age < 11 ? MAINTENANCE_ORE[0] : age < 15 ? MAINTENANCE_ORE[1] : MAINTENANCE_ORE[2];
      }
      return sum;
    }
  }
}

/**
 * Every payment from one source to a person in month `m`. Payments dated after `today` (later
 * this month) have not been made yet and are left out.
 */
export function paymentsFor(person: SimPerson, source: IncomeSource, m: MonthIndex, today: string): Payment[] {
  const out: Payment[] = [];
  person.incomes.forEach((s, position) => {
    if (s.source !== source) return;
    const grossOre = grossFor(s, person.key, position, m);
    if (grossOre <= 0) return;
    const paidOn = `${monthString(m)}-${String(s.payDay).padStart(2, '0')}`;
    if (paidOn > today) return;
    const taxOre = roundKr(grossOre * s.taxRate);
    out.push({
      type: s.type,
      benefit: s.benefit,
      grossOre,
      taxOre,
      netOre: grossOre - taxOre,
      paidOn,
      ...(s.employer !== undefined ? { employer: s.employer } : {}),
    });
  });
  return out;
}

/** Whether a registered person sent their activity report for month `m`. */
export function activityReportFor(person: SimPerson, m: MonthIndex): 'submitted' | 'missing' | 'not-required' {
  const since = person.registration.registeredSince;
  if (!person.registration.registered || since === null || m < dateMonthIndex(since)) return 'not-required';
  return unit(person.key, 9_999, m) < person.activityReportMissRate ? 'missing' : 'submitted';
}

// ---------------------------------------------------------------------------------------------
// Generation.

interface Ctx {
  readonly seed: number;
  readonly ref: MonthIndex;
  /** First day of the reference month: everyone is born before it. */
  readonly anchor: string;
  readonly registry: PersonnummerRegistry;
}

type Sex = 'female' | 'male';

/** Born `months` whole months and 1–28 days before the anchor. */
function childBirthDate(ctx: Ctx, rng: Rng, months: number): string {
  return addDays(addMonths(ctx.anchor, -months), -rng.int(1, 28));
}

function birthDateFor(ctx: Ctx, rng: Rng, age: number): string {
  // Born `age` whole years and 1–365 days before the anchor.
  const yearsBack = `${String(Number(ctx.anchor.slice(0, 4)) - age).padStart(4, '0')}${ctx.anchor.slice(4)}`;
  return addDays(yearsBack, -rng.int(1, 365));
}

/** Start or end a stream within the last months, or leave it open. */
function lifecycle(
  rng: Rng,
  ref: MonthIndex,
  pNew: number,
  pDropped: number,
): { from: number | null; until: number | null } {
  const r = rng.next();
  if (r < pNew) return { from: ref - rng.int(0, 8), until: null };
  if (r < pNew + pDropped) return { from: null, until: ref - rng.int(1, 8) };
  return { from: null, until: null };
}

interface AdultDraft {
  readonly age: number;
  readonly sex: Sex;
  readonly birthDate: string;
  readonly personnummer: string;
  readonly incomes: IncomeStream[];
  registration: AfRegistration;
  activityReportMissRate: number;
  membership: FundMembership;
  studies: StudyPeriod[];
  permits: Permit[];
  pendingApplications: PendingApplication[];
  vehicles: Vehicle[];
  migrantArrival: string | null;
}

const NOT_REGISTERED: AfRegistration = {
  registered: false,
  registeredSince: null,
  status: null,
  programme: null,
  plan: null,
};
const NO_MEMBERSHIP: FundMembership = { member: false, fund: null, monthlyFeeOre: null };

function emptyDraft(age: number, sex: Sex, birthDate: string, personnummer: string): AdultDraft {
  return {
    age,
    sex,
    birthDate,
    personnummer,
    incomes: [],
    registration: NOT_REGISTERED,
    activityReportMissRate: 0,
    membership: NO_MEMBERSHIP,
    studies: [],
    permits: [],
    pendingApplications: [],
    vehicles: [],
    migrantArrival: null,
  };
}

function adultProfile(ctx: Ctx, rng: Rng, d: AdultDraft, city: string, youngestChildAge: number | null): void {
  const { ref, anchor } = ctx;
  if (d.age >= 66) {
    d.incomes.push({
      source: 'pensionsmyndigheten',
      type: 'pension',
      benefit: 'inkomstpension',
      baseOre: kr(6_000, 18_000, rng),
      taxRate: 0.25,
      payDay: 18,
      from: null,
      until: null,
      pattern: { kind: 'fixed' },
    });
    if (rng.chance(0.35)) {
      d.incomes.push({
        source: 'pensionsmyndigheten',
        type: 'pension',
        benefit: 'garantipension',
        baseOre: kr(1_500, 4_000, rng),
        taxRate: 0.25,
        payDay: 18,
        from: null,
        until: null,
        pattern: { kind: 'fixed' },
      });
    }
    if (rng.chance(0.4)) {
      d.incomes.push({
        source: 'pensionsmyndigheten',
        type: 'pension',
        benefit: 'bostadstillagg',
        baseOre: kr(1_500, 5_500, rng),
        taxRate: 0,
        payDay: 18,
        ...lifecycle(rng, ref, 0.1, 0.05),
        pattern: { kind: 'fixed' },
      });
    }
    if (rng.chance(0.04)) {
      d.pendingApplications.push({
        benefit: 'bostadstillagg',
        submittedOn: addDays(anchor, -rng.int(1, 60)),
        status: 'pending',
      });
    }
    return;
  }

  const migrant = d.age <= 60 && rng.chance(0.14);
  const recentArrival = migrant && rng.chance(0.4);
  if (migrant) {
    const arrival = addDays(anchor, -(recentArrival ? rng.int(60, 700) : rng.int(800, 6000)));
    d.migrantArrival = arrival;
    if (recentArrival || rng.chance(0.4)) {
      const grounds = recentArrival
        ? rng.pick(['protection', 'family'] as const)
        : rng.pick(['work', 'family', 'studies'] as const);
      const validFrom = addDays(arrival, rng.int(0, 30));
      const validUntil = addMonths(validFrom, rng.pick([13, 24, 36]));
      d.permits.push({
        kind: grounds === 'work' ? 'work-permit' : 'temporary-residence',
        grounds,
        validFrom,
        validUntil,
        workAllowed: true,
      });
    } else {
      d.permits.push({
        kind: 'permanent-residence',
        grounds: rng.pick(['protection', 'family'] as const),
        validFrom: arrival,
        validUntil: null,
        workAllowed: true,
      });
    }
  }

  // Salary (from the employers' monthly declarations).
  let salaryPattern: Pattern['kind'] | null = null;
  if (rng.chance(recentArrival ? 0.12 : d.age < 20 ? 0.25 : 0.4)) {
    const r = rng.next();
    const pattern: Pattern =
      r < 0.55
        ? { kind: 'varying', spread: 0.02 }
        : r < 0.8
          ? { kind: 'volatile' }
          : {
              kind: 'step',
              at: ref - rng.int(0, 5),
              factor: rng.chance(0.5) ? 0.6 + 0.25 * rng.next() : 1.15 + 0.3 * rng.next(),
            };
    salaryPattern = pattern.kind;
    d.incomes.push({
      source: 'income-register',
      type: 'salary',
      benefit: 'lon',
      baseOre: kr(8_000, 34_000, rng),
      taxRate: 0.3,
      payDay: 25,
      ...lifecycle(rng, ref, 0.12, 0.12),
      pattern,
      employer: `${city} ${rng.pick(EMPLOYER_KINDS)} (fiktiv)`,
    });
  }

  // Unemployment benefit from an a-kassa.
  const aKassa = (salaryPattern === null && rng.chance(0.22)) || (salaryPattern === 'volatile' && rng.chance(0.25));
  if (aKassa || (salaryPattern !== null && rng.chance(0.6))) {
    d.membership = { member: true, fund: rng.pick(FUNDS), monthlyFeeOre: kr(100, 200, rng) };
  }
  if (aKassa) {
    d.incomes.push({
      source: 'unemployment-fund',
      type: 'unemploymentBenefit',
      benefit: 'arbetsloshetsersattning',
      baseOre: kr(salaryPattern === null ? 9_000 : 3_000, salaryPattern === null ? 26_000 : 10_000, rng),
      taxRate: 0.3,
      payDay: 12,
      ...lifecycle(rng, ref, 0.15, 0.2),
      pattern: { kind: 'varying', spread: 0.1 },
    });
  }

  // Sickness benefit.
  const sick = rng.chance(0.06);
  if (sick) {
    d.incomes.push({
      source: 'forsakringskassan',
      type: 'sicknessBenefit',
      benefit: 'sjukpenning',
      baseOre: kr(9_000, 24_000, rng),
      taxRate: 0.3,
      payDay: 20,
      ...lifecycle(rng, ref, 0.2, 0.2),
      pattern: { kind: 'varying', spread: 0.05 },
    });
  }
  // Parental benefit for a parent of a child under two.
  const parental = youngestChildAge !== null && youngestChildAge < 2 && rng.chance(0.45);
  if (parental) {
    d.incomes.push({
      source: 'forsakringskassan',
      type: 'parentalBenefit',
      benefit: 'foraldrapenning',
      baseOre: kr(6_000, 24_000, rng),
      taxRate: 0.3,
      payDay: 20,
      ...lifecycle(rng, ref, 0.1, 0.15),
      pattern: { kind: 'volatile' },
    });
  }

  // Arbetsförmedlingen.
  const registered =
    aKassa ||
    recentArrival ||
    (salaryPattern === null && !sick && !parental && rng.chance(0.65)) ||
    (salaryPattern === 'volatile' && rng.chance(0.4));
  let programme: string | null = null;
  if (registered) {
    if (recentArrival) {
      programme = 'Etableringsprogrammet';
      d.incomes.push({
        source: 'arbetsformedlingen',
        type: 'establishmentAllowance',
        benefit: 'etableringsersattning',
        baseOre: 677_600,
        taxRate: 0,
        payDay: 20,
        ...lifecycle(rng, ref, 0.1, 0.1),
        pattern: { kind: 'varying', spread: 0.08 },
      });
    } else if (!aKassa && rng.chance(0.45)) {
      programme = d.age < 25 ? 'Jobbgarantin för ungdomar' : rng.pick(PROGRAMMES);
      const young = d.age < 25;
      d.incomes.push({
        source: 'arbetsformedlingen',
        type: 'activitySupport',
        benefit: young ? 'utvecklingsersattning' : 'aktivitetsstod',
        baseOre: young ? 330_000 : 803_000,
        taxRate: 0.3,
        payDay: 20,
        ...lifecycle(rng, ref, 0.12, 0.12),
        pattern: { kind: 'varying', spread: 0.08 },
      });
    }
    const registeredSince = addDays(anchor, -rng.int(20, 900));
    d.registration = {
      registered: true,
      registeredSince,
      status: programme !== null ? 'in-programme' : salaryPattern !== null ? 'part-time-unemployed' : 'unemployed',
      programme,
      plan: rng.chance(0.85)
        ? { establishedOn: addDays(registeredSince, rng.int(7, 40)), nextFollowUpOn: addDays(anchor, rng.int(5, 60)) }
        : null,
    };
    d.activityReportMissRate = rng.chance(0.2) ? 0.35 : 0.03;
  }

  // Studies with CSN.
  if (d.age >= 19 && d.age <= 45 && programme === null && !recentArrival && rng.chance(0.07)) {
    const from = addMonths(anchor, -rng.int(0, 18));
    const until = addDays(addMonths(from, rng.int(6, 36)), -1);
    const extentPercent = rng.pick([50, 75, 100] as const);
    d.studies.push({
      level: rng.pick(['university', 'adult-education', 'folk-high-school'] as const),
      extentPercent,
      from,
      until,
    });
    const period = { from: dateMonthIndex(from), until: dateMonthIndex(until) };
    d.incomes.push({
      source: 'csn',
      type: 'studentAid',
      benefit: 'studiebidrag',
      baseOre: roundKr((356_400 * extentPercent) / 100),
      taxRate: 0,
      payDay: 25,
      ...period,
      pattern: { kind: 'terms' },
    });
    if (rng.chance(0.7)) {
      d.incomes.push({
        source: 'csn',
        type: 'studentAid',
        benefit: 'studielan',
        baseOre: roundKr((900_000 * extentPercent) / 100),
        taxRate: 0,
        payDay: 25,
        ...period,
        pattern: { kind: 'terms' },
      });
    }
  }

  // Pending applications at Försäkringskassan.
  if (rng.chance(0.06)) {
    const options: PendingApplication['benefit'][] = ['bostadsbidrag', 'sjukpenning', 'aktivitetsersattning'];
    if (youngestChildAge !== null) options.push('foraldrapenning', 'underhallsstod');
    d.pendingApplications.push({
      benefit: rng.pick(options),
      submittedOn: addDays(anchor, -rng.int(1, 60)),
      status: 'pending',
    });
  }
}

function plate(rng: Rng): string {
  let s = 'Q';
  for (let i = 0; i < 2; i++) s += PLATE_LETTERS[rng.int(0, PLATE_LETTERS.length - 1)];
  return `${s} ${rng.int(0, 9)}${rng.int(0, 9)}${rng.chance(0.5) ? rng.int(0, 9) : PLATE_LETTERS[rng.int(0, PLATE_LETTERS.length - 1)]}`;
}

function generateHousehold(ctx: Ctx, code: string, index: number): SimHousehold {
  const hkey = hash32(ctx.seed, seedOf(code), index);
  const rng = new Rng(hkey);
  const { ref, anchor } = ctx;
  const city = cityName(code);

  const kindIdx = rng.weighted([42, 20, 12, 26]);
  const couple = kindIdx === 2 || kindIdx === 3;
  const withChildren = kindIdx === 1 || kindIdx === 3;

  const age1 = withChildren
    ? rng.int(20, 52)
    : [rng.int(19, 29), rng.int(30, 49), rng.int(50, 65), rng.int(66, 88)][rng.weighted([25, 45, 20, 10])]!;
  const sex1: Sex = kindIdx === 1 ? (rng.chance(0.8) ? 'female' : 'male') : rng.chance(0.5) ? 'female' : 'male';
  const adults: { age: number; sex: Sex }[] = [{ age: age1, sex: sex1 }];
  if (couple) {
    const sameSex = rng.chance(0.06);
    adults.push({
      age: Math.max(18, age1 + rng.int(-6, 8)),
      sex: sameSex ? sex1 : sex1 === 'female' ? 'male' : 'female',
    });
  }
  // Children's ages in months, oldest first, at least a year apart (twins now and then).
  const childMonthsOld: number[] = [];
  if (withChildren) {
    const maxMonths = Math.min(17, Math.min(...adults.map((a) => a.age)) - 18) * 12 + 11;
    let n = 1 + rng.weighted([40, 32, 15, 7, 4, 2]);
    while ((n - 1) * 13 > maxMonths) n--;
    let prev = rng.int((n - 1) * 13, maxMonths);
    childMonthsOld.push(prev);
    for (let i = 1; i < n; i++) {
      const left = n - 1 - i;
      prev = rng.chance(0.03) ? prev : Math.max(left * 13, prev - rng.int(13, 48));
      childMonthsOld.push(prev);
    }
  }
  const youngest = childMonthsOld.length > 0 ? Math.floor(Math.min(...childMonthsOld) / 12) : null;

  const protectedIdentity = rng.chance(0.01);
  const familyName = rng.pick(FAMILY_NAMES);
  const address: Address = {
    street: `${rng.pick(STREET_PREFIXES)}${rng.pick(STREET_SUFFIXES)} ${rng.int(1, 120)}`,
    postalCode: `99${code.slice(-1)} ${String(rng.int(0, 99)).padStart(2, '0')}`,
    city,
  };

  const drafts = adults.map((a) => {
    const id = ctx.registry.assign(birthDateFor(ctx, rng, a.age), a.sex, rng.int(0, 9));
    return emptyDraft(a.age, a.sex, id.birthDate, id.personnummer);
  });
  const childBirths = childMonthsOld.map((months) => {
    const sex: Sex = rng.chance(0.5) ? 'female' : 'male';
    const id = ctx.registry.assign(childBirthDate(ctx, rng, months), sex, rng.int(0, 9));
    return { age: Math.floor(months / 12), sex, ...id };
  });
  for (const d of drafts) adultProfile(ctx, rng, d, city, youngest);

  // Household benefits, paid to the first adult (barnbidrag split between cohabiting parents).
  const first = drafts[0]!;
  const childMonths = childBirths.map((c) => dateMonthIndex(c.birthDate));
  if (childBirths.length > 0) {
    const share = drafts.length === 2 ? 0.5 : 1;
    for (const d of drafts) {
      d.incomes.push({
        source: 'forsakringskassan',
        type: 'childAllowance',
        benefit: 'barnbidrag',
        baseOre: BARNBIDRAG_ORE,
        taxRate: 0,
        payDay: 20,
        from: null,
        until: null,
        pattern: { kind: 'child-allowance', children: childMonths, share },
      });
    }
    if (!couple && rng.chance(0.55)) {
      first.incomes.push({
        source: 'forsakringskassan',
        type: 'maintenanceSupport',
        benefit: 'underhallsstod',
        baseOre: 0,
        taxRate: 0,
        payDay: 20,
        from: null,
        until: null,
        pattern: { kind: 'maintenance-support', children: childMonths },
      });
    }
  }
  if ((childBirths.length > 0 && rng.chance(0.35)) || (childBirths.length === 0 && age1 < 29 && rng.chance(0.12))) {
    const stepped = rng.chance(0.2);
    first.incomes.push({
      source: 'forsakringskassan',
      type: 'housingAllowance',
      benefit: 'bostadsbidrag',
      baseOre: kr(1_000, 4_500, rng),
      taxRate: 0,
      payDay: 18,
      ...lifecycle(rng, ref, 0.08, 0.08),
      pattern: stepped
        ? { kind: 'step', at: ref - rng.int(0, 4), factor: rng.pick([0.7, 0.85, 1.2, 1.4]) }
        : { kind: 'fixed' },
    });
  }
  if (rng.chance(0.08)) {
    const modelYear = Number(anchor.slice(0, 4)) - rng.int(1, 22);
    first.vehicles.push({
      registrationNumber: plate(rng),
      kind: rng.chance(0.92) ? 'passenger-car' : 'motorcycle',
      make: rng.pick(CAR_MAKES),
      modelYear,
      ownedSince: addDays(anchor, -rng.int(30, 3000)),
      estimatedValueOre: kr(8_000, 220_000, rng),
    });
  }

  // People, with their personnummer.
  const members: SimPerson[] = [];
  const givenNames = new Set<string>();
  const givenName = (sex: Sex): string => {
    for (;;) {
      const n = rng.pick(sex === 'female' ? FEMALE_NAMES : MALE_NAMES);
      if (!givenNames.has(n)) {
        givenNames.add(n);
        return n;
      }
    }
  };
  drafts.forEach((d, i) => {
    members.push({
      key: hash32(hkey, i),
      personnummer: d.personnummer,
      givenName: givenName(d.sex),
      familyName: i === 0 || rng.chance(0.55) ? familyName : rng.pick(FAMILY_NAMES),
      birthDate: d.birthDate,
      sex: d.sex,
      role: 'adult',
      protectedIdentity,
      incomes: d.incomes,
      registration: d.registration,
      activityReportMissRate: d.activityReportMissRate,
      membership: d.membership,
      studies: d.studies,
      permits: d.permits,
      pendingApplications: d.pendingApplications,
      vehicles: d.vehicles,
    });
  });
  childBirths.forEach((c, j) => {
    const { personnummer, birthDate, sex } = c;
    const incomes: IncomeStream[] = [];
    const b = dateMonthIndex(birthDate);
    if (c.age >= 14) {
      // Studiehjälp from the autumn the child turns 16.
      incomes.push({
        source: 'csn',
        type: 'studentAid',
        benefit: 'studiehjalp',
        baseOre: BARNBIDRAG_ORE,
        taxRate: 0,
        payDay: 25,
        from: b + 16 * 12 + 1,
        until: b + 20 * 12,
        pattern: { kind: 'school-year' },
      });
      if (c.age >= 16 && rng.chance(0.1)) {
        incomes.push({
          source: 'income-register',
          type: 'salary',
          benefit: 'lon',
          baseOre: kr(1_000, 4_000, rng),
          taxRate: 0,
          payDay: 25,
          ...lifecycle(rng, ref, 0.2, 0.2),
          pattern: { kind: 'volatile' },
          employer: `${city} ${rng.pick(EMPLOYER_KINDS)} (fiktiv)`,
        });
      }
    }
    // A child arrived with a migrant parent shares the parent's permit.
    const arrival = drafts[0]!.migrantArrival;
    const permits = arrival !== null && birthDate < arrival ? drafts[0]!.permits : [];
    members.push({
      key: hash32(hkey, drafts.length + j),
      personnummer,
      givenName: givenName(sex),
      familyName,
      birthDate,
      sex,
      role: 'child',
      protectedIdentity,
      incomes,
      registration: NOT_REGISTERED,
      activityReportMissRate: 0,
      membership: NO_MEMBERSHIP,
      studies: [],
      permits,
      pendingApplications: [],
      vehicles: [],
    });
  });

  const household = {
    householdId: `${code}-${String(index + 1).padStart(5, '0')}`,
    municipalityCode: code,
    address,
    cohabiting: couple,
    protectedIdentity,
    members,
  };
  return { ...household, traits: traitsOf(household, ref) };
}

const TYPE_TRAITS: Partial<Record<IncomeType, Trait>> = {
  salary: 'salary',
  unemploymentBenefit: 'unemployment-benefit',
  activitySupport: 'activity-support',
  establishmentAllowance: 'establishment-allowance',
  sicknessBenefit: 'sickness-benefit',
  parentalBenefit: 'parental-benefit',
  housingAllowance: 'housing-allowance',
  childAllowance: 'child-allowance',
  maintenanceSupport: 'maintenance-support',
  studentAid: 'student-aid',
  pension: 'pension',
};

/** Traits for an application in month `ref`: control month M−1 against comparison month M−2. */
function traitsOf(h: Omit<SimHousehold, 'traits'>, ref: MonthIndex): Trait[] {
  const t = new Set<Trait>();
  const adults = h.members.filter((p) => p.role === 'adult');
  const children = h.members.filter((p) => p.role === 'child');
  if (adults.length === 1 && children.length === 0) t.add('single');
  if (adults.length === 1 && children.length > 0) t.add('single-parent');
  if (h.cohabiting) t.add('cohabiting');
  if (children.length > 0) t.add('children');
  if (h.protectedIdentity) t.add('protected-identity');
  let anyIncome = false;
  for (const p of h.members) {
    if (p.registration.registered) t.add('af-registered');
    if (p.permits.length > 0) t.add('residence-permit');
    if (p.vehicles.length > 0) t.add('vehicle');
    if (p.pendingApplications.length > 0) t.add('pending-application');
    p.incomes.forEach((s, pos) => {
      const m1 = grossFor(s, p.key, pos, ref - 1);
      const m2 = grossFor(s, p.key, pos, ref - 2);
      if (m1 > 0) {
        const trait = TYPE_TRAITS[s.type];
        if (trait !== undefined) t.add(trait);
        if (s.type !== 'childAllowance') anyIncome = true;
      }
      if (m1 > 0 && m2 === 0) t.add('income-new');
      if (m1 === 0 && m2 > 0) t.add('income-dropped');
      if (m1 > 0 && m2 > 0 && Math.abs(m1 - m2) > 0.12 * m2) {
        t.add('income-change');
        if (s.type === 'salary') t.add('salary-change');
      }
    });
  }
  if (!anyIncome) t.add('no-income');
  return TRAITS.filter((x) => t.has(x));
}

/** Builds the population. Pure: the same options give the same result. */
export function generatePopulation(options: PopulationOptions): Population {
  const seed = seedOf(options.seed ?? DEFAULT_SEED);
  const municipalities = [...(options.municipalities ?? DEFAULT_MUNICIPALITIES)];
  const perMunicipality = options.householdsPerMunicipality ?? DEFAULT_HOUSEHOLDS_PER_MUNICIPALITY;
  for (const code of municipalities) {
    if (!/^\d{4}$/.test(code)) throw new Error(`municipality code must be four digits: ${code}`);
  }
  if (new Set(municipalities).size !== municipalities.length) throw new Error('municipality codes must be unique');
  if (!Number.isInteger(perMunicipality) || perMunicipality < 0)
    throw new Error('householdsPerMunicipality must be an integer ≥ 0');
  const ref = monthIndex(options.referenceMonth);
  const ctx: Ctx = { seed, ref, anchor: firstDay(ref), registry: new PersonnummerRegistry() };

  const households: SimHousehold[] = [];
  const index = new Map<string, { household: SimHousehold; person: SimPerson }>();
  for (const code of municipalities) {
    for (let i = 0; i < perMunicipality; i++) {
      const h = generateHousehold(ctx, code, i);
      households.push(h);
      for (const person of h.members) index.set(person.personnummer, { household: h, person });
    }
  }
  return {
    seed,
    referenceMonth: monthString(ref),
    municipalities,
    householdsPerMunicipality: perMunicipality,
    households,
    personCount: index.size,
    find: (pnr) => index.get(pnr),
  };
}
