/**
 * The rule book's yearly values: which years have which, the checks on a year entered by an
 * administrator, and the amended rule book (a new hash, the year's values as `secondary` from the
 * entered source, every other value untouched, calculations for the year possible).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  amendRuleBookSource,
  calculate,
  checkAmendment,
  compileRuleBook,
  parseCalculationInput,
  valueAt,
  yearlyGroups,
  yearlyParameterIds,
} from '../src/index.ts';
import type { YearlyAmendment } from '../src/index.ts';
import { loadRuleBook, readRuleBookSource } from '../src/node.ts';

const rb = loadRuleBook();
const src = readRuleBookSource();
const RIKSNORM = yearlyParameterIds(rb).get('riksnorm')!;

/** 2027 as 2026 raised by 2 %, rounded to whole kronor. */
function values2027(): Record<string, number> {
  return Object.fromEntries(
    RIKSNORM.map((id) => {
      const v = valueAt(rb.parameters.get(id)!.values, '2026-12-31')!;
      return [id, Math.round((v.amount * 1.02) / 100) * 100];
    }),
  );
}

const amendment: YearlyAmendment = {
  id: '7',
  year: 2027,
  group: 'riksnorm',
  values: values2027(),
  source: {
    act: 'Förordning (2026:999) om ändring i socialtjänstförordningen (2001:937)',
    url: 'https://svenskforfattningssamling.se/doc/2026999.html',
  },
};

describe('yearly values', () => {
  it('the riksnorm (21 amounts) and the prisbasbelopp are the yearly groups', () => {
    expect([...yearlyParameterIds(rb).keys()].sort()).toEqual(['prisbasbelopp', 'riksnorm']);
    expect(RIKSNORM).toHaveLength(21);
    expect(RIKSNORM).toContain('riksnorm.personal.adult.single');
  });

  it('2026 has derived riksnorm amounts and a secondary prisbasbelopp; 2027 has none yet', () => {
    const y2026 = yearlyGroups(rb, 2026);
    expect(y2026.find((g) => g.group === 'riksnorm')!.status).toBe('derived');
    expect(y2026.find((g) => g.group === 'prisbasbelopp')!.status).toBe('secondary');
    const single = y2026
      .find((g) => g.group === 'riksnorm')!
      .parameters.find((p) => p.id === 'riksnorm.personal.adult.single')!;
    expect(single.value!.amount).toBe(394000);
    expect(single.previous!.amount).toBe(391000);
    const y2027 = yearlyGroups(rb, 2027);
    expect(y2027.map((g) => g.status)).toEqual(['missing', 'missing']);
    expect(y2027.find((g) => g.group === 'riksnorm')!.parameters.every((p) => p.previous !== null)).toBe(true);
  });

  it('a complete year from a named source passes; a change beyond 10 % is a warning, not a stop', () => {
    expect(checkAmendment(rb, amendment)).toEqual({ problems: [], warnings: [] });
    const jump = { ...amendment, values: { ...amendment.values, 'riksnorm.shared.1': 150000 } };
    const { problems, warnings } = checkAmendment(rb, jump);
    expect(problems).toEqual([]);
    // 1 500 against 1 280 kr: +17,2 %.
    expect(warnings).toEqual([expect.objectContaining({ field: 'values.riksnorm.shared.1', changeBasisPoints: 1719 })]);
    expect(warnings[0]!.message.sv).toContain('17,2 %');
  });

  it('names each field that is wrong', () => {
    const withoutSingle = Object.fromEntries(
      Object.entries(amendment.values).filter(([k]) => k !== 'riksnorm.personal.adult.single'),
    );
    const fields = (a: Omit<YearlyAmendment, 'id'>) => checkAmendment(rb, a).problems.map((p) => p.field);
    expect(fields({ ...amendment, values: withoutSingle })).toEqual(['values.riksnorm.personal.adult.single']);
    expect(fields({ ...amendment, values: { ...amendment.values, 'riksnorm.shared.2': 0 } })).toEqual([
      'values.riksnorm.shared.2',
    ]);
    expect(fields({ ...amendment, values: { ...amendment.values, prisbasbelopp: 6000000 } })).toEqual([
      'values.prisbasbelopp',
    ]);
    expect(fields({ ...amendment, year: 2026 })).toEqual(['year']);
    expect(fields({ ...amendment, group: 'nonsense' })).toEqual(['group']);
    expect(fields({ ...amendment, source: { act: '', url: 'http://example.org' } })).toEqual([
      'source.act',
      'source.url',
    ]);
    expect(checkAmendment(rb, { ...amendment, year: 2026 }).problems[0]!.message.sv).toContain('redan belopp');
  });

  it('the amended rule book has the year as secondary from the entered source, a new hash and version, and calculates the year', () => {
    const amended = compileRuleBook(amendRuleBookSource(src, amendment));
    expect(amended.hash).not.toBe(rb.hash);
    expect(amended.version).toBe(`${rb.version}+riksnorm-2027`);
    const v = valueAt(amended.parameters.get('riksnorm.personal.adult.single')!.values, '2027-06-01')!;
    expect(v).toMatchObject({ amount: amendment.values['riksnorm.personal.adult.single'], status: 'secondary' });
    expect(amended.sources[v.source]).toMatchObject({ kind: 'amendment', act: amendment.source.act });
    expect(yearlyGroups(amended, 2027).find((g) => g.group === 'riksnorm')!.status).toBe('secondary');
    // Nothing else moved: 2026 is as before.
    expect(valueAt(amended.parameters.get('riksnorm.personal.adult.single')!.values, '2026-06-01')!.amount).toBe(
      394000,
    );
    // The same amendment again is refused: the year has values now.
    expect(checkAmendment(amended, amendment).problems.map((p) => p.field)).toEqual(['year']);

    const parsed = parseCalculationInput({
      month: '2027-01',
      household: { adults: [{ id: 'a1', birthDate: '1980-01-01' }], children: [] },
      costs: [{ type: 'rent', amount: 5000 }],
      incomes: [],
    });
    if (!parsed.ok) throw new Error('bad input');
    expect(() => calculate(rb, parsed.input)).toThrow();
    const result = calculate(amended, parsed.input);
    // 2027: single adult + shared costs for one person + rent 5 000.
    const expected =
      amendment.values['riksnorm.personal.adult.single']! + amendment.values['riksnorm.shared.1']! + 500000;
    expect(result.receipt.totals.amount).toBe(expected);
    expect(result.status).toBe('secondary');
    expect(result.receipt.rulebook.hash).toBe(amended.hash);
  });

  it('any complete set of positive amounts compiles, and each amount is what the year then reads', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 21, maxLength: 21 }), (amounts) => {
        const a = { ...amendment, values: Object.fromEntries(RIKSNORM.map((id, i) => [id, amounts[i]!])) };
        expect(checkAmendment(rb, a).problems).toEqual([]);
        const amended = compileRuleBook(amendRuleBookSource(src, a));
        for (const [i, id] of RIKSNORM.entries())
          expect(valueAt(amended.parameters.get(id)!.values, '2027-12-31')!.amount).toBe(amounts[i]);
      }),
      { numRuns: 25 },
    );
  });
});
