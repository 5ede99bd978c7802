/**
 * Sample checks (stickprov): the draw and the statistics, as pure functions. No I/O, no clock and
 * no randomness here: the seed is an argument (the shell makes it with a cryptographic random
 * generator and records it with the draw), so anyone with the seed and the list of eligible
 * decisions can draw the same sample again and check it.
 *
 * The method, `hmac-sha256-v1` (see docs/sample-checks.md):
 *
 *   ticket(d) = the first 8 bytes of HMAC-SHA-256(key = the seed's 32 bytes, message = the
 *               decision id as UTF-8), read as an unsigned big-endian 64-bit integer
 *   selected  ⇔ ticket(d) × 10 000 < rate(d) × 2^64
 *
 * where rate(d) is the rate in basis points of the stratum (amount band) that the decision's
 * amount falls in. ticket / 2^64 is uniform on [0, 1) and independent between decisions for a
 * seed that nobody knew when the list was fixed, so each decision is selected with exactly its
 * stratum's probability, independently of every other (Poisson sampling). The comparison is in
 * integers: there is no floating-point rounding to disagree about.
 */
import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';

/** The draw method's name, recorded with every draw. A different method gets a new name. */
export const SAMPLING_METHOD = 'hmac-sha256-v1';

/** Basis points in one (10 000 = 100 %). */
export const BASIS_POINTS = 10_000;

const TWO_POW_64 = 1n << 64n;

/** A problem with the draw's inputs: a bad seed, strata or list. */
export class SamplingError extends Error {
  override readonly name = 'SamplingError';
}

/** One amount band: from `fromOre` (inclusive) up to the next band's start, drawn at `rateBasisPoints`. */
export interface Stratum {
  readonly fromOre: number;
  readonly rateBasisPoints: number;
}

/** A decision that can be drawn: its id and the amount decided, in öre. */
export interface EligibleDecision {
  readonly id: string;
  readonly amountOre: number;
}

/** A seed: 32 bytes as 64 lowercase hexadecimal digits. */
export function isSeed(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

function assertRate(rate: number, where: string): void {
  if (!Number.isInteger(rate) || rate < 0 || rate > BASIS_POINTS)
    throw new SamplingError(`${where}: a rate is a whole number of basis points from 0 to ${BASIS_POINTS}`);
}

/**
 * The strata a municipality's settings mean, in öre and ascending, the first from 0. Without
 * strata the single rate applies to every amount; with strata that start above 0, amounts below
 * the first band get the single rate. Two bands from the same amount are an error.
 */
export function sampleStrata(
  rateBasisPoints: number,
  strata: readonly { readonly fromKronor: number; readonly rateBasisPoints: number }[] = [],
): Stratum[] {
  assertRate(rateBasisPoints, 'sampleRateBasisPoints');
  const bands = strata
    .map((s, i) => {
      if (!Number.isInteger(s.fromKronor) || s.fromKronor < 0)
        throw new SamplingError(`sampleStrata[${i}].fromKronor: a whole number of kronor, 0 or more`);
      assertRate(s.rateBasisPoints, `sampleStrata[${i}].rateBasisPoints`);
      return { fromOre: s.fromKronor * 100, rateBasisPoints: s.rateBasisPoints };
    })
    .sort((a, b) => a.fromOre - b.fromOre);
  for (let i = 1; i < bands.length; i++)
    if (bands[i]!.fromOre === bands[i - 1]!.fromOre)
      throw new SamplingError(`sampleStrata: two bands start at ${bands[i]!.fromOre / 100} kronor`);
  if (bands.length === 0 || bands[0]!.fromOre > 0) bands.unshift({ fromOre: 0, rateBasisPoints });
  return bands;
}

/** Checks recorded strata: ascending, strictly increasing, the first from 0, rates in range. */
export function assertStrata(strata: readonly Stratum[]): void {
  if (strata.length === 0 || strata[0]!.fromOre !== 0) throw new SamplingError('strata: the first band starts at 0');
  strata.forEach((s, i) => {
    assertRate(s.rateBasisPoints, `strata[${i}]`);
    if (!Number.isSafeInteger(s.fromOre) || (i > 0 && s.fromOre <= strata[i - 1]!.fromOre))
      throw new SamplingError(`strata[${i}]: bands start at increasing whole öre`);
  });
}

/** The index of the band an amount falls in. */
export function stratumOf(strata: readonly Stratum[], amountOre: number): number {
  let index = 0;
  for (let i = 0; i < strata.length; i++) if (amountOre >= strata[i]!.fromOre) index = i;
  return index;
}

/** A keyed ticket source for one seed (the HMAC key set up once). */
function ticketer(seed: string): (decisionId: string) => bigint {
  if (!isSeed(seed)) throw new SamplingError('seed: 64 lowercase hexadecimal digits (32 bytes)');
  const keyed = hmac.create(sha256, hexToBytes(seed));
  return (decisionId) => {
    const mac = keyed.clone().update(utf8ToBytes(decisionId)).digest();
    let ticket = 0n;
    for (let i = 0; i < 8; i++) ticket = (ticket << 8n) | BigInt(mac[i]!);
    return ticket;
  };
}

/** A decision's ticket for a seed: an unsigned 64-bit integer, uniform for an unknown seed. */
export function drawTicket(seed: string, decisionId: string): bigint {
  return ticketer(seed)(decisionId);
}

/** Whether a ticket is below a rate: ticket × 10 000 < rate × 2^64, in exact integers. */
export function ticketSelected(ticket: bigint, rateBasisPoints: number): boolean {
  return ticket * BigInt(BASIS_POINTS) < BigInt(rateBasisPoints) * TWO_POW_64;
}

/** A ticket as a number in [0, 1), for people to read (the decision uses the exact integer). */
export function ticketFraction(ticket: bigint): number {
  return Number(ticket) / 2 ** 64;
}

/**
 * SHA-256 (hex) of the eligible list: one line per decision, sorted by id (code units),
 * `<id> <amountOre>\n`. It fixes what was drawn from; the order the list came in does not matter.
 */
export function eligibleListHash(eligible: readonly EligibleDecision[]): string {
  const lines = [...eligible]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((d) => `${d.id} ${d.amountOre}\n`)
    .join('');
  return bytesToHex(sha256(utf8ToBytes(lines)));
}

export interface DrawInput {
  readonly seed: string;
  readonly strata: readonly Stratum[];
  readonly eligible: readonly EligibleDecision[];
}

export interface DrawnItem extends EligibleDecision {
  readonly stratum: number;
  /** The ticket as 16 hexadecimal digits. */
  readonly ticket: string;
  readonly selected: boolean;
}

export interface StratumCount {
  readonly stratum: number;
  readonly fromOre: number;
  readonly rateBasisPoints: number;
  readonly eligible: number;
  readonly selected: number;
}

export interface Draw {
  readonly method: typeof SAMPLING_METHOD;
  readonly seed: string;
  readonly strata: readonly Stratum[];
  readonly eligibleHash: string;
  /** Every eligible decision, sorted by id, with its stratum, ticket and whether it was selected. */
  readonly items: readonly DrawnItem[];
  /** The selected decisions' ids, sorted. */
  readonly selected: readonly string[];
  readonly perStratum: readonly StratumCount[];
}

/** Draws the sample. The same seed, strata and list (in any order) give the same sample. */
export function drawSample(input: DrawInput): Draw {
  assertStrata(input.strata);
  const ticketOf = ticketer(input.seed);
  const seen = new Set<string>();
  for (const d of input.eligible) {
    if (seen.has(d.id)) throw new SamplingError(`eligible: decision ${d.id} appears twice`);
    if (!Number.isSafeInteger(d.amountOre) || d.amountOre < 0)
      throw new SamplingError(`eligible: decision ${d.id} has no whole amount in öre`);
    seen.add(d.id);
  }
  const items = [...input.eligible]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((d): DrawnItem => {
      const stratum = stratumOf(input.strata, d.amountOre);
      const ticket = ticketOf(d.id);
      return {
        id: d.id,
        amountOre: d.amountOre,
        stratum,
        ticket: ticket.toString(16).padStart(16, '0'),
        selected: ticketSelected(ticket, input.strata[stratum]!.rateBasisPoints),
      };
    });
  const perStratum = input.strata.map((s, i) => ({
    stratum: i,
    fromOre: s.fromOre,
    rateBasisPoints: s.rateBasisPoints,
    eligible: items.filter((it) => it.stratum === i).length,
    selected: items.filter((it) => it.stratum === i && it.selected).length,
  }));
  return {
    method: SAMPLING_METHOD,
    seed: input.seed,
    strata: input.strata,
    eligibleHash: eligibleListHash(input.eligible),
    items,
    selected: items.filter((it) => it.selected).map((it) => it.id),
    perStratum,
  };
}

/** What was recorded when the sample was drawn. */
export interface RecordedDraw {
  readonly method: string;
  readonly seed: string;
  readonly strata: readonly Stratum[];
  readonly eligibleHash: string;
  readonly selected: readonly string[];
}

export interface DrawVerification {
  /** Every check below passed. */
  readonly ok: boolean;
  readonly method: string;
  /** The method is one this code knows. */
  readonly methodKnown: boolean;
  /** The list given hashes to the recorded hash. */
  readonly eligibleHashMatches: boolean;
  readonly eligibleHash: string;
  /** The re-drawn sample is exactly the recorded one. */
  readonly selectionMatches: boolean;
  /** Selected on re-drawing but not recorded. */
  readonly missing: readonly string[];
  /** Recorded but not selected on re-drawing. */
  readonly unexpected: readonly string[];
}

/** Re-draws from the recorded seed and strata over `eligible`, and compares with what was recorded. */
export function verifyDraw(recorded: RecordedDraw, eligible: readonly EligibleDecision[]): DrawVerification {
  const methodKnown = recorded.method === SAMPLING_METHOD;
  const eligibleHash = eligibleListHash(eligible);
  const redrawn = methodKnown
    ? new Set(drawSample({ seed: recorded.seed, strata: recorded.strata, eligible }).selected)
    : new Set<string>();
  const kept = new Set(recorded.selected);
  const missing = [...redrawn].filter((id) => !kept.has(id)).sort();
  const unexpected = [...kept].filter((id) => !redrawn.has(id)).sort();
  const eligibleHashMatches = eligibleHash === recorded.eligibleHash;
  const selectionMatches = methodKnown && missing.length === 0 && unexpected.length === 0;
  return {
    ok: methodKnown && eligibleHashMatches && selectionMatches,
    method: recorded.method,
    methodKnown,
    eligibleHashMatches,
    eligibleHash,
    selectionMatches,
    missing,
    unexpected,
  };
}

/** z for a two-sided 95 % interval. */
export const Z_95 = 1.959963984540054;

export interface Interval {
  readonly estimate: number;
  readonly lower: number;
  readonly upper: number;
}

/**
 * The Wilson score interval for a proportion (successes of n), two-sided at the given z (95 % by
 * default). Good at small n and at 0 or n successes, where the normal approximation fails. Null
 * when n is 0: nothing was observed.
 */
export function wilsonInterval(successes: number, n: number, z = Z_95): Interval | null {
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(successes) || successes < 0 || successes > n)
    throw new SamplingError('wilsonInterval: 0 ≤ successes ≤ n, whole numbers');
  if (n === 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const margin = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return {
    estimate: p,
    lower: successes === 0 ? 0 : Math.max(0, centre - margin),
    upper: successes === n ? 1 : Math.min(1, centre + margin),
  };
}

export interface StratumOutcome {
  /** Decisions in the band in the period (the population). */
  readonly eligible: number;
  /** Checks in the band with a finding: confirmed or discrepancy. */
  readonly concluded: number;
  readonly discrepancies: number;
}

/**
 * The error rate in the whole period's decisions, from stratified checks: each band's rate
 * weighted by its share of the decisions (bands drawn at different rates would otherwise count
 * the oversampled band too much). The interval combines each band's Wilson bounds with the same
 * weights, which is conservative (at least as wide as needed). With one band it is that band's
 * Wilson interval. Null when no band with decisions has a finding.
 */
export function stratifiedErrorRate(strata: readonly StratumOutcome[], z = Z_95): Interval | null {
  const total = strata.reduce((s, b) => s + b.eligible, 0);
  const bands = strata.filter((b) => b.eligible > 0);
  if (total === 0 || bands.some((b) => b.concluded === 0)) return null;
  let estimate = 0;
  let lower = 0;
  let upper = 0;
  for (const b of bands) {
    const w = wilsonInterval(b.discrepancies, b.concluded, z)!;
    const share = b.eligible / total;
    estimate += share * w.estimate;
    lower += share * w.lower;
    upper += share * w.upper;
  }
  return { estimate, lower, upper: Math.min(1, upper) };
}

/** A named document the applicant is asked for, in the languages the API answers in. */
export interface RequestedDocument {
  readonly code: string;
  readonly sv: string;
  readonly en: string;
}

const DOCUMENTS = {
  'bank-statements': {
    sv: 'Kontoutdrag för alla dina konton för de två månaderna före ansökan',
    en: 'Statements for all your bank accounts for the two months before the application',
  },
  'rent-notice': { sv: 'Hyresavi eller hyreskvitto för månaden', en: 'Rent notice or rent receipt for the month' },
  'electricity-bill': { sv: 'Elräkning', en: 'Electricity bill' },
  'home-insurance': { sv: 'Faktura för hemförsäkring', en: 'Home insurance invoice' },
  'travel-costs': { sv: 'Kvitto eller faktura för arbetsresor', en: 'Receipt or invoice for work travel' },
  'fees-union': { sv: 'Avi för fackavgift eller a-kassa', en: 'Notice of union or unemployment fund fees' },
  'care-receipts': {
    sv: 'Kvitton för vård, medicin, tandvård eller glasögon',
    en: 'Receipts for care, medicine, dental care or glasses',
  },
  'childcare-invoice': { sv: 'Faktura för barnomsorgsavgift', en: 'Childcare fee invoice' },
  'other-costs': { sv: 'Underlag för övriga kostnader', en: 'Documents for other costs' },
  payslips: { sv: 'Lönespecifikationer för de två månaderna före ansökan', en: 'Payslips for the two months before' },
  'income-statements': {
    sv: 'Besked om andra inkomster (ersättningar, bidrag, pension)',
    en: 'Statements of other income (benefits, allowances, pension)',
  },
} as const satisfies Record<string, { sv: string; en: string }>;
export type DocumentCode = keyof typeof DOCUMENTS;
export const DOCUMENT_CODES = Object.keys(DOCUMENTS) as DocumentCode[];

const COST_DOCUMENT: Record<string, DocumentCode> = {
  rent: 'rent-notice',
  electricity: 'electricity-bill',
  homeInsurance: 'home-insurance',
  workTravel: 'travel-costs',
  unionFee: 'fees-union',
  unemploymentFundFee: 'fees-union',
  medicalCare: 'care-receipts',
  medicine: 'care-receipts',
  dentalCare: 'care-receipts',
  glasses: 'care-receipts',
  childcareFee: 'childcare-invoice',
  other: 'other-costs',
};

/**
 * The documents a sample check asks for, from the application as it was decided: bank statements
 * always, a document for each kind of cost applied for, payslips for a salary, statements for
 * other income. Each once, in a fixed order.
 */
export function sampleCheckDocuments(content: {
  readonly costs?: readonly { readonly type: string }[];
  readonly incomes?: readonly { readonly type: string }[];
}): RequestedDocument[] {
  const wanted = new Set<DocumentCode>(['bank-statements']);
  for (const c of content.costs ?? []) wanted.add(COST_DOCUMENT[c.type] ?? 'other-costs');
  for (const i of content.incomes ?? []) wanted.add(i.type === 'salary' ? 'payslips' : 'income-statements');
  return DOCUMENT_CODES.filter((code) => wanted.has(code)).map((code) => ({ code, ...DOCUMENTS[code] }));
}
