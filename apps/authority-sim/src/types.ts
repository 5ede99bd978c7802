/**
 * The simulator's vocabulary and the exact shapes of its answers. An adapter in Tillit can read
 * these types to know what each simulated authority returns. Money is integer öre throughout.
 */

/** One id per simulated source; each has the endpoint `POST /v1/{id}`. */
export const SOURCE_IDS = [
  'population-register',
  'income-register',
  'forsakringskassan',
  'csn',
  'arbetsformedlingen',
  'unemployment-fund',
  'pensionsmyndigheten',
  'migrationsverket',
  'transportstyrelsen',
] as const;
export type SourceId = (typeof SOURCE_IDS)[number];

/** Sources that answer per month (the request's `months`). */
export const MONTHLY_SOURCES: ReadonlySet<SourceId> = new Set([
  'income-register',
  'forsakringskassan',
  'csn',
  'arbetsformedlingen',
  'unemployment-fund',
  'pensionsmyndigheten',
]);

/** Income types, the same names as the calculation input's `incomes[].type` in @tillit/rules. */
export type IncomeType =
  | 'salary'
  | 'unemploymentBenefit'
  | 'activitySupport'
  | 'establishmentAllowance'
  | 'sicknessBenefit'
  | 'parentalBenefit'
  | 'housingAllowance'
  | 'childAllowance'
  | 'maintenanceSupport'
  | 'studentAid'
  | 'pension';

/** The paying authority's own name for the payment. */
export type Benefit =
  | 'lon'
  | 'arbetsloshetsersattning'
  | 'aktivitetsstod'
  | 'utvecklingsersattning'
  | 'etableringsersattning'
  | 'sjukpenning'
  | 'foraldrapenning'
  | 'bostadsbidrag'
  | 'barnbidrag'
  | 'underhallsstod'
  | 'studiebidrag'
  | 'studielan'
  | 'studiehjalp'
  | 'inkomstpension'
  | 'garantipension'
  | 'bostadstillagg';

export interface Address {
  readonly street: string;
  readonly postalCode: string;
  readonly city: string;
}

export interface Payment {
  readonly type: IncomeType;
  readonly benefit: Benefit;
  /** Before preliminary tax, öre. */
  readonly grossOre: number;
  /** Preliminary tax withheld, öre (0 for tax-free benefits). */
  readonly taxOre: number;
  /** Paid out: gross − tax, öre. */
  readonly netOre: number;
  /** "YYYY-MM-DD". */
  readonly paidOn: string;
  /** Salary only: the (fictional) employer. */
  readonly employer?: string;
}

export interface MonthPayments {
  /** "YYYY-MM". */
  readonly month: string;
  /** Every payment to the person that month; empty when nothing was paid. */
  readonly payments: readonly Payment[];
}

export interface AfMonth extends MonthPayments {
  /** The monthly activity report (aktivitetsrapport) to Arbetsförmedlingen. */
  readonly activityReport: 'submitted' | 'missing' | 'not-required';
}

/** What every answer carries. */
export interface AnswerBase {
  readonly source: SourceId;
  readonly personnummer: string;
  /** ISO 8601 instant of the answer. */
  readonly retrievedAt: string;
  /** True when some months or fields could not be delivered; `missing` says which. */
  readonly partial: boolean;
  readonly missing?: { readonly months: readonly string[]; readonly fields: readonly string[] };
}

/** Monthly answers list each requested month that the source holds, in the order asked. */
export interface MonthlyAnswerBase extends AnswerBase {
  /** Requested months outside the source's window (older than 24 months, or in the future). */
  readonly unavailableMonths: readonly string[];
}

export interface RegisterMember {
  readonly personnummer: string;
  readonly givenName: string;
  readonly familyName: string;
  readonly birthDate: string;
  readonly sex: 'female' | 'male';
  readonly role: 'adult' | 'child';
  /** Relation to the person asked about. */
  readonly relation: 'self' | 'partner' | 'child' | 'parent' | 'sibling';
  readonly protectedIdentity: boolean;
}

export interface PopulationRegisterAnswer extends AnswerBase {
  readonly source: 'population-register';
  readonly householdId: string;
  readonly municipalityCode: string;
  /** The person asked about, or anyone in the household, has skyddade personuppgifter. */
  readonly protectedIdentity: boolean;
  /** Two adults registered together. */
  readonly cohabiting: boolean;
  /** `null` when withheld (protected identity); absent only in a partial answer. */
  readonly address?: Address | null;
  /** Everyone registered in the household, the person asked about included (relation "self"). */
  readonly members?: readonly RegisterMember[];
}

export interface IncomeRegisterAnswer extends MonthlyAnswerBase {
  readonly source: 'income-register';
  readonly months: readonly MonthPayments[];
}

export interface PendingApplication {
  readonly benefit: Benefit | 'aktivitetsersattning';
  readonly submittedOn: string;
  readonly status: 'pending';
}

export interface ForsakringskassanAnswer extends MonthlyAnswerBase {
  readonly source: 'forsakringskassan';
  readonly months: readonly MonthPayments[];
  /** Absent only in a partial answer. */
  readonly pendingApplications?: readonly PendingApplication[];
}

export interface StudyPeriod {
  readonly level: 'university' | 'adult-education' | 'upper-secondary' | 'folk-high-school';
  readonly extentPercent: 50 | 75 | 100;
  readonly from: string;
  readonly until: string;
}

export interface CsnAnswer extends MonthlyAnswerBase {
  readonly source: 'csn';
  readonly months: readonly MonthPayments[];
  /** Study periods with CSN support; absent only in a partial answer. */
  readonly studies?: readonly StudyPeriod[];
}

export interface AfRegistration {
  readonly registered: boolean;
  readonly registeredSince: string | null;
  readonly status: 'unemployed' | 'part-time-unemployed' | 'in-programme' | null;
  readonly programme: string | null;
  /** The individual plan (handlingsplan), when there is one. */
  readonly plan: { readonly establishedOn: string; readonly nextFollowUpOn: string } | null;
}

export interface ArbetsformedlingenAnswer extends MonthlyAnswerBase {
  readonly source: 'arbetsformedlingen';
  readonly months: readonly AfMonth[];
  /** Absent only in a partial answer. */
  readonly registration?: AfRegistration;
}

export interface FundMembership {
  readonly member: boolean;
  readonly fund: string | null;
  readonly monthlyFeeOre: number | null;
}

export interface UnemploymentFundAnswer extends MonthlyAnswerBase {
  readonly source: 'unemployment-fund';
  readonly months: readonly MonthPayments[];
  /** Absent only in a partial answer. */
  readonly membership?: FundMembership;
}

export interface PensionsmyndighetenAnswer extends MonthlyAnswerBase {
  readonly source: 'pensionsmyndigheten';
  readonly months: readonly MonthPayments[];
}

export interface Permit {
  readonly kind: 'permanent-residence' | 'temporary-residence' | 'work-permit';
  readonly grounds: 'protection' | 'family' | 'work' | 'studies';
  readonly validFrom: string;
  /** `null` for a permanent permit. */
  readonly validUntil: string | null;
  /** The permit includes the right to work. */
  readonly workAllowed: boolean;
}

export interface MigrationsverketAnswer extends AnswerBase {
  readonly source: 'migrationsverket';
  /** Empty when the agency has no permit for the person; absent only in a partial answer. */
  readonly permits?: readonly Permit[];
}

export interface Vehicle {
  /** Fictional: always starts with Q, a letter Swedish plates do not use. */
  readonly registrationNumber: string;
  readonly kind: 'passenger-car' | 'motorcycle';
  readonly make: string;
  readonly modelYear: number;
  readonly ownedSince: string;
  /** A simulator convenience (the register has no values): an estimated market value, öre. */
  readonly estimatedValueOre: number;
}

export interface TransportstyrelsenAnswer extends AnswerBase {
  readonly source: 'transportstyrelsen';
  /** Vehicles the person owns; absent only in a partial answer. */
  readonly vehicles?: readonly Vehicle[];
}

export type SourceAnswer =
  | PopulationRegisterAnswer
  | IncomeRegisterAnswer
  | ForsakringskassanAnswer
  | CsnAnswer
  | ArbetsformedlingenAnswer
  | UnemploymentFundAnswer
  | PensionsmyndighetenAnswer
  | MigrationsverketAnswer
  | TransportstyrelsenAnswer;

/** Fields that a partial answer may leave out, per source (besides months). */
export const DROPPABLE_FIELDS: Readonly<Record<SourceId, readonly string[]>> = {
  'population-register': ['address', 'members'],
  'income-register': [],
  forsakringskassan: ['pendingApplications'],
  csn: ['studies'],
  arbetsformedlingen: ['registration'],
  'unemployment-fund': ['membership'],
  pensionsmyndigheten: [],
  migrationsverket: ['permits'],
  transportstyrelsen: ['vehicles'],
};

/** RFC 9457 problem details, the body of every error. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly pointer: string; readonly code: string; readonly message: string }[];
}
