/**
 * The worker-thread batch runner (`@tillit/rules/batch`) gives exactly the totals of
 * `calculateTotals` in this thread, rejects what it cannot calculate, and closes cleanly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BatchRunner, startBatchRunner } from '../src/batch-node.ts';
import { calculateTotals, compileGuidelines, parseCalculationInput } from '../src/index.ts';
import type { CalculationInput, CalculationInputIn, CostType, GuidelinesSource, IncomeType } from '../src/index.ts';
import { loadRuleBook } from '../src/node.ts';

const rb = loadRuleBook();

const GUIDELINES: GuidelinesSource = [
  {
    from: '2019-01-01',
    decision: { act: 'Socialnämnden i Testby 2018-12-01 § 1 (fictional)', url: 'https://example.org/testby' },
    values: {
      'guideline.rent.max.1': 600_000,
      'guideline.rent.max.2': 700_000,
      'guideline.rent.max.3': 800_000,
      'guideline.rent.max.4': 900_000,
      'guideline.rent.max.5': 1_000_000,
      'guideline.rent.max.6': 1_100_000,
      'guideline.rent.max.7': 1_200_000,
      'guideline.electricity.max': 50_000,
      'guideline.homeInsurance.max': 20_000,
    },
  },
];
const compiled = compileGuidelines(rb, GUIDELINES, 'testby');

/** A deterministic PRNG (mulberry32), so that a failure is reproducible. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const COSTS: readonly CostType[] = ['rent', 'electricity', 'homeInsurance', 'workTravel', 'medicine', 'glasses'];
const INCOMES: readonly IncomeType[] = ['salary', 'childAllowance', 'housingAllowance', 'sicknessBenefit'];

/** `n` varied, validated households: 1–2 adults, 0–4 children, costs, incomes, half in Testby. */
function households(n: number): CalculationInput[] {
  const rng = prng(7);
  const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
  const out: CalculationInput[] = [];
  for (let i = 0; i < n; i++) {
    const year = [2019, 2021, 2023, 2024, 2025, 2026][int(0, 5)]!;
    const month = `${year}-${String(int(1, 12)).padStart(2, '0')}`;
    const adults = Array.from({ length: int(1, 2) }, (_, k) => ({
      id: `a${k + 1}`,
      birthDate: `${year - int(19, 70)}-0${int(1, 9)}-1${int(0, 9)}`,
      jobStimulus: rng() < 0.4,
    }));
    const children = Array.from({ length: int(0, 4) }, (_, k) => ({
      id: `c${k + 1}`,
      birthDate: `${year - int(1, 20)}-0${int(1, 9)}-1${int(0, 9)}`,
      lunchAtHome: rng() < 0.5,
    }));
    const raw: CalculationInputIn = {
      month,
      household: { adults, children },
      costs: Array.from({ length: int(1, 4) }, (_, k) => ({
        type: k === 0 ? 'rent' : COSTS[int(0, COSTS.length - 1)]!,
        amount: int(100, 12_000) + int(0, 99) / 100,
      })),
      incomes: Array.from({ length: int(0, 3) }, () => ({
        type: INCOMES[int(0, INCOMES.length - 1)]!,
        amount: int(500, 25_000),
        ...(rng() < 0.5 ? { person: adults[0]!.id } : {}),
      })),
      ...(rng() < 0.5 ? { municipality: 'testby' } : {}),
    };
    const p = parseCalculationInput(raw, 'en');
    if (!p.ok) throw new Error(`household ${i} is invalid: ${JSON.stringify(p.problems)}`);
    out.push(p.input);
  }
  return out;
}

describe('batch runner on worker threads', () => {
  const inputs = households(300);
  let runner: BatchRunner;

  beforeAll(async () => {
    runner = await startBatchRunner({ workers: 2, guidelines: { testby: GUIDELINES } });
  });
  afterAll(async () => {
    await runner.close();
  });

  it('gives exactly the totals of calculateTotals, household by household', async () => {
    expect(runner.workers).toBe(2);
    const totals = await runner.calculateTotals(inputs);
    let amountSum = 0;
    for (let i = 0; i < inputs.length; i++) {
      const input = inputs[i]!;
      const expected = calculateTotals(rb, input, input.municipality !== undefined ? { guidelines: compiled } : {});
      expect({
        norm: totals.norm[i],
        costs: totals.costs[i],
        income: totals.income[i],
        amount: totals.amount[i],
        surplus: totals.surplus[i],
      }).toEqual(expected);
      amountSum += expected.amount;
    }
    expect(totals.amountSum).toBe(amountSum);
    expect(inputs.some((x) => x.municipality !== undefined)).toBe(true);
    expect(inputs.some((x) => x.municipality === undefined)).toBe(true);
  });

  it('runs a loaded batch again with the same result, and handles a batch smaller than the workers', async () => {
    const batch = await runner.load(inputs.slice(0, 50));
    const first = Array.from((await runner.run(batch)).amount);
    const second = await runner.run(batch);
    expect(Array.from(second.amount)).toEqual(first);
    await runner.release(batch);
    await expect(runner.run(batch)).rejects.toThrow(/released/);

    const one = await runner.calculateTotals(inputs.slice(0, 1));
    expect(one.amount.length).toBe(1);
    expect(one.amount[0]).toBe(first[0]);
    expect((await runner.calculateTotals([])).amountSum).toBe(0);
  });

  it('rejects a municipality without guidelines', async () => {
    await expect(runner.calculateTotals([{ ...inputs[0]!, municipality: 'nowhere' }])).rejects.toThrow(/nowhere/);
  });

  it('surfaces an error thrown in a worker as a rejection', async () => {
    // A month outside the rule book: calculateTotals throws in the worker.
    const bad = { ...inputs[0]!, month: '1990-01' };
    expect(() => calculateTotals(rb, bad)).toThrow();
    await expect(runner.calculateTotals([bad, ...inputs.slice(1, 10)])).rejects.toThrow();
    // The runner is still usable afterwards.
    expect((await runner.calculateTotals(inputs.slice(0, 10))).amount.length).toBe(10);
  });

  it('rejects invalid guidelines at start, and closes cleanly', async () => {
    await expect(startBatchRunner({ workers: 1, guidelines: { x: [{ from: 'soon' }] as never } })).rejects.toThrow();
    const r = await startBatchRunner({ workers: 1 });
    const withoutGuidelines = inputs.filter((x) => x.municipality === undefined).slice(0, 5);
    expect((await r.calculateTotals(withoutGuidelines)).amountSum).toBe(
      withoutGuidelines.reduce((s, x) => s + calculateTotals(rb, x).amount, 0),
    );
    await r.close();
    await r.close();
    await expect(r.calculateTotals(withoutGuidelines)).rejects.toThrow(/closed/);
  });
});
