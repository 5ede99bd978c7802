/**
 * Replaying receipts: an untouched receipt (also after storage as JSON) replays; a tampered line,
 * total, status, input or guideline snapshot is a mismatch; a receipt made with another rule book
 * or engine is reported as such; garbage is an invalid receipt.
 */
import { describe, expect, it } from 'vitest';
import {
  ENGINE_VERSION,
  calculate,
  compileGuidelines,
  compileRuleBook,
  parseCalculationInput,
  replay,
} from '../src/index.ts';
import type { CalculationInputIn, CalculationResult, GuidelinesSource, Receipt, ReplayOutcome } from '../src/index.ts';
import { loadRuleBook, readRuleBookSource } from '../src/node.ts';

const rb = loadRuleBook();

const decision = {
  act: 'Socialnämnden i Provby, riktlinjer 2018-11-20 § 112',
  url: 'https://example.org/provby/riktlinjer-2019',
};
const laterDecision = {
  act: 'Socialnämnden i Provby, riktlinjer 2025-11-18 § 98',
  url: 'https://example.org/provby/2026',
};

const GUIDELINES: GuidelinesSource = [
  {
    from: '2019-01-01',
    until: '2025-12-31',
    decision,
    values: {
      'guideline.rent.max.1': 650000,
      'guideline.rent.max.2': 780000,
      'guideline.rent.max.3': 850000,
      'guideline.rent.max.4': 900000,
      'guideline.rent.max.5': 1000000,
      'guideline.rent.max.6': 1100000,
      'guideline.rent.max.7': 1200000,
      'guideline.electricity.max': 60000,
      'guideline.glasses.max': 150000,
    },
  },
  { from: '2026-01-01', decision: laterDecision, values: { 'guideline.rent.max.4': 990000 } },
];
const guidelines = compileGuidelines(rb, GUIDELINES);

/**
 * March 2024 (31 days), a couple and two children, worked out by hand from the rule book:
 * norm: couple 6 850 + c1 (3 years, no weekday lunch at home, 20 of 31 days: 2 420 × 20/31 =
 * 1 561,29…, rounded up to 1 561,30) + c2 (15 years) 4 780 + shared costs for 4 persons 1 950
 * = 15 141,30; costs: rent 9 500 capped at 9 000, electricity 450,50, dental care 1 200 (no
 * guideline) = 10 650,50; income: 12 000 + 2 500 + 3 000 − jobbstimulans 25 % of 12 000 (3 000)
 * − c2's own earnings within the prisbasbelopp 57 300 less 50 000 earlier this year (3 000)
 * = 11 500; amount 15 141,30 + 10 650,50 − 11 500 = 14 291,80.
 */
const INPUT: CalculationInputIn = {
  month: '2024-03',
  municipality: 'provby',
  household: {
    adults: [
      { id: 'a1', birthDate: '1985-06-15', jobStimulus: true },
      { id: 'a2', birthDate: '1987-01-31' },
    ],
    children: [
      { id: 'c1', birthDate: '2021-02-10', lunchAtHome: false, daysAtHome: 20 },
      { id: 'c2', birthDate: '2008-09-01', earlierEarningsThisYear: 50000 },
    ],
  },
  costs: [
    { type: 'rent', amount: 9500 },
    { type: 'electricity', amount: 450.5 },
    { type: 'dentalCare', amount: 1200 },
  ],
  incomes: [
    { type: 'salary', person: 'a1', amount: 12000 },
    { type: 'childAllowance', amount: 2500 },
    { type: 'salary', person: 'c2', amount: 3000 },
  ],
};

function calc(input: CalculationInputIn = INPUT, book = rb): CalculationResult {
  const p = parseCalculationInput(input, 'en');
  if (!p.ok) throw new Error(JSON.stringify(p.problems));
  return calculate(book, p.input, { guidelines });
}

const result = calc();

/** The receipt as it comes back from storage: plain JSON data, safe to change. */
function stored(receipt: Receipt = result.receipt): Receipt {
  return JSON.parse(JSON.stringify(receipt)) as Receipt;
}

/** A stored receipt as mutable JSON, for tampering. */
interface Json {
  [k: string]: Json | Json[] | string | number | boolean | null;
}
function tamper(change: (r: Json) => void, receipt: Receipt = result.receipt): Receipt {
  const r = JSON.parse(JSON.stringify(receipt)) as Json;
  change(r);
  return r as unknown as Receipt;
}
function obj(v: unknown): Json {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
  return v as Json;
}
function arr(v: unknown): Json[] {
  if (!Array.isArray(v)) throw new Error('not an array');
  return v as Json[];
}
function line(r: Json, i: number): Json {
  return obj(arr(r['lines'])[i]);
}

function failure(outcome: ReplayOutcome) {
  if (outcome.ok) throw new Error('expected the replay to fail');
  return outcome;
}

describe('the worked example', () => {
  it('has the hand-computed totals and lines', () => {
    expect(result.receipt.totals).toEqual({
      norm: 1514130,
      costs: 1065050,
      income: 1150000,
      amount: 1429180,
      surplus: 0,
    });
    expect(result.lines.map((l) => [l.rule, l.person ?? l.item ?? '', l.amountOre, l.flags.join(',')])).toEqual([
      ['norm.personal.adults', '', 685000, ''],
      ['norm.personal.children', 'c1', 156130, 'proRata,roundedUp'],
      ['norm.personal.children', 'c2', 478000, ''],
      ['norm.shared', '', 195000, ''],
      ['costs.reasonable', 'rent', 900000, 'capped'],
      ['costs.reasonable', 'electricity', 45050, ''],
      ['costs.livsforingIOvrigt', 'dentalCare', 120000, 'needsAssessment'],
      ['income.counted', 'a1', 1200000, ''],
      ['income.counted', 'childAllowance', 250000, ''],
      ['income.counted', 'c2', 300000, ''],
      ['income.jobbstimulans', 'a1', -300000, ''],
      ['income.childEarnings', 'c2', -300000, ''],
      ['result.amount', '', 1429180, ''],
    ]);
    expect(result.status).toBe('derived');
    expect(result.receipt.engine).toEqual({ name: '@tillit/rules', version: ENGINE_VERSION });
    expect(result.receipt.rulebook).toEqual({ id: rb.id, version: rb.version, hash: rb.hash });
  });

  it('snapshots the guideline values in force that month, with their decision (not later ones)', () => {
    expect(result.receipt.guidelines).toEqual([
      {
        from: '2019-01-01',
        until: '2025-12-31',
        decision,
        values: {
          'guideline.rent.max.1': 650000,
          'guideline.rent.max.2': 780000,
          'guideline.rent.max.3': 850000,
          'guideline.rent.max.4': 900000,
          'guideline.rent.max.5': 1000000,
          'guideline.rent.max.6': 1100000,
          'guideline.rent.max.7': 1200000,
          'guideline.electricity.max': 60000,
          'guideline.glasses.max': 150000,
        },
      },
    ]);
  });
});

describe('replay', () => {
  it('replays an untouched receipt, as an object and after a JSON round trip', () => {
    const direct = replay(result.receipt, rb);
    expect(direct.ok).toBe(true);
    const outcome = replay(stored(), rb);
    expect(outcome.ok).toBe(true);
    if (outcome.ok) expect(stored(outcome.result.receipt)).toEqual(stored());
  });

  it('replays with the guideline snapshot alone: the municipality’s full guidelines are not needed', () => {
    // replay() takes no guidelines: what the receipt snapshotted is what it recalculates with.
    const outcome = replay(stored(), rb);
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result.receipt.totals.costs).toBe(1065050);
    expect(outcome.result.lines[4]?.parameters).toEqual([
      {
        id: 'guideline.rent.max.4',
        unit: 'ore',
        amount: 900000,
        from: '2019-01-01',
        until: '2025-12-31',
        status: 'verified',
        source: decision.act,
      },
    ]);
  });

  it('replays a receipt using guidelines of a later decision (2026) with the same totals', () => {
    const r2026 = calc({ ...INPUT, month: '2026-03' });
    expect(r2026.receipt.guidelines).toEqual([
      { from: '2026-01-01', decision: laterDecision, values: { 'guideline.rent.max.4': 990000 } },
    ]);
    const outcome = replay(stored(r2026.receipt), rb);
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome.result.receipt.totals).toEqual(r2026.receipt.totals);
  });

  it('replays a receipt without guidelines (every cost assessed by a person)', () => {
    const p = parseCalculationInput(INPUT);
    if (!p.ok) throw new Error('invalid');
    const plain = calculate(rb, p.input);
    expect(plain.receipt.guidelines).toEqual([]);
    expect(replay(stored(plain.receipt), rb).ok).toBe(true);
  });

  it('detects a tampered line amount', () => {
    const f = failure(
      replay(
        tamper((r) => {
          line(r, 4)['amountOre'] = 950000; // the rent as applied for, not capped
        }),
        rb,
      ),
    );
    expect(f.reason).toBe('mismatch');
    expect(f.differences).toEqual(['lines[4].amountOre']);
    expect(f.message).toBe('the receipt differs from its recalculation at lines[4].amountOre');
  });

  it('detects a tampered line amount in kronor and a tampered explanation', () => {
    const kr = failure(
      replay(
        tamper((r) => void (line(r, 0)['amount'] = 7850)),
        rb,
      ),
    );
    expect(kr.reason).toBe('mismatch');
    expect(kr.differences).toEqual(['lines[0].amount']);
    const text = failure(
      replay(
        tamper((r) => {
          obj(line(r, 12)['text'])['sv'] = 'Försörjningsstöd: 20 000 kr.';
        }),
        rb,
      ),
    );
    expect(text.differences).toEqual(['lines[12].text.sv']);
  });

  it('detects a removed line and a removed flag', () => {
    const removed = failure(
      replay(
        tamper((r) => void arr(r['lines']).splice(6, 1)),
        rb,
      ),
    );
    expect(removed.reason).toBe('mismatch');
    expect(removed.differences[0]).toBe('lines[6].n');
    const flag = failure(
      replay(
        tamper((r) => void (line(r, 6)['flags'] = [])),
        rb,
      ),
    );
    expect(flag.differences).toEqual(['lines[6].flags[0]']);
  });

  it('detects a tampered total', () => {
    const f = failure(
      replay(
        tamper((r) => {
          obj(r['totals'])['amount'] = 1529180;
        }),
        rb,
      ),
    );
    expect(f.reason).toBe('mismatch');
    expect(f.differences).toEqual(['totals.amount']);
  });

  it('detects a tampered status', () => {
    const f = failure(
      replay(
        tamper((r) => void (r['status'] = 'verified')),
        rb,
      ),
    );
    expect(f.reason).toBe('mismatch');
    expect(f.differences).toEqual(['status']);
  });

  it('detects a tampered input (the rent changed, the lines not)', () => {
    const f = failure(
      replay(
        tamper((r) => {
          obj(arr(obj(r['input'])['costs'])[0])['amount'] = 8000;
        }),
        rb,
      ),
    );
    expect(f.reason).toBe('mismatch');
    // The recalculation from the changed input accepts 8 000 kr (under the cap of 9 000 kr):
    // the rent line, the result line and the totals no longer match.
    expect(f.differences).toEqual([
      'lines[4].amountOre',
      'lines[4].amount',
      'lines[4].inputs.applied',
      'lines[4].text.sv',
      'lines[4].text.en',
      'lines[4].flags[0]',
      'lines[12].amountOre',
      'lines[12].amount',
      'lines[12].inputs.costs',
      'lines[12].text.sv',
      'lines[12].text.en',
      'totals.costs',
      'totals.amount',
    ]);
  });

  it('detects a tampered input that adds an income', () => {
    const f = failure(
      replay(
        tamper((r) => {
          arr(obj(r['input'])['incomes']).push({ type: 'pension', amount: 1000 });
        }),
        rb,
      ),
    );
    expect(f.reason).toBe('mismatch');
    // The recalculation has a pension line at 10 where the receipt has jobbstimulans; replay
    // lists the first 20 differences.
    expect(f.message).toBe('the receipt differs from its recalculation at lines[10].rule');
    expect(f.differences).toHaveLength(20);
    expect(f.differences.slice(0, 4)).toEqual([
      'lines[10].rule',
      'lines[10].person',
      'lines[10].item',
      'lines[10].amountOre',
    ]);
  });

  it('detects a tampered guideline snapshot', () => {
    const raised = failure(
      replay(
        tamper((r) => {
          obj(obj(arr(r['guidelines'])[0])['values'])['guideline.rent.max.4'] = 1000000;
        }),
        rb,
      ),
    );
    expect(raised.reason).toBe('mismatch');
    // The recalculation uses the (tampered) snapshot, so the snapshot itself matches; the rent
    // line it produces (10 000 kr cap: 9 500 kr accepted) does not match the recorded one.
    expect(raised.differences).toEqual([
      'lines[4].amountOre',
      'lines[4].amount',
      'lines[4].parameters[0].amount',
      'lines[4].text.sv',
      'lines[4].text.en',
      'lines[4].flags[0]',
      'lines[12].amountOre',
      'lines[12].amount',
      'lines[12].inputs.costs',
      'lines[12].text.sv',
      'lines[12].text.en',
      'totals.costs',
      'totals.amount',
    ]);
    const dropped = failure(
      replay(
        tamper((r) => void (r['guidelines'] = [])),
        rb,
      ),
    );
    expect(dropped.reason).toBe('mismatch');
    // Without the snapshot the rent is accepted as applied for and flagged for assessment.
    expect(dropped.differences.slice(0, 2)).toEqual(['lines[4].amountOre', 'lines[4].amount']);
    expect(dropped.differences).toContain('lines[4].flags[0]');
  });

  it('reports a receipt whose guideline snapshot is not valid guidelines as invalid', () => {
    const f = failure(
      replay(
        tamper((r) => {
          obj(obj(arr(r['guidelines'])[0])['values'])['riksnorm.shared.4'] = 1;
        }),
        rb,
      ),
    );
    expect(f.reason).toBe('invalid-receipt');
    expect(f.message).toContain('riksnorm.shared.4 is set by the state, not a municipal guideline');
  });

  it('detects a changed rule book, even a value the calculation did not use', () => {
    const source = structuredClone(readRuleBookSource());
    const b = source.values['riksnorm-2019']?.periods[0];
    if (!b) throw new Error('no 2019 block');
    b.values['riksnorm.shared.1'] = 99010;
    const changed = compileRuleBook(source);
    expect(changed.hash).not.toBe(rb.hash);
    expect(changed.version).toBe(rb.version); // the same version number: only the hash tells them apart

    const f = failure(replay(stored(), changed));
    expect(f.reason).toBe('rulebook-changed');
    expect(f.differences).toEqual([]);
    expect(f.message).toBe(
      `the receipt was made with rule book ${rb.version} (${rb.hash}); the one given is ${changed.version} (${changed.hash})`,
    );

    // A receipt made with the changed book replays with it, and not with the shipped one.
    const withChanged = calc(INPUT, changed);
    expect(replay(stored(withChanged.receipt), changed).ok).toBe(true);
    expect(failure(replay(stored(withChanged.receipt), rb)).reason).toBe('rulebook-changed');
  });

  it('detects a tampered rule-book hash in the receipt', () => {
    const f = failure(
      replay(
        tamper((r) => void (obj(r['rulebook'])['hash'] = '0'.repeat(64))),
        rb,
      ),
    );
    expect(f.reason).toBe('rulebook-changed');
  });

  it('detects a receipt made by another engine version', () => {
    const f = failure(
      replay(
        tamper((r) => void (obj(r['engine'])['version'] = '0.9.0')),
        rb,
      ),
    );
    expect(f.reason).toBe('engine-changed');
    expect(f.message).toBe(`the receipt was made by engine 0.9.0, this is ${ENGINE_VERSION}`);
    expect(f.differences).toEqual([]);
  });

  it('reports garbage as an invalid receipt', () => {
    const garbage: unknown[] = [
      null,
      undefined,
      42,
      'tillit-receipt/1',
      [],
      {},
      { format: 'tillit-receipt/2', engine: result.receipt.engine, rulebook: result.receipt.rulebook },
    ];
    for (const g of garbage) {
      const f = failure(replay(g as Receipt, rb));
      expect(f.reason).toBe('invalid-receipt');
      expect(f.message).toBe('not a tillit-receipt/1 receipt');
      expect(f.differences).toEqual([]);
    }
  });

  it('reports a receipt with an invalid input as invalid, naming the field', () => {
    const f = failure(
      replay(
        tamper((r) => void (obj(r['input'])['month'] = '2024-13')),
        rb,
      ),
    );
    expect(f.reason).toBe('invalid-receipt');
    expect(f.message).toBe("the receipt's input is invalid: month: Give a month as YYYY-MM, for example 2026-03.");
  });

  it('reports a receipt whose input cannot be calculated (no rule-book values for 2022) as invalid', () => {
    const f = failure(
      replay(
        tamper((r) => void (obj(r['input'])['month'] = '2022-03')),
        rb,
      ),
    );
    expect(f.reason).toBe('invalid-receipt');
    expect(f.message).toMatch(/^the receipt's input cannot be calculated: The rule book has no value for riksnorm\./);
  });

  it('reports a receipt with the right format but no lines or totals as a mismatch', () => {
    const f = failure(
      replay(
        tamper((r) => {
          delete r['lines'];
          delete r['totals'];
        }),
        rb,
      ),
    );
    expect(f.reason).toBe('mismatch');
    expect(f.differences).toEqual(['lines', 'totals']);
  });

  // A receipt with the right format but no engine or rule book is invalid, not 'engine-changed'.
  it('reports a receipt with the right format but no engine or rule book as invalid', () => {
    const f = failure(replay({ format: 'tillit-receipt/1' } as unknown as Receipt, rb));
    expect(f.reason).toBe('invalid-receipt');
  });
});

describe('replay of guidelines with notes', () => {
  // A guideline block may carry a `note`; lines cite it, so the receipt's snapshot keeps it and an
  // untouched receipt replays.
  const noted = compileGuidelines(rb, [
    {
      from: '2019-01-01',
      decision,
      note: 'Including heating.',
      values: { 'guideline.rent.max.1': 650000 },
    },
  ]);
  const p = parseCalculationInput({
    month: '2024-03',
    household: { adults: [{ id: 'a1', birthDate: '1990-01-01' }] },
    costs: [{ type: 'rent', amount: 7000 }],
  });
  if (!p.ok) throw new Error('invalid');
  const withNote = calculate(rb, p.input, { guidelines: noted });

  it('the cited guideline value carries the note', () => {
    expect(withNote.lines[2]?.parameters[0]?.note).toBe('Including heating.');
  });

  // Today: { ok: false, reason: 'mismatch', differences: ['lines[2].parameters[0].note'] }.
  it('an untouched receipt with a noted guideline replays ok', () => {
    expect(replay(stored(withNote.receipt), rb)).toMatchObject({ ok: true });
  });
});
