/**
 * The citizen web's other journeys in a real browser: documents (a bad file, then a good one),
 * save, log out and resume, bad input answered at the field and in a summary without losing
 * anything, Arabic right to left with the letters following the language, and the whole
 * application with the keyboard only. axe on every page on the way; every page reflows at a
 * phone's width (390 CSS pixels, narrower than 200 % zoom of a laptop screen).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { phonePhoto } from '../../server/test/fixtures/images.ts';
import { startJourney } from './journey.ts';
import type { Journey } from './journey.ts';

let j: Journey;
beforeAll(async () => {
  j = await startJourney(5);
}, 120_000);
afterAll(async () => {
  await j?.close();
});

const url = (path: string) => `${j.h.server.url}${path}`;
const TIMEOUT = 180_000;

/** No horizontal scrolling: the page reflows at the viewport's width (WCAG 1.4.10). */
async function reflows(page: Page): Promise<void> {
  const overflow = await page.evaluate<number>(
    'document.documentElement.scrollWidth - document.documentElement.clientWidth',
  );
  expect(overflow, `horizontal overflow on ${page.url()}`).toBeLessThanOrEqual(0);
}

/**
 * Waits until the page runs right to left. Polled with page.evaluate: a string predicate for
 * waitForFunction is evaluated with eval in the page, which the page's CSP (rightly) forbids.
 */
async function rightToLeft(page: Page): Promise<void> {
  await expect.poll(() => page.evaluate<string>('document.documentElement.dir')).toBe('rtl');
}

async function signedIn(user: string, locale = 'sv-SE') {
  const context = await j.context(locale);
  const page = await context.newPage();
  await page.goto(url('/mina-sidor'));
  await page.getByRole('main').getByRole('button').first().click();
  await j.signIn(page, user);
  await page.waitForURL(url('/mina-sidor'));
  return { context, page };
}

describe('documents', () => {
  it(
    'refuses a file of the wrong type with a message at the file, then stores a photo without its location',
    async () => {
      const id = await j.h.apply('web', 0, 'renewal', 'web-documents');
      const { context, page } = await signedIn(j.h.user('web', 0));
      await page.goto(url(`/arende/ekby/${id}`));
      await page.getByRole('heading', { level: 2, name: 'Dokument' }).waitFor();
      await j.axe(page, 'the case page before a decision');
      await reflows(page);
      const input = page.locator('input[type=file]');

      // Refused here: a text file.
      await input.setInputFiles({ name: 'anteckningar.txt', mimeType: 'text/plain', buffer: Buffer.from('hej') });
      await page
        .getByText('Den här filtypen går inte att ladda upp. Använd JPG, PNG, WebP eller PDF.')
        .first()
        .waitFor();
      // Refused by the server: named like a photo, but it is not one.
      await input.setInputFiles({
        name: 'kvitto.jpg',
        mimeType: 'image/jpeg',
        buffer: Buffer.from('not really a photo'),
      });
      await page
        .getByText('Den här filtypen går inte att ladda upp. Använd JPG, PNG, WebP eller PDF.')
        .nth(1)
        .waitFor();
      await j.axe(page, 'the case page with refused files');

      // Too large: refused here, before anything is sent.
      await input.setInputFiles({
        name: 'skanning.pdf',
        mimeType: 'application/pdf',
        buffer: Buffer.alloc(11 * 1024 * 1024, 0x20),
      });
      await page
        .getByText('Filen är större än 10 MB. Ta en ny bild med lägre upplösning eller dela upp filen.')
        .waitFor();

      // A phone photo with its location: stored, the location removed.
      await input.setInputFiles({ name: 'hyresavi.jpg', mimeType: 'image/jpeg', buffer: Buffer.from(phonePhoto()) });
      await page.getByText('Uppladdad', { exact: true }).waitFor();
      await page.getByRole('heading', { name: 'Uppladdade dokument' }).waitFor();
      const docs = await j.h.server.store.db
        .selectFrom('document')
        .select(['filename', 'media_type', 'stripped'])
        .where('application_id', '=', id)
        .execute();
      expect(docs).toEqual([{ filename: 'hyresavi.jpg', media_type: 'image/jpeg', stripped: true }]);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('save, log out, resume', () => {
  it(
    'keeps every answer across a logout; bad input is named at the field and in the summary and nothing is lost',
    async () => {
      const { context, page } = await signedIn(j.h.user('web', 1));
      await page.getByRole('button', { name: 'Starta ansökan' }).click();
      await page.getByRole('heading', { level: 1, name: 'Du och ditt hushåll' }).waitFor();

      // An invalid personnummer for the co-applicant.
      await page
        .getByRole('radiogroup', { name: /Bor du med en make/ })
        .getByRole('radio', { name: 'Ja' })
        .check();
      await page.getByRole('textbox', { name: 'Namn' }).fill('Kim Testsson');
      await page.getByRole('textbox', { name: /Personnummer/ }).fill('19850314-1235');
      await page.getByRole('button', { name: 'Nästa' }).click();
      const summary = page.getByRole('region', { name: /rätta detta/ }).or(page.locator('.aksel-error-summary'));
      await summary.getByRole('link', { name: /giltigt personnummer/ }).waitFor();
      expect(await page.getByRole('textbox', { name: /Personnummer/ }).getAttribute('aria-invalid')).toBe('true');
      await j.axe(page, 'the household step with errors');
      expect(await page.getByRole('textbox', { name: /Personnummer/ }).inputValue()).toBe('19850314-1235');
      await page
        .getByRole('radiogroup', { name: /Bor du med en make/ })
        .getByRole('radio', { name: 'Nej' })
        .check();
      await page.getByRole('button', { name: 'Nästa' }).click();

      // A negative amount.
      await page.getByRole('heading', { level: 1, name: 'Boende och kostnader' }).waitFor();
      await page.getByRole('radio', { name: 'Hyresrätt' }).check();
      await page.getByRole('textbox', { name: 'Hyra' }).fill('-500');
      await page.getByRole('button', { name: 'Nästa' }).click();
      await page.getByRole('link', { name: 'Beloppet kan inte vara mindre än noll.' }).waitFor();
      expect(await page.getByRole('textbox', { name: 'Hyra' }).inputValue()).toBe('-500');
      await page.getByRole('textbox', { name: 'Hyra' }).fill('7 100');
      await page.getByRole('textbox', { name: 'Hushållsel' }).fill('450');

      // Save, log out, and come back.
      await page.getByRole('button', { name: 'Spara och fortsätt senare' }).click();
      await page.waitForURL(/\/mina-sidor/);
      await page.getByRole('button', { name: 'Logga ut' }).click();
      await page.getByText('Du är utloggad.').waitFor();
      expect((await context.cookies()).some((c) => c.name === 'tillit_session')).toBe(false);
      await page.goto(url('/mina-sidor'));
      await page.getByRole('heading', { level: 1, name: 'Logga in för att fortsätta' }).waitFor();
      await page.getByRole('main').getByRole('button', { name: 'Logga in' }).click();
      await j.signIn(page, j.h.user('web', 1));
      await page.waitForURL(url('/mina-sidor'));
      await page.getByRole('link', { name: 'Fortsätt med ansökan för november 2026' }).click();
      await page.getByRole('heading', { level: 1, name: 'Du och ditt hushåll' }).waitFor();
      expect(await page.getByRole('radio', { name: 'Nej' }).isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Nästa' }).click();
      await page.getByRole('heading', { level: 1, name: 'Boende och kostnader' }).waitFor();
      expect(await page.getByRole('radio', { name: 'Hyresrätt' }).isChecked()).toBe(true);
      expect(await page.getByRole('textbox', { name: 'Hyra' }).inputValue()).toBe('7 100');
      expect(await page.getByRole('textbox', { name: 'Hushållsel' }).inputValue()).toBe('450');
      await context.close();
    },
    TIMEOUT,
  );
});

describe('typing and time', () => {
  it(
    'keeps an amount as typed, key by key, and shows it as kronor on the check page',
    async () => {
      const { context, page } = await signedIn(j.h.user('web', 4));
      await page.getByRole('button', { name: 'Starta ansökan' }).click();
      await page
        .getByRole('radiogroup', { name: /Bor du med en make/ })
        .getByRole('radio', { name: 'Nej' })
        .check();
      await page.getByRole('button', { name: 'Nästa' }).click();
      await page.getByRole('radio', { name: 'Hyresrätt' }).check();
      const rent = page.getByRole('textbox', { name: 'Hyra' });
      await rent.pressSequentially('2 500,50', { delay: 20 });
      expect(await rent.inputValue()).toBe('2 500,50');
      await page.getByRole('textbox', { name: 'Hushållsel' }).pressSequentially('1,05', { delay: 20 });
      expect(await page.getByRole('textbox', { name: 'Hushållsel' }).inputValue()).toBe('1,05');
      await page.getByRole('button', { name: 'Nästa' }).click();
      await page.getByRole('heading', { level: 1, name: 'Inkomster' }).waitFor();
      const { body } = await j.h.call(j.h.user('web', 4), 'GET', '/api/v1/me/applications');
      const id = (body.applications as { id: string }[])[0]!.id;
      const saved = await j.h.call(j.h.user('web', 4), 'GET', `/api/v1/municipalities/ekby/applications/${id}`);
      expect((saved.body.draft as { costs: unknown[] }).costs).toEqual([
        { type: 'rent', amount: '2 500,50' },
        { type: 'electricity', amount: '1,05' },
      ]);
      await context.close();
    },
    TIMEOUT,
  );

  it(
    'warns before the session times out; staying signed in pushes the time',
    async () => {
      const { context, page } = await signedIn(j.h.user('web', 4));
      await page.getByRole('heading', { level: 1, name: 'Mina sidor' }).waitFor();
      // Every call the page makes is activity that pushes the time: let them finish first.
      await page.waitForLoadState('networkidle');
      // 90 seconds left.
      await j.h.server.store.db
        .updateTable('web_session')
        .set({ idle_expires_at: new Date(Date.now() + 90_000) })
        .where('subject', '=', j.h.user('web', 4))
        .where('ended_at', 'is', null)
        .execute();
      // The start page asks the server nothing but how long the session has left.
      await page.goto(url('/'));
      const dialog = page.getByRole('dialog', { name: 'Du loggas snart ut' });
      await dialog.waitFor();
      expect(await dialog.innerText()).toContain('Om 2 minuter loggas du ut');
      await j.axe(page, 'the session timeout warning');
      await dialog.getByRole('button', { name: 'Fortsätt vara inloggad' }).click();
      await dialog.waitFor({ state: 'hidden' });
      const row = await j.h.server.store.db
        .selectFrom('web_session')
        .select('idle_expires_at')
        .where('subject', '=', j.h.user('web', 4))
        .where('ended_at', 'is', null)
        // This browser's session (another test signed the same person in elsewhere).
        .orderBy('idle_expires_at', 'desc')
        .executeTakeFirstOrThrow();
      expect(new Date(row.idle_expires_at).getTime() - Date.now()).toBeGreaterThan(19 * 60_000);
      await context.close();
    },
    TIMEOUT,
  );
});

describe('another language', () => {
  it(
    'in Arabic the pages run right to left and are translated; the letters follow the language',
    async () => {
      const context = await j.context('sv-SE');
      const page = await context.newPage();
      await page.goto(url('/'));
      await page.getByRole('combobox', { name: 'Språk' }).selectOption('ar');
      await rightToLeft(page);
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe('ar');
      const h1 = await page.getByRole('heading', { level: 1 }).innerText();
      expect(h1).not.toBe('Ekonomiskt bistånd');
      expect(h1).toMatch(/[\u0600-\u06ff]/);
      await j.axe(page, 'the start page in Arabic');
      await reflows(page);
      // The choice persists: a new page load is still Arabic.
      await page.goto(url('/kan-jag-fa-bistand'));
      await rightToLeft(page);
      await j.axe(page, 'the self-check in Arabic');

      // An application sent in Arabic (the browser sends its language with every call): the letters come
      // in Arabic beside the Swedish one, which is the decision.
      const user = j.h.user('web', 2);
      const base = '/api/v1/municipalities/ekby/applications';
      const created = await j.h.call(user, 'POST', base, { kind: 'renewal', month: '2026-11' });
      const id = created.body.id as string;
      await j.h.call(user, 'PUT', `${base}/${id}/draft`, j.h.draft(j.h.pick.web![2]!));
      const sent = await j.h.call(user, 'POST', `${base}/${id}/submit`, undefined, {
        'idempotency-key': 'web-arabic',
        'accept-language': 'ar, sv;q=0.5',
      });
      expect(sent.status).toBe(202);
      await j.runPipeline();
      expect((await j.h.state(id)).status).toBe('decided');
      const letters = await j.h.call(user, 'GET', `${base}/${id}/letters`);
      expect(
        (letters.body.letters as { lang: string; kind: string }[]).map((l) => `${l.kind}:${l.lang}`).sort(),
      ).toEqual(['decision:ar', 'decision:sv']);

      await page.goto(url('/mina-sidor'));
      await page.getByRole('main').getByRole('button').first().click();
      await j.signIn(page, user);
      await page.waitForURL(url('/mina-sidor'));
      await rightToLeft(page);
      await j.axe(page, 'Mina sidor in Arabic');
      await page.goto(url(`/arende/ekby/${id}`));
      await page.locator('a[lang="ar"]').first().waitFor();
      await page.locator('a[lang="sv"]').first().waitFor();
      await j.axe(page, 'the case page in Arabic');
      await reflows(page);
      await context.close();
    },
    TIMEOUT,
  );
});

/** The focused element's label (or its own text), as a person hears it. */
const FOCUSED_NAME = `(() => {
  const e = document.activeElement;
  if (!e) return '';
  const label = e.labels && e.labels[0];
  return ((label && label.textContent) || e.getAttribute('aria-label') || e.textContent || '').trim();
})()`;
/** Whether the focused element shows a focus indicator (an outline or a box shadow). */
const FOCUS_VISIBLE = `(() => {
  const s = getComputedStyle(document.activeElement);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
})()`;

/** Presses Tab until the element named `name` has focus (at most 60 presses); checks focus is visible. */
async function tabTo(page: Page, name: string | RegExp): Promise<void> {
  const seen: string[] = [];
  for (let i = 0; i < 60; i++) {
    await page.keyboard.press('Tab');
    const now = await page.evaluate<string>(FOCUSED_NAME);
    seen.push(now);
    if (typeof name === 'string' ? now === name : name.test(now)) {
      expect(await page.evaluate<boolean>(FOCUS_VISIBLE), `visible focus on "${now}"`).toBe(true);
      return;
    }
  }
  throw new Error(`Tab never reached "${String(name)}"; focus went through: ${seen.join(' | ')}`);
}

describe('keyboard only', () => {
  it(
    'goes through the whole application with Tab, arrows, Space and Enter, focus visible all the way',
    async () => {
      const { context, page } = await signedIn(j.h.user('web', 3));
      await page.getByRole('heading', { level: 1, name: 'Mina sidor' }).waitFor();
      await tabTo(page, 'Starta ansökan');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Du och ditt hushåll' }).waitFor();
      const next = async (heading: string) => {
        await tabTo(page, 'Nästa');
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      };
      // A radio group: Tab reaches its first option; the arrow moves to (and chooses) the next.
      await tabTo(page, 'Ja');
      await page.keyboard.press('ArrowDown');
      expect(await page.getByRole('radio', { name: 'Nej' }).isChecked()).toBe(true);
      await next('Boende och kostnader');
      await tabTo(page, 'Hyresrätt');
      await page.keyboard.press('Space');
      await tabTo(page, 'Hyra');
      await page.keyboard.type('6200');
      await next('Inkomster');
      await tabTo(page, 'Ja');
      await page.keyboard.press('ArrowDown');
      await next('Tillgångar');
      await tabTo(page, 'Ja');
      await page.keyboard.press('ArrowDown');
      await next('Arbete och studier');
      await tabTo(page, 'Söker arbete');
      await page.keyboard.press('Space');
      await tabTo(page, 'Ja');
      await page.keyboard.press('Space');
      await next('Utbetalning');
      await tabTo(page, /^Clearingnummer/);
      await page.keyboard.type('8327');
      await tabTo(page, 'Kontonummer');
      await page.keyboard.type('9412345678');
      await next('Kontrollera och skicka');
      await tabTo(page, 'Jag intygar att uppgifterna stämmer');
      await page.keyboard.press('Space');
      await tabTo(page, 'Jag vet att ni hämtar och kontrollerar uppgifter');
      await page.keyboard.press('Space');
      await tabTo(page, 'Skicka ansökan');
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { level: 1, name: 'Boka ett möte' }).waitFor();
      await j.axe(page, 'the booking page after a keyboard-only application');
      await context.close();
    },
    TIMEOUT,
  );
});

describe('public pages', () => {
  it(
    'the self-check estimates with the rule book and explains each line; contact and accessibility statement',
    async () => {
      const context = await j.context();
      const page = await context.newPage();
      await page.goto(url('/kan-jag-fa-bistand'));
      await page.getByRole('heading', { level: 1, name: 'Kan jag få ekonomiskt bistånd?' }).waitFor();
      await j.axe(page, 'the self-check');
      await page.getByRole('textbox', { name: 'Din ålder' }).fill('17');
      await page.getByRole('button', { name: 'Räkna' }).click();
      await page.getByRole('link', { name: 'Skriv din ålder i år, 18 eller mer.' }).waitFor();
      await page.getByRole('textbox', { name: 'Din ålder' }).fill('34');
      await page.getByRole('textbox', { name: 'Hyra per månad (kronor)' }).fill('6 200');
      await page.getByRole('button', { name: 'Räkna' }).click();
      const result = page.getByRole('heading', { level: 2, name: /Du kan få ungefär/ });
      await result.waitFor();
      // The same household through the API: the page shows the rule book's amount.
      const api = await fetch(url('/api/v1/calculations'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          month: '2026-11',
          municipality: 'ekby',
          household: { adults: [{ id: 'a0', birthDate: '1992-01-01' }], children: [] },
          costs: [{ type: 'rent', amount: 6200 }],
          incomes: [],
        }),
      });
      const { amount } = (await api.json()) as { amount: number };
      expect((await result.innerText()).replace(/\s/g, '')).toContain(
        new Intl.NumberFormat('sv-SE', { style: 'currency', currency: 'SEK' }).format(amount).replace(/\s/g, ''),
      );
      expect(await page.getByRole('row').count()).toBeGreaterThan(2);
      await j.axe(page, 'the self-check with its estimate');
      await reflows(page);
      for (const [path, heading] of [
        ['/sa-raknar-vi/regler', 'Så räknar vi'],
        ['/kontakt', 'Kontakt'],
        ['/tillganglighet', 'Tillgänglighet'],
        ['/finns-inte', 'Sidan finns inte'],
        ['/logga-in?fel=cancelled', 'Inloggningen blev inte klar'],
      ] as const) {
        await page.goto(url(path));
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
        await j.axe(page, path);
        await reflows(page);
      }
      await context.close();
    },
    TIMEOUT,
  );
});
