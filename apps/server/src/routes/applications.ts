/**
 * The applicant's routes, tenant (municipality) in every path: create and save drafts, submit
 * them (idempotent on the Idempotency-Key header), follow the status and answer a request to
 * complete the application. Staff routes are in cases.ts. Every read and write of case data is in
 * the audit log first: a read that cannot be logged is not served.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import * as z from 'zod';
import { APPLICATION_KINDS } from '@tillit/domain';
import { toFieldProblems } from '@tillit/rules';
import type { Lang } from '@tillit/rules';
import { appendAudit, withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { createDraft, getApplication, saveDraft, submit } from '../pipeline/applications.ts';
import { answerCompletion, completionRequestOf } from '../pipeline/manual.ts';
import { prefillFor } from '../pipeline/prefill.ts';
import { LETTER_LANGUAGES } from '@tillit/letters';
import type { LetterLanguage } from '@tillit/letters';
import { invalidInput, negotiateLang, problemSchema } from '../problems.ts';
import {
  applicationParams,
  conflictProblem,
  idempotencyHeaders,
  municipalityParams,
  notFound,
  sendProblem,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

const createBody = z
  .strictObject({
    kind: z.enum(APPLICATION_KINDS),
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/),
    draft: z.record(z.string(), z.unknown()).optional(),
  })
  .meta({ id: 'NewApplication' });

const statusView = z
  .object({
    id: z.string(),
    municipality: z.string(),
    kind: z.enum(APPLICATION_KINDS),
    month: z.string(),
    status: z.string(),
    submittedAt: z.string().nullable(),
    duplicateOf: z.string().nullable(),
    draft: z.unknown(),
    timeline: z
      .array(z.object({ at: z.string(), status: z.string(), actor: z.string(), note: z.unknown() }))
      .readonly(),
    decision: z
      .object({
        outcome: z.string(),
        amount: z.number(),
        automated: z.boolean(),
        decidedAt: z.string(),
        statement: z.string().nullable().meta({ description: "The deciding person's written reasons, if any." }),
      })
      .nullable(),
    completionRequest: z
      .object({
        id: z.string(),
        message: z.string(),
        items: z.array(z.string()).readonly(),
        dueDate: z.string(),
        requestedAt: z.string(),
        answeredAt: z.string().nullable(),
      })
      .nullable()
      .meta({ description: 'The latest request to complete the application, if any.' }),
    sampleCheck: z
      .object({ dueDate: z.string(), answered: z.boolean() })
      .nullable()
      .meta({ description: 'A sample check (stickprov) of the decision: details at …/sample-check.' }),
    payments: z
      .array(z.object({ amount: z.number(), payOn: z.string(), status: z.string(), kind: z.string() }))
      .readonly()
      .meta({ description: 'Payments of the decision: amount in kronor, the pay date and the status.' }),
    lang: z.string().meta({ description: 'The language the applicant chose; letters follow it.' }),
  })
  .meta({ id: 'ApplicationStatus' });

const ownApplication = z
  .object({
    id: z.string(),
    municipality: z.string(),
    kind: z.enum(APPLICATION_KINDS),
    month: z.string(),
    status: z.string(),
    submittedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'OwnApplication' });

const prefillView = z
  .object({
    fromApplication: z.string(),
    fromMonth: z.string(),
    content: z.record(z.string(), z.unknown()).meta({ description: 'Last answers, without the attestation.' }),
    authorities: z
      .array(
        z.object({
          source: z.string(),
          fetchedAt: z.string(),
          person: z.string(),
          type: z.string(),
          month: z.string(),
          amount: z.number(),
        }),
      )
      .readonly(),
  })
  .meta({ id: 'Prefill' });

const completionBody = z
  .strictObject({
    message: z.string().trim().min(1).max(4000),
    content: z
      .record(z.string(), z.unknown())
      .optional()
      .meta({ description: 'A corrected application form (as for a draft); checked like a submission.' }),
  })
  .meta({ id: 'CompletionAnswer' });

/** The issues of a form sent inside a field of the body, with paths from the body's root. */
function withPathPrefix(issues: unknown, field: string): unknown {
  return (issues as { path: PropertyKey[] }[]).map((i) => ({ ...i, path: [field, ...i.path] }));
}

/** 400 for a form that does not pass: every field named; nothing saved. */
function formProblem(issues: unknown, lang: Lang, detail: Record<Lang, string>) {
  const errors = toFieldProblems(issues as Parameters<typeof toFieldProblems>[0], lang);
  return invalidInput(lang, errors, detail[lang]);
}

/** The applicant's language for letters: the first of Accept-Language that Tillit writes letters in. */
export function chosenLanguage(header: string | undefined): LetterLanguage {
  for (const part of (header ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase().split('-')[0];
    const lang = tag === 'fa' ? 'prs' : tag;
    if ((LETTER_LANGUAGES as readonly string[]).includes(lang ?? '')) return lang as LetterLanguage;
  }
  return 'sv';
}

export async function applicationRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const applicant = [requireRole('applicant')];
  const known = (m: string) => opts.municipalities().has(m);
  const actor = (req: FastifyRequest) => req.principal!.subject;
  /** The applicant's write, in the audit log. */
  const auditApplicantWrite = (req: FastifyRequest, municipality: string, id: string, purpose: string) =>
    appendAudit(db, {
      actor: actor(req),
      role: 'applicant',
      municipalityId: municipality,
      action: 'write',
      objectType: 'application',
      objectId: id,
      purpose,
    });
  app.post(
    '/api/v1/municipalities/:municipality/applications',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: 'Start an application (a draft) for a month',
        params: municipalityParams,
        body: createBody,
        response: {
          201: z.object({ id: z.string(), status: z.literal('draft') }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      if (!known(municipality)) return notFound(req, reply);
      const body = req.body as z.infer<typeof createBody>;
      const id = await createDraft(db, {
        municipality,
        applicant: req.principal!.personnummer!,
        kind: body.kind,
        month: body.month,
        draft: body.draft ?? {},
      });
      await auditApplicantWrite(req, municipality, id, 'application-draft-created');
      return reply.code(201).send({ id, status: 'draft' as const });
    },
  );

  app.put(
    '/api/v1/municipalities/:municipality/applications/:id/draft',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: 'Save the draft as it is (incomplete answers are kept)',
        params: applicationParams,
        body: z.record(z.string(), z.unknown()),
        response: { 200: z.object({ saved: z.literal(true) }), 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!known(municipality)) return notFound(req, reply);
      const saved = await saveDraft(db, { municipality, applicant: req.principal!.personnummer! }, id, req.body);
      if (!saved) return notFound(req, reply);
      await auditApplicantWrite(req, municipality, id, 'application-draft-saved');
      return { saved: true as const };
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/applications/:id/submit',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: 'Submit the draft; idempotent on the Idempotency-Key header',
        params: applicationParams,
        headers: idempotencyHeaders,
        response: {
          202: z.object({ id: z.string(), status: z.string(), duplicateOf: z.string().nullable() }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!known(municipality)) return notFound(req, reply);
      const key = (req.headers['idempotency-key'] as string).trim();
      const out = await submit(db, { municipality, applicant: req.principal!.personnummer! }, id, key);
      if (out.ok && !out.replay)
        await db
          .updateTable('application')
          .set({
            lang: chosenLanguage(req.headers['accept-language']),
            channel: req.principalVia === 'session' ? 'web' : 'api',
          })
          .where('id', '=', out.id)
          .where('municipality_id', '=', municipality)
          .execute();
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok)
        return sendProblem(
          reply,
          formProblem(out.issues, negotiateLang(req.headers['accept-language']), {
            sv: 'Ansökan är inte komplett. Utkastet är sparat; rätta fälten och skicka igen.',
            en: 'The application is not complete. The draft is saved; correct the fields and submit again.',
          }),
        );
      if (!out.replay) await auditApplicantWrite(req, municipality, out.id, 'application-submitted');
      return reply.code(202).send({ id: out.id, status: 'received', duplicateOf: out.duplicateOf });
    },
  );

  async function statusOf(municipality: string, id: string, applicantPnr?: string) {
    const view = await getApplication(db, { municipality, ...(applicantPnr ? { applicant: applicantPnr } : {}) }, id);
    if (!view) return undefined;
    const d = await db
      .selectFrom('decision')
      .select(['outcome', 'amount_ore', 'automated', 'created_at', 'statement'])
      .where('application_id', '=', id)
      .where('municipality_id', '=', municipality)
      .executeTakeFirst();
    const { snapshot: _snapshot, ...rest } = view;
    const payments = await db
      .selectFrom('payment')
      .select(['amount_ore', sql<string>`to_char(pay_on, 'YYYY-MM-DD')`.as('payOn'), 'status', 'kind'])
      .where('application_id', '=', id)
      .where('municipality_id', '=', municipality)
      .orderBy('created_at')
      .execute();
    const lang = await db
      .selectFrom('application')
      .select('lang')
      .where('id', '=', id)
      .where('municipality_id', '=', municipality)
      .executeTakeFirstOrThrow();
    return {
      ...rest,
      lang: lang.lang,
      payments: payments.map((p) => ({
        amount: Number(p.amount_ore) / 100,
        payOn: p.payOn,
        status: p.status,
        kind: p.kind,
      })),
      decision: d
        ? {
            outcome: d.outcome,
            amount: Number(d.amount_ore) / 100,
            automated: d.automated,
            decidedAt: new Date(d.created_at).toISOString(),
            statement: d.statement,
          }
        : null,
      completionRequest: await completionRequestOf(db, { id, municipality }),
      sampleCheck: await db
        .selectFrom('sample_check')
        .select([sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('dueDate'), 'answered_at'])
        .where('application_id', '=', id)
        .where('municipality_id', '=', municipality)
        .executeTakeFirst()
        .then((c) => (c ? { dueDate: c.dueDate, answered: c.answered_at !== null } : null)),
    };
  }

  app.get(
    '/api/v1/me/applications',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: "The signed-in applicant's own applications, newest first, in every municipality",
        response: { 200: z.object({ applications: z.array(ownApplication).readonly() }) },
      },
    },
    async (req) => {
      const rows = await db
        .selectFrom('application')
        .select(['id', 'municipality_id', 'kind', 'month', 'status', 'submitted_at', 'created_at'])
        .where('applicant', '=', req.principal!.personnummer!)
        .orderBy('created_at', 'desc')
        .limit(100)
        .execute();
      for (const m of new Set(rows.map((r) => r.municipality_id)))
        await appendAudit(db, {
          actor: actor(req),
          role: 'applicant',
          municipalityId: m,
          action: 'read',
          objectType: 'application',
          objectId: 'own-list',
          purpose: 'own-applications',
        });
      return {
        applications: rows.map((r) => ({
          id: r.id,
          municipality: r.municipality_id,
          kind: r.kind,
          month: r.month,
          status: r.status,
          submittedAt: r.submitted_at ? new Date(r.submitted_at).toISOString() : null,
          createdAt: new Date(r.created_at).toISOString(),
        })),
      };
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/applications/prefill',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: "What we already know for a new application: the last answers and the authorities' data, with sources",
        params: municipalityParams,
        response: { 200: prefillView, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      if (!known(municipality)) return notFound(req, reply);
      const scope = { municipality, applicant: req.principal!.personnummer! };
      const found = await prefillFor(db, scope);
      if (!found) return notFound(req, reply);
      await appendAudit(db, {
        actor: actor(req),
        role: 'applicant',
        municipalityId: municipality,
        action: 'read',
        objectType: 'application',
        objectId: found.fromApplication,
        purpose: 'own-application-prefill',
      });
      return found;
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/applications/:id',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: "The applicant's view: status, timeline and decision",
        params: applicationParams,
        response: { 200: statusView, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!known(municipality)) return notFound(req, reply);
      const exists = await getApplication(db, { municipality, applicant: req.principal!.personnummer! }, id);
      if (!exists) return notFound(req, reply);
      const view = await withAuditedRead(
        db,
        {
          actor: actor(req),
          role: 'applicant',
          municipalityId: municipality,
          objectType: 'application',
          objectId: id,
          purpose: 'own-application-status',
        },
        () => statusOf(municipality, id, req.principal!.personnummer!),
      );
      return view ?? notFound(req, reply);
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/applications/:id/completion',
    {
      preValidation: applicant,
      schema: {
        tags: ['applications'],
        summary: 'Answer a request to complete the application; idempotent on the Idempotency-Key header',
        description:
          'A message, and optionally a corrected form. The submitted form stays as it was; the case is assessed again.',
        params: applicationParams,
        headers: idempotencyHeaders,
        body: completionBody,
        response: {
          202: z.object({ status: z.literal('received') }),
          400: problemSchema,
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!known(municipality)) return notFound(req, reply);
      const body = req.body as z.infer<typeof completionBody>;
      const lang = negotiateLang(req.headers['accept-language']);
      const out = await answerCompletion(
        db,
        { id, municipality, applicant: req.principal!.personnummer! },
        {
          key: (req.headers['idempotency-key'] as string).trim(),
          message: body.message,
          ...(body.content !== undefined ? { content: body.content } : {}),
        },
      );
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok && out.reason === 'invalid')
        return sendProblem(
          reply,
          formProblem(withPathPrefix(out.issues, 'content'), lang, {
            sv: 'Den rättade ansökan är inte komplett. Inget har sparats; rätta fälten och skicka igen.',
            en: 'The corrected application is not complete. Nothing was saved; correct the fields and send again.',
          }),
        );
      if (!out.ok) return sendProblem(reply, conflictProblem(out, lang));
      return reply.code(202).send({ status: 'received' as const });
    },
  );
}
