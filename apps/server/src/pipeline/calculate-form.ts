/**
 * An application form calculated with the rule book and the municipality's guidelines: the one
 * path the pipeline worker and a caseworker's adjustment share, so both give the same numbers.
 */
import { toCalculationInput } from '@tillit/domain';
import type { ApplicationContent } from '@tillit/domain';
import { CalculationError, calculate, parseCalculationInput } from '@tillit/rules';
import type { CalculationResult, RuleBook } from '@tillit/rules';
import type { Municipality } from '../municipalities.ts';

export type FormCalculation =
  | { readonly ok: true; readonly result: CalculationResult }
  /** invalid-form: the form does not make a calculation input; not-calculable: the rule book cannot (e.g. a month without values). */
  | { readonly ok: false; readonly reason: 'invalid-form' | 'not-calculable' };

export function calculateForm(
  rulebook: RuleBook,
  municipality: Pick<Municipality, 'id' | 'guidelines'>,
  content: ApplicationContent,
  month: string,
): FormCalculation {
  const parsed = parseCalculationInput(toCalculationInput(content, month, municipality.id));
  if (!parsed.ok) return { ok: false, reason: 'invalid-form' };
  try {
    return { ok: true, result: calculate(rulebook, parsed.input, { guidelines: municipality.guidelines }) };
  } catch (e) {
    if (!(e instanceof CalculationError)) throw e;
    return { ok: false, reason: 'not-calculable' };
  }
}
