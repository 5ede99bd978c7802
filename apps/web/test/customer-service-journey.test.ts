/**
 * Customer service in a real browser: Ekby's customer service signs in, finds an applicant whose
 * renewal has been decided and paid out on a day, sees the status in plain words and the next
 * payday, and books a meeting with a coach for them (the booking stands, made by customer
 * service). Then a person with protected identity and an unknown number give exactly the same
 * "no information" answer, and a wrong number is named at the field. axe on every page.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJourney } from './journey.ts';
import type { Journey } from './journey.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney(1);
}, 120_000);
afterAll(async () => {
  await j?.close();
});

const url = (path: string) => `${j.h.server.url}${path}`;
const longDate = (day: string) =>
  new Intl.DateTimeFormat('sv', { dateStyle: 'long', timeZone: 'Europe/Stockholm' }).format(
    new Date(`${day}T12:00:00Z`),
  );

/** A person with protected identity (a fictional test number) and an application in Ekby. */
const PROTECTED = '197801019840';
/** A valid number nobody has applied with. */
const NOBODY = '199001019802';

describe('customer service', () => {
  it('finds an applicant, tells status and payday, books a meeting; a protected person looks like no one', async () => {
    const id = await j.h.apply('web', 0, 'renewal', 'cs-journey');
    expect(await j.runPipeline()).toEqual(['decided']);
    const db = j.h.server.store.db;
    const payment = await db
      .selectFrom('payment')
      .select((eb) => eb.fn<string>('to_char', [eb.ref('pay_on'), eb.val('YYYY-MM-DD')]).as('pay_on'))
      .where('application_id', '=', id)
      .executeTakeFirstOrThrow();
    await db
      .insertInto('application')
      .values({
        id: randomUUID(),
        municipality_id: 'ekby',
        applicant: PROTECTED,
        kind: 'renewal',
        month: '2026-11',
        status: 'needs-person',
        snapshot: '{}',
        submitted_at: new Date(),
        protected_identity: true,
      })
      .execute();

    const { context, page } = await j.staffPage('ekby-customer-service', '/personal/kundtjanst');
    await page.getByRole('heading', { level: 1, name: 'Kundtjänst' }).waitFor();
    await j.axe(page, 'the customer service search');

    const field = page.getByRole('textbox', { name: 'Personnummer' });
    const search = page.getByRole('button', { name: 'Sök', exact: true });

    // Nothing written: named at the field, in the summary too.
    await search.click();
    await page.getByRole('link', { name: 'Skriv ett personnummer.' }).waitFor();
    await j.axe(page, 'the search with an error');

    // The applicant: status in plain words, the payday, no amounts.
    await field.fill(j.h.pick.web![0]!.members[0]!.personnummer);
    await search.click();
    await page.getByRole('heading', { level: 2, name: 'Personens ansökningar' }).waitFor();
    await page.getByRole('heading', { level: 3, name: 'Fortsatt ansökan för november 2026' }).waitFor();
    await page.getByText('Beslut är fattat. Beslutet finns på Mina sidor.').waitFor();
    await page.getByText(`Nästa utbetalning till personen: ${longDate(payment.pay_on)}.`).waitFor();
    await page.getByText(`${longDate(payment.pay_on)}. Utbetalningen är planerad.`).waitFor();
    expect(await page.getByRole('main').textContent()).not.toMatch(/kr\b|SEK/);
    // The personnummer is never in the address.
    expect(page.url()).toBe(url('/personal/kundtjanst'));
    await j.axe(page, 'the person found');

    // Help to book a meeting: choose nothing (named), then the first time.
    await page.getByRole('button', { name: 'Hjälp till att boka möte' }).click();
    const times = page.getByRole('radio');
    await times.first().waitFor();
    expect(await times.count()).toBe(3);
    await page.getByRole('button', { name: 'Boka tiden' }).click();
    await page.getByRole('link', { name: 'Välj en tid.' }).waitFor();
    await j.axe(page, 'the free times');
    const chosen = (await times.first().locator('xpath=..').textContent()) ?? '';
    await times.first().check();
    await page.getByRole('button', { name: 'Boka tiden' }).click();
    await page.getByText(/^Bokat:/).waitFor();
    await page.getByRole('button', { name: 'Flytta mötet' }).waitFor();
    await j.axe(page, 'the meeting booked');
    const meetings = await db
      .selectFrom('meeting')
      .select(['booked_by', 'status'])
      .where('application_id', '=', id)
      .execute();
    expect(meetings).toEqual([{ booked_by: 'ekby-customer-service', status: 'booked' }]);
    expect(chosen).toContain('Egon Ekström');

    // A protected person and an unknown number: one and the same answer.
    const answer = async (personnummer: string) => {
      await field.fill(personnummer);
      await search.click();
      const result = page.getByRole('region', { name: 'Ingen information' });
      await result.waitFor();
      return result.innerText();
    };
    const hidden = await answer(PROTECTED);
    await j.axe(page, 'no information (protected identity)');
    const unknown = await answer(NOBODY);
    expect(hidden).toBe(unknown);
    expect(unknown).toContain('Det finns ingen information att visa.');

    // A number that cannot be a personnummer: the server names the field.
    await field.fill('19850314-0000');
    await search.click();
    await page.getByRole('link', { name: 'Ange ett giltigt personnummer, ÅÅÅÅMMDD-NNNN.' }).waitFor();
    await j.axe(page, 'the search with the server’s error');
    await context.close();
  }, 240_000);
});
