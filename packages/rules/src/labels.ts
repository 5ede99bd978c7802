/** Plain-language names of cost and income types, in Swedish and English. */
import type { CostType, IncomeType, Msg } from './input.ts';

export const COST_LABELS: Readonly<Record<CostType, Msg>> = {
  rent: { sv: 'Boendekostnad', en: 'Rent' },
  electricity: { sv: 'Hushållsel', en: 'Household electricity' },
  homeInsurance: { sv: 'Hemförsäkring', en: 'Home insurance' },
  workTravel: { sv: 'Arbetsresor', en: 'Work travel' },
  unionFee: { sv: 'Fackföreningsavgift', en: 'Union fee' },
  unemploymentFundFee: { sv: 'Avgift till a-kassa', en: 'Unemployment fund fee' },
  medicalCare: { sv: 'Läkarvård', en: 'Medical care' },
  medicine: { sv: 'Medicin', en: 'Medicine' },
  dentalCare: { sv: 'Tandvård', en: 'Dental care' },
  glasses: { sv: 'Glasögon', en: 'Glasses' },
  childcareFee: { sv: 'Barnomsorgsavgift', en: 'Childcare fee' },
  other: { sv: 'Övrig kostnad', en: 'Other cost' },
};

export const INCOME_LABELS: Readonly<Record<IncomeType, Msg>> = {
  salary: { sv: 'Lön', en: 'Salary' },
  unemploymentBenefit: { sv: 'Ersättning från a-kassa', en: 'Unemployment benefit' },
  activitySupport: { sv: 'Aktivitetsstöd', en: 'Activity support' },
  establishmentAllowance: { sv: 'Etableringsersättning', en: 'Establishment allowance' },
  sicknessBenefit: { sv: 'Sjukpenning', en: 'Sickness benefit' },
  parentalBenefit: { sv: 'Föräldrapenning', en: 'Parental benefit' },
  housingAllowance: { sv: 'Bostadsbidrag', en: 'Housing allowance' },
  childAllowance: { sv: 'Barnbidrag', en: 'Child allowance' },
  maintenanceSupport: { sv: 'Underhållsstöd', en: 'Maintenance support' },
  studentAid: { sv: 'Studiestöd', en: 'Student aid' },
  pension: { sv: 'Pension', en: 'Pension' },
  other: { sv: 'Övrig inkomst', en: 'Other income' },
};

export const MONTHS_SV = [
  'januari',
  'februari',
  'mars',
  'april',
  'maj',
  'juni',
  'juli',
  'augusti',
  'september',
  'oktober',
  'november',
  'december',
];
export const MONTHS_EN = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
