/**
 * The engine's identity. ENGINE_VERSION changes whenever the arithmetic of a rule changes; it is
 * part of the rule-book hash, so receipts made by another engine version are detected on replay.
 */
export const ENGINE_VERSION = '1.0.0';

/** Every rule the engine implements; the rule book must describe exactly these. */
export const RULE_IDS = [
  'norm.personal.adults',
  'norm.personal.children',
  'norm.shared',
  'norm.shared.nonCohabiting',
  'costs.reasonable',
  'costs.livsforingIOvrigt',
  'income.counted',
  'income.jobbstimulans',
  'income.childEarnings',
  'result.amount',
] as const;
export type RuleId = (typeof RULE_IDS)[number];
