/**
 * Applications over HTTP, tenant (municipality) in every path. Applicants create and save
 * drafts, submit them (idempotent on the Idempotency-Key header) and follow their status; staff
 * of the municipality read the whole case. Every read and write of case data is in the audit log
 * first: a read that cannot be logged is not served.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import * as z from 'zod';
import { APPLICATION_KINDS } from '@tillit/domain';
import { toFieldProblems } from '@tillit/rules';
import { appendAudit, withAuditedRead } from '../audit.ts';
import { requireMunicipality, requireRole } from '../auth/plugin.ts';
import type { preHandlerAsyncHookHandler } from 'fastify';
import type { Database } from '../db/schema.ts';
import type { Municipalities } from '../municipalities.ts';
import { createDraft, getApplication, saveDraft, submit } from '../pipeline/applications.ts';
import { invalidInput, negotiateLang, problem, problemSchema } from '../problems.ts';

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export interface ApplicationRoutesOptions {
  readonly db: Kysely<Database>;
  readonly municipalities: () => Municipalities;
}

const municipalityParams = z.object({ municipality: z.string().regex(/^[a-z0-9-]{1,60}$/) });
const applicationParams = municipalityParams.extend({ id: z.uuid() });

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
      .object({ outcome: z.string(), amount: z.number(), automated: z.boolean(), decidedAt: z.string() })
      .nullable(),
  })
  .meta({ id: 'ApplicationStatus' });

function notFound(req: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .type(PROBLEM_JSON)
    .send(problem('not-found', negotiateLang(req.headers['accept-language'])));
}

export async function applicationRoutes(app: FastifyInstance, opts: ApplicationRoutesOptions): Promise<void> {
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
  const sameMunicipality = requireMunicipality('municipality');
  /**
   * Staff of the municipality, or of its host municipality (the Trelleborg–Svedala model: the host
   * handles the partner's applicants; the data stays the partner's and every access is logged as
   * the partner's). Anyone else: 404.
   */
  const handledBy: preHandlerAsyncHookHandler = async function (req, reply) {
    const m = (req.params as { municipality?: string }).municipality;
    const host = m !== undefined ? opts.municipalities().get(m)?.host : undefined;
    if (host !== undefined && req.principal?.municipality === host) return;
    return sameMunicipality.call(this, req, reply);
  };

  app.post(
    '/api/v1/municipalities/:municipality/applications',
    {
      preHandler: applicant,
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
      preHandler: applicant,
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
      preHandler: applicant,
      schema: {
        tags: ['applications'],
        summary: 'Submit the draft; idempotent on the Idempotency-Key header',
        params: applicationParams,
        headers: z.object({ 'idempotency-key': z.string().min(8).max(200) }).loose(),
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
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok) {
        const lang = negotiateLang(req.headers['accept-language']);
        const errors = toFieldProblems(out.issues as Parameters<typeof toFieldProblems>[0], lang);
        const detail =
          lang === 'sv'
            ? 'Ansökan är inte komplett. Utkastet är sparat; rätta fälten och skicka igen.'
            : 'The application is not complete. The draft is saved; correct the fields and submit again.';
        return reply
          .code(400)
          .type(PROBLEM_JSON)
          .send(invalidInput(lang, errors, detail));
      }
      if (!out.replay) await auditApplicantWrite(req, municipality, out.id, 'application-submitted');
      return reply.code(202).send({ id: out.id, status: 'received', duplicateOf: out.duplicateOf });
    },
  );

  async function statusOf(municipality: string, id: string, applicantPnr?: string) {
    const view = await getApplication(db, { municipality, ...(applicantPnr ? { applicant: applicantPnr } : {}) }, id);
    if (!view) return undefined;
    const d = await db
      .selectFrom('decision')
      .select(['outcome', 'amount_ore', 'automated', 'created_at'])
      .where('application_id', '=', id)
      .where('municipality_id', '=', municipality)
      .executeTakeFirst();
    const { snapshot: _snapshot, ...rest } = view;
    return {
      ...rest,
      decision: d
        ? {
            outcome: d.outcome,
            amount: Number(d.amount_ore) / 100,
            automated: d.automated,
            decidedAt: new Date(d.created_at).toISOString(),
          }
        : null,
    };
  }

  app.get(
    '/api/v1/municipalities/:municipality/applications/:id',
    {
      preHandler: applicant,
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

  app.get(
    '/api/v1/municipalities/:municipality/cases/:id',
    {
      preHandler: [handledBy, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['cases'],
        summary: 'The whole case for staff of the municipality: snapshot, evidence, flags, decision',
        params: applicationParams,
        response: { 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      const p = req.principal!;
      return withAuditedRead(
        db,
        {
          actor: p.subject,
          role: p.roles.join(','),
          municipalityId: municipality,
          objectType: 'case',
          objectId: id,
          purpose: 'case-view',
        },
        async () => {
          const view = await getApplication(db, { municipality }, id);
          if (!view) return notFound(req, reply);
          const [evidence, flags, decision] = await Promise.all([
            db
              .selectFrom('evidence')
              .select(['source', 'fetched_at', 'data'])
              .where('application_id', '=', id)
              .where('municipality_id', '=', municipality)
              .orderBy('source')
              .execute(),
            db
              .selectFrom('flag')
              .select(['id', 'check_id', 'outcome', 'text', 'status', 'created_at'])
              .where('application_id', '=', id)
              .where('municipality_id', '=', municipality)
              .orderBy('id')
              .execute(),
            db
              .selectFrom('decision')
              .selectAll()
              .where('application_id', '=', id)
              .where('municipality_id', '=', municipality)
              .executeTakeFirst(),
          ]);
          return {
            ...view,
            evidence: evidence.map((e) => ({
              source: e.source,
              fetchedAt: new Date(e.fetched_at).toISOString(),
              data: e.data,
            })),
            flags: flags.map((f) => ({
              id: String(f.id),
              check: f.check_id,
              outcome: f.outcome,
              text: f.text,
              status: f.status,
            })),
            decision: decision
              ? {
                  outcome: decision.outcome,
                  amount: Number(decision.amount_ore) / 100,
                  automated: decision.automated,
                  decidedBy: decision.decided_by,
                  reasons: decision.reasons,
                  receipt: decision.receipt,
                  decidedAt: new Date(decision.created_at).toISOString(),
                }
              : null,
          };
        },
      );
    },
  );

  const flagParams = applicationParams.extend({ flagId: z.string().regex(/^\d{1,18}$/) });
  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/flags/:flagId/acknowledge',
    {
      preHandler: [handledBy, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: 'Acknowledge a flag, with a note on what the caseworker checked',
        params: flagParams,
        body: z.strictObject({ note: z.string().trim().min(3).max(2000) }),
        response: { 200: z.object({ status: z.literal('acknowledged') }), 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id, flagId } = req.params as z.infer<typeof flagParams>;
      const { note } = req.body as { note: string };
      const p = req.principal!;
      const done = await db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('flag')
          .set({
            status: 'acknowledged',
            closed_at: new Date(),
            closed_by: p.subject,
            close_note: JSON.stringify({ note }),
          })
          .where('id', '=', flagId)
          .where('application_id', '=', id)
          .where('municipality_id', '=', municipality)
          .where('status', '=', 'open')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await appendAudit(tx, {
          actor: p.subject,
          role: 'caseworker',
          municipalityId: municipality,
          action: 'write',
          objectType: 'flag',
          objectId: flagId,
          purpose: 'flag-acknowledged',
        });
        return true;
      });
      if (!done) return notFound(req, reply);
      return { status: 'acknowledged' as const };
    },
  );
}
