/**
 * The letters from real calculations: every language has every text, the decision letter states
 * the amounts, reasons and appeal rights, translations say that the Swedish version decides,
 * Arabic and Dari run right to left, and nothing from the input escapes as HTML.
 */
import { describe, expect, it } from 'vitest';
import { calculate, compileGuidelines, parseCalculationInput } from '@tillit/rules';
import { loadRuleBook } from '@tillit/rules/node';
import { LETTER_LANGUAGES, LOCALES, languageInfo, renderLetterHtml } from '../src/index.ts';
import type { DecisionLetterFacts, LetterLanguage } from '../src/index.ts';

const rulebook = loadRuleBook();
const sender = {
  municipality: 'Ekby kommun',
  phone: '0123-45 67 00',
  email: 'ekonomisktbistand@ekby.example',
  postalAddress: 'Box 1, 999 01 Ekby',
};

function decision(rent: number, salary = 0): DecisionLetterFacts {
  const parsed = parseCalculationInput({
    month: '2026-11',
    household: { adults: [{ id: 'a0', birthDate: '1985-03-14' }], children: [] },
    costs: [{ type: 'rent', amount: rent }],
    incomes: salary ? [{ type: 'salary', person: 'a0', amount: salary }] : [],
  });
  if (!parsed.ok) throw new Error('bad input');
  const guidelines = compileGuidelines(rulebook, [
    {
      from: '2026-01-01',
      decision: { act: 'Socialnämnden i Ekby 2025-11-18 § 98', url: 'https://example.org/ekby' },
      values: { 'guideline.rent.max.1': 720000 },
    },
  ]);
  const result = calculate(rulebook, parsed.input, { guidelines });
  const amountOre = result.receipt.totals.amount;
  return {
    kind: 'decision',
    sender,
    reference: 'EKB-2026-0001',
    date: '2026-11-23',
    month: '2026-11',
    outcome: amountOre === 0 ? 'avslag' : rent > 7200 ? 'delavslag' : 'bifall',
    amountOre,
    payDate: amountOre > 0 ? '2026-11-25' : null,
    automated: true,
    decidedBy: null,
    statement: null,
    receipt: result.receipt,
  };
}

/** Every key path of a nested object (keys themselves may hold dots, e.g. rule ids). */
function keys(o: unknown, prefix: readonly string[] = []): (readonly string[])[] {
  if (typeof o !== 'object' || o === null) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => keys(v, [...prefix, k]));
}
const at = (o: unknown, path: readonly string[]) =>
  path.reduce<unknown>((x, p) => (x as Record<string, unknown>)[p], o);

const text = (html: string) =>
  html
    .replace(/<style>[\s\S]*?<\/style>/, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('translations', () => {
  it('every language has every text of the Swedish original, none empty but the original’s notice', () => {
    const original = keys(LOCALES.sv)
      .map((k) => k.join(' > '))
      .sort();
    for (const lang of LETTER_LANGUAGES) {
      expect(
        keys(LOCALES[lang])
          .map((k) => k.join(' > '))
          .sort(),
        lang,
      ).toEqual(original);
      for (const path of keys(LOCALES.sv)) {
        const k = path.join('.');
        if (k === 'meta.reviewed') continue;
        if (lang === 'sv' && k === 'common.translationNotice') continue;
        expect(String(at(LOCALES[lang], path)).length, `${lang} ${k}`).toBeGreaterThan(0);
      }
    }
  });

  it('runs Arabic and Dari right to left, the others left to right', () => {
    const rtl = LETTER_LANGUAGES.filter((l) => languageInfo(l).dir === 'rtl');
    expect(rtl).toEqual(['ar', 'prs']);
  });
});

describe('the decision letter', () => {
  it('grants in plain Swedish: amount, payday, the calculation with legal references, automation, appeal', () => {
    const html = renderLetterHtml(decision(6200), 'sv');
    const t = text(html);
    expect(html).toContain('<html lang="sv" dir="ltr">');
    // 2026, one adult: 3 940 + 1 280 = 5 220; rent 6 200.
    expect(t).toContain('Du får 11 420 kr i försörjningsstöd för november 2026.');
    expect(t).toContain('Pengarna kommer till ditt konto senast 25 november 2026.');
    expect(t).toContain('Så har vi räknat');
    expect(t).toMatch(/Boendekostnad.*6 200 kr/);
    expect(t).toContain('Socialtjänstlag (2025:400)');
    expect(t).toContain('Beslutet är fattat automatiskt');
    expect(t).toContain('rätt att få beslutet prövat av en handläggare');
    expect(t).toContain('inom tre veckor');
    expect(t).toContain('förvaltningsrätten');
    expect(t).toContain('0123-45 67 00');
    expect(t).not.toContain('Swedish version');
  });

  it('a partial refusal says what was limited, why, and what would change it', () => {
    const t = text(renderLetterHtml(decision(8000), 'sv'));
    expect(t).toContain('Du får 12 420 kr i försörjningsstöd');
    expect(t).toContain(
      'Boendekostnad: du sökte 8 000 kr. Kommunens riktlinje är 7 200 kr. Vi har räknat med 7 200 kr.',
    );
    expect(t).toContain('Om du har särskilda skäl till den högre kostnaden');
  });

  it('a refusal at a surplus gives the surplus and what would change it', () => {
    const t = text(renderLetterHtml(decision(6200, 20000), 'sv'));
    expect(t).toContain('Du får inte försörjningsstöd för november 2026.');
    expect(t).toMatch(/Era inkomster är 8 580 kr högre/);
    expect(t).toContain('Om era inkomster blir lägre');
  });

  it.each(LETTER_LANGUAGES.filter((l) => l !== 'sv'))(
    'in %s: translated, says that the Swedish version decides, amounts in Latin digits',
    (lang: LetterLanguage) => {
      const html = renderLetterHtml(decision(8000), lang);
      const info = languageInfo(lang);
      expect(html).toContain(`dir="${info.dir}"`);
      const t = text(html);
      expect(t).toContain(LOCALES[lang].common.translationNotice);
      expect(t).toContain(LOCALES[lang].appeal.heading);
      expect(t).toContain(LOCALES[lang].decision.title.delavslag);
      expect(t).toContain(LOCALES[lang].item.cost.rent);
      const digits = t.replace(/[\s\u00a0\u202f,.]/g, '');
      for (const n of ['12420', '8000', '7200']) expect(digits, `${lang} ${n}`).toContain(n);
      expect(t).toContain('Socialtjänstlag (2025:400)');
    },
  );

  it('a dismissal by a person gives the written reasons and the appeal', () => {
    const t = text(
      renderLetterHtml(
        {
          ...decision(6200),
          outcome: 'avvisning',
          amountOre: 0,
          payDate: null,
          automated: false,
          decidedBy: 'Erika Ek',
          statement: 'Du är inte folkbokförd i Ekby och vistas inte här; ansökan ska göras i din hemkommun.',
        },
        'sv',
      ),
    );
    expect(t).toContain('Beslut: Vi prövar inte din ansökan');
    expect(t).toContain('Vi har inte prövat din ansökan för november 2026.');
    expect(t).toContain('ansökan ska göras i din hemkommun');
    expect(t).toContain('Beslutet är fattat av en handläggare: Erika Ek.');
    expect(t).not.toContain('Pengarna kommer');
    expect(t).not.toContain('Så har vi räknat');
    expect(t).toContain('inom tre veckor');
  });

  it('escapes what a person wrote and keeps it in Swedish, marked as such', () => {
    const facts = {
      ...decision(6200),
      automated: false,
      decidedBy: 'Erika Ek <script>',
      statement: 'Hyran <b>godtas</b> & mer.',
    };
    const html = renderLetterHtml(facts, 'ar');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>godtas</b>');
    expect(html).toContain(
      '<blockquote lang="sv" dir="ltr"><p>Hyran &lt;b&gt;godtas&lt;/b&gt; &amp; mer.</p></blockquote>',
    );
    expect(html).toContain('Erika Ek &lt;script&gt;');
  });
});

describe('notices', () => {
  const common = { sender, reference: 'EKB-2026-0002', date: '2026-11-23', month: '2026-11' };
  it('the completion request lists what is needed and by when', () => {
    const t = text(
      renderLetterHtml(
        {
          ...common,
          kind: 'completion-request',
          items: ['Hyresavtal'],
          message: 'Skicka avtalet.',
          dueDate: '2026-12-07',
        },
        'sv',
      ),
    );
    expect(t).toContain('Vi behöver mer information');
    expect(t).toContain('Hyresavtal');
    expect(t).toContain('senast 7 december 2026');
  });
  it('kommunicering states the planned decision, reasons, deadline and the law', () => {
    const t = text(
      renderLetterHtml(
        {
          ...common,
          kind: 'kommunicering',
          plannedOutcome: 'avslag',
          amountOre: 0,
          reasons: 'Du har tillgångar.',
          dueDate: '2026-12-01',
        },
        'en',
      ),
    );
    expect(t).toContain('Before we decide: tell us what you think');
    expect(t).toContain('Du har tillgångar.');
    expect(t).toContain('2017:900');
  });
  it('the sample-check request says it is random, not suspicion, and what to send', () => {
    const t = text(
      renderLetterHtml(
        { ...common, kind: 'sample-check', documents: ['Kontoutdrag oktober'], dueDate: '2026-12-14' },
        'sv',
      ),
    );
    expect(t).toContain('stickprovskontroll');
    expect(t).toContain('inte att vi misstänker');
    expect(t).toContain('Kontoutdrag oktober');
  });
});
