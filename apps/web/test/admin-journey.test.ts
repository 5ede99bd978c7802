/**
 * Administration in a real browser: an administrator changes the sample rate with a reason (on
 * record); enters next year's riksnorm with its source; it waits for a second administrator, who
 * confirms it; the year's automated decisions switch on, and an application for next January is
 * then decided automatically. axe on every page and state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishDate } from '../../server/src/swedish-time.ts';
import { startJourney } from './journey.ts';
import type { Journey } from './journey.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney(2);
}, 120_000);
afterAll(async () => {
  await j?.close();
});

const url = (path: string) => `${j.h.server.url}${path}`;
// The server's years come from its own clock (the browser's is pinned).
const nextYear = Number(swedishDate().slice(0, 4)) + 1;

describe('two administrators', () => {
  it("change a setting on record, and confirm next year's riksnorm, which switches the year's automation on", async () => {
    const { context, page } = await j.staffPage('ekby-admin', '/personal/admin');
    await page.getByRole('heading', { level: 1, name: 'Kommunens inställningar' }).waitFor();
    await j.axe(page, 'the settings');

    // A setting with a reason; the record shows it.
    await page.getByRole('textbox', { name: 'Andel stickprov (procent)' }).fill('8');
    await page.getByRole('button', { name: 'Spara ändringen' }).click();
    await page.getByRole('link', { name: 'Skriv varför (minst 10 tecken).' }).waitFor();
    await j.axe(page, 'the settings with an error');
    await page.getByRole('textbox', { name: /Varför ändras inställningarna/ }).fill('Nämndens beslut 2026-11-30 § 7.');
    await page.getByRole('button', { name: 'Spara ändringen' }).click();
    await page.getByText('Ändringen är sparad (version 1).').waitFor();
    await page.getByRole('cell', { name: 'andel stickprov' }).waitFor();
    expect(j.h.server.app.tenants.current().get('ekby')!.settings.sampleRateBasisPoints).toBe(800);

    // Next year's riksnorm.
    await page.getByRole('link', { name: 'Regelbokens årliga belopp' }).click();
    await page.getByRole('heading', { level: 1, name: 'Regelbokens årliga belopp' }).waitFor();
    const year = page.getByRole('region', { name: String(nextYear) });
    await year.getByText('Automatiska beslut: av').waitFor();
    await j.axe(page, 'the rule book');
    await year.getByRole('button', { name: `För in Riksnormen för ${nextYear}` }).click();
    const form = page.getByRole('form', { name: `Riksnormen för ${nextYear}` });
    // Last year's amount is beside each field; the new amount is 2 % more, in whole kronor.
    const fields = form.getByRole('textbox', { description: new RegExp(`^${nextYear - 1}: `) });
    expect(await fields.count()).toBe(21);
    for (let i = 0; i < 21; i++) {
      const field = fields.nth(i);
      const id = await field.getAttribute('aria-describedby');
      const previous = await page.locator(`[id="${id!.split(' ')[0]}"]`).innerText();
      const kronor = Number(
        previous
          .replace(/^\d{4}: /, '')
          .replace(/[^\d,]/g, '')
          .replace(',', '.'),
      );
      await field.fill(String(Math.round(kronor * 1.02)));
    }
    await form
      .getByRole('textbox', { name: 'Författning', exact: true })
      .fill(`Förordning (${nextYear - 1}:1234) om ändring i socialtjänstförordningen (2001:937)`);
    await form.getByRole('textbox', { name: /Länk till författningen/ }).fill('ftp://fel.example');
    await form.getByRole('textbox', { name: 'Anteckning' }).fill(`Riksnormen för ${nextYear} enligt SFS.`);
    await form.getByRole('button', { name: 'Skicka till en andra administratör' }).click();
    await page.getByRole('link', { name: 'Ange en länk som börjar med https://.' }).waitFor();
    await j.axe(page, 'the values with an error');
    await form
      .getByRole('textbox', { name: /Länk till författningen/ })
      .fill(`https://svenskforfattningssamling.se/doc/${nextYear - 1}1234.html`);
    await form.getByRole('button', { name: 'Skicka till en andra administratör' }).click();
    await year.getByText('Du förde in ändringen. En annan administratör bekräftar eller avslår den.').waitFor();
    await expect.poll(() => year.getByRole('button', { name: 'Bekräfta' }).count()).toBe(0);
    await year.getByText('Automatiska beslut: av').waitFor();
    await j.axe(page, 'the change awaiting a second administrator');
    await context.close();

    // Until it is confirmed, an application for next January goes to a person.
    await j.h.apply('web', 0, 'renewal', 'admin-journey-before', { month: `${nextYear}-01` });
    expect(await j.h.drain()).toEqual(['needs-person']);

    const { context: second, page: page2 } = await j.staffPage('ekby-admin-2', '/personal/admin/regelbok');
    const year2 = page2.getByRole('region', { name: String(nextYear) });
    await year2.getByText('Infört av Ebba Ekholm', { exact: false }).waitFor();
    await j.axe(page2, 'the change for the second administrator');
    await year2.getByRole('textbox', { name: /Anteckning/ }).fill('Kontrollerat mot SFS-texten.');
    await year2.getByRole('button', { name: 'Bekräfta' }).click();
    await year2.getByText('Automatiska beslut: på').waitFor();
    await year2.getByText(/Bekräftat av Ebba Ekholm och Emil Eklund/).waitFor();
    await year2.getByRole('heading', { name: 'Riksnormen: från andrahandskälla' }).waitFor();
    await page2.getByRole('cell', { name: 'Bekräftad – Kontrollerat mot SFS-texten.' }).waitFor();
    await j.axe(page2, 'the confirmed year');
    await second.close();

    // The year is automated now.
    const id = await j.h.apply('web', 1, 'renewal', 'admin-journey-after', { month: `${nextYear}-01` });
    expect(await j.h.drain()).toEqual(['decided']);
    const s = await j.h.state(id);
    expect(s.decisions[0]).toMatchObject({ outcome: 'bifall', automated: true });
  }, 300_000);

  it('a caseworker who opens administration is asked to sign in as an administrator', async () => {
    const context = await j.context();
    const page = await context.newPage();
    await page.goto(url('/personal/admin'));
    await page.getByRole('main').getByRole('button', { name: 'Logga in som personal' }).click();
    await j.signIn(page, 'ekby-caseworker');
    await page.getByText('Den här delen är för kommunens personal.').waitFor();
    await j.axe(page, 'administration for a caseworker');
    await context.close();
  }, 120_000);
});
