/**
 * The kinds of cost and income a calculation knows: plain lists with no dependencies, so that a
 * browser form can import them (`@tillit/rules/catalogue`) without the engine or zod.
 */
export const COST_TYPES = [
  'rent',
  'electricity',
  'homeInsurance',
  'workTravel',
  'unionFee',
  'unemploymentFundFee',
  'medicalCare',
  'medicine',
  'dentalCare',
  'glasses',
  'childcareFee',
  'other',
] as const;
export type CostType = (typeof COST_TYPES)[number];
/** Cost types assessed as *livsföring i övrigt* (the rest are reasonable costs outside the norm). */
export const LIVSFORING_TYPES: ReadonlySet<CostType> = new Set([
  'medicalCare',
  'medicine',
  'dentalCare',
  'glasses',
  'childcareFee',
  'other',
]);

export const INCOME_TYPES = [
  'salary',
  'unemploymentBenefit',
  'activitySupport',
  'establishmentAllowance',
  'sicknessBenefit',
  'parentalBenefit',
  'housingAllowance',
  'childAllowance',
  'maintenanceSupport',
  'studentAid',
  'pension',
  'other',
] as const;
export type IncomeType = (typeof INCOME_TYPES)[number];
/** Income from employment: the base for jobbstimulans and children's exempt earnings. */
export const EMPLOYMENT_INCOME: ReadonlySet<IncomeType> = new Set(['salary']);
