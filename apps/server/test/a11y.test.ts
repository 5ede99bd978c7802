/**
 * Accessibility of the public pages, checked as a person's browser sees them: the real server on a
 * loopback port, Debian's headless Chromium driven by playwright-core, and axe-core for WCAG 2.2 AA.
 * Besides axe: the page language, the skip link with the keyboard, and reflow at 320 CSS pixels
 * (WCAG 1.4.10; wide tables scroll inside their own region, which the criterion allows).
 *
 * Needs Chromium: `apt-get install -y chromium` (or CHROMIUM_PATH pointing at a Chromium binary).
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../src/letters/pdf.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

const TIMEOUT = 60_000;
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const NBSP = '\u00a0';

const PAGES = [
  { path: '/om-tillit', lang: 'sv' },
  { path: '/om-tillit?lang=en', lang: 'en' },
  { path: '/sa-raknar-vi', lang: 'sv' },
  { path: '/sa-raknar-vi?lang=en', lang: 'en' },
  { path: '/problems/invalid-input', lang: 'sv' },
] as const;

let server: Running;
let browser: Browser;

beforeAll(async () => {
  server = await startServer();
  browser = await launchChromium();
}, TIMEOUT);

afterAll(async () => {
  await browser?.close();
  await server?.app.close();
}, TIMEOUT);

/** Opens `path` in a fresh browser context (no shared focus, storage or viewport between checks). */
async function open<T>(path: string, fn: (page: Page) => Promise<T>, viewport = { width: 1280, height: 800 }) {
  const context = await browser.newContext({ viewport });
  try {
    const page = await context.newPage();
    const response = await page.goto(server.url + path);
    expect(response?.status(), `GET ${path}`).toBe(200);
    return await fn(page);
  } finally {
    await context.close();
  }
}

/** What the focused element is, told in words a failing assertion can show. */
function focused(page: Page): Promise<string> {
  return page.evaluate<string>(
    `(() => { const e = document.activeElement; return e ? e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : '') : 'none'; })()`,
  );
}

describe.each(PAGES)('$path', ({ path, lang }) => {
  it(
    'has no axe violations (WCAG 2.2 A and AA)',
    () =>
      open(path, async (page) => {
        const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
        const report = results.violations
          .map(
            (v) =>
              `${v.id} (${v.impact ?? 'unknown'}): ${v.help}\n  ${v.helpUrl}\n` +
              v.nodes.map((n) => `  - ${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('\n'),
          )
          .join('\n');
        expect(results.violations, `axe violations on ${path}:\n${report}`).toEqual([]);
      }),
    TIMEOUT,
  );

  it(
    `declares its language as ${lang}`,
    () =>
      open(path, async (page) => {
        expect(await page.locator('html').getAttribute('lang')).toBe(lang);
      }),
    TIMEOUT,
  );

  it(
    'focuses the skip link on the first Tab, and the skip link moves focus to main',
    () =>
      open(path, async (page) => {
        await page.keyboard.press('Tab');
        expect(await focused(page)).toBe('a.skip');
        await page.keyboard.press('Enter');
        expect(await focused(page)).toBe('main#main');
      }),
    TIMEOUT,
  );

  it(
    'reflows at 320 CSS pixels without a horizontal scrollbar on the page',
    () =>
      open(
        path,
        async (page) => {
          const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
          expect(scrollWidth, `document scrollWidth at a 320 px viewport on ${path}`).toBeLessThanOrEqual(320);
        },
        { width: 320, height: 640 },
      ),
    TIMEOUT,
  );
});

describe('the rule-book page', () => {
  it(
    'shows the 2026 amount for a single adult, marked as derived',
    () =>
      open('/sa-raknar-vi', async (page) => {
        const table = page.locator('table', {
          has: page.locator('code', { hasText: 'riksnorm.personal.adult.single' }),
        });
        const headers = await table.locator('thead th').allTextContents();
        const column = headers.indexOf('2026');
        expect(column, `columns: ${headers.join(' | ')}`).toBeGreaterThan(0);
        const row = table.locator('tbody tr', {
          has: page.getByText('riksnorm.personal.adult.single', { exact: true }),
        });
        await expect(row.count()).resolves.toBe(1);
        // The row header is the first cell; the period columns follow it.
        const cell = await row
          .locator('td')
          .nth(column - 1)
          .textContent();
        expect(cell).toContain(`3${NBSP}940${NBSP}kr`);
        expect(cell).toContain('Framräknad');
      }),
    TIMEOUT,
  );
});
