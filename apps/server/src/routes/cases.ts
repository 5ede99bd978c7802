/**
 * Staff routes on a case, tenant (municipality) in every path: read the whole case (the submitted
 * snapshot and current form, the history, evidence, flags, calculation versions, who has the case,
 * a late alert, each kommunicering sent, pointers to its appeal and sample check, and who is
 * reading), acknowledge a flag, decide (or approve the system's proposal), ask the applicant to
 * complete the application, send kommunicering, and record a recovery claim. Staff of the municipality or of its host municipality; a household
 * with protected identity only for specially authorized staff (fail-closed while unknown); anyone
 * else gets 404. Every read and write is in the audit log first.
 */
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import * as z from 'zod';
import { kronorToOre, MAX_KRONOR } from '@tillit/rules';
import { appendAudit, withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { getApplication } from '../pipeline/applications.ts';
import {
  RECOVERY_CLAIM_BASES,
  completionRequestOf,
  currentContent,
  decideByPerson,
  recordRecoveryClaim,
  requestCompletion,
  sendKommunicering,
} from '../pipeline/manual.ts';
import { invalidInput, negotiateLang, problemSchema } from '../problems.ts';
import { swedishDate } from '../swedish-time.ts';
import {
  applicationParams,
  conflictProblem,
  handledBy,
  idempotencyHeaders,
  notFound,
  sendProblem,
  staffActor,
  visibleCase,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';
import type { Database } from '../db/schema.ts';

const OUTCOMES = ['bifall', 'delavslag', 'avslag', 'avvisning'] as const;

/** A last day to answer: today (in Sweden) or later. */
const dueDate = z.iso
  .date()
  .refine((d) => d >= swedishDate(), {
    message: 'the due date has passed',
    params: {
      code: 'past-date',
      msg: { sv: 'Sista dagen kan inte ha passerat.', en: 'The due date cannot be in the past.' },
    },
  })
  .meta({ description: 'The last day to answer (YYYY-MM-DD), today or later.' });

/** A day something was decided: today (in Sweden) or earlier. */
const notFuture = z.iso.date().refine((d) => d <= swedishDate(), {
  message: 'the date is in the future',
  params: {
    code: 'future-date',
    msg: { sv: 'Dagen kan inte ligga i framtiden.', en: 'The date cannot be in the future.' },
  },
});

const decisionBody = z
  .strictObject({
    outcome: z.enum(OUTCOMES),
    calculationVersion: z
      .int()
      .min(1)
      .meta({ description: 'The calculation version decided on; a newer version answers 409.' }),
    statement: z
      .string()
      .trim()
      .max(8000)
      .optional()
      .meta({ description: 'The written reasons; required (at least 20 characters) for every adverse decision.' }),
  })
  .meta({ id: 'PersonDecision' });

const completionRequestBody = z
  .strictObject({
    message: z.string().trim().min(10).max(4000),
    items: z.array(z.string().trim().min(3).max(200)).min(1).max(20),
    dueDate,
  })
  .meta({ id: 'CompletionRequest' });

const recoveryClaimBody = z
  .strictObject({
    amount: z
      .number()
      .positive()
      .max(MAX_KRONOR)
      .refine((v) => kronorToOre(v) !== undefined, {
        message: 'at most two decimals',
        params: { code: 'decimals', msg: { sv: 'Högst två decimaler (öre).', en: 'At most two decimals (öre).' } },
      })
      .meta({ description: 'Kronor, at most two decimals.' }),
    basis: z.enum(RECOVERY_CLAIM_BASES).meta({
      description: 'sol-9-1: paid on false or withheld information (SoL 9 kap. 1 §); sol-9-2: paid on condition.',
    }),
    reason: z.string().trim().min(10).max(4000),
    decidedOn: notFuture,
  })
  .meta({ id: 'RecoveryClaim' });

/** What a write on a case can answer besides success. */
const WRITE_PROBLEMS = { 400: problemSchema, 404: problemSchema, 409: problemSchema } as const;

const kommuniceringBody = z
  .strictObject({
    plannedOutcome: z.enum(['delavslag', 'avslag', 'avvisning']),
    reasons: z.string().trim().min(20).max(8000).meta({ description: 'Why, in plain Swedish: the letter quotes it.' }),
    dueDate,
  })
  .meta({ id: 'Kommunicering' });

/**
 * What follows a decision on the case, as pointers the case view links to: the appeal and the
 * sample check, each read in full (and logged) through its own route.
 */
async function followUpsOf(db: Kysely<Database>, scope: { id: string; municipality: string }) {
  const [appeal, sampleCheck] = await Promise.all([
    db
      .selectFrom('appeal')
      .select(['id', 'status'])
      .where('municipality_id', '=', scope.municipality)
      .where('application_id', '=', scope.id)
      .executeTakeFirst(),
    db
      .selectFrom('sample_check')
      .select(['id', 'outcome', 'answered_at'])
      .where('municipality_id', '=', scope.municipality)
      .where('application_id', '=', scope.id)
      .executeTakeFirst(),
  ]);
  return {
    appeal: appeal ? { id: appeal.id, status: appeal.status } : null,
    sampleCheck: sampleCheck
      ? {
          id: sampleCheck.id,
          status: sampleCheck.outcome !== null ? 'closed' : sampleCheck.answered_at !== null ? 'answered' : 'requested',
        }
      : null,
  };
}

const flagParams = applicationParams.extend({ flagId: z.string().regex(/^\d{1,18}$/) });

export async function caseRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const staffOfCase = handledBy(opts.municipalities);

  app.get(
    '/api/v1/municipalities/:municipality/cases/:id',
    {
      preValidation: [staffOfCase, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['cases'],
        summary: 'The whole case: snapshot, current form, evidence, flags, calculations, requests, decision',
        params: applicationParams,
        response: { 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      return withAuditedRead(
        db,
        { ...staffActor(req), municipalityId: municipality, objectType: 'case', objectId: id, purpose: 'case-view' },
        async () => {
          const scope = { id, municipality };
          const view = await getApplication(db, { municipality }, id);
          if (!view) return notFound(req, reply);
          const [
            evidence,
            flags,
            calculations,
            decision,
            content,
            completion,
            applicant,
            kommuniceringar,
            late,
            followUps,
          ] = await Promise.all([
            db
              .selectFrom('evidence')
              .where('municipality_id', '=', municipality)
              .select(['source', 'fetched_at', 'data'])
              .where('application_id', '=', id)
              .orderBy('source')
              .execute(),
            db
              .selectFrom('flag')
              .where('municipality_id', '=', municipality)
              .select([
                'id',
                'check_id',
                'outcome',
                'text',
                'status',
                'created_at',
                'closed_at',
                'closed_by',
                'close_note',
              ])
              .where('application_id', '=', id)
              .orderBy('id')
              .execute(),
            db
              .selectFrom('calculation')
              .where('municipality_id', '=', municipality)
              .select(['version', 'amount_ore', 'proposed_outcome', 'created_by', 'reason', 'created_at', 'receipt'])
              .where('application_id', '=', id)
              .orderBy('version')
              .execute(),
            db
              .selectFrom('decision')
              .selectAll()
              .where('application_id', '=', id)
              .where('municipality_id', '=', municipality)
              .executeTakeFirst(),
            view.snapshot ? currentContent(db, scope) : Promise.resolve(null),
            completionRequestOf(db, scope),
            db
              .selectFrom('application')
              .select(['applicant', 'assigned_to', 'assigned_name', 'assigned_at'])
              .where('id', '=', id)
              .where('municipality_id', '=', municipality)
              .executeTakeFirstOrThrow(),
            db
              .selectFrom('kommunicering')
              .where('municipality_id', '=', municipality)
              .where('application_id', '=', id)
              .select([
                'id',
                'planned_outcome',
                'amount_ore',
                'reasons',
                sql<string>`to_char(due_date, 'YYYY-MM-DD')`.as('due_date'),
                'sent_by',
                'created_at',
              ])
              .orderBy('created_at')
              .execute(),
            db
              .selectFrom('alert')
              .where('municipality_id', '=', municipality)
              .where('application_id', '=', id)
              .where('resolved_at', 'is', null)
              .select('created_at')
              .orderBy('created_at')
              .executeTakeFirst(),
            followUpsOf(db, scope),
          ]);
          const claims = await db
            .selectFrom('recovery_claim')
            .where('municipality_id', '=', municipality)
            .select(['amount_ore', 'basis', 'reason', 'decided_on', 'created_at'])
            .where('applicant', '=', applicant.applicant)
            .orderBy('created_at')
            .execute();
          return {
            ...view,
            content,
            assignedTo:
              applicant.assigned_to !== null
                ? {
                    subject: applicant.assigned_to,
                    name: applicant.assigned_name,
                    since: new Date(applicant.assigned_at!).toISOString(),
                  }
                : null,
            late: late ? { since: new Date(late.created_at).toISOString() } : null,
            // Who is reading: the page tells "my" adjustment or assignment from another caseworker's.
            viewer: { subject: req.principal!.subject },
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
              createdAt: new Date(f.created_at).toISOString(),
              closedAt: f.closed_at ? new Date(f.closed_at).toISOString() : null,
              closedBy: f.closed_by,
              closeNote: f.close_note,
            })),
            calculations: calculations.map((c) => ({
              version: c.version,
              amount: Number(c.amount_ore) / 100,
              proposedOutcome: c.proposed_outcome,
              createdBy: c.created_by,
              reason: c.reason,
              createdAt: new Date(c.created_at).toISOString(),
              receipt: c.receipt,
            })),
            completionRequest: completion,
            kommuniceringar: kommuniceringar.map((k) => ({
              id: k.id,
              plannedOutcome: k.planned_outcome,
              amount: Number(k.amount_ore) / 100,
              reasons: k.reasons,
              dueDate: k.due_date,
              sentBy: k.sent_by,
              sentAt: new Date(k.created_at).toISOString(),
            })),
            ...followUps,
            recoveryClaims: claims.map((c) => ({
              amount: Number(c.amount_ore) / 100,
              basis: c.basis,
              reason: c.reason,
              decidedOn: String(c.decided_on).slice(0, 10),
            })),
            decision: decision
              ? {
                  outcome: decision.outcome,
                  amount: Number(decision.amount_ore) / 100,
                  automated: decision.automated,
                  decidedBy: decision.decided_by,
                  reasons: decision.reasons,
                  statement: decision.statement,
                  receipt: decision.receipt,
                  decidedAt: new Date(decision.created_at).toISOString(),
                }
              : null,
          };
        },
      );
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/flags/:flagId/acknowledge',
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
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
      if (!(await visibleCase(db, req, reply))) return reply;
      const { note } = req.body as { note: string };
      const { actor, role } = staffActor(req);
      const done = await db.transaction().execute(async (tx) => {
        const r = await tx
          .updateTable('flag')
          .set({
            status: 'acknowledged',
            closed_at: new Date(),
            closed_by: actor,
            close_note: JSON.stringify({ note }),
          })
          .where('id', '=', flagId)
          .where('application_id', '=', id)
          .where('municipality_id', '=', municipality)
          .where('status', '=', 'open')
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await appendAudit(tx, {
          actor,
          role,
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

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/decision',
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: "Decide a case that waits for a person, or approve the system's proposal",
        description:
          'On the latest calculation version, after every flag is acknowledged. A grant pays the calculated amount; ' +
          'every adverse decision needs written reasons. Repeating the same decision answers as the first time.',
        params: applicationParams,
        body: decisionBody,
        response: {
          200: z.object({ decision: z.string(), outcome: z.enum(OUTCOMES), amount: z.number() }),
          ...WRITE_PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      const body = req.body as z.infer<typeof decisionBody>;
      const lang = negotiateLang(req.headers['accept-language']);
      const out = await decideByPerson(
        db,
        { id, municipality },
        {
          ...staffActor(req),
          ...(req.principal!.name !== undefined ? { actorName: req.principal!.name } : {}),
          outcome: body.outcome,
          calculationVersion: body.calculationVersion,
          ...(body.statement !== undefined ? { statement: body.statement } : {}),
        },
      );
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok && out.reason === 'invalid')
        return sendProblem(
          reply,
          invalidInput(
            lang,
            out.problems.map((p) => ({
              pointer: `/${p.field}`,
              field: p.field,
              code: p.code,
              message: p.msg[lang],
            })),
          ),
        );
      if (!out.ok) return sendProblem(reply, conflictProblem(out, lang));
      return { decision: out.decisionId, outcome: body.outcome, amount: out.amountOre / 100 };
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/completion-request',
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: 'Ask the applicant to complete the application; the case waits for the applicant',
        params: applicationParams,
        body: completionRequestBody,
        response: {
          201: z.object({ completionRequest: z.string(), status: z.literal('waiting-applicant') }),
          ...WRITE_PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      const body = req.body as z.infer<typeof completionRequestBody>;
      const lang = negotiateLang(req.headers['accept-language']);
      const out = await requestCompletion(db, { id, municipality }, { ...staffActor(req), ...body });
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok) return sendProblem(reply, conflictProblem(out, lang));
      return reply.code(201).send({ completionRequest: out.requestId, status: 'waiting-applicant' as const });
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/kommunicering',
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: 'Tell the applicant the planned adverse decision and why, before deciding (kommunicering)',
        description: 'Idempotent on Idempotency-Key. The letter is issued from what is stored here.',
        params: applicationParams,
        headers: idempotencyHeaders,
        body: kommuniceringBody,
        response: { 201: z.object({ kommunicering: z.string() }), ...WRITE_PROBLEMS },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      const body = req.body as z.infer<typeof kommuniceringBody>;
      const lang = negotiateLang(req.headers['accept-language']);
      const out = await sendKommunicering(
        db,
        { id, municipality },
        { ...staffActor(req), key: (req.headers['idempotency-key'] as string).trim(), ...body },
      );
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok) return sendProblem(reply, conflictProblem(out, lang));
      return reply.code(201).send({ kommunicering: out.id });
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/recovery-claims',
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: "Record a recovery claim (återkrav) against the case's household; idempotent on Idempotency-Key",
        params: applicationParams,
        headers: idempotencyHeaders,
        body: recoveryClaimBody,
        response: { 201: z.object({ recoveryClaim: z.string() }), 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      const body = req.body as z.infer<typeof recoveryClaimBody>;
      const out = await recordRecoveryClaim(
        db,
        { id, municipality },
        {
          ...staffActor(req),
          key: (req.headers['idempotency-key'] as string).trim(),
          amountOre: kronorToOre(body.amount)!,
          basis: body.basis,
          reason: body.reason,
          decidedOn: body.decidedOn,
        },
      );
      if (!out.ok) return notFound(req, reply);
      return reply.code(201).send({ recoveryClaim: out.claimId });
    },
  );
}
