/**
 * Decision policy: given the checks, the calculation and the municipality's policy, decide
 * automatically or hand the case to a person with the reasons. Pure. Never refuses or reduces
 * automatically unless the municipality has chosen `automated`; never decides on amounts that are
 * not verified (or confirmed by an administrator).
 */
import type { CalculationResult, Msg } from '@tillit/rules';
import type { CheckResult } from './checks.ts';

export const DECISION_POLICIES = ['automated', 'automated-grants', 'proposal'] as const;
export type DecisionPolicy = (typeof DECISION_POLICIES)[number];

export type Outcome = 'bifall' | 'delavslag' | 'avslag' | 'avvisning';

export type Route =
  | {
      readonly route: 'decide';
      readonly outcome: Outcome;
      readonly amountOre: number;
      readonly reasons: readonly Msg[];
    }
  | {
      readonly route: 'person';
      /** What the system proposes, for a person to approve or change. */
      readonly proposal: { readonly outcome: Outcome; readonly amountOre: number };
      readonly reasons: readonly Msg[];
    };

/** The outcome the calculation supports: refusal at a surplus, partial refusal when a cost was limited. */
export function proposedOutcome(calculation: CalculationResult): Outcome {
  if (calculation.receipt.totals.amount === 0) return 'avslag';
  return calculation.lines.some((l) => l.flags.includes('capped')) ? 'delavslag' : 'bifall';
}

function reasonsFor(outcome: Outcome, calculation: CalculationResult): Msg[] {
  const result = calculation.lines.find((l) => l.rule === 'result.amount');
  const capped = calculation.lines.filter((l) => l.flags.includes('capped')).map((l) => l.text);
  return [...(result ? [result.text] : []), ...(outcome === 'delavslag' ? capped : [])];
}

export function route(input: {
  readonly policy: DecisionPolicy;
  readonly checks: readonly CheckResult[];
  readonly calculation: CalculationResult;
  /** An administrator has confirmed the month's amounts although they are not verified. */
  readonly parametersConfirmed: boolean;
}): Route {
  const { policy, checks, calculation } = input;
  const outcome = proposedOutcome(calculation);
  const amountOre = calculation.receipt.totals.amount;
  const proposal = { outcome, amountOre };
  const open = checks.filter((c) => c.outcome !== 'pass').map((c) => c.text);
  if (open.length > 0) return { route: 'person', proposal, reasons: open };
  if (calculation.status !== 'verified' && !input.parametersConfirmed) {
    return {
      route: 'person',
      proposal,
      reasons: [
        {
          sv: 'Månadens belopp i regelboken är inte kontrollerade mot författningen eller bekräftade av en administratör; inget automatiskt beslut.',
          en: "The month's amounts in the rule book are neither verified against the statute nor confirmed by an administrator; no automated decision.",
        },
      ],
    };
  }
  if (policy === 'proposal')
    return {
      route: 'person',
      proposal,
      reasons: [
        {
          sv: 'Kommunen låter en person godkänna alla beslut.',
          en: 'The municipality has a person approve every decision.',
        },
      ],
    };
  if (policy === 'automated-grants' && outcome !== 'bifall')
    return {
      route: 'person',
      proposal,
      reasons: [
        {
          sv: 'Avslag och delavslag beslutas av en person i den här kommunen.',
          en: 'Refusals and partial refusals are decided by a person in this municipality.',
        },
        ...reasonsFor(outcome, calculation),
      ],
    };
  return { route: 'decide', outcome, amountOre, reasons: reasonsFor(outcome, calculation) };
}

/** Why a person's decision cannot be made as asked; `field` names the request field. */
export interface DecisionProblem {
  readonly field: 'outcome' | 'statement';
  readonly code: 'grant-needs-full-calculation' | 'nothing-to-grant' | 'statement-required';
  readonly msg: Msg;
}

/**
 * A person's decision on a calculation version: what is paid, or why it cannot be made. A grant
 * (bifall) pays the calculated amount and needs a calculation that limits nothing; a partial
 * refusal pays the calculated amount and a refusal or dismissal pays nothing. Every adverse
 * decision needs the person's written reasons (Förvaltningslagen 32 §), which go into the letter.
 */
export function personDecision(input: {
  readonly outcome: Outcome;
  readonly calculation: { readonly amountOre: number; readonly proposedOutcome: Outcome };
  readonly statement: string | undefined;
}): { readonly ok: true; readonly amountOre: number } | { readonly ok: false; readonly problems: DecisionProblem[] } {
  const { outcome, calculation } = input;
  const problems: DecisionProblem[] = [];
  if (outcome === 'bifall' && calculation.proposedOutcome !== 'bifall')
    problems.push({
      field: 'outcome',
      code: 'grant-needs-full-calculation',
      msg:
        calculation.amountOre === 0
          ? {
              sv: 'Beräkningen ger inget belopp att betala ut. Välj avslag, eller gör en ny beräkning.',
              en: 'The calculation gives nothing to pay. Choose a refusal, or make a new calculation.',
            }
          : {
              sv: 'Beräkningen begränsar en kostnad, så beslutet blir delavslag. Gör en ny beräkning om hela kostnaden ska godtas.',
              en: 'The calculation limits a cost, so the decision is a partial refusal. Make a new calculation if the whole cost is to be accepted.',
            },
    });
  if (outcome === 'delavslag' && calculation.amountOre === 0)
    problems.push({
      field: 'outcome',
      code: 'nothing-to-grant',
      msg: {
        sv: 'Beräkningen ger inget belopp att betala ut, så det blir avslag, inte delavslag.',
        en: 'The calculation gives nothing to pay, so the decision is a refusal, not a partial refusal.',
      },
    });
  if (outcome !== 'bifall' && (input.statement ?? '').trim().length < 20)
    problems.push({
      field: 'statement',
      code: 'statement-required',
      msg: {
        sv: 'Skriv skälen för beslutet (minst 20 tecken). De står i beslutsbrevet.',
        en: 'Write the reasons for the decision (at least 20 characters). They go into the decision letter.',
      },
    });
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, amountOre: outcome === 'bifall' || outcome === 'delavslag' ? calculation.amountOre : 0 };
}
