/**
 * The authorities' data for an application, normalized by the adapter: only the fields the
 * checks need, per person (by personnummer) and per month (M−1 and M−2 for application month M).
 */
import type { IncomeType } from '@tillit/rules';

export interface RegisterEvidence {
  /** Everyone registered at the applicant's address. */
  readonly members: readonly { readonly personnummer: string }[];
  readonly municipalityCode: string;
  readonly protectedIdentity: boolean;
}

export interface IncomeEvidence {
  readonly personnummer: string;
  readonly type: IncomeType;
  readonly month: string;
  readonly amountOre: number;
  /** The authority that reported it, e.g. 'forsakringskassan'. */
  readonly source: string;
}

export interface Evidence {
  readonly register: RegisterEvidence;
  readonly incomes: readonly IncomeEvidence[];
  readonly arbetsformedlingen: readonly { readonly personnummer: string; readonly registered: boolean }[];
  readonly studying: readonly string[];
  readonly vehiclesOre: readonly { readonly personnummer: string; readonly valueOre: number }[];
  readonly pendingBenefits: readonly { readonly personnummer: string; readonly type: string }[];
  /** Sources that answered only in part: a check that needs them routes to a person. */
  readonly partialSources: readonly string[];
}
