/**
 * parseCalculationInput: a valid request gets its defaults; an invalid one gets one problem per
 * field, naming the field as a JSON Pointer and in dotted form, in Swedish by default and in
 * English on request.
 */
import { describe, expect, it } from 'vitest';
import { COST_TYPES, INCOME_TYPES, parseCalculationInput } from '../src/index.ts';
import type { FieldProblem, Lang } from '../src/index.ts';

const NBSP = '\u00a0';
const A1 = { id: 'a1', birthDate: '1990-05-01' };
const BASE = { month: '2021-03', household: { adults: [A1] } };

function problems(data: unknown, lang?: Lang): FieldProblem[] {
  const r = lang === undefined ? parseCalculationInput(data) : parseCalculationInput(data, lang);
  if (r.ok) throw new Error('expected the input to be rejected');
  return r.problems;
}

/** The single problem for `data`, in Swedish (the default) and in English. */
function both(data: unknown): { sv: FieldProblem; en: FieldProblem } {
  const sv = problems(data);
  const en = problems(data, 'en');
  expect(sv).toHaveLength(1);
  expect(en).toHaveLength(1);
  expect(problems(data, 'sv')).toEqual(sv);
  return { sv: sv[0]!, en: en[0]! };
}

const AMOUNT_SV = `Ange ett belopp i kronor mellan 0 och 10${NBSP}000${NBSP}000 med högst två decimaler.`;
const AMOUNT_EN = 'Give an amount in kronor between 0 and 10,000,000 with at most two decimals.';

describe('a valid input', () => {
  it('is accepted with its defaults filled in', () => {
    const r = parseCalculationInput(BASE);
    expect(r).toEqual({
      ok: true,
      input: {
        month: '2021-03',
        household: { adults: [{ id: 'a1', birthDate: '1990-05-01', jobStimulus: false }], children: [] },
        costs: [],
        incomes: [],
      },
    });
  });

  it('fills in a child’s defaults and keeps amounts in kronor', () => {
    const r = parseCalculationInput({
      ...BASE,
      household: { adults: [A1], children: [{ id: 'c1', birthDate: '2021-03-31' }] },
      costs: [{ type: 'rent', amount: 6543.21 }],
      incomes: [{ type: 'salary', person: 'c1', amount: 0.01 }],
    });
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    expect(r.input.household.children).toEqual([
      { id: 'c1', birthDate: '2021-03-31', lunchAtHome: true, earlierEarningsThisYear: 0 },
    ]);
    expect(r.input.costs).toEqual([{ type: 'rent', amount: 6543.21 }]);
    expect(r.input.incomes).toEqual([{ type: 'salary', person: 'c1', amount: 0.01 }]);
  });

  it('accepts the edges: 0 and 10 000 000 kr, 29 February in a leap year, an adult turning 18 on the 1st', () => {
    const r = parseCalculationInput({
      month: '2024-03',
      household: {
        adults: [{ id: 'a1', birthDate: '2006-03-01' }],
        children: [{ id: 'c1', birthDate: '2020-02-29', daysAtHome: 31 }],
      },
      costs: [
        { type: 'rent', amount: 0 },
        { type: 'other', amount: 10_000_000 },
      ],
    });
    expect(r.ok).toBe(true);
  });
});

describe('problems name the field, in Swedish by default and in English with "en"', () => {
  it('a missing month', () => {
    const { sv, en } = both({ household: BASE.household });
    expect(sv).toEqual({ pointer: '/month', field: 'month', code: 'required', message: 'Fältet måste fyllas i.' });
    expect(en).toEqual({ pointer: '/month', field: 'month', code: 'required', message: 'This field is required.' });
  });

  it('a bad month', () => {
    for (const month of ['2021-13', '2021-00', '2021-3', 'mars 2021', '2021-03-01']) {
      const { sv, en } = both({ ...BASE, month });
      expect(sv).toEqual({
        pointer: '/month',
        field: 'month',
        code: 'month',
        message: 'Ange en månad som ÅÅÅÅ-MM, till exempel 2026-03.',
      });
      expect(en).toEqual({
        pointer: '/month',
        field: 'month',
        code: 'month',
        message: 'Give a month as YYYY-MM, for example 2026-03.',
      });
    }
  });

  it('a month that is not a string', () => {
    const { sv, en } = both({ ...BASE, month: 202103 });
    expect(sv).toEqual({
      pointer: '/month',
      field: 'month',
      code: 'type',
      message: 'Fel typ av värde: ska vara en text.',
    });
    expect(en).toEqual({
      pointer: '/month',
      field: 'month',
      code: 'type',
      message: 'Wrong kind of value: expected string.',
    });
  });

  it('an unknown cost type, listing the allowed values', () => {
    const { sv, en } = both({
      ...BASE,
      costs: [
        { type: 'rent', amount: 1 },
        { type: 'parking', amount: 100 },
      ],
    });
    expect(sv).toEqual({
      pointer: '/costs/1/type',
      field: 'costs[1].type',
      code: 'enum',
      message:
        'Okänt värde. Tillåtna värden: rent, electricity, homeInsurance, workTravel, unionFee, unemploymentFundFee, medicalCare, medicine, dentalCare, glasses, childcareFee, other.',
    });
    expect(en.message).toBe(`Unknown value. Allowed values: ${COST_TYPES.join(', ')}.`);
    expect(en.pointer).toBe('/costs/1/type');
  });

  it('an unknown income type, listing the allowed values', () => {
    const { en } = both({ ...BASE, incomes: [{ type: 'lottery', amount: 1 }] });
    expect(en).toEqual({
      pointer: '/incomes/0/type',
      field: 'incomes[0].type',
      code: 'enum',
      message: `Unknown value. Allowed values: ${INCOME_TYPES.join(', ')}.`,
    });
  });

  it('a negative amount', () => {
    const { sv, en } = both({ ...BASE, costs: [{ type: 'rent', amount: -1 }] });
    expect(sv).toEqual({ pointer: '/costs/0/amount', field: 'costs[0].amount', code: 'amount', message: AMOUNT_SV });
    expect(en).toEqual({ pointer: '/costs/0/amount', field: 'costs[0].amount', code: 'amount', message: AMOUNT_EN });
  });

  it('an amount with three decimals', () => {
    const { sv, en } = both({ ...BASE, incomes: [{ type: 'salary', amount: 100.123 }] });
    expect(sv).toEqual({
      pointer: '/incomes/0/amount',
      field: 'incomes[0].amount',
      code: 'amount',
      message: AMOUNT_SV,
    });
    expect(en).toEqual({
      pointer: '/incomes/0/amount',
      field: 'incomes[0].amount',
      code: 'amount',
      message: AMOUNT_EN,
    });
  });

  it('an amount above ten million kronor, and a child’s earlier earnings with three decimals', () => {
    expect(both({ ...BASE, costs: [{ type: 'rent', amount: 10_000_000.01 }] }).en.code).toBe('amount');
    const { en } = both({
      ...BASE,
      household: { adults: [A1], children: [{ id: 'c1', birthDate: '2010-01-01', earlierEarningsThisYear: 0.005 }] },
    });
    expect(en).toEqual({
      pointer: '/household/children/0/earlierEarningsThisYear',
      field: 'household.children[0].earlierEarningsThisYear',
      code: 'amount',
      message: AMOUNT_EN,
    });
  });

  it('an amount given as text', () => {
    const { sv, en } = both({ ...BASE, costs: [{ type: 'rent', amount: '100' }] });
    expect(sv.message).toBe('Fel typ av värde: ska vara ett tal.');
    expect(en).toEqual({
      pointer: '/costs/0/amount',
      field: 'costs[0].amount',
      code: 'type',
      message: 'Wrong kind of value: expected number.',
    });
  });

  it('an unknown field, nested or at the top, one problem each', () => {
    const data = { ...BASE, household: { adults: [{ ...A1, name: 'Anna' }] }, comment: 'x' };
    const byPointer = (ps: FieldProblem[]) => [...ps].sort((a, b) => (a.pointer < b.pointer ? -1 : 1));
    expect(byPointer(problems(data))).toEqual([
      { pointer: '/comment', field: 'comment', code: 'unknown-field', message: 'Okänt fält.' },
      {
        pointer: '/household/adults/0/name',
        field: 'household.adults[0].name',
        code: 'unknown-field',
        message: 'Okänt fält.',
      },
    ]);
    expect(byPointer(problems(data, 'en')).map((p) => p.message)).toEqual(['Unknown field.', 'Unknown field.']);
  });

  it('escapes "~" and "/" in the JSON Pointer of an unknown field (RFC 6901)', () => {
    const { en } = both({ ...BASE, 'a/b~c': 1 });
    expect(en).toEqual({ pointer: '/a~1b~0c', field: 'a/b~c', code: 'unknown-field', message: 'Unknown field.' });
  });

  it('an impossible date', () => {
    for (const birthDate of ['1990-02-30', '1991-02-29', '1990-13-01', '1990-5-1']) {
      const { sv, en } = both({ ...BASE, household: { adults: [{ id: 'a1', birthDate }] } });
      expect(sv).toEqual({
        pointer: '/household/adults/0/birthDate',
        field: 'household.adults[0].birthDate',
        code: 'date',
        message: 'Ange ett datum som finns, som ÅÅÅÅ-MM-DD.',
      });
      expect(en.message).toBe('Give a date that exists, as YYYY-MM-DD.');
    }
  });

  it('income for a person not in the household', () => {
    const { sv, en } = both({
      ...BASE,
      incomes: [
        { type: 'salary', person: 'a1', amount: 100 },
        { type: 'salary', person: 'b9', amount: 100 },
      ],
    });
    expect(sv).toEqual({
      pointer: '/incomes/1/person',
      field: 'incomes[1].person',
      code: 'person',
      message: 'Personen b9 finns inte i hushållet.',
    });
    expect(en).toEqual({
      pointer: '/incomes/1/person',
      field: 'incomes[1].person',
      code: 'person',
      message: 'The person b9 is not in the household.',
    });
  });
});

describe('household rules', () => {
  it('an adult under 18 on the first day of the month', () => {
    const { sv, en } = both({ ...BASE, household: { adults: [{ id: 'a1', birthDate: '2003-03-02' }] } });
    expect(sv).toEqual({
      pointer: '/household/adults/0/birthDate',
      field: 'household.adults[0].birthDate',
      code: 'age',
      message: 'En vuxen ska vara minst 18 år den första dagen i månaden. Ange yngre personer som barn.',
    });
    expect(en.message).toBe(
      'An adult must be at least 18 on the first day of the month. Enter younger persons as children.',
    );
  });

  it('an adult born after the first day of the month', () => {
    const { en } = both({ ...BASE, household: { adults: [{ id: 'a1', birthDate: '2021-03-02' }] } });
    expect(en).toMatchObject({ field: 'household.adults[0].birthDate', code: 'date' });
    expect(en.message).toBe('The birth date is after the first day of the month.');
  });

  it('a child born after the month, and a child aged 21', () => {
    const unborn = both({ ...BASE, household: { adults: [A1], children: [{ id: 'c1', birthDate: '2021-04-01' }] } });
    expect(unborn.sv).toEqual({
      pointer: '/household/children/0/birthDate',
      field: 'household.children[0].birthDate',
      code: 'date',
      message: 'Barnet är fött efter månaden.',
    });
    const old = both({ ...BASE, household: { adults: [A1], children: [{ id: 'c1', birthDate: '2000-03-01' }] } });
    expect(old.en).toEqual({
      pointer: '/household/children/0/birthDate',
      field: 'household.children[0].birthDate',
      code: 'age',
      message: 'A child or pupil must be under 21 on the first day of the month.',
    });
    // Aged 20 (21 on the 2nd) is still a pupil.
    expect(
      parseCalculationInput({ ...BASE, household: { adults: [A1], children: [{ id: 'c1', birthDate: '2000-03-02' }] } })
        .ok,
    ).toBe(true);
  });

  it('more days at home than the month has', () => {
    const { sv, en } = both({
      month: '2021-02',
      household: { adults: [A1], children: [{ id: 'c1', birthDate: '2010-03-01', daysAtHome: 29 }] },
    });
    expect(sv).toEqual({
      pointer: '/household/children/0/daysAtHome',
      field: 'household.children[0].daysAtHome',
      code: 'days',
      message: 'Månaden har bara 28 dagar.',
    });
    expect(en.message).toBe('The month has only 28 days.');
  });

  it('the same id for two persons', () => {
    const { sv, en } = both({
      ...BASE,
      household: { adults: [A1], children: [{ id: 'a1', birthDate: '2010-01-01' }] },
    });
    expect(sv).toEqual({
      pointer: '/household/children/0/id',
      field: 'household.children[0].id',
      code: 'duplicate',
      message: 'Id:t a1 används för mer än en person.',
    });
    expect(en.message).toBe('The id a1 is used for more than one person.');
  });

  it('a household size for a couple, and one not larger than the persons applying', () => {
    const couple = both({
      ...BASE,
      household: { adults: [A1, { id: 'a2', birthDate: '1991-01-01' }], householdSize: 4 },
    });
    expect(couple.en).toEqual({
      pointer: '/household/householdSize',
      field: 'household.householdSize',
      code: 'householdSize',
      message:
        'The household size is given only when a single adult shares a household with others without cohabiting.',
    });
    const small = both({
      ...BASE,
      household: { adults: [A1], children: [{ id: 'c1', birthDate: '2010-03-01' }], householdSize: 2 },
    });
    expect(small.sv.message).toBe('Hushållets storlek ska vara större än de 2 personer som söker.');
    expect(small.en.message).toBe('The household size must be larger than the 2 persons applying.');
  });

  it('no adult, or three', () => {
    expect(both({ ...BASE, household: { adults: [] } }).sv).toEqual({
      pointer: '/household/adults',
      field: 'household.adults',
      code: 'too-few',
      message: 'Ange minst 1.',
    });
    const three = both({
      ...BASE,
      household: { adults: [A1, { ...A1, id: 'a2' }, { ...A1, id: 'a3' }] },
    });
    expect(three.en).toEqual({
      pointer: '/household/adults',
      field: 'household.adults',
      code: 'too-many',
      message: 'Give at most 2.',
    });
  });

  it('something that is not an object at all', () => {
    for (const data of ['hello', null, 42, []]) {
      const { en } = both(data);
      expect(en).toEqual({ pointer: '', field: '', code: 'type', message: 'Wrong kind of value: expected object.' });
    }
  });
});

describe('several problems at once', () => {
  it('lists each field once, in the order of the request', () => {
    const data = {
      month: '2021-03',
      household: { adults: [{ id: 'a1', birthDate: '1990-02-30' }] },
      costs: [{ type: 'parking', amount: 1.234 }],
    };
    expect(problems(data, 'en').map((p) => [p.field, p.code])).toEqual([
      ['household.adults[0].birthDate', 'date'],
      ['costs[0].type', 'enum'],
      ['costs[0].amount', 'amount'],
    ]);
    expect(problems(data).map((p) => p.message)).toEqual([
      'Ange ett datum som finns, som ÅÅÅÅ-MM-DD.',
      `Okänt värde. Tillåtna värden: ${COST_TYPES.join(', ')}.`,
      AMOUNT_SV,
    ]);
  });
});
