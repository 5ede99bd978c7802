/**
 * Server-rendered public pages: the landing page and "Så räknar vi", the rule book generated
 * from its data (every parameter with its values over time, source and status; every rule with
 * its legal references). Plain HTML, no JavaScript, accessible by construction.
 */
import { formatEn, formatSv } from '@tillit/rules';
import type { Lang, ParameterDefinition, ParameterValue, RuleBook, VerificationStatus } from '@tillit/rules';
import { PROBLEM_TYPES } from './problems.ts';
import type { ProblemType } from './problems.ts';

export function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const CSS = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #4a4a4a; --line: #c6c6c6; --accent: #00347d; --bg-soft: #f2f4f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 1.0625rem/1.55 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem 1rem; }
.skip:focus { left: .5rem; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 1rem 1.25rem; }
header { border-bottom: 1px solid var(--line); display: flex; justify-content: space-between; align-items: center; gap: 1rem; flex-wrap: wrap; }
header .brand { font-weight: 700; font-size: 1.25rem; color: var(--ink); text-decoration: none; }
a { color: var(--accent); }
a:focus-visible, summary:focus-visible { outline: 3px solid #d4351c; outline-offset: 2px; }
h1 { font-size: 2rem; line-height: 1.2; margin: 1.5rem 0 .75rem; }
h2 { font-size: 1.5rem; margin: 2.25rem 0 .75rem; }
h3 { font-size: 1.2rem; margin: 1.5rem 0 .5rem; }
.lead { font-size: 1.2rem; max-width: 48rem; }
.muted { color: var(--muted); }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 4px; margin: .75rem 0 1.25rem; }
.table-wrap:focus-visible { outline: 3px solid #d4351c; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: .5rem .75rem; background: var(--bg-soft); }
th, td { padding: .4rem .75rem; border-top: 1px solid var(--line); text-align: left; vertical-align: top; }
td.num { text-align: right; white-space: nowrap; }
.status { display: inline-block; font-size: .8rem; padding: 0 .35rem; border: 1px solid currentColor; border-radius: 3px; margin-left: .35rem; }
.status-verified { color: #005a2b; }
.status-secondary { color: #7a4a00; }
.status-derived { color: #8a1c1c; }
dl.legend dt { font-weight: 600; margin-top: .5rem; }
dl.legend dd { margin-left: 0; }
.rule { border-left: 4px solid var(--accent); padding: .25rem 0 .25rem 1rem; margin: 1.25rem 0; }
code { background: var(--bg-soft); padding: 0 .25rem; border-radius: 3px; word-break: break-all; }
footer { border-top: 1px solid var(--line); margin-top: 3rem; color: var(--muted); }
`;

const T = {
  sv: {
    skip: 'Hoppa till innehållet',
    other: { href: '?lang=en', label: 'English', lang: 'en' },
    rulebookTitle: 'Så räknar vi',
    rulebookLead:
      'Här finns alla regler och belopp som Tillit använder när försörjningsstöd räknas ut. Sidan skapas direkt från regelboken, så den visar alltid exakt det som används.',
    version: 'Regelbokens version',
    hash: 'Kontrollsumma (SHA-256)',
    engine: 'Beräkningsmotorns version',
    statusTitle: 'Hur säkra är beloppen?',
    status: {
      verified: ['Kontrollerad', 'Kontrollerad mot den officiella författningstexten.'],
      secondary: [
        'Sekundär källa',
        'Hämtad från en kommuns eller myndighets publicerade tabell, inte ännu kontrollerad mot författningen.',
      ],
      derived: [
        'Framräknad',
        'Räknad fram med en beskriven metod. Ska ersättas med det officiella beloppet; innan dess fattas inga automatiska beslut på den.',
      ],
    } as Record<VerificationStatus, [string, string]>,
    rounding: 'Avrundning',
    riksnorm: 'Riksnormen',
    riksnormLead:
      'Riksnormen är personliga kostnader för varje person i hushållet plus hushållsgemensamma kostnader efter hushållets storlek. Beloppen gäller per månad. Ett tomt fält betyder att regelboken saknar beloppet för den perioden; då räknar Tillit inte alls i stället för att gissa.',
    parameter: 'Post',
    other2: 'Övriga belopp',
    sources: 'Källor',
    method: 'Metod',
    guidelines: 'Kommunernas riktlinjer',
    guidelinesLead:
      'Skäliga kostnader för till exempel boende bestäms av varje kommun. De här beloppen sätter kommunen själv; en kostnad över riktlinjen godtas upp till riktlinjen, och utan riktlinje bedömer en handläggare kostnaden.',
    rules: 'Reglerna',
    from: 'Från',
    until: 'till',
    onwards: 'och framåt',
    unknown: 'Exakt paragraf saknas',
    api: 'Samma uppgifter som data',
    notSet: 'saknas',
    landingTitle: 'Tillit – ekonomiskt bistånd',
    landingLead:
      'Tillit är öppen programvara för ekonomiskt bistånd. Den räknar ut försörjningsstöd enligt en öppen regelbok och förklarar varje krona.',
    links: [
      ['/sa-raknar-vi', 'Så räknar vi – regelboken'],
      ['/api/openapi.json', 'API-beskrivning (OpenAPI 3.1)'],
      ['/api/v1/rulebook', 'Regelboken som JSON'],
    ],
    yearLabel: 'Period',
  },
  en: {
    skip: 'Skip to content',
    other: { href: '?lang=sv', label: 'Svenska', lang: 'sv' },
    rulebookTitle: 'How we calculate',
    rulebookLead:
      'These are all the rules and amounts Tillit uses to calculate försörjningsstöd. The page is generated straight from the rule book, so it always shows exactly what is used.',
    version: 'Rule book version',
    hash: 'Checksum (SHA-256)',
    engine: 'Engine version',
    statusTitle: 'How certain are the amounts?',
    status: {
      verified: ['Verified', 'Checked against the official statute text.'],
      secondary: [
        'Secondary source',
        "Taken from a municipality's or authority's published table, not yet checked against the statute.",
      ],
      derived: [
        'Derived',
        'Calculated with a stated method. To be replaced by the official amount; until then no automated decision relies on it.',
      ],
    } as Record<VerificationStatus, [string, string]>,
    rounding: 'Rounding',
    riksnorm: 'The national norm (riksnorm)',
    riksnormLead:
      "The norm is the personal costs of every person in the household plus shared household costs by the household's size. Amounts are per month. An empty cell means the rule book has no amount for that period; Tillit then does not calculate at all rather than guess.",
    parameter: 'Item',
    other2: 'Other amounts',
    sources: 'Sources',
    method: 'Method',
    guidelines: "Municipalities' guidelines",
    guidelinesLead:
      'Reasonable costs, for example for housing, are set by each municipality. A cost above the guideline is accepted up to it; with no guideline a caseworker assesses the cost.',
    rules: 'The rules',
    from: 'From',
    until: 'to',
    onwards: 'onwards',
    unknown: 'Exact provision not known',
    api: 'The same as data',
    notSet: 'missing',
    landingTitle: 'Tillit – social assistance',
    landingLead:
      'Tillit is open-source software for social assistance (ekonomiskt bistånd). It calculates försörjningsstöd from an open rule book and explains every krona.',
    links: [
      ['/sa-raknar-vi?lang=en', 'How we calculate – the rule book'],
      ['/api/openapi.json', 'API description (OpenAPI 3.1)'],
      ['/api/v1/rulebook', 'The rule book as JSON'],
    ],
    yearLabel: 'Period',
  },
} as const;

function layout(lang: Lang, title: string, body: string): string {
  const t = T[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} – Tillit</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#main">${esc(t.skip)}</a>
<header>
<a class="brand" href="/${lang === 'en' ? '?lang=en' : ''}">Tillit</a>
<nav aria-label="${lang === 'sv' ? 'Språk' : 'Language'}"><a href="${t.other.href}" lang="${t.other.lang}" hreflang="${t.other.lang}">${esc(t.other.label)}</a></nav>
</header>
<main id="main" tabindex="-1">
${body}
</main>
<footer><p>Tillit · EUPL-1.2</p></footer>
</body>
</html>
`;
}

function money(v: ParameterValue, lang: Lang): string {
  if (v.unit === 'basisPoints') return `${(v.amount / 100).toString().replace('.', lang === 'sv' ? ',' : '.')} %`;
  return lang === 'sv' ? formatSv(v.amount) : formatEn(v.amount);
}

function badge(status: VerificationStatus, lang: Lang): string {
  return `<span class="status status-${status}">${esc(T[lang].status[status][0])}</span>`;
}

function periodLabel(from: string, until: string | null, lang: Lang): string {
  const t = T[lang];
  if (until !== null && from.endsWith('-01-01') && until.endsWith('-12-31') && from.slice(0, 4) === until.slice(0, 4))
    return from.slice(0, 4);
  return until === null ? `${t.from} ${from} ${t.onwards}` : `${from} ${t.until} ${until}`;
}

function valuesTable(rb: RuleBook, params: readonly ParameterDefinition[], caption: string, lang: Lang): string {
  const t = T[lang];
  const periods = new Map<string, { from: string; until: string | null }>();
  for (const p of params)
    for (const v of p.values) periods.set(`${v.from}|${v.until ?? ''}`, { from: v.from, until: v.until });
  const cols = [...periods.entries()].sort((a, b) => (a[1].from < b[1].from ? -1 : 1));
  const head = cols.map(([, p]) => `<th scope="col">${esc(periodLabel(p.from, p.until, lang))}</th>`).join('');
  const rows = params
    .map((p) => {
      const cells = cols
        .map(([key]) => {
          const v = p.values.find((x) => `${x.from}|${x.until ?? ''}` === key);
          if (!v) return `<td class="num"><span class="muted">${esc(t.notSet)}</span></td>`;
          const title = [rb.sources[v.source]?.act, v.method].filter(Boolean).join(' — ');
          return `<td class="num" title="${esc(title)}">${esc(money(v, lang))}${badge(v.status, lang)}</td>`;
        })
        .join('');
      return `<tr><th scope="row">${esc(p.label[lang])}<br><code>${esc(p.id)}</code></th>${cells}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${esc(caption)}"><table>
<caption>${esc(caption)}</caption>
<thead><tr><th scope="col">${esc(t.parameter)}</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table></div>`;
}

function sourcesList(rb: RuleBook, params: readonly ParameterDefinition[], lang: Lang): string {
  const t = T[lang];
  const used = new Map<string, Set<string>>();
  for (const p of params)
    for (const v of p.values) {
      const s = used.get(v.source) ?? new Set<string>();
      if (v.method) s.add(v.method);
      used.set(v.source, s);
    }
  const items = [...used.entries()]
    .map(([id, methods]) => {
      const s = rb.sources[id]!;
      const m = [...methods].map((x) => `<br><span class="muted">${esc(t.method)}: ${esc(x)}</span>`).join('');
      const note = s.note ? `<br><span class="muted">${esc(s.note)}</span>` : '';
      return `<li><a href="${esc(s.url)}">${esc(s.act)}</a>${note}${m}</li>`;
    })
    .join('\n');
  return `<h3>${esc(t.sources)}</h3><ul>${items}</ul>`;
}

export function renderRulebookPage(rb: RuleBook, lang: Lang): string {
  const t = T[lang];
  const all = [...rb.parameters.values()];
  const riksnorm = all.filter((p) => p.id.startsWith('riksnorm.'));
  const others = all.filter((p) => !p.open && !p.id.startsWith('riksnorm.'));
  const open = all.filter((p) => p.open);
  const legend = (['verified', 'secondary', 'derived'] as const)
    .map((s) => `<dt>${badge(s, lang)}</dt><dd>${esc(t.status[s][1])}</dd>`)
    .join('');
  const rules = [...rb.rules.values()]
    .map((r) => {
      const periods = r.periods
        .map((p) => {
          const refs = p.references
            .map(
              (ref) =>
                `<li><a href="${esc(ref.url)}">${esc(ref.act)}</a> ${esc(ref.provision)}${
                  ref.known
                    ? ''
                    : ` <strong>(${esc(t.unknown)})</strong><br><span class="muted">${esc(ref.note ?? '')}</span>`
                }</li>`,
            )
            .join('');
          return `<li>${esc(periodLabel(p.from, p.until, lang))}<ul>${refs}</ul></li>`;
        })
        .join('');
      return `<section class="rule" aria-labelledby="rule-${esc(r.id)}"><h3 id="rule-${esc(r.id)}">${esc(r.title[lang])}</h3>
<p class="muted"><code>${esc(r.id)}</code></p>
<p>${esc(r.description[lang])}</p>
<ul>${periods}</ul></section>`;
    })
    .join('\n');
  const body = `<h1>${esc(t.rulebookTitle)}</h1>
<p class="lead">${esc(t.rulebookLead)}</p>
<dl>
<dt>${esc(t.version)}</dt><dd>${esc(rb.version)}</dd>
<dt>${esc(t.engine)}</dt><dd>${esc(rb.engineVersion)}</dd>
<dt>${esc(t.hash)}</dt><dd><code>${esc(rb.hash)}</code></dd>
</dl>
<h2>${esc(t.statusTitle)}</h2>
<dl class="legend">${legend}</dl>
<h2>${esc(t.rounding)}</h2>
<p>${esc(rb.rounding[lang])}</p>
<h2>${esc(t.riksnorm)}</h2>
<p>${esc(t.riksnormLead)}</p>
${valuesTable(rb, riksnorm, t.riksnorm, lang)}
${sourcesList(rb, riksnorm, lang)}
<h2>${esc(t.other2)}</h2>
${valuesTable(rb, others, t.other2, lang)}
${sourcesList(rb, others, lang)}
<h2>${esc(t.guidelines)}</h2>
<p>${esc(t.guidelinesLead)}</p>
<ul>${open.map((p) => `<li>${esc(p.label[lang])} <code>${esc(p.id)}</code></li>`).join('')}</ul>
<h2>${esc(t.rules)}</h2>
${rules}
<h2>${esc(t.api)}</h2>
<ul><li><a href="/api/v1/rulebook">/api/v1/rulebook</a></li><li><a href="/api/openapi.json">/api/openapi.json</a></li></ul>`;
  return layout(lang, t.rulebookTitle, body);
}

export function renderLandingPage(rb: RuleBook, lang: Lang): string {
  const t = T[lang];
  const links = t.links.map(([href, label]) => `<li><a href="${esc(href)}">${esc(label)}</a></li>`).join('');
  return layout(
    lang,
    t.landingTitle,
    `<h1>${esc(t.landingTitle)}</h1><p class="lead">${esc(t.landingLead)}</p><ul>${links}</ul>
<p class="muted">${esc(t.version)}: ${esc(rb.version)}</p>`,
  );
}

export function renderProblemTypePage(type: ProblemType): string {
  const p = PROBLEM_TYPES[type];
  return layout(
    'sv',
    p.title.sv,
    `<h1>${esc(p.title.sv)}</h1><p>HTTP ${p.status}. <span lang="en">${esc(p.title.en)}.</span></p>
<p>Se <a href="/api/openapi.json">API-beskrivningen</a>.</p>`,
  );
}
