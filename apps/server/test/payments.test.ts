/**
 * Payments over real HTTP with real tokens and a real database: one payment per granting decision
 * on the payday rule, however often or concurrently scheduling runs; pain.001 batches that
 * validate against the ISO 20022 schema, exported exactly once under concurrent exports and
 * retries, re-exported byte for byte; urgent payments; settled and returned payments (a returned
 * one flags the case); rounding; the co-applicant's account; a partner municipality's batch made
 * by its host; tenant isolation, roles and bad input on every route.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import { hasTraits, lacksTraits, FLAGGED_TRAITS } from '@tillit/authority-sim';
import type { SimHousehold } from '@tillit/authority-sim';
import { bankingDayOnOrAfter, payDateFor, urgentPayDate } from '@tillit/domain';
import { schedulePayments, exportBatch, swedishDate } from '../src/payments/service.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

const XSD = readFileSync(new URL('../../../../shared/standards/pain.001.001.03.xsd', import.meta.url), 'utf8');

/** Validates a file against the pain.001.001.03 schema; returns the errors (none when valid). */
async function schemaErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'batch.xml', contents: xml }], schema: [XSD] });
  return r.valid ? [] : r.errors.map((e) => e.message);
}

const all = (xml: string, tag: string) =>
  [...xml.matchAll(new RegExp(`<${tag}(?: [^>]*)?>([^<]*)</${tag}>`, 'g'))].map((m) => m[1]!);

const isCleanCouple = (x: SimHousehold) =>
  hasTraits(x, 'cohabiting', 'no-income', 'af-registered') && lacksTraits(x, ...FLAGGED_TRAITS);

let h: Harness;
beforeAll(async () => {
  h = await startHarness((find) => ({
    clean: find(isCleanRenewal, 6),
    partner: find(isCleanRenewal, 1, '9902'),
    couple: find(isCleanCouple, 1),
  }));
  await h.confirm2026();
});
afterAll(async () => {
  await h?.close();
});

const db = () => h.server.store.db;
const ekby = (rest: string) => `/api/v1/municipalities/ekby${rest}`;
const today = () => swedishDate(new Date());
const fields = (body: Record<string, unknown>) => (body.errors as { field: string }[]).map((e) => e.field);

/** A clean renewal in Ekby, decided automatically; returns the case id. */
async function decided(index: number, rent?: number): Promise<string> {
  const id = await h.apply('clean', index, 'renewal', `pay-clean-${index}`, rent !== undefined ? { rent } : {});
  expect(await h.drain()).toEqual(['decided']);
  return id;
}

/** As if the case had been decided at that instant (the payday rule reads the decision's day). */
async function decidedAt(id: string, at: string): Promise<void> {
  await db().updateTable('decision').set({ created_at: at }).where('application_id', '=', id).execute();
}

async function paymentsOf(ids: string[]) {
  return db()
    .selectFrom('payment')
    .select(['application_id', 'id', 'kind', 'status', 'decided_ore', 'amount_ore', 'batch_id', 'end_to_end_id'])
    .select((eb) => eb.cast<string>('pay_on', 'text').as('pay_on'))
    .where('application_id', 'in', ids)
    .orderBy('pay_on')
    .execute();
}

const exportAs = (user: string, key: string, body: unknown = { through: '2027-01-31' }, m = 'ekby') =>
  h.call(user, 'POST', `/api/v1/municipalities/${m}/payment-batches`, body, { 'idempotency-key': key });

async function file(user: string, path: string): Promise<{ status: number; text: string; etag: string | null }> {
  const res = await fetch(`${h.server.url}${path}`, {
    headers: { authorization: `Bearer ${await h.server.tokenFor(user)}` },
  });
  return { status: res.status, text: await res.text(), etag: res.headers.get('etag') };
}

const cases: Record<string, string> = {};

describe('scheduling', () => {
  it('schedules one payment per granting decision on the payday rule, however often and concurrently it runs', async () => {
    cases.cycle = await decided(0); // 5 220 + rent 6 200 = 11 420 kr
    cases.late = await decided(1, 6200.5); // 11 420.50 kr
    cases.christmas = await decided(2, 6000); // 11 220 kr
    await decidedAt(cases.cycle, '2026-11-10T09:00:00Z');
    await decidedAt(cases.late, '2026-11-25T10:00:00Z'); // on the payday: the next banking day
    await decidedAt(cases.christmas, '2026-12-22T08:00:00Z'); // payday 25th is Christmas Day → the 23rd

    const now = new Date('2026-12-22T12:00:00Z');
    const ms = h.server.municipalities;
    const runs = await Promise.all([1, 2, 3].map(() => schedulePayments(db(), ms, now)));
    expect(runs.reduce((a, b) => a + b, 0)).toBe(3);
    expect(await schedulePayments(db(), ms, now)).toBe(0);

    const rows = await paymentsOf(Object.values(cases));
    expect(rows.map((p) => [p.application_id, p.pay_on, p.kind, Number(p.decided_ore), Number(p.amount_ore)])).toEqual([
      [cases.cycle, '2026-11-25', 'cycle', 1_142_000, 1_142_000],
      [cases.late, '2026-11-26', 'late', 1_142_050, 1_142_050], // Ekby: no rounding
      [cases.christmas, '2026-12-23', 'cycle', 1_122_000, 1_122_000],
    ]);
    expect(rows.every((p) => p.status === 'scheduled' && p.batch_id === null)).toBe(true);
    expect(payDateFor('2026-12-22', 25)).toEqual({ payOn: '2026-12-23', kind: 'cycle' });

    const audit = await db()
      .selectFrom('audit_log')
      .select(['actor', 'object_id', 'details'])
      .where('purpose', '=', 'payment-scheduled')
      .execute();
    expect(audit.map((a) => a.object_id).sort()).toEqual(rows.map((p) => p.id).sort());
    // No identity numbers in the audit log.
    for (const household of h.pick.clean!.slice(0, 3))
      expect(JSON.stringify(audit)).not.toContain(household.members[0]!.personnummer.replace(/\D/g, '').slice(2));
  });

  it('a later run schedules nothing again', async () => {
    expect(await schedulePayments(db(), h.server.municipalities, new Date('2027-06-01T00:00:00Z'))).toBe(0);
    const count = await db()
      .selectFrom('payment')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirst();
    expect(Number(count!.n)).toBe(3);
  });
});

describe('export', () => {
  it('puts each payment in exactly one batch under concurrent exports and retries; files validate and re-export byte for byte', async () => {
    const cw = 'ekby-caseworker';
    const keys = ['export-a', 'export-b', 'export-c', 'export-a', 'export-d', 'export-a'];
    const results = await Promise.all(keys.map((k, i) => exportAs(i === 1 ? 'ekby-admin' : cw, k)));
    // Concurrent exports take disjoint sets (one may take all); the same key answers the same batch.
    const made = results.filter((r) => r.status === 201);
    expect(made.length).toBeGreaterThanOrEqual(1);
    expect(made.reduce((n, r) => n + (r.body.payments as number), 0)).toBe(3);
    expect(made.reduce((n, r) => n + (r.body.totalOre as number), 0)).toBe(3_406_050);
    const winners = new Map(made.map((r) => [keys[results.indexOf(r)]!, r.body]));
    results.forEach((r, i) => {
      if (r.status === 200) expect(r.body.id).toBe(winners.get(keys[i]!)!.id);
      else if (r.status !== 201)
        expect(r.body).toMatchObject({ status: 409, type: '/problems/conflict', conflict: 'nothing-due' });
    });
    // Only batches that carry payments exist; every payment is in exactly one, exported.
    const batches = await db().selectFrom('payment_batch').select(['id', 'payment_count']).orderBy('id').execute();
    expect(batches.map((b) => b.id)).toEqual(made.map((r) => r.body.id as string).sort());
    const rows = await paymentsOf(Object.values(cases));
    expect(rows.every((p) => p.status === 'exported' && batches.some((b) => b.id === p.batch_id))).toBe(true);

    const texts: string[] = [];
    for (const [key, batch] of winners) {
      // A retry with the key answers the same batch; the file is the same bytes every time.
      const first = await file(cw, batch.file as string);
      const retried = await exportAs(cw, key, {});
      expect(retried).toMatchObject({ status: 200, body: { id: batch.id, sha256: batch.sha256 } });
      const again = await file(cw, retried.body.file as string);
      expect(first.status).toBe(200);
      expect(again.text).toBe(first.text);
      expect(createHash('sha256').update(first.text, 'utf8').digest('hex')).toBe(batch.sha256);
      expect(first.etag).toBe(`"${batch.sha256 as string}"`);
      expect(await schemaErrors(first.text)).toEqual([]);
      expect(all(first.text, 'MsgId')).toEqual([batch.messageId]);
      expect(all(first.text, 'NbOfTxs')[0]).toBe(String(batch.payments));
      texts.push(first.text);
    }

    // What the files ask the bank for, together.
    const text = texts.join('\n');
    const from = bankingDayOnOrAfter(today());
    const later = (d: string) => (d > from ? d : from);
    expect(all(text, 'InstdAmt').sort()).toEqual(['11220.00', '11420.00', '11420.50']);
    expect(all(text, 'EndToEndId').sort()).toEqual(rows.map((p) => p.end_to_end_id).sort());
    expect([...new Set(all(text, 'ReqdExctnDt'))].sort()).toEqual(
      [...new Set(['2026-11-25', '2026-11-26', '2026-12-23'].map(later))].sort(),
    );
    if (texts.length === 1) expect(all(text, 'CtrlSum')[0]).toBe('34060.50');
    expect(all(text, 'IBAN')[0]).toBe('SE4550000000058398257466');
    expect(all(text, 'MmbId')[0]).toBe('8327');
    expect(all(text, 'Id')).toContain('83279412345678');
    expect(all(text, 'Ustrd')[0]).toBe('Ekonomiskt bistånd 2026-11');
    // No identity numbers in the bank file.
    for (const household of h.pick.clean!.slice(0, 3))
      expect(text).not.toContain(household.members[0]!.personnummer.replace(/\D/g, '').slice(2));

    // Nothing left to export.
    expect((await exportAs(cw, 'export-e')).body).toMatchObject({ conflict: 'nothing-due' });
    const listed = await h.call(cw, 'GET', ekby('/payment-batches'));
    expect((listed.body.batches as { id: string }[]).map((b) => b.id).sort()).toEqual(batches.map((b) => b.id));
  });

  it('exports only what is due by the date asked, and says when the municipality has no account to pay from', async () => {
    const id = await decided(3);
    await decidedAt(id, '2099-03-01T10:00:00Z'); // paid on 2099-03-25, long after any export below
    cases.future = id;
    expect(await schedulePayments(db(), h.server.municipalities, new Date('2099-03-01T12:00:00Z'))).toBe(1);
    const early = await exportAs('ekby-caseworker', 'export-f', { through: '2099-03-24' });
    expect(early.body).toMatchObject({ conflict: 'nothing-due' });
    const m = h.server.municipalities.get('ekby')!;
    const noDebtor = { ...m, settings: { ...m.settings, debtor: undefined } };
    expect(
      await exportBatch(db(), noDebtor, { actor: 'ekby-admin', role: 'admin', key: 'export-g', through: '2099-12-31' }),
    ).toEqual({ ok: false, reason: 'no-debtor-account' });
    const [p] = await paymentsOf([id]);
    expect(p).toMatchObject({ status: 'scheduled', pay_on: '2099-03-25', kind: 'cycle' });
    // Not sent to the bank: it can be neither settled nor returned.
    const settle = await h.call('ekby-caseworker', 'POST', ekby(`/payments/${p!.id}/settle`));
    expect(settle.body).toMatchObject({ status: 409, conflict: 'wrong-status' });
  });
});

describe('urgent payments', () => {
  it('pays outside the cycle today or on the next banking day; asking again changes nothing; not after export', async () => {
    const cw = 'ekby-caseworker';
    const id = cases.future!;
    const path = ekby(`/cases/${id}/payment/urgent`);
    const short = await h.call(cw, 'POST', path, { reason: 'akut' }, { 'accept-language': 'en' });
    expect(short.status).toBe(400);
    expect(fields(short.body)).toEqual(['reason']);

    const urgent = await h.call(cw, 'POST', path, { reason: 'Hyran förfaller, vräkning hotar.' });
    expect(urgent.status).toBe(200);
    expect(urgent.body).toMatchObject({
      kind: 'urgent',
      status: 'scheduled',
      payOn: urgentPayDate(today()),
      urgentReason: 'Hyran förfaller, vräkning hotar.',
      amountOre: 1_142_000,
    });
    const again = await h.call(cw, 'POST', path, { reason: 'En gång till, samma utbetalning.' });
    expect(again.body).toMatchObject({ id: urgent.body.id, urgentReason: 'Hyran förfaller, vräkning hotar.' });

    const batch = await exportAs(cw, 'export-urgent', {});
    expect(batch).toMatchObject({ status: 201, body: { payments: 1, totalOre: 1_142_000 } });
    const f = await file(cw, batch.body.file as string);
    expect(await schemaErrors(f.text)).toEqual([]);
    expect(all(f.text, 'Cd')).toContain('URGP');
    expect(all(f.text, 'ReqdExctnDt')).toEqual([urgentPayDate(today())]);

    const late = await h.call(cw, 'POST', path, { reason: 'Nu är den redan skickad.' }, { 'accept-language': 'en' });
    expect(late).toMatchObject({ status: 409, body: { conflict: 'already-exported' } });
    expect(late.body.detail).toContain('exported');
    // Only a caseworker of the municipality; a case that pays nothing has nothing to make urgent.
    expect((await h.call('ekby-admin', 'POST', path, { reason: 'Administratören försöker.' })).status).toBe(403);
    expect((await h.call('lovsala-caseworker', 'POST', path, { reason: 'Fel kommun försöker.' })).status).toBe(404);
    const unknown = ekby(`/cases/00000000-0000-4000-8000-000000000000/payment/urgent`);
    expect((await h.call(cw, 'POST', unknown, { reason: 'Finns inte alls.' })).status).toBe(404);
  });
});

describe('what the bank did', () => {
  it('settles and returns payments; a returned payment opens a flag on the case for a caseworker', async () => {
    const cw = 'ekby-caseworker';
    const [cycle, late] = await paymentsOf([cases.cycle!, cases.late!]);
    const settle = (pid: string, user = cw) => h.call(user, 'POST', ekby(`/payments/${pid}/settle`));
    const ret = (pid: string, body: unknown, user = cw) => h.call(user, 'POST', ekby(`/payments/${pid}/return`), body);

    expect(await settle(cycle!.id)).toMatchObject({ status: 200, body: { status: 'settled' } });
    expect(await settle(cycle!.id)).toMatchObject({ status: 200, body: { status: 'settled' } });
    expect(fields((await ret(late!.id, {})).body)).toEqual(['reason']);
    const returned = await ret(late!.id, { reason: 'Kontot är avslutat.' });
    expect(returned).toMatchObject({ status: 200, body: { status: 'returned', returnReason: 'Kontot är avslutat.' } });
    // A returned payment cannot be settled; a scheduled one cannot be returned.
    expect((await settle(late!.id)).body).toMatchObject({ status: 409, conflict: 'wrong-status' });
    expect(await ret(late!.id, { reason: 'Ett annat skäl, samma retur.' })).toMatchObject({
      status: 200,
      body: { returnReason: 'Kontot är avslutat.' },
    });

    const view = await h.call(cw, 'GET', ekby(`/cases/${cases.late!}`));
    const flag = (view.body.flags as { check: string; status: string; text: { sv: string; en: string } }[]).find(
      (f) => f.check === 'payment-returned',
    );
    expect(flag).toMatchObject({ status: 'open' });
    expect(flag!.text.en).toContain('SEK 11420.50');
    expect(flag!.text.sv).toContain('Kontot är avslutat.');

    const payment = await h.call(cw, 'GET', ekby(`/cases/${cases.late!}/payment`));
    expect(payment.body).toMatchObject({ status: 'returned', account: '8327, …5678', amount: 11_420.5 });
    const listed = await h.call('ekby-auditor', 'GET', ekby('/payments?status=returned'));
    expect((listed.body.payments as { id: string }[]).map((p) => p.id)).toEqual([late!.id]);

    const purposes = await db()
      .selectFrom('audit_log')
      .select('purpose')
      .where('object_id', 'in', [cycle!.id, late!.id])
      .execute();
    expect(purposes.map((p) => p.purpose)).toEqual(
      expect.arrayContaining(['payment-scheduled', 'payment-settled', 'payment-returned']),
    );
    // Other municipalities and roles.
    expect((await settle(cycle!.id, 'lovsala-caseworker')).status).toBe(404);
    expect((await settle(cycle!.id, 'ekby-coach')).status).toBe(403);
    expect((await settle(cycle!.id, 'ekby-auditor')).status).toBe(403);
  });
});

describe('rounding, partner municipality and co-applicant', () => {
  it("rounds down to whole kronor in Lövsala; its host's staff export Lövsala's batch from Lövsala's account", async () => {
    const id = await h.apply('partner', 0, 'renewal', 'pay-partner', { municipality: 'lovsala', rent: 5800.75 });
    expect(await h.drain()).toEqual(['needs-person']);
    const path = `/api/v1/municipalities/lovsala/cases/${id}`;
    expect(
      await h.call('lovsala-caseworker', 'POST', `${path}/decision`, { outcome: 'bifall', calculationVersion: 1 }),
    ).toMatchObject({ status: 200, body: { amount: 11_020.75 } });
    const batch = await exportAs('ekby-caseworker', 'export-lovsala', { through: '2099-12-31' }, 'lovsala');
    expect(batch).toMatchObject({ status: 201, body: { payments: 1, totalOre: 1_102_000 } });
    const [p] = await paymentsOf([id]);
    expect([Number(p!.decided_ore), Number(p!.amount_ore)]).toEqual([1_102_075, 1_102_000]);
    expect(p!.pay_on).toBe(
      [payDateFor(today(), 27).payOn, bankingDayOnOrAfter(today())].sort().at(-1), // Lövsala's payday: the 27th
    );
    const f = await file('lovsala-caseworker', batch.body.file as string);
    expect(await schemaErrors(f.text)).toEqual([]);
    expect(all(f.text, 'InstdAmt')).toEqual(['11020.00']);
    expect(all(f.text, 'IBAN')).toEqual(['SE9880000832790000012345']);
    expect(all(f.text, 'Nm')[0]).toBe('Lövsala kommun');
    // Ekby's own files stay Ekby's: Lövsala staff cannot see them.
    const ekbyBatch = (await h.call('ekby-caseworker', 'GET', ekby('/payment-batches'))).body.batches as {
      file: string;
    }[];
    expect((await file('lovsala-caseworker', ekbyBatch[0]!.file)).status).toBe(404);
    expect((await h.call('lovsala-caseworker', 'GET', ekby('/payments'))).status).toBe(404);
  });

  it("pays to the co-applicant's account in the co-applicant's name when the household asks", async () => {
    const household = h.pick.couple![0]!;
    const [a0, a1] = household.members.filter((m) => m.role === 'adult');
    const u = h.user('couple', 0);
    const base = ekby('/applications');
    const created = await h.call(u, 'POST', base, { kind: 'renewal', month: '2026-11' });
    const draft = {
      household: {
        adults: [
          { personnummer: a0!.personnummer, name: `${a0!.givenName} ${a0!.familyName}` },
          { personnummer: a1!.personnummer, name: `${a1!.givenName} ${a1!.familyName}` },
        ],
        children: [],
      },
      residence: { type: 'rental' },
      costs: [{ type: 'rent', amount: 7000 }],
      labourMarket: [
        { person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true },
        { person: 'a1', situation: 'jobseeker', registeredAtArbetsformedlingen: true },
      ],
      paymentAccount: { clearing: '6000', account: '123456789', holder: 'a1' },
      attestation: { truthful: true, informedAboutChecks: true },
    };
    const id = created.body.id as string;
    await h.call(u, 'PUT', `${base}/${id}/draft`, draft);
    expect(
      (await h.call(u, 'POST', `${base}/${id}/submit`, undefined, { 'idempotency-key': 'pay-couple' })).status,
    ).toBe(202);
    const [outcome] = await h.drain();
    if (outcome === 'needs-person') {
      const cw = 'ekby-caseworker';
      const view = await h.call(cw, 'GET', ekby(`/cases/${id}`));
      for (const f of (view.body.flags as { id: string; status: string }[]).filter((x) => x.status === 'open'))
        await h.call(cw, 'POST', ekby(`/cases/${id}/flags/${f.id}/acknowledge`), { note: 'Kontrollerat.' });
      const version = (view.body.calculations as { version: number }[]).at(-1)!.version;
      expect(
        (await h.call(cw, 'POST', ekby(`/cases/${id}/decision`), { outcome: 'bifall', calculationVersion: version }))
          .status,
      ).toBe(200);
    } else expect(outcome).toBe('decided');

    const batch = await exportAs('ekby-admin', 'export-couple', { through: '2099-01-31' });
    expect(batch.status).toBe(201);
    const payment = await h.call('ekby-caseworker', 'GET', ekby(`/cases/${id}/payment`));
    expect(payment.body).toMatchObject({ holder: 'a1', account: '6000, …6789', status: 'exported' });
    const f = await file('ekby-admin', batch.body.file as string);
    expect(await schemaErrors(f.text)).toEqual([]);
    expect(all(f.text, 'Nm')).toContain(`${a1!.givenName} ${a1!.familyName}`);
    expect(all(f.text, 'Nm')).not.toContain(`${a0!.givenName} ${a0!.familyName}`);
    expect(all(f.text, 'Id')).toContain('6000123456789');
  });
});

describe('bad input and access', () => {
  it('names the field in Swedish or English, and answers 404 for another municipality or an unknown batch', async () => {
    const cw = 'ekby-caseworker';
    const badDate = await h.call(
      cw,
      'POST',
      ekby('/payment-batches'),
      { through: '2026-02-30' },
      {
        'idempotency-key': 'export-bad',
        'accept-language': 'en',
      },
    );
    expect(badDate.status).toBe(400);
    expect(fields(badDate.body)).toEqual(['through']);
    const extra = await exportAs(cw, 'export-bad-2', { through: '2026-12-01', all: true });
    expect(fields(extra.body)).toEqual(['all']);
    expect(extra.body.title).toBe('Uppgifterna är inte giltiga');
    expect((await h.call(cw, 'POST', ekby('/payment-batches'), {})).status).toBe(400); // no Idempotency-Key
    expect(fields((await h.call(cw, 'GET', ekby('/payments?status=paid'))).body)).toEqual(['status']);
    expect((await exportAs('ekby-auditor', 'export-auditor')).status).toBe(403);
    expect((await exportAs('ekby-coach', 'export-coach')).status).toBe(403);
    expect((await exportAs('lovsala-caseworker', 'export-other')).status).toBe(404);
    expect((await file(cw, ekby('/payment-batches/00000000-0000-4000-8000-000000000000/file'))).status).toBe(404);
    expect((await h.call(cw, 'POST', ekby('/payments/00000000-0000-4000-8000-000000000000/settle'))).status).toBe(404);
    expect((await h.call(cw, 'GET', ekby('/payments'))).status).toBe(200);
  });

  it('every file generated in this run validates against the pain.001.001.03 schema', async () => {
    const batches = await db().selectFrom('payment_batch').select(['xml', 'payment_count']).execute();
    expect(batches.length).toBeGreaterThanOrEqual(4);
    for (const b of batches) {
      expect(await schemaErrors(b.xml)).toEqual([]);
      expect(all(b.xml, 'EndToEndId')).toHaveLength(b.payment_count);
    }
    // And no payment is in two files.
    const ids = batches.flatMap((b) => all(b.xml, 'EndToEndId'));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
