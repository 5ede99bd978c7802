/**
 * The caseworker's tools in a real browser: the queues (every tab, the shortcuts' help, a case
 * taken with `t`); a cost adjusted above the four-eyes threshold with a reason, approved by a
 * second caseworker, then decided by the first on the new version; on another case a message to
 * the applicant, kommunicering and a completion request; the applicant reads the message on their
 * own page. axe on every page and state.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
/** A day after the server's today (the browser's clock is pinned; the server's is not). */
const inDays = (days: number) =>
  new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });

describe('the caseworker', () => {
  it('adjusts a cost above the threshold, a second caseworker approves, the first decides', async () => {
    const id = await j.h.apply('web', 0, 'new', 'tools-adjust');
    expect(await j.h.drain()).toEqual(['needs-person']);
    const before = await j.h.call('ekby-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${id}`);
    const v1 = (before.body.calculations as { version: number; amount: number }[])[0]!;
    expect(v1.version).toBe(1);

    const { context, page } = await j.staffPage('ekby-caseworker', '/personal');
    await page.getByRole('heading', { level: 1, name: 'Handläggning' }).waitFor();
    await page.getByRole('link', { name: /Öppna ärendet 1/ }).waitFor();
    await j.axe(page, 'the queues');

    // Every tab of the queues; the choice is kept in the address.
    for (const [tab, key] of [
      ['Förslag att godkänna', 'proposals'],
      ['Väntar på sökande', 'waiting-applicant'],
      ['Försenade', 'late'],
      ['Överklaganden', 'appeals'],
      ['Stickprov', 'sample-checks'],
    ] as const) {
      await page.getByRole('tab', { name: tab }).click();
      await page.waitForURL((u) => u.searchParams.get('ko') === key);
      await page.getByText('Inga ärenden i den här kön.').waitFor();
      await j.axe(page, `the queue ${key}`);
    }
    // Ekby hosts Lövsala: its caseworkers choose whose cases they work on.
    const municipality = page.getByRole('combobox', { name: 'Kommun' });
    await municipality.selectOption({ label: 'Lövsala kommun (samverkanskommun)' });
    await page.waitForURL((u) => u.searchParams.get('kommun') === 'lovsala');
    await page.getByText('Inga ärenden i den här kön.').waitFor();
    await j.axe(page, "the partner municipality's queue");
    await municipality.selectOption({ label: 'Ekby kommun' });
    await page.getByRole('tab', { name: 'Behöver en person' }).click();
    const first = page.getByRole('link', { name: /Öppna ärendet 1/ });
    await first.waitFor();

    // ? shows the shortcuts (never while typing); t takes the case in focus.
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Kortkommandon i köerna' });
    await help.waitFor();
    await j.axe(page, 'the shortcuts dialog');
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });
    await page.getByRole('combobox', { name: 'Visa' }).focus();
    await page.keyboard.press('j');
    await expect.poll(() => first.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(false);
    await first.focus();
    await page.keyboard.press('t');
    await page
      .getByRole('status')
      .getByText(/Du har tagit ärendet/)
      .waitFor();
    await expect.poll(async () => (await page.getByRole('row').nth(1).textContent()) ?? '').toContain('Erika Ek');
    await page.keyboard.press('Enter');
    await page.waitForURL(url(`/personal/arende/ekby/${id}`));
    await page.getByRole('heading', { level: 1, name: 'Ärende november 2026' }).waitFor();
    await page.getByText('Du har ärendet.').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Ansökan som den skickades in' }).waitFor();
    await page.getByRole('rowheader', { name: 'Kostnad: Hyra' }).waitFor();
    await page.getByRole('heading', { level: 3, name: /Folkbokföringen \(Skatteverket\), hämtat/ }).waitFor();
    await page.getByRole('heading', { level: 2, name: 'Historik' }).waitFor();
    await j.axe(page, 'the case');

    // Acknowledge the flag(s).
    const notes = page.getByRole('textbox', { name: /Vad har du kontrollerat/ });
    for (let open = await notes.count(); open > 0; open--) {
      await notes.first().fill('Mötet med arbetsmarknadssekreteraren är bokat.');
      await page.getByRole('button', { name: 'Kvittera' }).first().click();
      await expect.poll(() => notes.count()).toBe(open - 1);
    }
    await page
      .getByText(/Kvitterad av ekby-caseworker/)
      .first()
      .waitFor();

    // Adjust the rent: without a reason it is refused at the field; with one it is a new version.
    await page.getByRole('combobox', { name: 'Vilken kostnad?' }).selectOption({ label: 'Hyra' });
    await page.getByRole('textbox', { name: /Nytt belopp per månad/ }).fill('3 000');
    await page.getByRole('button', { name: 'Spara justeringen' }).click();
    await page.getByRole('link', { name: 'Skriv skälet med minst 20 tecken.' }).waitFor();
    await j.axe(page, 'the adjustment with an error');
    await page
      .getByRole('textbox', { name: 'Skäl till justeringen' })
      .fill('Hyresavin för november visar 3 000 kronor, inte 6 200.');
    await page.getByRole('button', { name: 'Spara justeringen' }).click();
    await page.getByText('Justeringen är sparad som version 2. En annan handläggare måste godkänna').waitFor();
    await page.getByRole('heading', { level: 2, name: 'Beräkning (version 2)' }).waitFor();
    await page.getByText('Väntar på en andra handläggare').first().waitFor();
    await page.getByText('Du har gjort justeringen. En annan handläggare måste godkänna eller avslå den.').waitFor();
    await page.getByText(/väntar på en andra handläggare. Beslut kan fattas när den är godkänd/).waitFor();
    expect(await page.getByRole('button', { name: 'Godkänn justeringen' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Fatta beslut' }).count()).toBe(0);
    // The earlier version is kept and readable.
    await page.getByRole('button', { name: /Version 1:/ }).click();
    await j.axe(page, 'the case with an adjustment waiting for four eyes');

    const adjusted = await j.h.call('ekby-caseworker', 'GET', `/api/v1/municipalities/ekby/cases/${id}/adjustments`);
    const [adjustment] = adjusted.body.adjustments as { amount: number; needsSecond: boolean; status: string }[];
    expect(adjustment).toMatchObject({ needsSecond: true, status: 'awaiting-second', previousAmount: v1.amount });
    expect(v1.amount - adjustment!.amount).toBe(3200);

    // A second caseworker approves.
    const second = await j.staffPage('ekby-protected-caseworker', `/personal/arende/ekby/${id}`);
    await second.page.getByRole('heading', { level: 1, name: 'Ärende november 2026' }).waitFor();
    await second.page.getByText('Erika Ek har ärendet.').waitFor();
    await j.axe(second.page, 'the case for the second caseworker');
    await second.page.getByRole('button', { name: 'Godkänn justeringen' }).click();
    await second.page.getByText('Godkänd av ekby-protected-caseworker').waitFor();
    await j.axe(second.page, 'the approved adjustment');
    await second.context.close();

    // The first decides on version 2.
    await page.reload();
    await page.getByText(/Systemets förslag: Bifall, .* \(version 2\)/).waitFor();
    await page.getByRole('radio', { name: 'Bifall', exact: true }).check();
    await page.getByRole('button', { name: 'Fatta beslut' }).click();
    await page.getByText(/Beslutat: Bifall/).waitFor();
    await j.axe(page, 'the decided case');
    const s = await j.h.state(id);
    expect(s.decisions).toHaveLength(1);
    expect(s.decisions[0]).toMatchObject({ decided_by: 'ekby-caseworker', outcome: 'bifall' });
    expect(Number(s.decisions[0]!.amount_ore) / 100).toBe(adjustment!.amount);
    await context.close();
  }, 300_000);

  it('writes to the applicant, sends kommunicering and asks for completion; the applicant reads the message', async () => {
    const id = await j.h.apply('web', 1, 'new', 'tools-complete');
    expect(await j.h.drain()).toEqual(['needs-person']);
    const { context, page } = await j.staffPage('ekby-caseworker', `/personal/arende/ekby/${id}`);
    await page.getByRole('heading', { level: 1, name: 'Ärende november 2026' }).waitFor();

    const text = 'Hej! Vi behöver din hyresavi för november. Ladda upp den på din sida.';
    await page.getByRole('button', { name: 'Skicka meddelandet' }).click();
    await page.getByRole('link', { name: 'Skriv ett meddelande.' }).waitFor();
    await page.getByRole('textbox', { name: 'Skriv till sökanden' }).fill(text);
    await page.getByRole('button', { name: 'Skicka meddelandet' }).click();
    await page.getByText('Meddelandet är skickat.').waitFor();
    await page
      .getByRole('listitem')
      .filter({ hasText: text })
      .getByText(/Erika Ek/)
      .waitFor();
    await j.axe(page, 'the case with a message');

    // Kommunicering before an adverse decision: the case still waits for a person.
    await page
      .getByRole('radiogroup', { name: 'Planerat beslut' })
      .getByRole('radio', { name: 'Avslag', exact: true })
      .check();
    await page
      .getByRole('textbox', { name: 'Skäl, på enkel svenska' })
      .fill('Du har inte lämnat någon hyresavi, så vi kan inte se din kostnad för boendet.');
    // A day that has passed is refused by the server, at the field.
    const due = page.getByRole('textbox', { name: 'Yttrande senast' });
    await due.fill('2026-01-01');
    await page.getByRole('button', { name: 'Skicka kommunicering' }).click();
    await page.getByRole('link', { name: 'Sista dagen kan inte ha passerat.' }).waitFor();
    await j.axe(page, 'kommunicering with an error');
    await due.fill(inDays(7));
    await page.getByRole('button', { name: 'Skicka kommunicering' }).click();
    await page.getByText(/Avslag kommunicerat .* av ekby-caseworker/).waitFor();
    await page.getByText('Kommunicering skickad').waitFor();
    await j.axe(page, 'the case after kommunicering');

    // A completion request: the case waits for the applicant.
    await page.getByRole('textbox', { name: 'Meddelande till sökanden' }).fill('Skicka in hyresavin för november.');
    await page.getByRole('textbox', { name: 'Vad saknas?' }).fill('Hyresavi för november');
    await page.getByRole('textbox', { name: 'Svar senast' }).fill(inDays(14));
    await page.getByRole('button', { name: 'Skicka begäran' }).click();
    await page.getByText(/Inte besvarad än\./).waitFor();
    await page.getByText(/· Läge: Väntar på sökanden ·/).waitFor();
    expect(await page.getByRole('button', { name: 'Skicka begäran' }).count()).toBe(0);
    await j.axe(page, 'the case waiting for the applicant');
    expect((await j.h.state(id)).status).toBe('waiting-applicant');
    await context.close();

    // The applicant reads the message on their page.
    const applicant = await j.context();
    const mine = await applicant.newPage();
    await mine.goto(url(`/arende/ekby/${id}`));
    await mine.getByRole('main').getByRole('button').first().click();
    await j.signIn(mine, j.h.user('web', 1));
    await mine.waitForURL(url(`/arende/ekby/${id}`));
    await mine.getByText(text).waitFor();
    await j.axe(mine, "the applicant's case with the message");
    await applicant.close();
  }, 300_000);
});
