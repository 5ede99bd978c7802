/**
 * Letters to the applicant, rendered as accessible HTML from stored facts: a decision and its
 * receipt (never recalculated), a request to complete an application, the notice before an
 * adverse decision (kommunicering) and the document request of a sample check (stickprov).
 * Pure: the same facts and language always give the same HTML.
 */
import type { Line, Receipt } from '@tillit/rules';
import { languageInfo, translator } from './languages.ts';
import type { LetterLanguage } from './languages.ts';

export type Outcome = 'bifall' | 'delavslag' | 'avslag' | 'avvisning';

/** Who the letter is from and how to reach them. */
export interface Sender {
  readonly municipality: string;
  readonly phone: string;
  readonly email: string;
  readonly postalAddress: string;
}

interface Common {
  readonly sender: Sender;
  /** The case reference shown on the letter (never an identity number). */
  readonly reference: string;
  /** The letter's date, YYYY-MM-DD. */
  readonly date: string;
  /** The application month, YYYY-MM. */
  readonly month: string;
}

export interface DecisionLetterFacts extends Common {
  readonly kind: 'decision';
  readonly outcome: Outcome;
  /** What is paid, in öre. */
  readonly amountOre: number;
  /** When the money is paid, YYYY-MM-DD; null when nothing is paid. */
  readonly payDate: string | null;
  readonly automated: boolean;
  /** The deciding person's name, for a decision by a person. */
  readonly decidedBy: string | null;
  /** The deciding person's written reasons, as written (in Swedish). */
  readonly statement: string | null;
  readonly receipt: Receipt;
}

export interface CompletionLetterFacts extends Common {
  readonly kind: 'completion-request';
  readonly items: readonly string[];
  readonly message: string;
  readonly dueDate: string;
}

export interface KommuniceringLetterFacts extends Common {
  readonly kind: 'kommunicering';
  readonly plannedOutcome: Outcome;
  readonly amountOre: number;
  readonly reasons: string;
  readonly dueDate: string;
}

export interface SampleCheckLetterFacts extends Common {
  readonly kind: 'sample-check';
  readonly documents: readonly string[];
  readonly dueDate: string;
}

export type LetterFacts =
  DecisionLetterFacts | CompletionLetterFacts | KommuniceringLetterFacts | SampleCheckLetterFacts;
export type LetterKind = LetterFacts['kind'];

export interface RenderOptions {
  /** CSS put first in the document, e.g. @font-face rules with embedded fonts for a PDF. */
  readonly fontCss?: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Money in the letter's language, always with Latin digits so that amounts read the same everywhere. */
function money(ore: number, intl: string): string {
  return new Intl.NumberFormat(intl, {
    style: 'currency',
    currency: 'SEK',
    numberingSystem: 'latn',
    minimumFractionDigits: ore % 100 === 0 ? 0 : 2,
    maximumFractionDigits: 2,
  }).format(ore / 100);
}

function longDate(iso: string, intl: string): string {
  return new Intl.DateTimeFormat(intl, {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    numberingSystem: 'latn',
    calendar: 'gregory',
    timeZone: 'UTC',
  }).format(new Date(`${iso}T12:00:00Z`));
}

function monthName(month: string, intl: string): string {
  return new Intl.DateTimeFormat(intl, {
    month: 'long',
    year: 'numeric',
    numberingSystem: 'latn',
    calendar: 'gregory',
    timeZone: 'UTC',
  }).format(new Date(`${month}-15T12:00:00Z`));
}

function reference(line: Line): string {
  return line.references.map((r) => (r.known ? `${r.act}, ${r.provision}` : `${r.act}`)).join('; ');
}

const SECTIONS = ['norm', 'costs', 'income'] as const;

function itemLabel(t: ReturnType<typeof translator>, line: Line): string {
  if (!line.item) return '';
  const group = line.section === 'income' ? 'income' : 'cost';
  return t(`item.${group}.${line.item}`, { defaultValue: line.item });
}

/** The "Så har vi räknat" table from the receipt: every line, its legal basis, and the totals. */
function calculationTable(facts: DecisionLetterFacts, lang: LetterLanguage): string {
  const t = translator(lang);
  const { intl } = languageInfo(lang);
  const { lines, totals } = facts.receipt;
  const rows: string[] = [];
  for (const section of SECTIONS) {
    const inSection = lines.filter((l) => l.section === section);
    if (inSection.length === 0) continue;
    rows.push(`<tr class="section"><th scope="rowgroup" colspan="3">${t(`calc.section.${section}`)}</th></tr>`);
    for (const l of inSection) {
      const item = itemLabel(t, l);
      const label = `${t(`calc.rule.${l.rule}`)}${item ? `: ${item}` : ''}`;
      const notes = l.flags.map((f) => t(`calc.flag.${f}`));
      // The rule book explains every line in Swedish and English; other languages get the labels.
      const explanation = lang === 'sv' || lang === 'en' ? l.text[lang] : '';
      const detail = [explanation, ...notes].filter(Boolean).map(escapeHtml).join(' ');
      const amount = section === 'income' ? -l.amountOre : l.amountOre;
      rows.push(
        `<tr><th scope="row">${escapeHtml(label)}${detail ? `<span class="detail">${detail}</span>` : ''}</th>` +
          `<td class="num">${money(amount, intl)}</td><td class="law">${escapeHtml(reference(l))}</td></tr>`,
      );
    }
  }
  const total = (key: string, ore: number, strong = false) =>
    `<tr class="total"><th scope="row">${strong ? '<strong>' : ''}${t(`calc.total.${key}`)}${strong ? '</strong>' : ''}</th>` +
    `<td class="num">${strong ? '<strong>' : ''}${money(ore, intl)}${strong ? '</strong>' : ''}</td><td></td></tr>`;
  const result = lines.find((l) => l.rule === 'result.amount');
  rows.push(total('need', totals.norm + totals.costs));
  rows.push(total('income', -totals.income));
  if (totals.surplus > 0) rows.push(total('surplus', totals.surplus));
  rows.push(total('amount', totals.amount, true));
  return `<section aria-labelledby="calc-heading">
<h2 id="calc-heading">${t('calc.heading')}</h2>
<table>
<caption>${t('calc.caption', { month: monthName(facts.month, intl) })}</caption>
<thead><tr><th scope="col">${t('calc.what')}</th><th scope="col" class="num">${t('calc.amount')}</th><th scope="col">${t('calc.law')}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table>
${result ? `<p class="law-basis">${t('decision.legalBasis', { law: reference(result) })}</p>` : ''}
</section>`;
}

/** The reasons, in plain words, with what would change them. */
function reasons(facts: DecisionLetterFacts, lang: LetterLanguage): string {
  const t = translator(lang);
  const { intl } = languageInfo(lang);
  const parts: string[] = [];
  if (facts.outcome === 'bifall') parts.push(`<p>${t('reasons.granted')}</p>`);
  const capped = facts.receipt.lines.filter((l) => l.flags.includes('capped'));
  for (const l of capped) {
    const applied = Math.round(Number(l.inputs.applied ?? 0) * 100);
    parts.push(
      `<p>${t('reasons.capped', {
        item: itemLabel(t, l),
        applied: money(applied, intl),
        cap: money(l.amountOre, intl),
      })}</p>`,
    );
  }
  if (capped.length > 0) parts.push(`<p>${t('reasons.cappedChange')}</p>`);
  if (facts.receipt.totals.surplus > 0 && facts.outcome === 'avslag') {
    parts.push(`<p>${t('reasons.surplus', { surplus: money(facts.receipt.totals.surplus, intl) })}</p>`);
    parts.push(`<p>${t('reasons.surplusChange')}</p>`);
  }
  if (facts.statement) {
    parts.push(`<h3>${t('reasons.person')}</h3>`);
    parts.push(`<blockquote lang="sv" dir="ltr"><p>${escapeHtml(facts.statement)}</p></blockquote>`);
  }
  return `<section aria-labelledby="reasons-heading"><h2 id="reasons-heading">${t('reasons.heading')}</h2>\n${parts.join('\n')}</section>`;
}

function appeal(facts: Common, lang: LetterLanguage): string {
  const t = translator(lang);
  return `<section aria-labelledby="appeal-heading">
<h2 id="appeal-heading">${t('appeal.heading')}</h2>
<p>${t('appeal.when')}</p>
<p>${t('appeal.how', { municipality: facts.sender.municipality })}</p>
<p>${t('appeal.next')}</p>
</section>`;
}

function contact(facts: Common, lang: LetterLanguage): string {
  const t = translator(lang);
  const s = facts.sender;
  return `<section aria-labelledby="contact-heading">
<h2 id="contact-heading">${t('contact.heading')}</h2>
<p>${t('contact.text', { phone: s.phone, email: s.email, address: s.postalAddress })}</p>
</section>`;
}

function list(items: readonly string[]): string {
  return `<ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

function body(facts: LetterFacts, lang: LetterLanguage): { title: string; html: string } {
  const t = translator(lang);
  const { intl } = languageInfo(lang);
  const month = monthName(facts.month, intl);
  switch (facts.kind) {
    case 'decision': {
      const title = t(`decision.title.${facts.outcome}`);
      const summary = t(`decision.summary.${facts.outcome}`, { amount: money(facts.amountOre, intl), month });
      const pay =
        facts.payDate && facts.amountOre > 0
          ? `<p>${t('decision.payday', { date: longDate(facts.payDate, intl) })}</p>`
          : '';
      const who = facts.automated
        ? `<section aria-labelledby="automated-heading"><h2 id="automated-heading">${t('automated.heading')}</h2><p>${t('automated.text')}</p></section>`
        : facts.decidedBy
          ? `<p>${t('person.decidedBy', { name: facts.decidedBy })}</p>`
          : '';
      return {
        title,
        html: [
          `<p class="summary">${summary}</p>`,
          pay,
          reasons(facts, lang),
          // A dismissal does not examine the need: no calculation to show.
          facts.outcome === 'avvisning' ? '' : calculationTable(facts, lang),
          who,
          appeal(facts, lang),
          contact(facts, lang),
        ].join('\n'),
      };
    }
    case 'completion-request':
      return {
        title: t('completion.title'),
        html: [
          `<p>${t('completion.intro', { month })}</p>`,
          `<h2>${t('completion.items')}</h2>`,
          list(facts.items),
          `<h2>${t('completion.message')}</h2>`,
          `<blockquote lang="sv" dir="ltr"><p>${escapeHtml(facts.message)}</p></blockquote>`,
          `<p>${t('completion.due', { date: longDate(facts.dueDate, intl) })}</p>`,
          `<p>${t('completion.consequence')}</p>`,
          contact(facts, lang),
        ].join('\n'),
      };
    case 'kommunicering':
      return {
        title: t('kommunicering.title'),
        html: [
          `<p>${t('kommunicering.intro')}</p>`,
          `<h2>${t('kommunicering.planned')}</h2>`,
          `<p>${t(`decision.summary.${facts.plannedOutcome}`, { amount: money(facts.amountOre, intl), month })}</p>`,
          `<h2>${t('kommunicering.reasons')}</h2>`,
          `<blockquote lang="sv" dir="ltr"><p>${escapeHtml(facts.reasons)}</p></blockquote>`,
          `<p>${t('kommunicering.due', { date: longDate(facts.dueDate, intl) })}</p>`,
          `<p>${t('kommunicering.law')}</p>`,
          contact(facts, lang),
        ].join('\n'),
      };
    case 'sample-check':
      return {
        title: t('sampleCheck.title'),
        html: [
          `<p>${t('sampleCheck.intro', { month })}</p>`,
          `<h2>${t('sampleCheck.documents')}</h2>`,
          list(facts.documents),
          `<p>${t('sampleCheck.due', { date: longDate(facts.dueDate, intl) })}</p>`,
          `<p>${t('sampleCheck.consequence')}</p>`,
          contact(facts, lang),
        ].join('\n'),
      };
  }
}

const STYLE = `
:root { color: #1a1a1a; background: #fff; }
body { font-family: 'Noto Sans', 'Noto Sans Arabic', 'Noto Sans Ethiopic', 'DejaVu Sans', sans-serif;
  font-size: 11pt; line-height: 1.5; max-width: 46rem; margin: 0 auto; padding: 1.5rem; }
header { border-bottom: 2px solid #1a1a1a; margin-bottom: 1.5rem; padding-bottom: .5rem; }
header p { margin: .1rem 0; }
h1 { font-size: 1.5rem; margin: 1rem 0; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .5rem; }
h3 { font-size: 1rem; margin: 1rem 0 .25rem; }
.summary { font-size: 1.15rem; font-weight: bold; }
.notice { border: 2px solid #1a1a1a; padding: .5rem .75rem; font-weight: bold; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
caption { text-align: start; font-weight: bold; padding: .25rem 0; }
th, td { text-align: start; vertical-align: top; padding: .3rem .4rem; border-bottom: 1px solid #767676; }
thead th { border-bottom: 2px solid #1a1a1a; }
tr.section th { background: #f0f0f0; }
td.num { text-align: end; white-space: nowrap; unicode-bidi: isolate; }
td.law, .law-basis { font-size: .9rem; }
.detail { display: block; font-weight: normal; font-size: .9rem; }
tr.total th { font-weight: normal; }
blockquote { margin: .5rem 0; padding: .25rem .75rem; border-inline-start: 4px solid #767676; }
dl { display: grid; grid-template-columns: max-content auto; gap: .1rem 1rem; margin: 0; }
dt { font-weight: bold; } dd { margin: 0; }
@page { size: A4; margin: 18mm 16mm; }
`;

/** The letter's title (its heading) in the language. */
export function letterTitle(facts: LetterFacts, lang: LetterLanguage): string {
  return body(facts, lang).title;
}

/** The letter as a complete, accessible HTML document in the language. */
export function renderLetterHtml(facts: LetterFacts, lang: LetterLanguage, options: RenderOptions = {}): string {
  const t = translator(lang);
  const info = languageInfo(lang);
  const { title, html } = body(facts, lang);
  const notice = lang === 'sv' ? '' : `<p class="notice" role="note">${t('common.translationNotice')}</p>`;
  return `<!doctype html>
<html lang="${lang === 'prs' ? 'prs' : lang}" dir="${info.dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} – ${escapeHtml(facts.sender.municipality)}</title>
<style>${options.fontCss ?? ''}${STYLE}</style>
</head>
<body>
<header>
<p><strong>${t('common.letterFrom', { municipality: facts.sender.municipality })}</strong></p>
<dl>
<dt>${t('common.date')}</dt><dd>${longDate(facts.date, info.intl)}</dd>
<dt>${t('common.month')}</dt><dd>${monthName(facts.month, info.intl)}</dd>
<dt>${t('common.caseNumber')}</dt><dd dir="ltr">${escapeHtml(facts.reference)}</dd>
</dl>
</header>
<main>
<h1>${title}</h1>
${notice}
${html}
</main>
</body>
</html>
`;
}
