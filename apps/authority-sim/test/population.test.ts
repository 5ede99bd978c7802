import * as personnummerModule from 'personnummer';
import { describe, expect, it } from 'vitest';
import { resolveMonths } from '../src/answers.ts';
import { dateMonthIndex, monthIndex } from '../src/months.ts';
import { isValidPersonnummer, luhnCheckDigit, makePersonnummer } from '../src/personnummer.ts';
import { TRAITS, generatePopulation, grossFor, paymentsFor } from '../src/population.ts';

// The package's types declare an ES default export but it ships CommonJS (module.exports = class):
// Node gives the class as the namespace's default; the types put it one `.default` deeper.
type PersonnummerClass = typeof personnummerModule.default.default;
const Personnummer = personnummerModule.default as unknown as PersonnummerClass;

const REF = '2026-03';
const full = generatePopulation({ referenceMonth: REF });

describe('personnummer', () => {
  it('computes the Luhn check digit', () => {
    // The textbook example: 640823-323 → check digit 4.
    expect(luhnCheckDigit('640823323')).toBe(4);
    expect(makePersonnummer('1964-08-23', 323)).toBe('196408233234');
    expect(isValidPersonnummer('196408233234')).toBe(true);
    expect(isValidPersonnummer('196408233235')).toBe(false);
    expect(isValidPersonnummer('196402303234')).toBe(false);
  });

  it('gives every person of the default population a unique, valid number that follows the rule', () => {
    expect(full.households).toHaveLength(6000);
    const seen = new Set<string>();
    for (const h of full.households) {
      for (const p of h.members) {
        expect(Personnummer.valid(p.personnummer), p.birthDate).toBe(true);
        expect(p.personnummer).toMatch(/^\d{12}$/);
        expect(seen.has(p.personnummer)).toBe(false);
        seen.add(p.personnummer);
        // YYYYMMDD is the birth date, the birth number is 980–999 and its parity gives the sex.
        expect(p.personnummer.slice(0, 8)).toBe(p.birthDate.replaceAll('-', ''));
        const serial = Number(p.personnummer.slice(8, 11));
        expect(serial).toBeGreaterThanOrEqual(980);
        expect(serial).toBeLessThanOrEqual(999);
        expect(serial % 2 === 1 ? 'male' : 'female').toBe(p.sex);
        expect(Personnummer.parse(p.personnummer).isMale()).toBe(p.sex === 'male');
      }
    }
    expect(seen.size).toBe(full.personCount);
  });
});

describe('population', () => {
  it('is deterministic: the same seed gives the same population', () => {
    const a = generatePopulation({ seed: 7, householdsPerMunicipality: 200, referenceMonth: REF });
    const b = generatePopulation({ seed: 7, householdsPerMunicipality: 200, referenceMonth: REF });
    const c = generatePopulation({ seed: 8, householdsPerMunicipality: 200, referenceMonth: REF });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(JSON.stringify(a)).not.toBe(JSON.stringify(c));
    // A string seed works too, and the default municipalities are Ekby and Lövsala.
    const s = generatePopulation({ seed: 'demo', householdsPerMunicipality: 10, referenceMonth: REF });
    expect(s.municipalities).toEqual(['9901', '9902']);
    expect(JSON.stringify(s)).toBe(
      JSON.stringify(generatePopulation({ seed: 'demo', householdsPerMunicipality: 10, referenceMonth: REF })),
    );
  });

  it('builds consistent households', () => {
    const ref = monthIndex(REF);
    for (const h of full.households) {
      expect(['9901', '9902']).toContain(h.municipalityCode);
      expect(h.householdId.startsWith(`${h.municipalityCode}-`)).toBe(true);
      expect(h.address.postalCode).toMatch(/^99\d \d{2}$/);
      const adults = h.members.filter((p) => p.role === 'adult');
      const children = h.members.filter((p) => p.role === 'child');
      expect(adults.length).toBeGreaterThanOrEqual(1);
      expect(adults.length).toBeLessThanOrEqual(2);
      expect(children.length).toBeLessThanOrEqual(6);
      expect(h.cohabiting).toBe(adults.length === 2);
      expect(h.members.slice(0, adults.length)).toEqual(adults);
      for (const p of h.members) {
        expect(p.protectedIdentity).toBe(h.protectedIdentity);
        expect(dateMonthIndex(p.birthDate)).toBeLessThan(ref);
      }
      for (const a of adults) expect(ref - dateMonthIndex(a.birthDate)).toBeGreaterThanOrEqual(18 * 12);
      for (const c of children) {
        expect(ref - dateMonthIndex(c.birthDate)).toBeLessThan(18 * 12 + 1);
        for (const a of adults) expect(c.birthDate > a.birthDate).toBe(true);
      }
      expect(h.traits.includes('single')).toBe(adults.length === 1 && children.length === 0);
    }
  });

  it('has about 1 % protected identities and every trait somewhere', () => {
    const persons = full.households.flatMap((h) => h.members);
    const share = persons.filter((p) => p.protectedIdentity).length / persons.length;
    expect(share).toBeGreaterThan(0.003);
    expect(share).toBeLessThan(0.025);
    for (const t of TRAITS)
      expect(
        full.households.some((h) => h.traits.includes(t)),
        t,
      ).toBe(true);
  });

  it('derives a month from the seed, the person and the month only', () => {
    const m1 = monthIndex(REF) - 1;
    const a = generatePopulation({ referenceMonth: REF, householdsPerMunicipality: 100 });
    const b = generatePopulation({ referenceMonth: REF, householdsPerMunicipality: 100 });
    let paid = 0;
    for (const h of a.households) {
      for (const p of h.members) {
        const twin = b.find(p.personnummer)!.person;
        for (const m of [m1 - 120, m1 - 1, m1, m1 + 1]) {
          for (const source of ['income-register', 'forsakringskassan', 'csn'] as const) {
            const pays = paymentsFor(p, source, m, '2099-01-01');
            expect(pays).toEqual(paymentsFor(twin, source, m, '2099-01-01'));
            paid += pays.length;
          }
        }
      }
    }
    expect(paid).toBeGreaterThan(100);
  });

  it('pays integer öre, net = gross − tax, and barnbidrag of 1 250 kr per child under 16', () => {
    const m1 = monthIndex(REF) - 1;
    let checkedChildAllowance = 0;
    for (const h of full.households.slice(0, 1500)) {
      let childAllowance = 0;
      for (const p of h.members) {
        for (const source of ['income-register', 'forsakringskassan', 'csn', 'arbetsformedlingen'] as const) {
          for (const pay of paymentsFor(p, source, m1, '2099-01-01')) {
            expect(Number.isInteger(pay.grossOre) && pay.grossOre > 0).toBe(true);
            expect(pay.netOre).toBe(pay.grossOre - pay.taxOre);
            expect(pay.paidOn.slice(0, 7)).toBe('2026-02');
            if (pay.benefit === 'barnbidrag') childAllowance += pay.grossOre;
          }
        }
      }
      const under16 = h.members.filter(
        (c) => c.role === 'child' && m1 > dateMonthIndex(c.birthDate) && m1 <= dateMonthIndex(c.birthDate) + 16 * 12,
      );
      expect(childAllowance).toBe(under16.length * 125_000);
      if (under16.length > 0) checkedChildAllowance++;
    }
    expect(checkedChildAllowance).toBeGreaterThan(100);
  });

  it('has salaries that change by more than 12 % between months, and new and dropped incomes', () => {
    const ref = monthIndex(REF);
    let changed = 0;
    for (const h of full.households.filter((x) => x.traits.includes('salary-change'))) {
      for (const p of h.members) {
        p.incomes.forEach((s, i) => {
          if (s.type !== 'salary') return;
          const a = grossFor(s, p.key, i, ref - 1);
          const b = grossFor(s, p.key, i, ref - 2);
          if (a > 0 && b > 0 && Math.abs(a - b) > 0.12 * b) changed++;
        });
      }
    }
    expect(changed).toBeGreaterThan(50);
    expect(full.households.filter((h) => h.traits.includes('income-new')).length).toBeGreaterThan(20);
    expect(full.households.filter((h) => h.traits.includes('income-dropped')).length).toBeGreaterThan(20);
  });

  it('keeps a 24-month window up to the current month', () => {
    const r = resolveMonths(['2026-03', '2026-02', '2024-04', '2024-03', '2026-04'], '2026-03-15');
    expect(r.available).toEqual([monthIndex('2026-03'), monthIndex('2026-02'), monthIndex('2024-04')]);
    expect(r.unavailable).toEqual(['2024-03', '2026-04']);
    expect(resolveMonths(undefined, '2026-03-15').available).toHaveLength(24);
  });
});
