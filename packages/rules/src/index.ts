/**
 * @tillit/rules — the rule book and calculation engine for försörjningsstöd.
 * Pure functions over data: no I/O. Load the rule book's files with `@tillit/rules/node`, or pass
 * the parsed data to `compileRuleBook` yourself.
 */
export { ENGINE_VERSION, RULE_IDS } from './version.ts';
export type { RuleId } from './version.ts';
export { compileRuleBook, RuleBookError, valueAt, rulePeriodAt, ruleBookSourceSchema } from './rulebook.ts';
export type {
  LegalReference,
  ParameterDefinition,
  ParameterValue,
  RuleBook,
  RuleBookSource,
  RuleDefinition,
  RulePeriod,
  Source,
  VerificationStatus,
} from './rulebook.ts';
export { compileGuidelines, EMPTY_GUIDELINES, guidelineAt, guidelinesSourceSchema } from './guidelines.ts';
export type { Guidelines, GuidelinesSource, GuidelineDecision } from './guidelines.ts';
export {
  calculationInputSchema,
  parseCalculationInput,
  toFieldProblems,
  COST_TYPES,
  INCOME_TYPES,
  LIVSFORING_TYPES,
  EMPLOYMENT_INCOME,
} from './input.ts';
export type {
  CalculationInput,
  CalculationInputIn,
  CostType,
  FieldProblem,
  IncomeType,
  Lang,
  Msg,
  ParseResult,
} from './input.ts';
export { calculate, calculateTotals, CalculationError } from './engine.ts';
export type { CalculateOptions, CalculationResult, Flag, Line, Receipt, Section, Totals, Warning } from './engine.ts';
export { replay } from './receipt.ts';
export {
  amendRuleBookSource,
  checkAmendment,
  ESSENTIAL_GROUPS,
  LARGE_CHANGE_BASIS_POINTS,
  yearlyGroups,
  yearlyParameterIds,
} from './yearly.ts';
export type {
  AmendmentProblem,
  AmendmentWarning,
  GroupStatus,
  YearlyAmendment,
  YearlyGroup,
  YearlyParameter,
} from './yearly.ts';
export type { ReplayOutcome } from './receipt.ts';
export { COST_LABELS, INCOME_LABELS } from './labels.ts';
export { MAX_KRONOR, kronorToOre, oreToKronor, formatSv, formatEn } from './money.ts';
export { parseMonth, ageOn, daysInMonth } from './dates.ts';
export type { Month } from './dates.ts';
