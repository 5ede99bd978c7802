/**
 * What the citizen web's browser tests share: the real server with the authority simulator and
 * demo coaches' slots, Debian's Chromium driven by playwright-core, the browser's clock pinned to a
 * day in the rule book's confirmed year, sign-in through the test identity provider's page, axe on
 * every page, and a caseworker's and the pipeline's part done over the API.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { launchChromium } from '../../server/src/letters/pdf.ts';
import { issuePendingLetters } from '../../server/src/letters/service.ts';
import { seedDemoSlots } from '../../server/src/meetings/seed.ts';
import { schedulePayments } from '../../server/src/payments/service.ts';
import { isCleanRenewal, startHarness } from '../../server/test/pipeline-harness.ts';
import type { Harness } from '../../server/test/pipeline-harness.ts';

/** The browser's "now": the application months offered are then 2026-11 and 2026-12. */
export const BROWSER_NOW = new Date('2026-11-23T09:00:00+01:00');
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** The bit of the DOM the axe helper reads in the page (the tests compile without the DOM library). */
interface AnimatedDocument {
  getAnimations(): { playState: string; effect: { getComputedTiming(): { iterations?: number } } | null }[];
}

export interface Journey {
  readonly h: Harness;
  readonly browser: Browser;
  /** A fresh browser (context) in a language, with the pinned clock. */
  context(locale?: string): Promise<BrowserContext>;
  /** axe (WCAG 2.2 AA) on the page as it is now: zero violations, or the list of them. */
  axe(page: Page, what: string): Promise<void>;
  /** Signs in through the test identity provider's page as the user (button value = user id). */
  signIn(page: Page, user: string): Promise<void>;
  /** From the staff sign-in page (Swedish) the page is on: signs in as the user and waits to be back there. */
  signInAsStaff(page: Page, user: string): Promise<void>;
  /** A staff member signed in, in a fresh browser, on the staff page `path`. */
  staffPage(user: string, path: string): Promise<{ context: BrowserContext; page: Page }>;
  /** The pipeline, a caseworker who clears the new-application flag and decides, payments and letters. */
  decideAsCaseworker(id: string): Promise<void>;
  /** The pipeline, payments and letters for an application that needs no person. */
  runPipeline(): Promise<string[]>;
  close(): Promise<void>;
}

export async function startJourney(households = 3): Promise<Journey> {
  const h = await startHarness((find) => ({ web: find(isCleanRenewal, households) }));
  await h.confirm2026();
  for (const [municipality, coachSubject, coachName] of [
    ['ekby', 'ekby-coach', 'Egon Ekström'],
    ['lovsala', 'lovsala-coach', 'Lina Lövdahl'],
  ] as const)
    await seedDemoSlots(h.server.store.db, { municipality, coachSubject, coachName, from: new Date(), workingDays: 6 });
  const browser = await launchChromium();
  const db = h.server.store.db;
  const signIn = async (page: Page, user: string) => {
    await page.waitForURL((u) => u.pathname.startsWith('/interaction/'));
    await page.locator(`button[value="${user}"]`).click();
  };
  const signInAsStaff = async (page: Page, user: string) => {
    const back = page.url();
    await page.getByRole('heading', { level: 1, name: 'Logga in som personal' }).waitFor();
    await page.getByRole('main').getByRole('button', { name: 'Logga in som personal' }).click();
    await signIn(page, user);
    await page.waitForURL(back);
  };
  const context = async (locale = 'sv-SE') => {
    const c = await browser.newContext({ locale, viewport: { width: 390, height: 844 } });
    await c.clock.setFixedTime(BROWSER_NOW);
    c.setDefaultTimeout(10_000);
    return c;
  };
  const lettersAndPayments = async () => {
    await schedulePayments(db, h.server.municipalities);
    await issuePendingLetters(h.server.app.letters);
  };
  return {
    h,
    browser,
    context,
    async axe(page, what) {
      // A dialog fading in is half transparent: axe would measure its colours mid-way. Let finite
      // animations (not spinners) finish first.
      await page.waitForFunction(() =>
        (globalThis as unknown as { document: AnimatedDocument }).document
          .getAnimations()
          .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().iterations === Infinity),
      );
      const result = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
      const violations = result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(violations, `axe on ${what}`).toEqual([]);
    },
    signIn,
    signInAsStaff,
    async staffPage(user, path) {
      const c = await context();
      const page = await c.newPage();
      await page.goto(`${h.server.url}${path}`);
      await signInAsStaff(page, user);
      return { context: c, page };
    },
    async decideAsCaseworker(id) {
      expect(await h.drain()).toEqual(['needs-person']);
      const path = `/api/v1/municipalities/ekby/cases/${id}`;
      const view = await h.call('ekby-caseworker', 'GET', path);
      for (const f of (view.body.flags as { id: string; status: string }[]).filter((x) => x.status === 'open'))
        expect(
          (await h.call('ekby-caseworker', 'POST', `${path}/flags/${f.id}/acknowledge`, { note: 'Mötet hölls.' }))
            .status,
        ).toBe(200);
      const version = (view.body.calculations as { version: number }[]).at(-1)!.version;
      const decided = await h.call('ekby-caseworker', 'POST', `${path}/decision`, {
        outcome: 'bifall',
        calculationVersion: version,
      });
      expect(decided.status).toBe(200);
      await lettersAndPayments();
    },
    async runPipeline() {
      const outcomes = await h.drain();
      await lettersAndPayments();
      return outcomes;
    },
    async close() {
      await browser.close();
      await h.close();
    },
  };
}
