/**
 * The citizen's journey in a real browser (Debian's Chromium, playwright-core) against the real
 * server, database, identity provider and authority simulator: sign in, apply, book a meeting,
 * the decision arrives, read the letter, see the payment; next month a re-application in a few
 * questions. axe (WCAG 2.2 AA) on every page on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startJourney } from './journey.ts';
import type { Journey } from './journey.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney();
}, 120_000);
afterAll(async () => {
  await j?.close();
});

const url = (path: string) => `${j.h.server.url}${path}`;

describe('a new applicant, then the month after', () => {
  it('applies, books a meeting, reads the decision letter and sees the payment; re-applies with 8 answers', async () => {
    const context = await j.context();
    const page = await context.newPage();
    await page.goto(url('/'));
    await page.getByRole('heading', { level: 1, name: 'Ekonomiskt bistånd' }).waitFor();
    await j.axe(page, 'the start page');

    await page.getByRole('button', { name: 'Logga in och ansök' }).click();
    await page.waitForURL((u) => u.pathname.startsWith('/interaction/'));
    await j.axe(page, "the identity provider's login page");
    await j.signIn(page, j.h.user('web', 0));
    await page.waitForURL(url('/mina-sidor'));
    await page.getByRole('heading', { level: 1, name: 'Mina sidor' }).waitFor();
    await page.getByText('Du har inga ansökningar ännu.').waitFor();
    await j.axe(page, 'Mina sidor');

    // A new application for November 2026.
    await page.getByRole('radio', { name: 'november 2026' }).check();
    await page.getByRole('button', { name: 'Starta ansökan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Du och ditt hushåll' }).waitFor();
    await j.axe(page, 'step 1, the household');
    await page
      .getByRole('radiogroup', { name: /Bor du med en make/ })
      .getByRole('radio', { name: 'Nej' })
      .check();
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('heading', { level: 1, name: 'Boende och kostnader' }).waitFor();
    await page.getByRole('radio', { name: 'Hyresrätt' }).check();
    await page.getByRole('textbox', { name: 'Hyra' }).fill('6 200');
    await j.axe(page, 'step 2, housing and costs');
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('heading', { level: 1, name: 'Inkomster' }).waitFor();
    await page.getByRole('radio', { name: 'Nej' }).check();
    await j.axe(page, 'step 3, incomes');
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('heading', { level: 1, name: 'Tillgångar' }).waitFor();
    await page.getByRole('radio', { name: 'Nej' }).check();
    await j.axe(page, 'step 4, assets');
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('heading', { level: 1, name: 'Arbete och studier' }).waitFor();
    await page.getByRole('radio', { name: 'Söker arbete' }).check();
    await page
      .getByRole('radiogroup', { name: /inskriven på Arbetsförmedlingen/ })
      .getByRole('radio', { name: 'Ja' })
      .check();
    await j.axe(page, 'step 5, work');
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('heading', { level: 1, name: 'Utbetalning' }).waitFor();
    await page.getByRole('textbox', { name: 'Clearingnummer' }).fill('8327');
    await page.getByRole('textbox', { name: 'Kontonummer' }).fill('9412345678');
    await j.axe(page, 'step 6, payment');
    await page.getByRole('button', { name: 'Nästa' }).click();

    await page.getByRole('heading', { level: 1, name: 'Kontrollera och skicka' }).waitFor();
    await page.getByText('6 200,00 kr').waitFor();
    await j.axe(page, 'check your answers');
    await page.getByRole('checkbox', { name: 'Jag intygar att uppgifterna stämmer' }).check();
    await page.getByRole('checkbox', { name: 'Jag vet att ni hämtar och kontrollerar uppgifter' }).check();
    await page.getByRole('button', { name: 'Skicka ansökan' }).click();

    // Book one of three times the next working day.
    await page.getByRole('heading', { level: 1, name: 'Boka ett möte' }).waitFor();
    const id = /\/ansokan\/ekby\/([0-9a-f-]{36})\/boka/.exec(page.url())![1]!;
    const slots = page.getByRole('radiogroup', { name: /Lediga tider/ }).getByRole('radio');
    await slots.first().waitFor();
    expect(await slots.count()).toBe(3);
    await j.axe(page, 'the booking page');
    await slots.first().check();
    await page.getByRole('button', { name: 'Boka tiden' }).click();
    await page.getByRole('heading', { name: 'Din bokade tid' }).waitFor();
    expect(await page.getByText(/med Egon Ekström/).count()).toBe(1);
    const firstTime = await page.getByText(/med Egon Ekström/).innerText();
    // Another time suits better: move the booking to the second offered time.
    await page.getByRole('button', { name: 'Byt tid' }).click();
    await page
      .getByRole('radiogroup', { name: /Lediga tider/ })
      .getByRole('radio')
      .nth(1)
      .check();
    await page.getByRole('button', { name: 'Boka tiden' }).click();
    await page.getByRole('heading', { name: 'Din bokade tid' }).waitFor();
    expect(await page.getByText(/med Egon Ekström/).innerText()).not.toBe(firstTime);
    const meetings = await j.h.server.store.db
      .selectFrom('meeting')
      .select('status')
      .where('application_id', '=', id)
      .orderBy('created_at')
      .execute();
    expect(meetings.map((m) => m.status)).toEqual(['rescheduled', 'booked']);

    // The meeting is held; the caseworker clears the new-application flag and decides.
    await j.decideAsCaseworker(id);
    const { body } = await j.h.call(j.h.user('web', 0), 'GET', `/api/v1/municipalities/ekby/applications/${id}`);
    const amount = (body.decision as { amount: number }).amount;
    expect(amount).toBeGreaterThan(0);
    const kronor = new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format(amount);

    await page.getByRole('link', { name: 'Följ ditt ärende' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ditt ärende för november 2026' }).waitFor();
    await page.getByRole('heading', { name: 'Du får ekonomiskt bistånd' }).waitFor({ timeout: 15_000 });
    await page.getByText(kronor).first().waitFor();
    const letterLink = page.getByRole('link', { name: /^Beslut/ }).first();
    await letterLink.waitFor({ timeout: 15_000 });
    // The payment, with its date and status.
    await page.getByRole('cell', { name: 'Planerad' }).waitFor();
    await j.axe(page, 'the case page with the decision');

    // Read the letter: it opens in a new tab and gives the amount.
    const [letter] = await Promise.all([context.waitForEvent('page'), letterLink.click()]);
    await letter.waitForLoadState();
    const letterText = await letter.locator('body').innerText();
    expect(letterText).toContain('Så har vi räknat');
    expect(letterText.replace(/\s/g, '')).toContain(String(Math.round(amount)).replace(/\B(?=(\d{3})+(?!\d))/g, ''));
    await letter.close();

    // A message to the caseworker, and an appeal of the decision, from the case page.
    await page.getByRole('textbox', { name: 'Skriv ett meddelande till din handläggare' }).fill('Tack för beslutet.');
    await page.getByRole('button', { name: 'Skicka meddelandet' }).click();
    await page.getByText('Tack för beslutet.').waitFor();
    await page.getByRole('button', { name: 'Jag vill överklaga' }).click();
    await page.getByRole('button', { name: 'Skicka överklagandet' }).click();
    await page.getByRole('link', { name: 'Skriv varför du tycker att beslutet är fel.' }).waitFor();
    await page
      .getByRole('textbox', { name: 'Varför tycker du att beslutet är fel?' })
      .fill('Hyran är högre än ni har räknat med.');
    // A date in the future is named at the field and in the summary; what was written stays.
    const received = page.getByRole('textbox', { name: /Vilken dag fick du beslutet/ });
    await received.fill('2026-11-24');
    await page.getByRole('button', { name: 'Skicka överklagandet' }).click();
    await page.getByRole('link', { name: 'Datumet kan inte vara senare än i dag.' }).waitFor();
    expect(await received.getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByRole('textbox', { name: 'Varför tycker du att beslutet är fel?' }).inputValue()).toBe(
      'Hyran är högre än ni har räknat med.',
    );
    await received.fill('2026-11-23');
    await page.getByRole('button', { name: 'Skicka överklagandet' }).click();
    await page.getByRole('heading', { name: /Du överklagade beslutet/ }).waitFor();
    await j.axe(page, 'the case page after a message and an appeal');
    const appeal = await j.h.call('ekby-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${id}/appeal`);
    expect(appeal.body).toMatchObject({ status: 'received', withinDeadline: true, receivedOn: '2026-11-23' });

    // Next month: a re-application. Every section is filled in from last month; the person only says
    // whether each changed and attests.
    await page.goto(url('/mina-sidor'));
    await page.getByRole('radio', { name: 'december 2026' }).check();
    await page.getByRole('button', { name: 'Starta ansökan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Har något ändrats?' }).waitFor();
    await j.axe(page, 'the re-application: what changed');
    const questions = page.getByRole('main').getByRole('radiogroup');
    let answered = 0;
    for (let i = 0; i < (await questions.count()); i++) {
      await questions.nth(i).getByRole('radio', { name: 'Nej, det är som förra gången' }).check();
      answered++;
    }
    await page.getByRole('button', { name: 'Nästa' }).click();
    await page.getByRole('heading', { level: 1, name: 'Kontrollera och skicka' }).waitFor();
    await page.getByText('6 200,00 kr').waitFor();
    for (const name of ['Jag intygar att uppgifterna stämmer', 'Jag vet att ni hämtar och kontrollerar uppgifter']) {
      await page.getByRole('checkbox', { name }).check();
      answered++;
    }
    expect(answered).toBe(8);
    await page.getByRole('button', { name: 'Skicka ansökan' }).click();
    await page.getByRole('heading', { level: 1, name: 'Ditt ärende för december 2026' }).waitFor();
    expect(await j.runPipeline()).toEqual(['decided']);
    await page.getByText(/beslutet fattades automatiskt/).waitFor({ timeout: 15_000 });
    await context.close();
  }, 240_000);
});
