import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRuleBook } from '@tillit/rules/node';
import { migrate } from '../src/db/database.ts';
import type { Db } from '../src/db/database.ts';
import { readMunicipalities, readMunicipalityFile, seedMunicipalities } from '../src/municipalities.ts';
import { testDatabase } from './db.ts';

const rulebook = loadRuleBook();
let store: Db;
beforeAll(async () => {
  store = await testDatabase();
});
afterAll(async () => {
  await store.close();
});

describe('municipalities in the database', () => {
  it('migrations are versioned and a second run applies nothing', async () => {
    expect(await migrate(store.db)).toEqual([]);
  });

  it('seeds the demo municipalities once and reads them back with settings and guidelines', async () => {
    const records = readMunicipalityFile();
    expect(await seedMunicipalities(store.db, records)).toBe(2);
    expect(await seedMunicipalities(store.db, records)).toBe(0);
    const all = await readMunicipalities(store.db, rulebook);
    expect([...all.keys()]).toEqual(['ekby', 'lovsala']);
    const partner = all.get('lovsala')!;
    expect(partner.host).toBe('ekby');
    expect(partner.settings).toEqual({
      decisionPolicy: 'proposal',
      payday: 27,
      paymentRounding: 'down-to-krona',
      debtor: {
        name: 'Lövsala kommun',
        organisationNumber: '212000-9902',
        iban: 'SE9880000832790000012345',
        bic: 'SWEDSESS',
      },
      sampleRateBasisPoints: 1000,
      sampleStrata: [],
      incomeChangeThresholdBasisPoints: 1200,
      fourEyesThresholdKronor: 2000,
      decisionTimeLimitHours: 24,
      contact: {
        phone: '0999-40 50 60',
        email: 'socialtjansten@lovsala.example',
        postalAddress: 'Lövsala kommun, Individ- och familjeomsorgen, 999 02 Lövsala',
      },
      languages: ['sv', 'en', 'ar'],
    });
    // The partner's own guidelines apply, not the host's.
    expect(partner.guidelines.values.get('guideline.rent.max.1')![0]!.amount).toBe(600000);
    expect(
      all
        .get('ekby')!
        .guidelines.values.get('guideline.rent.max.1')!
        .map((v) => v.amount),
    ).toEqual([650000, 720000]);
  });

  it('the database refuses what the schema forbids', async () => {
    const bad = (values: { id: string; code: string; host_id?: string }) =>
      store.db
        .insertInto('municipality')
        .values({ name: 'X', settings: '{}', guidelines: '[]', host_id: null, ...values })
        .execute();
    await expect(bad({ id: 'Bad Id', code: '9990' })).rejects.toThrow();
    await expect(bad({ id: 'ok', code: '99' })).rejects.toThrow();
    await expect(bad({ id: 'self', code: '9991', host_id: 'self' })).rejects.toThrow();
    await expect(bad({ id: 'orphan', code: '9992', host_id: 'nowhere' })).rejects.toThrow();
    await expect(bad({ id: 'dup', code: '9901' })).rejects.toThrow(); // code taken by ekby
  });
});
