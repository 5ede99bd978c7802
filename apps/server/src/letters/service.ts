/**
 * Issuing letters. A letter is rendered from stored facts only — the decision and its receipt,
 * never a new calculation — once per source and language, and kept as HTML and PDF. The Swedish
 * letter is the original: issuing it puts it in the applicant's inbox and queues the other
 * channels (an outbox: sent after the commit, so a crash sends late, never twice). A translation
 * is rendered when first asked for, from the same facts.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Selectable } from 'kysely';
import { letterTitle, renderLetterHtml } from '@tillit/letters';
import type { LetterFacts, LetterLanguage, Sender } from '@tillit/letters';
import { embeddedFontCss } from '@tillit/letters/fonts';
import type { Receipt } from '@tillit/rules';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { LetterKind, LetterTable } from '../db/schema-letters.ts';
import type { Municipalities, Municipality } from '../municipalities.ts';
import { swedishDate } from '../swedish-time.ts';
import type { DeliveryAdapter } from './delivery.ts';
import type { PdfRenderer } from './pdf.ts';

export interface LetterDeps {
  readonly db: Kysely<Database>;
  readonly municipalities: () => Municipalities;
  readonly pdf: PdfRenderer;
  readonly channels: readonly DeliveryAdapter[];
}

export type LetterRow = Selectable<LetterTable>;

function senderOf(m: Municipality): Sender {
  const c = m.settings.contact;
  return {
    municipality: m.name,
    phone: c?.phone ?? '–',
    email: c?.email ?? '–',
    postalAddress: c?.postalAddress ?? m.name,
  };
}

/** The case reference on letters: the municipality's code and the start of the case id. */
export function caseReference(m: Municipality, applicationId: string): string {
  return `${m.code}-${applicationId.slice(0, 8).toUpperCase()}`;
}

type Facts = { readonly applicationId: string; readonly facts: LetterFacts };

/** The facts of a decision letter, or 'not-ready' while the payment it announces is not yet scheduled. */
async function decisionFacts(
  deps: LetterDeps,
  m: Municipality,
  decisionId: string,
): Promise<Facts | 'not-ready' | undefined> {
  const d = await deps.db
    .selectFrom('decision')
    .innerJoin('application', 'application.id', 'decision.application_id')
    .select([
      'decision.application_id',
      'decision.outcome',
      'decision.amount_ore',
      'decision.automated',
      'decision.decided_by_name',
      'decision.statement',
      'decision.receipt',
      'decision.created_at',
      'application.month',
    ])
    .where('decision.id', '=', decisionId)
    .where('decision.municipality_id', '=', m.id)
    .executeTakeFirst();
  if (!d) return undefined;
  const amountOre = Number(d.amount_ore);
  let payDate: string | null = null;
  if (amountOre > 0) {
    const paid = await sql<{ pay_on: string }>`
      select to_char(pay_on, 'YYYY-MM-DD') as pay_on from payment
      where decision_id = ${decisionId} and municipality_id = ${m.id}`.execute(deps.db);
    if (!paid.rows[0]) return 'not-ready';
    payDate = paid.rows[0].pay_on;
  }
  return {
    applicationId: d.application_id,
    facts: {
      kind: 'decision',
      sender: senderOf(m),
      reference: caseReference(m, d.application_id),
      date: swedishDate(new Date(d.created_at)),
      month: d.month,
      outcome: d.outcome,
      amountOre,
      payDate,
      automated: d.automated,
      decidedBy: d.decided_by_name,
      statement: d.statement,
      receipt: d.receipt as Receipt,
    },
  };
}

async function completionFacts(deps: LetterDeps, m: Municipality, requestId: string): Promise<Facts | undefined> {
  const r = await deps.db
    .selectFrom('completion_request')
    .innerJoin('application', 'application.id', 'completion_request.application_id')
    .select([
      'completion_request.application_id',
      'completion_request.message',
      'completion_request.items',
      sql<string>`to_char(completion_request.due_date, 'YYYY-MM-DD')`.as('due_date'),
      'completion_request.requested_at',
      'application.month',
    ])
    .where('completion_request.id', '=', requestId)
    .where('completion_request.municipality_id', '=', m.id)
    .executeTakeFirst();
  if (!r) return undefined;
  return {
    applicationId: r.application_id,
    facts: {
      kind: 'completion-request',
      sender: senderOf(m),
      reference: caseReference(m, r.application_id),
      date: swedishDate(new Date(r.requested_at)),
      month: r.month,
      items: r.items as string[],
      message: r.message,
      dueDate: r.due_date,
    },
  };
}

async function kommuniceringFacts(deps: LetterDeps, m: Municipality, id: string): Promise<Facts | undefined> {
  const k = await deps.db
    .selectFrom('kommunicering')
    .innerJoin('application', 'application.id', 'kommunicering.application_id')
    .select([
      'kommunicering.application_id',
      'kommunicering.planned_outcome',
      'kommunicering.amount_ore',
      'kommunicering.reasons',
      sql<string>`to_char(kommunicering.due_date, 'YYYY-MM-DD')`.as('due_date'),
      'kommunicering.created_at',
      'application.month',
    ])
    .where('kommunicering.id', '=', id)
    .where('kommunicering.municipality_id', '=', m.id)
    .executeTakeFirst();
  if (!k) return undefined;
  return {
    applicationId: k.application_id,
    facts: {
      kind: 'kommunicering',
      sender: senderOf(m),
      reference: caseReference(m, k.application_id),
      date: swedishDate(new Date(k.created_at)),
      month: k.month,
      plannedOutcome: k.planned_outcome,
      amountOre: Number(k.amount_ore),
      reasons: k.reasons,
      dueDate: k.due_date,
    },
  };
}

async function sampleCheckFacts(
  deps: LetterDeps,
  m: Municipality,
  id: string,
  lang: LetterLanguage,
): Promise<Facts | undefined> {
  const c = await deps.db
    .selectFrom('sample_check')
    .innerJoin('application', 'application.id', 'sample_check.application_id')
    .select([
      'sample_check.application_id',
      'sample_check.documents',
      sql<string>`to_char(sample_check.due_date, 'YYYY-MM-DD')`.as('due_date'),
      'sample_check.created_at',
      'application.month',
    ])
    .where('sample_check.id', '=', id)
    .where('sample_check.municipality_id', '=', m.id)
    .executeTakeFirst();
  if (!c) return undefined;
  // The documents are named in Swedish and English; other languages get the Swedish names.
  const documents = (c.documents as { sv: string; en: string }[]).map((d) => (lang === 'en' ? d.en : d.sv));
  return {
    applicationId: c.application_id,
    facts: {
      kind: 'sample-check',
      sender: senderOf(m),
      reference: caseReference(m, c.application_id),
      date: swedishDate(new Date(c.created_at)),
      month: c.month,
      documents,
      dueDate: c.due_date,
    },
  };
}

async function factsFor(
  deps: LetterDeps,
  m: Municipality,
  kind: LetterKind,
  sourceId: string,
  lang: LetterLanguage,
): Promise<Facts | 'not-ready' | undefined> {
  if (kind === 'decision') return decisionFacts(deps, m, sourceId);
  if (kind === 'completion-request') return completionFacts(deps, m, sourceId);
  if (kind === 'kommunicering') return kommuniceringFacts(deps, m, sourceId);
  return sampleCheckFacts(deps, m, sourceId, lang);
}

/**
 * The letter for a source in a language: the stored one, or rendered now from the stored facts
 * and kept. Issuing the Swedish original also queues its deliveries. Undefined when the source
 * does not exist in the municipality; 'not-ready' when its facts are not complete yet.
 */
export async function ensureLetter(
  deps: LetterDeps,
  req: {
    readonly municipality: string;
    readonly kind: LetterKind;
    readonly sourceId: string;
    readonly lang: LetterLanguage;
  },
): Promise<LetterRow | 'not-ready' | undefined> {
  const existing = await deps.db
    .selectFrom('letter')
    .selectAll()
    .where('municipality_id', '=', req.municipality)
    .where('kind', '=', req.kind)
    .where('source_id', '=', req.sourceId)
    .where('lang', '=', req.lang)
    .executeTakeFirst();
  if (existing) return existing;
  const m = deps.municipalities().get(req.municipality);
  if (!m) return undefined;
  const found = await factsFor(deps, m, req.kind, req.sourceId, req.lang);
  if (found === undefined || found === 'not-ready') return found;
  const html = renderLetterHtml(found.facts, req.lang);
  // A Buffer: both the pg driver and PGlite take it as bytea.
  const pdf = Buffer.from(
    await deps.pdf.render(renderLetterHtml(found.facts, req.lang, { fontCss: embeddedFontCss() })),
  );
  const id = randomUUID();
  return deps.db.transaction().execute(async (tx) => {
    const inserted = await tx
      .insertInto('letter')
      .values({
        id,
        municipality_id: req.municipality,
        application_id: found.applicationId,
        kind: req.kind,
        source_id: req.sourceId,
        lang: req.lang,
        title: letterTitle(found.facts, req.lang),
        html,
        pdf,
        pdf_sha256: createHash('sha256').update(pdf).digest('hex'),
      })
      .onConflict((oc) => oc.columns(['kind', 'source_id', 'lang']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      // Another worker stored it first: theirs is the letter.
      return tx
        .selectFrom('letter')
        .selectAll()
        .where('kind', '=', req.kind)
        .where('source_id', '=', req.sourceId)
        .where('lang', '=', req.lang)
        .executeTakeFirstOrThrow();
    }
    if (req.lang === 'sv') {
      await tx
        .insertInto('delivery')
        .values([
          { municipality_id: req.municipality, letter_id: id, channel: 'inbox', status: 'delivered', detail: null },
          ...deps.channels.map((c) => ({
            municipality_id: req.municipality,
            letter_id: id,
            channel: c.channel,
            detail: null,
          })),
        ])
        .execute();
    }
    await appendAudit(tx, {
      actor: 'system',
      role: 'system',
      municipalityId: req.municipality,
      action: 'write',
      objectType: 'letter',
      objectId: id,
      purpose: 'letter-issued',
      details: { application: found.applicationId, kind: req.kind, lang: req.lang },
    });
    return inserted;
  });
}

/**
 * Issues the Swedish letter of every decision, completion request, kommunicering and sample-check
 * request that has none yet, and beside it one in the applicant's chosen language (application.lang);
 * returns how many.
 */
export async function issuePendingLetters(
  deps: LetterDeps,
  limit = 20,
  onError: (e: unknown) => void = (e) => {
    throw e;
  },
): Promise<number> {
  const missing = await sql<{ kind: LetterKind; source_id: string; municipality_id: string; lang: LetterLanguage }>`
    with sources as (
      select 'decision' as kind, d.id::text as source_id, d.municipality_id, d.application_id from decision d
      -- A decision that pays waits for its payment's date (and must not hold up other letters).
      where (d.amount_ore = 0 or exists (select 1 from payment p where p.decision_id = d.id))
        -- Only a decision with a receipt can explain itself (every decision made here has one).
        and jsonb_typeof(d.receipt -> 'lines') = 'array'
      union all
      select 'completion-request', c.id::text, c.municipality_id, c.application_id from completion_request c
      union all
      select 'kommunicering', k.id::text, k.municipality_id, k.application_id from kommunicering k
      union all
      select 'sample-check', s.id::text, s.municipality_id, s.application_id from sample_check s
    ), wanted as (
      select w.kind, w.source_id, w.municipality_id, 'sv' as lang from sources w
      union all
      -- Beside the Swedish letter, one in the language the applicant chose.
      select w.kind, w.source_id, w.municipality_id, a.lang from sources w
      join application a on a.id = w.application_id and a.municipality_id = w.municipality_id
      where a.lang <> 'sv'
    )
    select kind, source_id, municipality_id, lang from wanted w
    where not exists (select 1 from letter l where l.kind = w.kind and l.source_id = w.source_id and l.lang = w.lang)
    order by (w.lang <> 'sv')
    limit ${limit}`.execute(deps.db);
  let issued = 0;
  for (const row of missing.rows) {
    try {
      const letter = await ensureLetter(deps, {
        municipality: row.municipality_id,
        kind: row.kind,
        sourceId: row.source_id,
        lang: row.lang,
      });
      if (letter && letter !== 'not-ready') issued++;
    } catch (e) {
      onError(e); // one letter that fails (e.g. no PDF printer) does not stop the others
    }
  }
  return issued;
}

/** Sends queued deliveries through their channels; a failure is kept and retried later (up to 5 times). */
export async function sendPendingDeliveries(deps: LetterDeps, limit = 50): Promise<number> {
  const byChannel = new Map(deps.channels.map((c) => [c.channel, c]));
  return deps.db.transaction().execute(async (tx) => {
    const pending = await tx
      .selectFrom('delivery')
      .innerJoin('letter', 'letter.id', 'delivery.letter_id')
      .select([
        'delivery.id',
        'delivery.channel',
        'delivery.attempts',
        'letter.id as letter_id',
        'letter.municipality_id',
        'letter.application_id',
        'letter.title',
        'letter.lang',
        'letter.pdf',
      ])
      .where('delivery.status', '=', 'pending')
      .orderBy('delivery.id')
      .limit(limit)
      .forUpdate('delivery')
      .skipLocked()
      .execute();
    let sent = 0;
    for (const p of pending) {
      const adapter = byChannel.get(p.channel as DeliveryAdapter['channel']);
      const result = adapter
        ? await adapter.send({
            letterId: p.letter_id,
            municipality: p.municipality_id,
            applicationId: p.application_id,
            title: p.title,
            lang: p.lang,
            pdf: p.pdf,
          })
        : ({ ok: false, detail: `no adapter for ${p.channel}` } as const);
      const attempts = p.attempts + 1;
      await tx
        .updateTable('delivery')
        .set(
          result.ok
            ? { status: 'delivered', attempts, delivered_at: new Date(), detail: null }
            : { status: attempts >= 5 ? 'failed' : 'pending', attempts, detail: result.detail.slice(0, 500) },
        )
        .where('id', '=', p.id)
        .execute();
      if (result.ok) sent++;
    }
    return sent;
  });
}
