/**
 * Exact money. Every amount inside the engine is an integer number of öre; kronor appear only at
 * the edges (input and output). Integers below 2^53 add and multiply exactly in JavaScript, and
 * the largest amounts we handle (10^10 öre × 31 days) stay far below that.
 */

/** Largest amount in kronor accepted on input (ten million kronor). */
export const MAX_KRONOR = 10_000_000;

/**
 * Converts kronor with at most two decimals to öre. Returns undefined when the number has more
 * than two decimals or is not finite, so that callers can report the field instead of rounding.
 */
export function kronorToOre(kronor: number): number | undefined {
  if (!Number.isFinite(kronor)) return undefined;
  const ore = Math.round(kronor * 100);
  // 0.1 + 0.2 style representation noise is far below 1e-6 öre; a third decimal is not.
  if (Math.abs(kronor * 100 - ore) > 1e-6) return undefined;
  return ore;
}

export function oreToKronor(ore: number): number {
  return ore / 100;
}

/** ceil(a / b) for integers a ≥ 0, b > 0, without floating-point error. */
export function ceilDiv(a: number, b: number): number {
  const q = Math.floor(a / b);
  const r = a - q * b;
  if (r > 0) return q + 1;
  if (r < 0) return q; // Math.floor overshot by one on a huge value; never for our ranges
  return q;
}

// Digit tables: number-to-string conversion is the costliest part of writing explanations.
const PLAIN: readonly string[] = Array.from({ length: 1000 }, (_, i) => String(i));
const PAD3: readonly string[] = PLAIN.map((s) => s.padStart(3, '0'));
const PAD2: readonly string[] = PLAIN.slice(0, 100).map((s) => s.padStart(2, '0'));

/** Digits of a whole number ≥ 0 in groups of three, by table look-up (this runs for every line). */
function groupDigits(n: number, sep: string): string {
  if (n < 1000) return PLAIN[n]!;
  if (n < 1_000_000) return PLAIN[Math.floor(n / 1000)]! + sep + PAD3[n % 1000]!;
  const low = PAD3[Math.floor(n / 1000) % 1000]! + sep + PAD3[n % 1000]!;
  return groupDigits(Math.floor(n / 1_000_000), sep) + sep + low;
}

const NBSP = '\u00a0';
const KR = NBSP + 'kr';
const SEK = 'SEK' + NBSP;

// Whole pieces of formatted amounts, so that an amount below a million kronor (nearly all of them)
// is at most three pieces: a table per group of three digits with its separator, and one per öre
// value with what follows it. About 7 000 short strings, built once.
/** "12 " (Swedish thousands group with its separator), "SEK 12," and "SEK 12" (English). */
const SV_THOUSANDS: readonly string[] = PLAIN.map((s) => s + NBSP);
const EN_THOUSANDS: readonly string[] = PLAIN.map((s) => SEK + s + ',');
const EN_SMALL: readonly string[] = PLAIN.map((s) => SEK + s);
/** "345 kr" / "345" after a thousands group, "7 kr" alone: whole kronor. */
const SV_LOW_KR: readonly string[] = PAD3.map((s) => s + KR);
const SV_SMALL_KR: readonly string[] = PLAIN.map((s) => s + KR);
/** What follows the kronor for each öre value: " kr" / ",05 kr" and "" / ".05". */
const SV_ORE: readonly string[] = PAD2.map((s, ore) => (ore === 0 ? KR : ',' + s + KR));
const EN_ORE: readonly string[] = PAD2.map((s, ore) => (ore === 0 ? '' : '.' + s));
/** Amounts below this many öre (a million kronor) take the table path. */
const FAST_LIMIT = 100_000_000;

/**
 * `text` followed by the amount in Swedish: `text + formatSv(ore)`. Explanations write amounts
 * this way, appending the pieces to the sentence so far: joining a short string to a long one
 * is cheap in JavaScript engines (the result refers to both), while building the short
 * "3 160 kr" on its own copies characters.
 */
export function appendSv(text: string, ore: number): string {
  if ((ore | 0) === ore && ore >= 0 && ore < FAST_LIMIT) {
    const kr = (ore / 100) | 0;
    const rest = ore - kr * 100;
    if (kr < 1000) return rest === 0 ? text + SV_SMALL_KR[kr]! : text + PLAIN[kr]! + SV_ORE[rest]!;
    const hi = (kr / 1000) | 0;
    const lo = kr - hi * 1000;
    return rest === 0
      ? text + SV_THOUSANDS[hi]! + SV_LOW_KR[lo]!
      : text + SV_THOUSANDS[hi]! + PAD3[lo]! + SV_ORE[rest]!;
  }
  const neg = ore < 0;
  const abs = neg ? -ore : ore;
  const rest = abs % 100;
  const s = groupDigits((abs - rest) / 100, NBSP) + (rest === 0 ? KR : ',' + PAD2[rest]! + KR);
  return text + (neg ? '−' + s : s);
}

/** `text` followed by the amount in English: `text + formatEn(ore)` (see appendSv). */
export function appendEn(text: string, ore: number): string {
  if ((ore | 0) === ore && ore >= 0 && ore < FAST_LIMIT) {
    const kr = (ore / 100) | 0;
    const rest = ore - kr * 100;
    if (kr < 1000) return rest === 0 ? text + EN_SMALL[kr]! : text + EN_SMALL[kr]! + EN_ORE[rest]!;
    const hi = (kr / 1000) | 0;
    const lo = kr - hi * 1000;
    return rest === 0 ? text + EN_THOUSANDS[hi]! + PAD3[lo]! : text + EN_THOUSANDS[hi]! + PAD3[lo]! + EN_ORE[rest]!;
  }
  const neg = ore < 0;
  const abs = neg ? -ore : ore;
  const rest = abs % 100;
  const s = SEK + groupDigits((abs - rest) / 100, ',') + (rest === 0 ? '' : '.' + PAD2[rest]!);
  return text + (neg ? '−' + s : s);
}

/** "3 160 kr", "1 181,62 kr" (Swedish, non-breaking spaces). */
export function formatSv(ore: number): string {
  return appendSv('', ore);
}

/** "SEK 3,160", "SEK 1,181.62" (English). */
export function formatEn(ore: number): string {
  return appendEn('', ore);
}

/** "25 %" / "25%" for a rate in basis points. */
export function formatRate(basisPoints: number, lang: 'sv' | 'en'): string {
  const pct = basisPoints / 100;
  const s = Number.isInteger(pct) ? String(pct) : pct.toFixed(2).replace(/0+$/, '');
  return lang === 'sv' ? s.replace('.', ',') + NBSP + '%' : s + '%';
}
