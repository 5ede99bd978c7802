/**
 * Replaying a receipt: recompute from the receipt's own input and guidelines with the rule book
 * it names, and compare every line and total. Detects a changed rule book (hash), a changed
 * engine, and a tampered receipt (any line, total or status that the input does not produce).
 */
import { calculate } from './engine.ts';
import type { CalculationResult, Receipt } from './engine.ts';
import { compileGuidelines } from './guidelines.ts';
import { parseCalculationInput } from './input.ts';
import type { RuleBook } from './rulebook.ts';

export type ReplayOutcome =
  | { readonly ok: true; readonly result: CalculationResult }
  | {
      readonly ok: false;
      readonly reason: 'rulebook-changed' | 'engine-changed' | 'invalid-receipt' | 'mismatch';
      readonly message: string;
      /** For a mismatch: the first paths (e.g. `lines[3].amountOre`) that differ. */
      readonly differences: readonly string[];
    };

function diff(a: unknown, b: unknown, path: string, out: string[]): void {
  if (out.length >= 20 || a === b) return;
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    out.push(path || '(root)');
    return;
  }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) {
    const p = Array.isArray(a) ? `${path}[${k}]` : path ? `${path}.${k}` : k;
    diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], p, out);
  }
}

/** Reproduces the calculation a receipt records and says whether it matches exactly. */
export function replay(receipt: Receipt, rulebook: RuleBook): ReplayOutcome {
  const fail = (reason: 'rulebook-changed' | 'engine-changed' | 'invalid-receipt', message: string): ReplayOutcome => ({
    ok: false,
    reason,
    message,
    differences: [],
  });
  if (receipt?.format !== 'tillit-receipt/1') return fail('invalid-receipt', 'not a tillit-receipt/1 receipt');
  if (typeof receipt.engine?.version !== 'string' || typeof receipt.rulebook?.hash !== 'string')
    return fail('invalid-receipt', 'the receipt names no engine version or rule-book hash');
  if (receipt.engine?.version !== rulebook.engineVersion)
    return fail(
      'engine-changed',
      `the receipt was made by engine ${receipt.engine?.version}, this is ${rulebook.engineVersion}`,
    );
  if (receipt.rulebook?.hash !== rulebook.hash)
    return fail(
      'rulebook-changed',
      `the receipt was made with rule book ${receipt.rulebook?.version} (${receipt.rulebook?.hash}); the one given is ${rulebook.version} (${rulebook.hash})`,
    );
  const parsed = parseCalculationInput(receipt.input, 'en');
  if (!parsed.ok)
    return fail(
      'invalid-receipt',
      `the receipt's input is invalid: ${parsed.problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
    );
  let result: CalculationResult;
  try {
    const guidelines = compileGuidelines(rulebook, receipt.guidelines, 'receipt.guidelines');
    result = calculate(rulebook, parsed.input, { guidelines });
  } catch (e) {
    return fail('invalid-receipt', `the receipt's input cannot be calculated: ${(e as Error).message}`);
  }
  // Compare as JSON values: a receipt usually comes back from storage or the wire.
  const expected = JSON.parse(JSON.stringify(result.receipt)) as unknown;
  const given = JSON.parse(JSON.stringify(receipt)) as unknown;
  const differences: string[] = [];
  diff(given, expected, '', differences);
  if (differences.length > 0)
    return {
      ok: false,
      reason: 'mismatch',
      message: `the receipt differs from its recalculation at ${differences[0]}`,
      differences,
    };
  return { ok: true, result };
}
