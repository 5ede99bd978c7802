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

/** "3 160 kr", "1 181,62 kr" (Swedish, non-breaking spaces). */
export function formatSv(ore: number): string {
  const neg = ore < 0;
  const abs = neg ? -ore : ore;
  const rest = abs % 100;
  const s = groupDigits((abs - rest) / 100, NBSP) + (rest === 0 ? KR : ',' + PAD2[rest]! + KR);
  return neg ? '−' + s : s;
}

/** "SEK 3,160", "SEK 1,181.62" (English). */
export function formatEn(ore: number): string {
  const neg = ore < 0;
  const abs = neg ? -ore : ore;
  const rest = abs % 100;
  const s = SEK + groupDigits((abs - rest) / 100, ',') + (rest === 0 ? '' : '.' + PAD2[rest]!);
  return neg ? '−' + s : s;
}

/** "25 %" / "25%" for a rate in basis points. */
export function formatRate(basisPoints: number, lang: 'sv' | 'en'): string {
  const pct = basisPoints / 100;
  const s = Number.isInteger(pct) ? String(pct) : pct.toFixed(2).replace(/0+$/, '');
  return lang === 'sv' ? s.replace('.', ',') + NBSP + '%' : s + '%';
}
