/**
 * The rule book's validation and its data: the shipped rule book loads, its hash identifies its
 * content, every kind of broken rule book is rejected with a message naming the problem, and the
 * riksnorm values are complete, carry the right status and follow their stated derivation.
 */
import { appendFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ENGINE_VERSION,
  RULE_IDS,
  RuleBookError,
  calculate,
  compileGuidelines,
  compileRuleBook,
  parseCalculationInput,
} from '../src/index.ts';
import type { CalculationInputIn, ParameterValue, RuleBook, RuleBookSource } from '../src/index.ts';
import { DEFAULT_RULEBOOK_DIR, loadRuleBook, readRuleBookSource } from '../src/node.ts';

const rb = loadRuleBook();

type Source = RuleBookSource;
type Block = Source['values'][string]['periods'][number];

/** A deep copy of the shipped rule book's source, changed by `mutate`. */
const SOURCE: Source = readRuleBookSource();

function variant(mutate: (s: Source) => void): Source {
  const s = structuredClone(SOURCE);
  mutate(s);
  return s;
}

function block(s: Source, file: string, index = 0): Block {
  const b = s.values[file]?.periods[index];
  if (!b) throw new Error(`no block ${file}[${index}]`);
  return b;
}

/** The problems compileRuleBook reports; fails unless it throws a RuleBookError. */
function problemsOf(source: unknown): readonly string[] {
  let error: unknown;
  try {
    compileRuleBook(source);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RuleBookError);
  if (!(error instanceof RuleBookError)) return [];
  expect(error.name).toBe('RuleBookError');
  // The message lists every problem.
  expect(error.message).toBe(`the rule book is invalid:\n- ${error.problems.join('\n- ')}`);
  return error.problems;
}

function guidelineProblemsOf(source: unknown): readonly string[] {
  let error: unknown;
  try {
    compileGuidelines(rb, source);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RuleBookError);
  return error instanceof RuleBookError ? error.problems : [];
}

const RIKSNORM_IDS = [
  'riksnorm.personal.adult.single',
  'riksnorm.personal.adult.couple',
  'riksnorm.personal.child.0',
  'riksnorm.personal.child.1-2',
  'riksnorm.personal.child.3',
  'riksnorm.personal.child.4-6',
  'riksnorm.personal.child.7-10',
  'riksnorm.personal.child.11-14',
  'riksnorm.personal.child.15-18',
  'riksnorm.personal.child.19-20',
  'riksnorm.personal.child.0.withoutLunch',
  'riksnorm.personal.child.1-2.withoutLunch',
  'riksnorm.personal.child.3.withoutLunch',
  'riksnorm.personal.child.4-6.withoutLunch',
  'riksnorm.shared.1',
  'riksnorm.shared.2',
  'riksnorm.shared.3',
  'riksnorm.shared.4',
  'riksnorm.shared.5',
  'riksnorm.shared.6',
  'riksnorm.shared.7',
] as const;

const WITHOUT_LUNCH = RIKSNORM_IDS.filter((id) => id.endsWith('.withoutLunch'));

/** The riksnorm value of `id` for a calendar year (a value must cover exactly that year). */
function riksnorm(book: RuleBook, id: string, year: number): ParameterValue | undefined {
  return book.parameters.get(id)?.values.find((v) => v.from === `${year}-01-01`);
}

function amountOf(id: string, year: number): number {
  const v = riksnorm(rb, id, year);
  if (!v) throw new Error(`no ${id} for ${year}`);
  return v.amount;
}

// ---------------------------------------------------------------------------------------------

describe('the shipped rule book', () => {
  it('loads and describes itself', () => {
    expect(rb.id).toBe('tillit-forsorjningsstod-se');
    expect(rb.version).toBe('2026.1');
    expect(rb.engineVersion).toBe(ENGINE_VERSION);
    expect(rb.hash).toMatch(/^[0-9a-f]{64}$/);
    expect([...rb.rules.keys()].sort()).toEqual([...RULE_IDS].sort());
    expect([...rb.parameters.keys()].filter((id) => id.startsWith('riksnorm.')).sort()).toEqual(
      [...RIKSNORM_IDS].sort(),
    );
  });

  it('has the same hash on every load and from the source compiled directly', () => {
    expect(loadRuleBook().hash).toBe(rb.hash);
    expect(compileRuleBook(readRuleBookSource()).hash).toBe(rb.hash);
    expect(loadRuleBook(DEFAULT_RULEBOOK_DIR).hash).toBe(rb.hash);
  });

  it('hashes content, not key order', () => {
    const reordered = variant((s) => {
      s.parameters = Object.fromEntries(Object.entries(s.parameters).reverse());
      s.values = Object.fromEntries(Object.entries(s.values).reverse());
      const b = block(s, 'riksnorm-2021');
      b.values = Object.fromEntries(Object.entries(b.values).reverse());
    });
    expect(compileRuleBook(reordered).hash).toBe(rb.hash);
  });

  it('gets a new hash when any single value changes by one öre', () => {
    const original = readRuleBookSource();
    expect(original).toEqual(SOURCE); // the shared copy was not changed by another test
    const hashes = new Set<string>([rb.hash]);
    let changed = 0;
    for (const [file, f] of Object.entries(original.values)) {
      f.periods.forEach((p, index) => {
        for (const [id, raw] of Object.entries(p.values)) {
          const s = variant((v) => {
            const b = block(v, file, index);
            b.values[id] = typeof raw === 'number' ? raw + 1 : { ...raw, amount: raw.amount + 1 };
          });
          hashes.add(compileRuleBook(s).hash);
          changed++;
        }
      });
    }
    // 6 full riksnorm years × 21 + 2 (2014) + 2 (jobbstimulans) + 13 (prisbasbelopp 2014–2026).
    expect(changed).toBe(6 * 21 + 2 + 2 + 13);
    expect(hashes.size).toBe(changed + 1);
  });

  it('gets a new hash when metadata, a status, a source, a reference or a label changes', () => {
    const mutations: ((s: Source) => void)[] = [
      (s) => {
        s.meta = { ...s.meta, version: '2026.2' };
      },
      (s) => {
        block(s, 'riksnorm-2019').status = 'secondary';
      },
      (s) => {
        block(s, 'riksnorm-2024').method = 'Another method.';
      },
      (s) => {
        const src = s.sources['sol-2001'];
        if (src) src.url = 'https://example.org/sol';
      },
      (s) => {
        const ref = s.rules['result.amount']?.periods[0]?.references[0];
        if (ref) ref.provision = '4 kap. 1 §';
      },
      (s) => {
        const p = s.parameters['riksnorm.shared.1'];
        if (p) p.label = { sv: 'Annan etikett', en: 'Another label' };
      },
    ];
    const hashes = new Set(mutations.map((m) => compileRuleBook(variant(m)).hash));
    expect(hashes.size).toBe(mutations.length);
    expect(hashes.has(rb.hash)).toBe(false);
  });

  describe('read from a copy of its folder', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tillit-rulebook-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('loads from another folder with the same hash', () => {
      cpSync(DEFAULT_RULEBOOK_DIR, join(dir, 'same'), { recursive: true });
      expect(loadRuleBook(join(dir, 'same')).hash).toBe(rb.hash);
    });

    it('rejects a parameter id given twice in one value file (no silent overwrite)', () => {
      const copy = join(dir, 'dup');
      cpSync(DEFAULT_RULEBOOK_DIR, copy, { recursive: true });
      appendFileSync(join(copy, 'values', 'riksnorm-2019.yaml'), '      riksnorm.shared.1: 1\n');
      expect(() => loadRuleBook(copy)).toThrow(/Map keys must be unique/);
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('compileRuleBook rejects a broken rule book', () => {
  it('accepts the unchanged source', () => {
    expect(() => compileRuleBook(variant(() => undefined))).not.toThrow();
  });

  it('rejects something that is not a rule book at all', () => {
    expect(problemsOf(null)).toEqual([': Invalid input: expected object, received null']);
    expect(problemsOf({})).toEqual([
      'meta: Invalid input: expected object, received undefined',
      'sources: Invalid input: expected record, received undefined',
      'parameters: Invalid input: expected record, received undefined',
      'rules: Invalid input: expected record, received undefined',
      'values: Invalid input: expected record, received undefined',
    ]);
  });

  it('an unknown key in a value block', () => {
    const s = variant((v) => {
      Object.assign(block(v, 'riksnorm-2019'), { bogus: 1 });
    });
    expect(problemsOf(s)).toEqual(['values.riksnorm-2019.periods[0]: Unrecognized key: "bogus"']);
  });

  it('an unknown key in a single value override', () => {
    const s = variant((v) => {
      const o = block(v, 'riksnorm-2023').values['riksnorm.personal.child.3.withoutLunch'];
      if (typeof o !== 'object') throw new Error('expected an override');
      Object.assign(o, { verifiedBy: 'someone' });
    });
    expect(problemsOf(s)).toEqual([
      'values.riksnorm-2023.periods[0].values.riksnorm.personal.child.3.withoutLunch: Unrecognized key: "verifiedBy"',
    ]);
  });

  it('a parameter id not declared in parameters.yaml', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').values['riksnorm.personal.adult.triple'] = 800000;
    });
    expect(problemsOf(s)).toEqual(['riksnorm-2019 periods[0]: unknown parameter riksnorm.personal.adult.triple']);
  });

  it('an unknown source id on a value block (one problem per value)', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').source = 'sfs-1999-nope';
    });
    const problems = problemsOf(s);
    expect(problems).toHaveLength(21);
    expect(problems).toEqual(
      RIKSNORM_IDS.map((id) => `riksnorm-2019 periods[0]: ${id} names unknown source sfs-1999-nope`),
    );
  });

  it('an unknown source id on a single value', () => {
    const s = variant((v) => {
      const o = block(v, 'riksnorm-2023').values['riksnorm.personal.child.0.withoutLunch'];
      if (typeof o !== 'object') throw new Error('expected an override');
      o.source = 'nowhere';
    });
    expect(problemsOf(s)).toEqual([
      'riksnorm-2023 periods[0]: riksnorm.personal.child.0.withoutLunch names unknown source nowhere',
    ]);
  });

  it('an unknown source id in a rule reference', () => {
    const s = variant((v) => {
      const ref = v.rules['result.amount']?.periods[0]?.references[0];
      if (!ref) throw new Error('no reference');
      ref.source = 'sol-1980';
    });
    expect(problemsOf(s)).toEqual(['rules.result.amount.periods[0]: unknown source sol-1980']);
  });

  it('a derived value block without a method', () => {
    const s = variant((v) => {
      delete block(v, 'riksnorm-2026').method;
    });
    expect(problemsOf(s)).toEqual(
      RIKSNORM_IDS.map((id) => `riksnorm-2026 periods[0]: ${id} is derived but no method says how`),
    );
  });

  it('a single derived value without a method', () => {
    const s = variant((v) => {
      const o = block(v, 'riksnorm-2023').values['riksnorm.personal.child.3.withoutLunch'];
      if (typeof o !== 'object') throw new Error('expected an override');
      delete o.method;
    });
    expect(problemsOf(s)).toEqual([
      'riksnorm-2023 periods[0]: riksnorm.personal.child.3.withoutLunch is derived but no method says how',
    ]);
  });

  it('a value override marked derived does not inherit the block method of a non-derived block', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').values['riksnorm.shared.1'] = { amount: 99000, status: 'derived' };
    });
    expect(problemsOf(s)).toEqual(['riksnorm-2019 periods[0]: riksnorm.shared.1 is derived but no method says how']);
  });

  it('overlapping periods for one parameter', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').until = '2021-01-31';
    });
    expect(problemsOf(s)).toEqual(
      RIKSNORM_IDS.map((id) => `riksnorm-2021 periods[0]: ${id} overlaps the value from 2019-01-01`),
    );
  });

  it('an open-ended period overlapping a later one', () => {
    const s = variant((v) => {
      delete block(v, 'jobbstimulans', 0).until;
    });
    expect(problemsOf(s)).toEqual(['jobbstimulans periods[1]: jobbstimulans.rate overlaps the value from 2013-07-01']);
  });

  it('two blocks touching on the same day overlap', () => {
    const s = variant((v) => {
      block(v, 'prisbasbelopp', 0).until = '2015-01-01';
    });
    expect(problemsOf(s)).toEqual(['prisbasbelopp periods[1]: prisbasbelopp overlaps the value from 2014-01-01']);
  });

  it('a period that ends before it starts', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').until = '2018-12-31';
    });
    expect(problemsOf(s)).toEqual(['riksnorm-2019 periods[0]: until is before from']);
  });

  it('an impossible date', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').from = '2019-02-30';
    });
    expect(problemsOf(s)).toEqual(['values.riksnorm-2019.periods[0].from: Invalid ISO date']);
  });

  it('a municipal (open) parameter set in the rule book', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').values['guideline.rent.max.1'] = 500000;
    });
    expect(problemsOf(s)).toEqual([
      'riksnorm-2019 periods[0]: guideline.rent.max.1 is a municipal guideline (open parameter) and cannot be set in the rule book',
    ]);
  });

  it('a rules.yaml entry the engine does not know', () => {
    const s = variant((v) => {
      const r = v.rules['result.amount'];
      if (!r) throw new Error('no rule');
      v.rules['result.bonus'] = structuredClone(r);
    });
    expect(problemsOf(s)).toEqual(['rules: result.bonus is not a rule the engine knows']);
  });

  it('a rule the engine implements missing from rules.yaml', () => {
    const s = variant((v) => {
      delete v.rules['income.jobbstimulans'];
    });
    expect(problemsOf(s)).toEqual(["rules: the engine's rule income.jobbstimulans has no entry"]);
  });

  it('overlapping periods of one rule', () => {
    const s = variant((v) => {
      const p = v.rules['result.amount']?.periods[0];
      if (!p) throw new Error('no period');
      p.until = '2025-07-31';
    });
    expect(problemsOf(s)).toEqual(['rules.result.amount: periods from 2002-01-01 and 2025-07-01 overlap']);
  });

  it('a non-integer amount (öre are whole numbers)', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').values['riksnorm.shared.1'] = 99000.5;
    });
    const problems = problemsOf(s);
    expect(problems).toHaveLength(1);
    // The message names the field; zod's union message itself is generic ("Invalid input").
    expect(problems[0]).toMatch(/^values\.riksnorm-2019\.periods\[0\]\.values\.riksnorm\.shared\.1: /);
  });

  it('a non-integer amount in a value override', () => {
    const s = variant((v) => {
      const o = block(v, 'riksnorm-2023').values['riksnorm.personal.child.3.withoutLunch'];
      if (typeof o !== 'object') throw new Error('expected an override');
      o.amount = 221999.99;
    });
    const problems = problemsOf(s);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^values\.riksnorm-2023\.periods\[0\]\.values\.riksnorm\.personal\.child\.3\.withoutLunch: /,
    );
  });

  it('a negative amount and an amount given as text', () => {
    const neg = variant((v) => {
      block(v, 'riksnorm-2019').values['riksnorm.shared.1'] = -1;
    });
    expect(problemsOf(neg)).toEqual([
      'values.riksnorm-2019.periods[0].values.riksnorm.shared.1: Too small: expected number to be >=0',
    ]);
    const text = variant((v) => {
      Object.assign(block(v, 'riksnorm-2019').values, { 'riksnorm.shared.1': '990 kr' });
    });
    expect(problemsOf(text)).toHaveLength(1);
  });

  it('reports every problem at once, not only the first', () => {
    const s = variant((v) => {
      block(v, 'riksnorm-2019').values['riksnorm.personal.adult.triple'] = 800000;
      block(v, 'riksnorm-2021').values['guideline.rent.max.2'] = 700000;
      delete v.rules['norm.shared'];
    });
    expect(problemsOf(s)).toEqual([
      'riksnorm-2019 periods[0]: unknown parameter riksnorm.personal.adult.triple',
      'riksnorm-2021 periods[0]: guideline.rent.max.2 is a municipal guideline (open parameter) and cannot be set in the rule book',
      "rules: the engine's rule norm.shared has no entry",
    ]);
  });
});

// ---------------------------------------------------------------------------------------------

describe('the riksnorm data', () => {
  const years = [
    ...new Set(
      RIKSNORM_IDS.flatMap((id) => rb.parameters.get(id)?.values.map((v) => Number(v.from.slice(0, 4))) ?? []),
    ),
  ].sort();

  it('has values for 2014, 2019, 2021 and 2023–2026, each for one whole calendar year', () => {
    expect(years).toEqual([2014, 2019, 2021, 2023, 2024, 2025, 2026]);
    for (const id of RIKSNORM_IDS)
      for (const v of rb.parameters.get(id)?.values ?? []) {
        const y = v.from.slice(0, 4);
        expect(v.from).toBe(`${y}-01-01`);
        expect(v.until).toBe(`${y}-12-31`);
        expect(v.unit).toBe('ore');
        expect(v.amount % 1000).toBe(0); // whole tens of kronor
      }
  });

  it('every riksnorm year has all 21 parameters, except 2014 (the two amounts of a worked example)', () => {
    for (const year of years) {
      const present = RIKSNORM_IDS.filter((id) => riksnorm(rb, id, year) !== undefined);
      if (year === 2014) expect(present).toEqual(['riksnorm.personal.adult.single', 'riksnorm.shared.5']);
      else expect(present).toEqual([...RIKSNORM_IDS]);
    }
    expect(amountOf('riksnorm.personal.adult.single', 2014)).toBe(295000);
    expect(amountOf('riksnorm.shared.5', 2014)).toBe(171000);
  });

  it('2019 and 2021 are verified against the statute', () => {
    for (const id of RIKSNORM_IDS) {
      expect(riksnorm(rb, id, 2019)).toMatchObject({ status: 'verified', source: 'riksnorm-2019' });
      expect(riksnorm(rb, id, 2021)).toMatchObject({ status: 'verified', source: 'sfs-2020-1013' });
    }
  });

  it('2023 is secondary, except its four amounts without lunch, which are derived with a method', () => {
    for (const id of RIKSNORM_IDS) {
      const v = riksnorm(rb, id, 2023);
      expect(v?.source).toBe('riksnorm-2023-municipal-table');
      if (id.endsWith('.withoutLunch')) {
        expect(v?.status).toBe('derived');
        expect(v?.method).toMatch(/2021 amount without lunch/);
      } else {
        expect(v?.status).toBe('secondary');
        expect(v?.method).toBeUndefined();
      }
    }
  });

  it('2024–2026 are derived from the upratings, each with its method', () => {
    const method: Record<number, string> = {
      2024: 'The 2023 amount × 1.087 (uprating 8,7 %), rounded up to whole tens of kronor.',
      2025: 'The 2024 amount × 1.028 (uprating 2,8 %), rounded up to whole tens of kronor.',
      2026: 'The 2025 amount × 1.007 (uprating 0,7 %), rounded up to whole tens of kronor.',
    };
    for (const year of [2024, 2025, 2026])
      for (const id of RIKSNORM_IDS)
        expect(riksnorm(rb, id, year)).toMatchObject({
          status: 'derived',
          source: 'riksnorm-upratings',
          method: method[year],
        });
  });

  it('each 2024–2026 value is ceil(previous year × uprating ÷ 10 kr) × 10 kr', () => {
    // Integer arithmetic in öre: v × (1000 + per mille) ÷ 1000, rounded up to 1 000 öre (10 kr).
    const perMille: Record<number, bigint> = { 2024: 1087n, 2025: 1028n, 2026: 1007n };
    for (const year of [2024, 2025, 2026])
      for (const id of RIKSNORM_IDS) {
        const prev = BigInt(amountOf(id, year - 1));
        const expected = ((prev * perMille[year]! + 999_999n) / 1_000_000n) * 1000n;
        expect([id, year, amountOf(id, year)]).toEqual([id, year, Number(expected)]);
      }
  });

  it('the 2023 amounts without lunch follow their method (2021 ratio, rounded up to tens of kronor)', () => {
    for (const id of WITHOUT_LUNCH) {
      const withLunch = id.replace('.withoutLunch', '');
      const num = BigInt(amountOf(id, 2021)) * BigInt(amountOf(withLunch, 2023));
      const den = BigInt(amountOf(withLunch, 2021)) * 1000n;
      expect([id, amountOf(id, 2023)]).toEqual([id, Number(((num + den - 1n) / den) * 1000n)]);
    }
    expect(WITHOUT_LUNCH.map((id) => amountOf(id, 2023))).toEqual([228000, 248000, 222000, 241000]);
  });

  it('the amounts of DOMAIN.md §4 for 2019, 2021 and 2023 (spot checks)', () => {
    expect(amountOf('riksnorm.personal.adult.single', 2019)).toBe(309000);
    expect(amountOf('riksnorm.personal.adult.couple', 2021)).toBe(570000);
    expect(amountOf('riksnorm.personal.child.19-20', 2021)).toBe(400000);
    expect(amountOf('riksnorm.personal.child.3.withoutLunch', 2019)).toBe(194000);
    expect(amountOf('riksnorm.shared.7', 2023)).toBe(251000);
  });

  it('2026 reproduces the official totals: single 5 220 kr, couple 8 510 kr', () => {
    expect(amountOf('riksnorm.personal.adult.single', 2026) + amountOf('riksnorm.shared.1', 2026)).toBe(522000);
    expect(amountOf('riksnorm.personal.adult.couple', 2026) + amountOf('riksnorm.shared.2', 2026)).toBe(851000);
    const run = (input: CalculationInputIn) => {
      const p = parseCalculationInput(input);
      if (!p.ok) throw new Error(JSON.stringify(p.problems));
      return calculate(rb, p.input);
    };
    const single = run({ month: '2026-01', household: { adults: [{ id: 'a1', birthDate: '1990-05-01' }] } });
    expect(single.receipt.totals).toEqual({ norm: 522000, costs: 0, income: 0, amount: 522000, surplus: 0 });
    const couple = run({
      month: '2026-12',
      household: {
        adults: [
          { id: 'a1', birthDate: '1990-05-01' },
          { id: 'a2', birthDate: '1988-11-30' },
        ],
      },
    });
    expect(couple.receipt.totals).toEqual({ norm: 851000, costs: 0, income: 0, amount: 851000, surplus: 0 });
  });
});

// ---------------------------------------------------------------------------------------------

describe('compileGuidelines', () => {
  const decision = { act: 'Socialnämnden i Provby 2025-11-20 § 7', url: 'https://example.org/provby' };

  it('accepts values for open parameters', () => {
    const g = compileGuidelines(rb, [
      { from: '2026-01-01', decision, values: { 'guideline.rent.max.1': 700000, 'guideline.electricity.max': 60000 } },
    ]);
    expect(g.decisions).toEqual({ [decision.act]: decision });
    expect(g.values.get('guideline.rent.max.1')).toEqual([
      {
        id: 'guideline.rent.max.1',
        unit: 'ore',
        amount: 700000,
        from: '2026-01-01',
        until: null,
        status: 'verified',
        source: decision.act,
      },
    ]);
  });

  it('rejects a parameter the state sets (not open)', () => {
    expect(guidelineProblemsOf([{ from: '2026-01-01', decision, values: { 'riksnorm.shared.1': 150000 } }])).toEqual([
      'guidelines periods[0]: riksnorm.shared.1 is set by the state, not a municipal guideline',
    ]);
  });

  it('rejects an unknown parameter', () => {
    expect(guidelineProblemsOf([{ from: '2026-01-01', decision, values: { 'guideline.parking.max': 50000 } }])).toEqual(
      ['guidelines periods[0]: unknown parameter guideline.parking.max'],
    );
  });

  it('rejects overlapping guideline periods and a status (guidelines are decisions, always in force)', () => {
    expect(
      guidelineProblemsOf([
        { from: '2025-01-01', decision, values: { 'guideline.rent.max.1': 650000 } },
        { from: '2026-01-01', decision, values: { 'guideline.rent.max.1': 700000 } },
      ]),
    ).toEqual(['guidelines periods[1]: guideline.rent.max.1 overlaps the value from 2025-01-01']);
    expect(
      guidelineProblemsOf([
        { from: '2026-01-01', status: 'verified', decision, values: { 'guideline.rent.max.1': 700000 } },
      ]),
    ).toEqual(['guidelines: 0: Unrecognized key: "status"']);
  });
});
