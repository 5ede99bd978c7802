/**
 * Letters end to end: a decision made by the pipeline gets its letter once its payment is
 * scheduled — HTML in the applicant's inbox and a PDF printed by Chromium with the fonts
 * embedded — rendered from the stored decision and receipt. The PDF's text, as a reader extracts
 * it, holds the amounts, the reasons and the appeal rights in every language (Arabic and Dari
 * right to left); the HTML has no accessibility violations; deliveries go out exactly once.
 */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LETTER_LANGUAGES, LOCALES } from '@tillit/letters';
import type { LetterLanguage } from '@tillit/letters';
import { FakeChannel } from '../src/letters/delivery.ts';
import { chromiumPdfRenderer, launchChromium } from '../src/letters/pdf.ts';
import { issuePendingLetters, sendPendingDeliveries } from '../src/letters/service.ts';
import type { LetterDeps } from '../src/letters/service.ts';
import { schedulePayments } from '../src/payments/service.ts';
import { compact, pdfFonts, pdfText } from './pdf-text.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
let letters: LetterDeps;
let browser: Browser;
const channels = {
  mailbox: new FakeChannel('digital-mailbox'),
  email: new FakeChannel('email'),
  sms: new FakeChannel('sms'),
};

beforeAll(async () => {
  h = await startHarness((find) => ({ clean: find(isCleanRenewal, 4) }));
  await h.confirm2026();
  letters = {
    db: h.server.store.db,
    municipalities: () => h.server.municipalities,
    pdf: chromiumPdfRenderer(),
    channels: Object.values(channels),
  };
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await letters?.pdf.close();
  await h?.close();
});

const own = (id: string, rest = '') => `/api/v1/municipalities/ekby/applications/${id}${rest}`;

async function fetchBytes(user: string, path: string): Promise<{ status: number; type: string; bytes: Buffer }> {
  const res = await fetch(`${h.server.url}${path}`, {
    headers: { authorization: `Bearer ${await h.server.tokenFor(user)}` },
  });
  return {
    status: res.status,
    type: res.headers.get('content-type') ?? '',
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

let decided: { id: string; letterId: string; payDate: string };

describe('the decision letter', () => {
  it('is issued once the payment is scheduled, in the inbox as HTML and as a PDF with the amounts, reasons and appeal', async () => {
    const id = await h.apply('clean', 0, 'renewal', 'letters-bifall');
    expect(await h.drain()).toEqual(['decided']);
    // The letter says when the money comes: it waits for the payment to be scheduled.
    expect(await issuePendingLetters(letters)).toBe(0);
    expect(await schedulePayments(h.server.store.db, h.server.municipalities)).toBe(1);
    expect(await issuePendingLetters(letters)).toBe(1);
    expect(await issuePendingLetters(letters)).toBe(0);

    const applicant = h.user('clean', 0);
    const list = await h.call(applicant, 'GET', own(id, '/letters'));
    expect(list.status).toBe(200);
    const [letter] = list.body.letters as { id: string; kind: string; title: string; readAt: string | null }[];
    expect(letter).toMatchObject({ kind: 'decision', title: 'Beslut: Du får ekonomiskt bistånd', readAt: null });
    const pay = await h.server.store.db
      .selectFrom('payment')
      .select((eb) => eb.fn<string>('to_char', [eb.ref('pay_on'), eb.val('YYYY-MM-DD')]).as('pay_on'))
      .executeTakeFirstOrThrow();
    decided = { id, letterId: letter!.id, payDate: pay.pay_on };

    const html = await fetchBytes(applicant, own(id, `/letters/${letter!.id}`));
    expect(html.type).toBe('text/html; charset=utf-8');
    expect(html.bytes.toString()).toContain('Du får 11\u00a0420\u00a0kr i försörjningsstöd för november 2026.');

    const pdf = await fetchBytes(applicant, own(id, `/letters/${letter!.id}?format=pdf`));
    expect(pdf.type).toBe('application/pdf');
    expect(pdf.bytes.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(pdf.bytes);
    expect(text).toContain('Du får 11 420 kr i försörjningsstöd för november 2026.');
    const [, mm, dd] = pay.pay_on.split('-').map(Number);
    expect(text).toContain(
      `senast ${dd} ${['', 'januari', 'februari', 'mars', 'april', 'maj', 'juni', 'juli', 'augusti', 'september', 'oktober', 'november', 'december'][mm!]} 2026`,
    );
    expect(text).toContain('Så har vi räknat');
    expect(text).toContain('Socialtjänstlag (2025:400)');
    expect(text).toContain('Beslutet är fattat automatiskt');
    expect(text).toContain('inom tre veckor');
    expect(text).toContain('förvaltningsrätten');
    expect(pdfFonts(pdf.bytes).every((f) => f.embedded)).toBe(true);
    expect(pdfFonts(pdf.bytes).map((f) => f.name.split('+')[1])).toContain('NotoSans-Regular');

    // Opened by the applicant: read.
    const again = await h.call(applicant, 'GET', own(id, '/letters'));
    expect((again.body.letters as { readAt: string | null }[])[0]!.readAt).not.toBeNull();
  });

  it('is delivered once to each channel; e-mail and SMS carry a notice, never the letter', async () => {
    expect(await sendPendingDeliveries(letters)).toBe(3);
    expect(await sendPendingDeliveries(letters)).toBe(0);
    expect(channels.mailbox.outbox).toHaveLength(1);
    expect(channels.mailbox.outbox[0]!.pdf?.length).toBeGreaterThan(1000);
    expect(channels.email.outbox[0]!.pdf).toBeUndefined();
    expect(channels.sms.outbox[0]).toMatchObject({ title: 'Beslut: Du får ekonomiskt bistånd' });
    const rows = await h.server.store.db
      .selectFrom('delivery')
      .select(['channel', 'status'])
      .orderBy('channel')
      .execute();
    expect(rows).toEqual([
      { channel: 'digital-mailbox', status: 'delivered' },
      { channel: 'email', status: 'delivered' },
      { channel: 'inbox', status: 'delivered' },
      { channel: 'sms', status: 'delivered' },
    ]);
  });

  it.each(LETTER_LANGUAGES.filter((l) => l !== 'sv'))(
    'in %s, rendered from the same decision: the PDF text says the Swedish version decides, the amount and how to appeal',
    async (lang: LetterLanguage) => {
      const applicant = h.user('clean', 0);
      const pdf = await fetchBytes(applicant, own(decided.id, `/letters/${decided.letterId}?format=pdf&lang=${lang}`));
      expect(pdf.status).toBe(200);
      const text = pdfText(pdf.bytes);
      const t = LOCALES[lang];
      // Right-to-left lines may come out of the extractor in another order when they wrap: there,
      // every word must be there, in logical (reading) order within the word.
      const has = (phrase: string) =>
        t.meta.dir === 'rtl'
          ? phrase.split(/\s+/).forEach((w) => expect(compact(text), w).toContain(compact(w)))
          : expect(compact(text)).toContain(compact(phrase));
      has(t.common.translationNotice);
      has(t.decision.title.bifall);
      has(t.reasons.heading);
      has(t.reasons.granted);
      has(t.automated.heading);
      has(t.appeal.heading);
      has(t.appeal.when);
      expect(compact(text).replace(/[,.]/g, '')).toContain('11420');
      expect(pdfFonts(pdf.bytes).every((f) => f.embedded)).toBe(true);
      // The same letter again is the stored one, byte for byte.
      const second = await fetchBytes(
        applicant,
        own(decided.id, `/letters/${decided.letterId}?format=pdf&lang=${lang}`),
      );
      expect(second.bytes.equals(pdf.bytes)).toBe(true);
    },
  );

  it('the HTML has no accessibility violations in any language; Arabic and Dari run right to left', async () => {
    const applicant = h.user('clean', 0);
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      for (const lang of LETTER_LANGUAGES) {
        const html = await fetchBytes(applicant, own(decided.id, `/letters/${decided.letterId}?lang=${lang}`));
        await page.setContent(html.bytes.toString('utf8'));
        expect(await page.locator('html').getAttribute('dir'), lang).toBe(
          lang === 'ar' || lang === 'prs' ? 'rtl' : 'ltr',
        );
        const result = await new AxeBuilder({ page })
          .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
          .analyze();
        expect(result.violations.map((v) => `${lang}: ${v.id}`)).toEqual([]);
      }
    } finally {
      await context.close();
    }
  });

  it('is for the applicant and the case’s staff only', async () => {
    const path = `/letters/${decided.letterId}`;
    expect((await fetchBytes(h.user('clean', 1), own(decided.id, path))).status).toBe(404);
    expect(
      (await fetchBytes('lovsala-caseworker', `/api/v1/municipalities/ekby/cases/${decided.id}${path}`)).status,
    ).toBe(404);
    expect((await fetchBytes('ekby-coach', `/api/v1/municipalities/ekby/cases/${decided.id}${path}`)).status).toBe(403);
    const staff = await fetchBytes(
      'ekby-caseworker',
      `/api/v1/municipalities/ekby/cases/${decided.id}${path}?format=pdf`,
    );
    expect(staff.status).toBe(200);
    const bad = await h.call(h.user('clean', 0), 'GET', own(decided.id, `${path}?lang=fr`), undefined, {
      'accept-language': 'en',
    });
    expect(bad.status).toBe(400);
    expect((bad.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['lang']);
  });
});

describe('letters a person causes', () => {
  it('a partial refusal decided by a caseworker names the person, the limited cost and the written reasons', async () => {
    const id = await h.apply('clean', 1, 'renewal', 'letters-delavslag', { rent: 8000 });
    expect(await h.drain()).toEqual(['needs-person']);
    const decided = await h.call('ekby-caseworker', 'POST', `/api/v1/municipalities/ekby/cases/${id}/decision`, {
      outcome: 'delavslag',
      calculationVersion: 1,
      statement: 'Hyran är högre än riktlinjen och du har inte angett särskilda skäl.',
    });
    expect(decided.status).toBe(200);
    await schedulePayments(h.server.store.db, h.server.municipalities);
    expect(await issuePendingLetters(letters)).toBe(1);
    const list = await h.call(h.user('clean', 1), 'GET', own(id, '/letters'));
    const letterId = (list.body.letters as { id: string }[])[0]!.id;
    const text = pdfText((await fetchBytes(h.user('clean', 1), own(id, `/letters/${letterId}?format=pdf`))).bytes);
    expect(text).toContain('Beslut: Du får en del av det du sökte');
    expect(text).toContain('Du får 12 420 kr');
    expect(text).toContain(
      'Boendekostnad: du sökte 8 000 kr. Kommunens riktlinje är 7 200 kr. Vi har räknat med 7 200 kr.',
    );
    expect(text).toContain('Hyran är högre än riktlinjen');
    expect(text).toContain('Beslutet är fattat av en handläggare: Erika Ek.');
    expect(text).not.toContain('fattat automatiskt');
  });

  it('a completion request becomes a letter with what is needed and by when', async () => {
    const id = await h.apply('clean', 2, 'new', 'letters-completion');
    expect(await h.drain()).toEqual(['needs-person']);
    const asked = await h.call(
      'ekby-caseworker',
      'POST',
      `/api/v1/municipalities/ekby/cases/${id}/completion-request`,
      {
        message: 'Skicka kontoutdrag för oktober.',
        items: ['Kontoutdrag oktober'],
        dueDate: '2099-01-15',
      },
    );
    expect(asked.status).toBe(201);
    expect(await issuePendingLetters(letters)).toBe(1);
    const list = await h.call(h.user('clean', 2), 'GET', own(id, '/letters'));
    const [letter] = list.body.letters as { id: string; kind: string }[];
    expect(letter!.kind).toBe('completion-request');
    const text = pdfText((await fetchBytes(h.user('clean', 2), own(id, `/letters/${letter!.id}?format=pdf`))).bytes);
    expect(text).toContain('Vi behöver mer information');
    expect(text).toContain('Kontoutdrag oktober');
    expect(text).toContain('senast 15 januari 2099');
  });

  it('kommunicering before an adverse decision: once per key, a letter with the plan, the reasons and the deadline', async () => {
    const id = await h.apply('clean', 3, 'renewal', 'letters-kommunicering', { rent: 8000 });
    expect(await h.drain()).toEqual(['needs-person']);
    const path = `/api/v1/municipalities/ekby/cases/${id}/kommunicering`;
    const body = {
      plannedOutcome: 'delavslag',
      reasons: 'Hyran är högre än kommunens riktlinje för en person.',
      dueDate: '2099-02-01',
    };
    const first = await h.call('ekby-caseworker', 'POST', path, body, { 'idempotency-key': 'kommunicering-0001' });
    expect(first.status).toBe(201);
    const again = await h.call('ekby-caseworker', 'POST', path, body, { 'idempotency-key': 'kommunicering-0001' });
    expect(again.body).toEqual(first.body);
    const past = await h.call(
      'ekby-caseworker',
      'POST',
      path,
      { ...body, dueDate: '2020-01-01' },
      {
        'idempotency-key': 'kommunicering-0002',
        'accept-language': 'en',
      },
    );
    expect((past.body.errors as { field: string }[]).map((e) => e.field)).toEqual(['dueDate']);
    expect(
      (await h.call('lovsala-caseworker', 'POST', path, body, { 'idempotency-key': 'kommunicering-0003' })).status,
    ).toBe(404);
    expect(await issuePendingLetters(letters)).toBe(1);
    const list = await h.call(h.user('clean', 3), 'GET', own(id, '/letters'));
    const [letter] = list.body.letters as { id: string; kind: string }[];
    expect(letter!.kind).toBe('kommunicering');
    const text = pdfText((await fetchBytes(h.user('clean', 3), own(id, `/letters/${letter!.id}?format=pdf`))).bytes);
    expect(text).toContain('Innan vi beslutar: säg vad du tycker');
    expect(text).toContain('Du får 12 420 kr i försörjningsstöd för november 2026.');
    expect(text).toContain('Hyran är högre än kommunens riktlinje');
    expect(text).toContain('senast 1 februari 2099');
    expect(text).toContain('25 § förvaltningslagen (2017:900)');
    expect((await h.state(id)).status).toBe('needs-person');
  });
});
