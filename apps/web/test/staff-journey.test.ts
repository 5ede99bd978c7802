/**
 * The staff workspace in a real browser: a caseworker signs in, finds a flagged case in the queue
 * (with the keyboard), reads why, acknowledges each flag with what was checked, decides, and the
 * applicant sees the decision on their own page. axe on every page.
 */
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

describe('a caseworker', () => {
  it('clears a flagged case from the queue and the applicant sees the decision', async () => {
    const id = await j.h.apply('web', 0, 'new', 'staff-journey');
    expect(await j.h.drain()).toEqual(['needs-person']);

    const context = await j.context();
    const page = await context.newPage();
    await page.goto(url('/personal'));
    await page.getByRole('heading', { level: 1, name: 'Logga in som personal' }).waitFor();
    await j.axe(page, 'the staff sign-in page');
    await j.signInAsStaff(page, 'ekby-caseworker');
    await page.getByRole('heading', { level: 1, name: 'Handläggning' }).waitFor();
    await page.getByRole('link', { name: 'Öppna ärendet 1' }).waitFor();
    await j.axe(page, 'the queues');

    // Keyboard: k and j move between the cases (k stays on the first), Enter opens it.
    await page.getByRole('link', { name: 'Öppna ärendet 1' }).focus();
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.waitForURL(url(`/personal/arende/ekby/${id}`));
    await page.getByRole('heading', { level: 1, name: 'Ärende november 2026' }).waitFor();
    await page.getByRole('heading', { level: 2, name: /Beräkning \(version 1\)/ }).waitFor();
    await j.axe(page, 'the case');

    await page.getByRole('button', { name: 'Ta ärendet' }).click();
    await page.getByText('Du har ärendet.').waitFor();
    // Deciding with a flag open is refused, and says why.
    await page.getByRole('button', { name: 'Fatta beslut' }).click();
    await page.getByRole('link', { name: /Kvittera först varje öppen markering/ }).waitFor();
    const notes = page.getByRole('textbox', { name: /Vad har du kontrollerat/ });
    for (let open = await notes.count(); open > 0; open--) {
      await notes.first().fill('Mötet med arbetsmarknadssekreteraren hölls i dag.');
      await page.getByRole('button', { name: 'Kvittera' }).first().click();
      await expect.poll(() => notes.count()).toBe(open - 1);
    }
    await page.getByRole('radio', { name: 'Bifall' }).check();
    await page.getByRole('button', { name: 'Fatta beslut' }).click();
    await page.getByText(/Beslutat: Bifall/).waitFor();
    await j.axe(page, 'the decided case');

    const own = await j.h.call(j.h.user('web', 0), 'GET', `/api/v1/municipalities/ekby/applications/${id}`);
    expect(own.body).toMatchObject({ status: 'decided', decision: { outcome: 'bifall', automated: false } });
    const s = await j.h.state(id);
    expect(s.decisions[0]).toMatchObject({ decided_by: 'ekby-caseworker' });

    // The applicant sees it on their page.
    await j.runPipeline();
    const applicant = await j.context();
    const mine = await applicant.newPage();
    await mine.goto(url(`/arende/ekby/${id}`));
    await mine.getByRole('main').getByRole('button').first().click();
    await j.signIn(mine, j.h.user('web', 0));
    await mine.waitForURL(url(`/arende/ekby/${id}`));
    await mine.getByRole('heading', { name: 'Du får ekonomiskt bistånd' }).waitFor();
    await applicant.close();
    await context.close();
  }, 240_000);

  it('an applicant who opens the workspace is told it is for staff', async () => {
    const context = await j.context();
    const page = await context.newPage();
    await page.goto(url('/personal'));
    await page.getByRole('main').getByRole('button').first().click();
    await j.signIn(page, j.h.user('web', 0));
    await page.getByText('Den här delen är för kommunens personal.').waitFor();
    await context.close();
  }, 120_000);
});
