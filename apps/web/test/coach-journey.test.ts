/**
 * The labour-market coach in a real browser against the real server, database, identity provider
 * and authority simulator: an applicant has applied and booked a meeting; the coach signs in, sees
 * the meeting in the calendar, notes that it was held, makes a plan, enrols the participant in a
 * measure and records an exit to work; the person applies again within three months, and the
 * coach sees the track reopened and the exit no longer counting — also in the outcome figures.
 * axe (WCAG 2.2 AA) on every page on the way.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays } from '@tillit/domain';
import { swedishDate } from '../../server/src/swedish-time.ts';
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
const E = '/api/v1/municipalities/ekby';

/** The applicant applies over the API, with her name in the form; returns the application's id. */
async function apply(month: string, kind: 'new' | 'renewal', key: string): Promise<string> {
  const user = j.h.user('web', 0);
  const created = await j.h.call(user, 'POST', `${E}/applications`, { kind, month });
  const id = created.body.id as string;
  const draft = j.h.draft(j.h.pick.web![0]!) as { household: { adults: Record<string, unknown>[] } };
  draft.household.adults[0]!.name = 'Sara Sökande';
  expect((await j.h.call(user, 'PUT', `${E}/applications/${id}/draft`, draft)).status).toBeLessThan(300);
  const sent = await j.h.call(user, 'POST', `${E}/applications/${id}/submit`, undefined, { 'idempotency-key': key });
  expect(sent.status).toBe(202);
  return id;
}

describe('a labour-market coach', () => {
  it('records an exit to work, and a return within three months reopens it', async () => {
    const db = j.h.server.store.db;
    const today = swedishDate();
    const yesterday = addDays(today, -1);

    // Sara applied a week ago and booked a meeting; the register has answered.
    const first = await apply('2026-12', 'new', 'coach-journey-first');
    await j.h.drain();
    await db
      .updateTable('application')
      .set({ submitted_at: new Date(Date.now() - 7 * 86_400_000) })
      .where('id', '=', first)
      .execute();
    const user = j.h.user('web', 0);
    const offer = await j.h.call(user, 'GET', `${E}/applications/${first}/meeting-slots`);
    const slotId = (offer.body.slots as { id: string }[])[0]!.id;
    const booked = await j.h.call(
      user,
      'POST',
      `${E}/applications/${first}/meeting`,
      { slotId },
      {
        'idempotency-key': 'coach-journey-book',
      },
    );
    expect(booked.status).toBe(201);
    // The meeting began half an hour ago.
    const start = new Date(Date.now() - 30 * 60_000);
    await sql`update coach_slot set starts_at = ${start}, ends_at = ${new Date(start.getTime() + 45 * 60_000)} where id = ${slotId}`.execute(
      db,
    );

    const { context, page } = await j.staffPage('ekby-coach', '/personal/coach');
    await page.getByRole('heading', { level: 1, name: 'Min kalender' }).waitFor();
    await page.getByRole('link', { name: 'Möte med Sara Sökande' }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Lägg till tider' }).waitFor();
    await j.axe(page, 'the calendar');

    // The meeting: it was held.
    await page.getByRole('link', { name: 'Möte med Sara Sökande' }).click();
    await page.waitForURL(url(`/personal/coach/mote/ekby/${booked.body.id as string}`));
    await page.getByRole('heading', { level: 1, name: 'Möte med Sara Sökande' }).waitFor();
    await page.getByText('Inga anteckningar ännu.').waitFor();
    await j.axe(page, 'the meeting');
    await page.getByRole('radio', { name: 'Mötet hölls' }).check();
    await page
      .getByRole('textbox', { name: 'Anteckning' })
      .fill('Sara vill arbeta inom lager. Har tidigare erfarenhet.');
    await page.getByRole('button', { name: 'Spara anteckningen' }).click();
    await page.getByText('Anteckningen är sparad.').waitFor();
    await page.getByText('Sara vill arbeta inom lager. Har tidigare erfarenhet.').waitFor();
    await page.getByRole('main').getByText('Genomfört').first().waitFor();
    await j.axe(page, 'the meeting with its note');

    // The participant: a plan, a measure, an exit to work (yesterday).
    await page.getByRole('link', { name: 'Deltagarens sida: Sara Sökande' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sara Sökande' }).waitFor();
    await page.getByText('Pågående', { exact: true }).waitFor();
    await j.axe(page, 'the participant');

    await page.getByRole('button', { name: 'Gör en planering' }).click();
    await page.getByRole('textbox', { name: 'Mål' }).fill('Arbete inom lager och logistik\nTruckkort');
    await page.getByRole('button', { name: 'Lägg till en aktivitet' }).click();
    await page.getByRole('textbox', { name: 'Aktivitet 1', exact: true }).fill('Truckutbildning');
    await page.getByRole('textbox', { name: /Aktivitet 1: från/ }).fill(today);
    await page.getByRole('textbox', { name: /Aktivitet 1: till/ }).fill(addDays(today, 30));
    await j.axe(page, 'the plan form');
    await page.getByRole('button', { name: 'Spara planeringen' }).click();
    await page.getByText('Planeringen är sparad (version 1).').waitFor();
    await page.getByText(/Version 1, av Egon Ekström/).waitFor();
    await page.getByRole('cell', { name: 'Truckutbildning' }).waitFor();

    await page.getByRole('combobox', { name: 'Insats' }).selectOption({ label: 'Praktik' });
    await page.getByRole('textbox', { name: 'Anordnare' }).fill('Ekby Lager AB');
    await page.getByRole('textbox', { name: /Startdatum/ }).fill(yesterday);
    await page.getByRole('button', { name: 'Lägg till insatsen' }).click();
    await page.getByText('Insatsen är tillagd.').waitFor();
    await page.getByRole('rowheader', { name: 'Praktik' }).waitFor();
    await j.axe(page, 'the participant with a plan and a measure');

    await page.getByRole('radio', { name: 'Arbete' }).check();
    await page.getByRole('textbox', { name: /Avslutsdatum/ }).fill(yesterday);
    await page.getByRole('textbox', { name: /Kommentar/ }).fill('Anställd på lager.');
    await page.getByRole('button', { name: 'Registrera avslutet' }).click();
    await page.getByText('Avslutet är registrerat.').waitFor();
    await page.getByText('Avslutad', { exact: true }).waitFor();
    await page.getByText('Räknas preliminärt').waitFor();
    await page.getByText('Avslutad: deltagaren avslutades').waitFor(); // the measure ended with the exit
    await j.axe(page, 'the exited participant');

    // The outcome figures: one exit to work, provisional.
    await page.getByRole('link', { name: 'Utfall' }).click();
    await page.getByRole('heading', { level: 1, name: 'Utfall' }).waitFor();
    const total = page.getByRole('row', { name: /^Summa/ });
    await expect.poll(() => total.getByRole('cell').allTextContents()).toEqual(['1', '0', '0', '1', '1', '0', '100 %']);
    await j.axe(page, 'the outcome figures');

    // Sara applies again today: within three months of the exit.
    await apply('2027-01', 'renewal', 'coach-journey-again');
    await j.h.drain();

    await page.getByRole('link', { name: 'Deltagare' }).click();
    await page.getByRole('heading', { level: 1, name: 'Deltagare' }).waitFor();
    await page.getByRole('combobox', { name: 'Visa' }).selectOption({ label: 'Återöppnade' });
    const row = page.getByRole('row', { name: /Sara Sökande/ });
    await row.getByText('Återöppnad').waitFor();
    await row.getByText('Räknas inte').waitFor();
    await j.axe(page, 'the participants, reopened');

    await row.getByRole('link', { name: 'Sara Sökande' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sara Sökande' }).waitFor();
    await page.getByText(/Återöppnad: personen ansökte igen .* inom tre månader efter avslutet/).waitFor();
    await page.getByText('Räknas inte', { exact: true }).waitFor();
    await page.getByText(/Personen ansökte igen .*, inom tre månader\./).waitFor();
    // The track is open again: a new exit could be recorded.
    await page.getByRole('button', { name: 'Registrera avslutet' }).waitFor();
    await j.axe(page, 'the reopened participant');

    await page.getByRole('link', { name: 'Utfall' }).click();
    await page.getByRole('heading', { level: 1, name: 'Utfall' }).waitFor();
    await expect.poll(() => total.getByRole('cell').allTextContents()).toEqual(['0', '0', '0', '0', '0', '1', '–']);
    await j.axe(page, 'the outcome figures after the return');
    await context.close();
  }, 240_000);
});
