/**
 * Municipal guidelines: values for the rule book's open parameters (for example a rent cap per
 * household size), each with the municipal decision that set it and its dates.
 */
import * as z from 'zod';
import { RuleBookError, compileBlocks, guidelineBlockSchema, valueAt } from './rulebook.ts';
import type { ParameterValue, RuleBook } from './rulebook.ts';

export interface GuidelineDecision {
  readonly act: string;
  readonly url: string;
  readonly note?: string;
}

export interface Guidelines {
  /** The decisions values refer to, keyed by `ParameterValue.source` (the decision's `act`). */
  readonly decisions: Readonly<Record<string, GuidelineDecision>>;
  readonly values: ReadonlyMap<string, readonly ParameterValue[]>;
}

export const EMPTY_GUIDELINES: Guidelines = { decisions: {}, values: new Map() };

export const guidelinesSourceSchema = z.array(guidelineBlockSchema);
export type GuidelinesSource = z.input<typeof guidelinesSourceSchema>;

/** Validates a municipality's guideline blocks against the rule book's open parameters. */
export function compileGuidelines(rulebook: RuleBook, source: unknown, name = 'guidelines'): Guidelines {
  const parsed = guidelinesSourceSchema.safeParse(source);
  if (!parsed.success)
    throw new RuleBookError(parsed.error.issues.map((i) => `${name}: ${i.path.join('.')}: ${i.message}`));
  const decisions: Record<string, GuidelineDecision> = {};
  const blocks = parsed.data.map((b, index) => {
    const key = b.decision.act;
    decisions[key] = b.decision;
    const { decision: _decision, ...rest } = b;
    return { file: name, index, block: { ...rest, status: 'verified' as const, source: key } };
  });
  const problems: string[] = [];
  const values = compileBlocks(blocks, rulebook.parameters, decisions, true, problems);
  if (problems.length > 0) throw new RuleBookError(problems);
  return { decisions, values };
}

/** The guideline value in force on `date`, or undefined when the municipality has none. */
export function guidelineAt(g: Guidelines, id: string, date: string): ParameterValue | undefined {
  const list = g.values.get(id);
  return list ? valueAt(list, date) : undefined;
}

/** The guidelines in force on `date`, as guideline blocks that `compileGuidelines` reads back. */
export function snapshotGuidelines(g: Guidelines, used: readonly ParameterValue[]): GuidelinesSource {
  const byDecision = new Map<string, ParameterValue[]>();
  for (const v of used) {
    const list = byDecision.get(v.source) ?? [];
    if (!list.includes(v)) list.push(v);
    byDecision.set(v.source, list);
  }
  const out: GuidelinesSource = [];
  for (const [key, list] of byDecision) {
    // Values of one decision may differ in dates; one block per (decision, from, until).
    const groups = new Map<string, ParameterValue[]>();
    for (const v of list) {
      const k = `${v.from}|${v.until ?? ''}`;
      groups.set(k, [...(groups.get(k) ?? []), v]);
    }
    for (const vs of groups.values()) {
      const first = vs[0]!;
      out.push({
        from: first.from,
        ...(first.until !== null ? { until: first.until } : {}),
        decision: g.decisions[key]!,
        // Keep what lines cite (note, method) so that the receipt replays to the same lines.
        values: Object.fromEntries(
          vs.map((v) => [
            v.id,
            v.note === undefined && v.method === undefined
              ? v.amount
              : {
                  amount: v.amount,
                  ...(v.note !== undefined ? { note: v.note } : {}),
                  ...(v.method !== undefined ? { method: v.method } : {}),
                },
          ]),
        ),
      });
    }
  }
  return out;
}
