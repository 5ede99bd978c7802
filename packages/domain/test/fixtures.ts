/** A submitted renewal and matching authority data, for tests. Fictional test persons only. */
import type { ApplicationContent, Evidence } from '../src/index.ts';
import { applicationContentSchema } from '../src/index.ts';

export const ADULT = '191212121212'; // Tolvan Tolvansson, Skatteverket's well-known test number
export const CHILD = '201701022384'; // a fictional, Luhn-valid number used only in tests

export function content(overrides: Partial<ApplicationContent> = {}): ApplicationContent {
  return {
    ...applicationContentSchema.parse({
      household: { adults: [{ personnummer: ADULT }], children: [{ personnummer: CHILD, lunchAtHome: false }] },
      residence: { type: 'rental' },
      incomes: [{ type: 'childAllowance', amount: 1250 }],
      costs: [{ type: 'rent', amount: 6000 }],
      labourMarket: [{ person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true }],
      paymentAccount: { clearing: '8327', account: '9412345678' },
      attestation: { truthful: true, informedAboutChecks: true },
    }),
    ...overrides,
  };
}

export function evidence(overrides: Partial<Evidence> = {}): Evidence {
  return {
    register: {
      members: [{ personnummer: ADULT }, { personnummer: CHILD }],
      municipalityCode: '9901',
      protectedIdentity: false,
    },
    incomes: [
      { personnummer: ADULT, type: 'childAllowance', month: '2026-02', amountOre: 125000, source: 'forsakringskassan' },
      { personnummer: ADULT, type: 'childAllowance', month: '2026-01', amountOre: 125000, source: 'forsakringskassan' },
    ],
    arbetsformedlingen: [{ personnummer: ADULT, registered: true }],
    studying: [],
    vehiclesOre: [],
    pendingBenefits: [],
    partialSources: [],
    ...overrides,
  };
}
