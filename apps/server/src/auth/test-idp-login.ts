/**
 * The test identity provider's login page: a stand-in for BankID in the embedded demo and the
 * browser tests. The person picks one of the fictional test users (citizens and staff); the
 * provider then finishes the login and returns to the client. Plain, accessible HTML in Swedish
 * or English (the client's `ui_locales`), no script. Never part of a production deployment.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { TestUser } from './test-users.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const TEXT = {
  sv: {
    title: 'Testinloggning',
    lead: 'Det här är en testmiljö. I stället för BankID väljer du en påhittad testperson. Inga riktiga personuppgifter finns här.',
    citizens: 'Privatpersoner',
    staff: (m: string) => `Personal i ${m}`,
    cancel: 'Avbryt inloggningen',
    roles: {
      applicant: 'sökande',
      caseworker: 'handläggare',
      coach: 'arbetsmarknadssekreterare',
      'customer-service': 'kundtjänst',
      auditor: 'granskare',
      admin: 'administratör',
    } as Record<string, string>,
    protectedAccess: 'behörig för skyddade personuppgifter',
    born: 'född',
    expired: 'Inloggningen har gått ut. Gå tillbaka och börja om.',
  },
  en: {
    title: 'Test sign-in',
    lead: 'This is a test environment. Instead of BankID you choose a fictional test person. There is no real personal data here.',
    citizens: 'Citizens',
    staff: (m: string) => `Staff of ${m}`,
    cancel: 'Cancel sign-in',
    roles: {
      applicant: 'applicant',
      caseworker: 'caseworker',
      coach: 'labour-market coach',
      'customer-service': 'customer service',
      auditor: 'auditor',
      admin: 'administrator',
    } as Record<string, string>,
    protectedAccess: 'may see protected identities',
    born: 'born',
    expired: 'The sign-in has expired. Go back and start again.',
  },
};

const CSS = `
body { margin: 0; font: 1.0625rem/1.5 system-ui, sans-serif; color: #1a1a1a; background: #f7f7f7; }
main { max-width: 40rem; margin: 0 auto; padding: 1.5rem 1rem 3rem; }
h1 { font-size: 1.75rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.75rem 0 .5rem; }
ul { list-style: none; margin: 0; padding: 0; }
li { margin: .5rem 0; }
button { width: 100%; text-align: left; font: inherit; padding: .75rem 1rem; border: 2px solid #00347d; border-radius: 6px; background: #fff; color: #00347d; cursor: pointer; min-height: 44px; }
button:hover { background: #e6edf7; }
button:focus-visible { outline: 3px solid #d4351c; outline-offset: 2px; }
button.secondary { border-color: #4a4a4a; color: #1a1a1a; text-align: center; margin-top: 2rem; }
.who { display: block; font-weight: 600; }
.what { display: block; color: #3d3d3d; font-size: .95rem; }
.note { background: #fff4d6; border-left: 4px solid #a86800; padding: .75rem 1rem; }
`;

type Lang = keyof typeof TEXT;

function page(lang: Lang, title: string, body: string): string {
  return `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title><style>${CSS}</style></head><body><main>${body}</main></body></html>`;
}

function describeUser(u: TestUser, t: (typeof TEXT)[Lang]): string {
  const roles = u.roles.map((r) => t.roles[r] ?? r).join(', ');
  const born = u.personnummer ? `, ${t.born} ${u.personnummer.slice(0, 4)}` : '';
  const access = u.protectedIdentityAccess ? `, ${t.protectedAccess}` : '';
  return `<span class="who">${esc(u.name)}</span><span class="what">${esc(roles + born + access)}</span>`;
}

export function renderLoginPage(uid: string, users: Iterable<TestUser>, lang: Lang): string {
  const t = TEXT[lang];
  const all = [...users];
  const button = (u: TestUser) =>
    `<li><button type="submit" name="user" value="${esc(u.id)}">${describeUser(u, t)}</button></li>`;
  const citizens = all.filter((u) => u.roles.includes('applicant'));
  const byMunicipality = new Map<string, TestUser[]>();
  for (const u of all)
    if (u.municipality !== undefined)
      byMunicipality.set(u.municipality, [...(byMunicipality.get(u.municipality) ?? []), u]);
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const groups = [
    `<h2 id="g-citizens">${t.citizens}</h2><ul aria-labelledby="g-citizens">${citizens.map(button).join('')}</ul>`,
    ...[...byMunicipality].map(
      ([m, us], i) =>
        `<h2 id="g-staff-${i}">${esc(t.staff(m.charAt(0).toUpperCase() + m.slice(1)))}</h2><ul aria-labelledby="g-staff-${i}">${us.map(button).join('')}</ul>`,
    ),
  ];
  return page(
    lang,
    t.title,
    `<h1>${t.title}</h1><p class="note">${t.lead}</p>
<form method="post" action="${action}/login">${groups.join('')}</form>
<form method="post" action="${action}/abort"><button type="submit" class="secondary">${t.cancel}</button></form>`,
  );
}

async function formBody(req: IncomingMessage): Promise<URLSearchParams> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 10_000) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/** The handler for `/interaction/:uid` (GET the page, POST …/login or …/abort). */
export function loginInteractions(
  provider: Provider,
  users: ReadonlyMap<string, TestUser>,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  return async (req, res) => {
    const m = /^\/interaction\/([\w-]+)(\/login|\/abort)?$/.exec((req.url ?? '').split('?')[0]!);
    let lang: Lang = 'sv';
    try {
      if (!m) throw new Error('not found');
      const details = await provider.interactionDetails(req, res);
      lang = String(details.params.ui_locales ?? 'sv').startsWith('sv') ? 'sv' : 'en';
      if (req.method === 'GET' && m[2] === undefined) {
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          'cache-control': 'no-store',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:",
        });
        res.end(renderLoginPage(details.uid, users.values(), lang));
        return;
      }
      if (req.method !== 'POST') throw new Error('method');
      if (m[2] === '/abort') {
        await provider.interactionFinished(
          req,
          res,
          { error: 'access_denied', error_description: 'The person cancelled the sign-in.' },
          { mergeWithLastSubmission: false },
        );
        return;
      }
      const userId = (await formBody(req)).get('user');
      if (userId === null || !users.has(userId)) throw new Error('unknown user');
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: userId } },
        { mergeWithLastSubmission: false },
      );
    } catch {
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(page(lang, TEXT[lang].title, `<h1>${TEXT[lang].title}</h1><p>${TEXT[lang].expired}</p>`));
    }
  };
}
