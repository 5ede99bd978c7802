import { describe, expect, it } from 'vitest';
import { calculate, compileGuidelines, parseCalculationInput } from '@tillit/rules';
import type { CalculationResult } from '@tillit/rules';
import { loadRuleBook } from '@tillit/rules/node';
import { CHECK_IDS, route, runChecks, toCalculationInput } from '../src/index.ts';
import type { ApplicationContent, CheckContext, Evidence } from '../src/index.ts';
import { ADULT, content, evidence } from './fixtures.ts';

const rb = loadRuleBook();
const guidelines = compileGuidelines(rb, [
  {
    from: '2026-01-01',
    decision: { act: 'Test guidelines', url: 'https://example.org/g' },
    values: { 'guideline.rent.max.2': 700000 },
  },
]);

function calc(c: ApplicationContent, month = '2026-03'): CalculationResult {
  const p = parseCalculationInput(toCalculationInput(c, month, 'ekby'));
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return calculate(rb, p.input, { guidelines });
}

function ctx(c: ApplicationContent, e: Evidence, more: Partial<CheckContext> = {}): CheckContext {
  return {
    kind: 'renewal',
    month: '2026-03',
    controlMonth: '2026-02',
    comparisonMonth: '2026-01',
    municipalityCode: '9901',
    incomeChangeThresholdBasisPoints: 1200,
    content: c,
    evidence: e,
    duplicates: 0,
    recentRecoveryClaim: false,
    calculation: calc(c),
    ...more,
  };
}

const flagged = (c: CheckContext) =>
  runChecks(c)
    .filter((r) => r.outcome !== 'pass')
    .map((r) => `${r.check}:${r.outcome}`);

describe('toCalculationInput', () => {
  it('uses positional ids and birth dates from the personnummer; no identity number reaches the calculation', () => {
    const input = toCalculationInput(content(), '2026-03', 'ekby', new Set(['a0']));
    expect(input.household.adults).toEqual([{ id: 'a0', birthDate: '1912-12-12', jobStimulus: true }]);
    expect(input.household.children).toEqual([{ id: 'c0', birthDate: '2017-01-02', lunchAtHome: false }]);
    expect(JSON.stringify(calc(content()))).not.toContain(ADULT);
  });
});

describe('checks', () => {
  it('a clean renewal passes every check', () => {
    const results = runChecks(ctx(content(), evidence()));
    expect(results.map((r) => r.check)).toEqual([...CHECK_IDS]);
    expect(flagged(ctx(content(), evidence()))).toEqual([]);
    for (const r of results) expect(r.text.sv.length && r.text.en.length).toBeGreaterThan(0);
  });

  it('each check fires on its condition', () => {
    const e = evidence();
    expect(flagged(ctx(content(), evidence({ register: { ...e.register, protectedIdentity: true } })))).toEqual([
      'protected-identity:block',
    ]);
    expect(flagged(ctx(content(), evidence({ register: { ...e.register, municipalityCode: '9902' } })))).toEqual([
      'identity-residence:flag',
    ]);
    expect(
      flagged(ctx(content(), evidence({ register: { ...e.register, members: [{ personnummer: ADULT }] } }))),
    ).toEqual(['household-register:flag']);
    const salary = (month: string, amountOre: number) =>
      ({ personnummer: ADULT, type: 'salary', month, amountOre, source: 'skatteverket' }) as const;
    // Salary paid in M−1 and not declared; also new since M−2.
    expect(flagged(ctx(content(), evidence({ incomes: [...e.incomes, salary('2026-02', 500000)] })))).toEqual([
      'income-vs-authorities:flag',
      'new-income:flag',
    ]);
    // Salary up 20 % (threshold 12 %), declared.
    const declared = content({ incomes: [...content().incomes, { type: 'salary', person: 'a0', amount: 6000 }] });
    expect(
      flagged(
        ctx(declared, evidence({ incomes: [...e.incomes, salary('2026-01', 500000), salary('2026-02', 600000)] })),
      ),
    ).toEqual(['income-change:flag']);
    // 10 % is under the threshold.
    expect(
      flagged(
        ctx(declared, evidence({ incomes: [...e.incomes, salary('2026-01', 500000), salary('2026-02', 550000)] })),
      ),
    ).toEqual([]);
    expect(flagged(ctx(content(), evidence({ incomes: [...e.incomes, salary('2026-01', 500000)] })))).toEqual([
      'dropped-income:flag',
    ]);
    expect(flagged(ctx(content(), e, { previous: content({ costs: [{ type: 'rent', amount: 5000 }] }) }))).toEqual([
      'housing-cost-change:flag',
    ]);
    // A cost above its guideline is capped by the rule book (no flag: the policy routes the
    // partial refusal); a cost without any guideline needs a person.
    const rentHigh = content({ costs: [{ type: 'rent', amount: 8000 }] });
    expect(flagged(ctx(rentHigh, e))).toEqual([]);
    const unguided = content({ costs: [...content().costs, { type: 'dentalCare', amount: 900 }] });
    expect(flagged(ctx(unguided, e))).toEqual(['cost-above-guideline:flag']);
    expect(flagged(ctx(content(), evidence({ vehiclesOre: [{ personnummer: ADULT, valueOre: 4000000 }] })))).toEqual([
      'assets:flag',
    ]);
    expect(flagged(ctx(content(), evidence({ arbetsformedlingen: [] })))).toEqual(['labour-market:flag']);
    expect(flagged(ctx(content(), evidence({ studying: [ADULT] })))).toEqual(['student:flag']);
    expect(
      flagged(ctx(content(), evidence({ pendingBenefits: [{ personnummer: ADULT, type: 'bostadsbidrag' }] }))),
    ).toEqual(['pending-benefit:flag']);
    expect(
      flagged(
        ctx(content(), e, { previous: content({ paymentAccount: { clearing: '8327', account: '1111111111' } }) }),
      ),
    ).toEqual(['payment-account-changed:flag']);
    expect(flagged(ctx(content({ residence: { type: 'rental', daysAway: 10 } }), e))).toEqual([
      'stay-outside-municipality:flag',
    ]);
    expect(flagged(ctx(content(), e, { recentRecoveryClaim: true }))).toEqual(['recent-recovery-claim:flag']);
    expect(flagged(ctx(content(), e, { duplicates: 1 }))).toEqual(['duplicate-application:flag']);
    expect(flagged(ctx(content(), e, { kind: 'new' }))).toEqual(['new-application-meeting:flag']);
    expect(flagged(ctx(content(), evidence({ partialSources: ['csn'] })))).toEqual(['partial-data:flag']);
  });
});

describe('decision policy', () => {
  const clean = runChecks(ctx(content(), evidence()));
  const grant = calc(content());
  it('decides a clean full grant automatically under automated and automated-grants, when parameters are confirmed', () => {
    for (const policy of ['automated', 'automated-grants'] as const) {
      const r = route({ policy, checks: clean, calculation: grant, parametersConfirmed: true });
      expect(r).toMatchObject({ route: 'decide', outcome: 'bifall', amountOre: grant.receipt.totals.amount });
    }
  });

  it('never decides automatically on amounts that are neither verified nor confirmed (2026 is derived)', () => {
    expect(grant.status).toBe('derived');
    const r = route({ policy: 'automated', checks: clean, calculation: grant, parametersConfirmed: false });
    expect(r.route).toBe('person');
  });

  it('proposal sends everything to a person with the proposed outcome', () => {
    const r = route({ policy: 'proposal', checks: clean, calculation: grant, parametersConfirmed: true });
    expect(r).toMatchObject({ route: 'person', proposal: { outcome: 'bifall' } });
  });

  it('a partial refusal or a refusal goes to a person under automated-grants, and is decided under automated', () => {
    const capped = calc(content({ costs: [{ type: 'rent', amount: 8000 }] }));
    const checks = clean; // the cost check is exercised above; here only the policy
    expect(route({ policy: 'automated-grants', checks, calculation: capped, parametersConfirmed: true })).toMatchObject(
      {
        route: 'person',
        proposal: { outcome: 'delavslag' },
      },
    );
    expect(route({ policy: 'automated', checks, calculation: capped, parametersConfirmed: true })).toMatchObject({
      route: 'decide',
      outcome: 'delavslag',
    });
    const surplus = calc(content({ incomes: [{ type: 'salary', person: 'a0', amount: 40000 }] }));
    expect(route({ policy: 'automated', checks, calculation: surplus, parametersConfirmed: true })).toMatchObject({
      route: 'decide',
      outcome: 'avslag',
      amountOre: 0,
    });
  });

  it('any flag or block routes to a person with its explanation as the reason', () => {
    const checks = runChecks(ctx(content(), evidence({ studying: [ADULT] })));
    const r = route({ policy: 'automated', checks, calculation: grant, parametersConfirmed: true });
    expect(r.route).toBe('person');
    expect(r.reasons.map((m) => m.en)).toEqual(['An adult is studying according to CSN.']);
  });
});
