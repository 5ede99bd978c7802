/**
 * One calculation request, the same for HTTP and the CLI: validate, find the municipality's
 * guidelines, calculate, and turn every failure into problem details.
 */
import { CalculationError, calculate, parseCalculationInput } from '@tillit/rules';
import type { CalculationInput, CalculationResult, Lang, RuleBook } from '@tillit/rules';
import type { Municipalities } from './municipalities.ts';
import { invalidInput, problem } from './problems.ts';
import type { Problem } from './problems.ts';

export type CalculationOutcome =
  { readonly ok: true; readonly result: CalculationResult } | { readonly ok: false; readonly problem: Problem };

/** Validates and calculates an untrusted request body. */
export function runCalculation(
  rulebook: RuleBook,
  municipalities: Municipalities,
  body: unknown,
  lang: Lang,
): CalculationOutcome {
  const parsed = parseCalculationInput(body, lang);
  if (!parsed.ok) return { ok: false, problem: invalidInput(lang, parsed.problems) };
  return calculateInput(rulebook, municipalities, parsed.input, lang);
}

/** Calculates an already validated input with its municipality's guidelines. */
export function calculateInput(
  rulebook: RuleBook,
  municipalities: Municipalities,
  input: CalculationInput,
  lang: Lang,
): CalculationOutcome {
  let guidelines;
  if (input.municipality !== undefined) {
    const m = municipalities.get(input.municipality);
    if (!m) {
      return {
        ok: false,
        problem: invalidInput(lang, [
          {
            pointer: '/municipality',
            field: 'municipality',
            code: 'unknown-municipality',
            message:
              lang === 'sv'
                ? `Kommunen ${input.municipality} finns inte. Kända kommuner: ${[...municipalities.keys()].join(', ')}.`
                : `The municipality ${input.municipality} is unknown. Known municipalities: ${[...municipalities.keys()].join(', ')}.`,
          },
        ]),
      };
    }
    guidelines = m.guidelines;
  }
  try {
    return { ok: true, result: calculate(rulebook, input, guidelines ? { guidelines } : {}) };
  } catch (e) {
    if (e instanceof CalculationError) {
      return {
        ok: false,
        problem: problem(
          'missing-parameters',
          lang,
          lang === 'sv'
            ? `Regelboken saknar ${e.problems.length} belopp för ${input.month}. Ingen beräkning görs på gissade belopp.`
            : `The rule book lacks ${e.problems.length} ${e.problems.length === 1 ? 'amount' : 'amounts'} for ${input.month}. No calculation is made on guessed amounts.`,
          e.problems.map((p) => ({ ...p, message: p.text[lang] })),
        ),
      };
    }
    throw e;
  }
}
