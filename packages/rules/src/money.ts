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

function groupDigits(n: number, sep: string): string {
  const s = String(n);
  if (s.length <= 3) return s;
  let out = '';
  let i = s.length % 3;
  if (i > 0) out = s.slice(0, i);
  for (; i < s.length; i += 3) out += (out.length > 0 ? sep : '') + s.slice(i, i + 3);
  return out;
}

const NBSP = '\u00a0';

/** "3 160 kr", "1 181,62 kr" (Swedish, non-breaking spaces). */
export function formatSv(ore: number): string {
  const neg = ore < 0;
  const abs = neg ? -ore : ore;
  const kr = Math.floor(abs / 100);
  const rest = abs - kr * 100;
  const s = groupDigits(kr, NBSP) + (rest === 0 ? '' : ',' + (rest < 10 ? '0' : '') + rest);
  return (neg ? '−' : '') + s + NBSP + 'kr';
}

/** "SEK 3,160", "SEK 1,181.62" (English). */
export function formatEn(ore: number): string {
  const neg = ore < 0;
  const abs = neg ? -ore : ore;
  const kr = Math.floor(abs / 100);
  const rest = abs - kr * 100;
  const s = groupDigits(kr, ',') + (rest === 0 ? '' : '.' + (rest < 10 ? '0' : '') + rest);
  return (neg ? '−' : '') + 'SEK' + NBSP + s;
}

/** "25 %" / "25%" for a rate in basis points. */
export function formatRate(basisPoints: number, lang: 'sv' | 'en'): string {
  const pct = basisPoints / 100;
  const s = Number.isInteger(pct) ? String(pct) : pct.toFixed(2).replace(/0+$/, '');
  return lang === 'sv' ? s.replace('.', ',') + NBSP + '%' : s + '%';
}
