/**
 * Replaying a decision from its stored receipt, for an auditor: the receipt is recalculated with
 * the rule book it names (found by its hash) and compared in full (`replay` in @tillit/rules);
 * the answer carries the stored and the replayed totals, the rule book, the lines that differ,
 * and whether the decision's own amount agrees with its receipt. Pure: no I/O.
 */
import { calculate, compileGuidelines, parseCalculationInput, replay } from '@tillit/rules';
import type { Line, Receipt, RuleBook, Totals } from '@tillit/rules';
import { canonicalJson } from '../audit.ts';
import type { JsonValue } from '../audit.ts';

/**
 * The rule book with a given content hash, or undefined when this server does not have it (the
 * server's registry of every rule book it has had in force, rulebook-registry.ts, answers it).
 */
export type RuleBookLookup = (hash: string) => RuleBook | undefined;

/** Totals in kronor. */
export interface TotalsKronor {
  readonly norm: number;
  readonly costs: number;
  readonly income: number;
  readonly amount: number;
  readonly surplus: number;
}

/** A line (1-based position) whose stored and replayed content differ; amounts in kronor, null where the line is missing. */
export interface LineDifference {
  readonly n: number;
  readonly rule: string | null;
  readonly stored: number | null;
  readonly replayed: number | null;
}

export type ReplayReason = 'mismatch' | 'invalid-receipt' | 'engine-changed';

export type ReceiptReplay =
  | {
      /** The receipt names a rule book this server does not have: it cannot be replayed here. */
      readonly kind: 'rulebook-unavailable';
      readonly rulebook: { readonly version: string | null; readonly hash: string };
    }
  | {
      readonly kind: 'replayed';
      /** The receipt reproduces exactly. */
      readonly reproduces: boolean;
      /** Why not, when it does not. */
      readonly reason: ReplayReason | null;
      /** The technical explanation (English), e.g. the first path that differs. */
      readonly message: string | null;
      readonly rulebook: { readonly id: string | null; readonly version: string | null; readonly hash: string | null };
      readonly engine: string | null;
      readonly stored: TotalsKronor | null;
      readonly replayed: TotalsKronor | null;
      /** The lines that differ, in order (at most 50). */
      readonly lines: readonly LineDifference[];
      /** The first paths in the receipt that differ from the recalculation (at most 20). */
      readonly differences: readonly string[];
    };

const MAX_LINES = 50;

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const text = (x: unknown): string | null => (typeof x === 'string' ? x : null);

/** Totals in öre as kronor, or null when they are not five integers (a damaged receipt). */
function kronor(totals: unknown): TotalsKronor | null {
  if (!isObject(totals)) return null;
  const keys = ['norm', 'costs', 'income', 'amount', 'surplus'] as const;
  if (!keys.every((k) => Number.isSafeInteger(totals[k]))) return null;
  const t = totals as unknown as Totals;
  return {
    norm: t.norm / 100,
    costs: t.costs / 100,
    income: t.income / 100,
    amount: t.amount / 100,
    surplus: t.surplus / 100,
  };
}

/** The recalculation of a receipt's input with its guidelines, or null when it cannot be made. */
function recalculate(receipt: Record<string, unknown>, rulebook: RuleBook): Receipt | null {
  const parsed = parseCalculationInput(receipt.input, 'en');
  if (!parsed.ok) return null;
  try {
    const guidelines = compileGuidelines(rulebook, receipt.guidelines, 'receipt.guidelines');
    return calculate(rulebook, parsed.input, { guidelines }).receipt;
  } catch {
    return null;
  }
}

/** The same JSON value, whatever the order of object keys (jsonb does not keep it). */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (x: unknown) => canonicalJson(JSON.parse(JSON.stringify(x ?? null)) as JsonValue);
  return canonical(a) === canonical(b);
}

function lineDifferences(stored: unknown, replayed: readonly Line[]): LineDifference[] {
  const given = Array.isArray(stored) ? (stored as unknown[]) : [];
  const out: LineDifference[] = [];
  for (let i = 0; i < Math.max(given.length, replayed.length) && out.length < MAX_LINES; i++) {
    const a = given[i];
    const b = replayed[i];
    if (b !== undefined && sameJson(a, b)) continue;
    const amountOf = (l: unknown) =>
      isObject(l) && Number.isSafeInteger(l.amountOre) ? (l.amountOre as number) / 100 : null;
    out.push({
      n: i + 1,
      rule: b?.rule ?? (isObject(a) ? text(a.rule) : null),
      stored: amountOf(a),
      replayed: b !== undefined ? b.amountOre / 100 : null,
    });
  }
  return out;
}

/** Replays a stored receipt (any JSON: it may be damaged or tampered with). */
export function replayReceipt(receipt: unknown, lookup: RuleBookLookup): ReceiptReplay {
  const r = isObject(receipt) ? receipt : {};
  const book = isObject(r.rulebook) ? r.rulebook : {};
  const hash = text(book.hash);
  const engine = isObject(r.engine) ? text(r.engine.version) : null;
  const rulebook = { id: text(book.id), version: text(book.version), hash };
  const stored = kronor(r.totals);
  if (r.format !== 'tillit-receipt/1' || hash === null)
    return {
      kind: 'replayed',
      reproduces: false,
      reason: 'invalid-receipt',
      message: 'not a tillit-receipt/1 receipt naming its rule book',
      rulebook,
      engine,
      stored,
      replayed: null,
      lines: [],
      differences: [],
    };
  const rb = lookup(hash);
  if (!rb) return { kind: 'rulebook-unavailable', rulebook: { version: rulebook.version, hash } };
  const outcome = replay(r as unknown as Receipt, rb);
  if (outcome.ok)
    return {
      kind: 'replayed',
      reproduces: true,
      reason: null,
      message: null,
      rulebook,
      engine,
      stored,
      replayed: kronor(outcome.result.receipt.totals),
      lines: [],
      differences: [],
    };
  // The rule book was found by the receipt's own hash, so it cannot have changed; any other
  // failure is the receipt's.
  const recalculated = outcome.reason === 'mismatch' ? recalculate(r, rb) : null;
  return {
    kind: 'replayed',
    reproduces: false,
    reason: outcome.reason === 'rulebook-changed' ? 'invalid-receipt' : outcome.reason,
    message: outcome.message,
    rulebook,
    engine,
    stored,
    replayed: recalculated ? kronor(recalculated.totals) : null,
    lines: recalculated ? lineDifferences(r.lines, recalculated.lines) : [],
    differences: outcome.differences,
  };
}

export type DecisionOutcome = 'bifall' | 'delavslag' | 'avslag' | 'avvisning';

/**
 * The amount a decision must pay given its receipt's amount (öre): the calculated amount when
 * granted in full or in part (bifall, delavslag), nothing when refused or dismissed.
 */
export function expectedDecisionAmountOre(outcome: DecisionOutcome, receiptAmountOre: number): number {
  return outcome === 'bifall' || outcome === 'delavslag' ? receiptAmountOre : 0;
}
