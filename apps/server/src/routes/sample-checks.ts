/**
 * Sample checks (stickprov), tenant (municipality) in every path. Staff draw a month of
 * decisions (once: the same period again answers with the same draw), read a draw with its seed
 * and eligible list, have it re-drawn and verified, follow each drawn case and record its outcome
 * and any recovery claim (återkrav), and read the report. The applicant sees the documents asked
 * for on their application and answers. Staff of the municipality or of its host; a household with
 * protected identity only for specially authorized staff; anyone else gets 404. Every read and
 * write of case data is in the audit log first.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { kronorToOre, MAX_KRONOR } from '@tillit/rules';
import type { Lang } from '@tillit/rules';
import { DOCUMENT_CODES, SAMPLING_METHOD } from '@tillit/domain';
import { withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { RECOVERY_CLAIM_BASES } from '../pipeline/manual.ts';
import { invalidInput, negotiateLang, problem, problemSchema } from '../problems.ts';
import type { Problem } from '../problems.ts';
import { PERIOD, swedishDate } from '../sample-checks/period.ts';
import { sampleCheckReport } from '../sample-checks/report.ts';
import {
  ANSWER_DAYS,
  SAMPLE_CHECK_OUTCOMES,
  answerCheck,
  applicantCheck,
  checkVisibility,
  claimForCheck,
  drawItems,
  drawPeriod,
  findDraw,
  getCheck,
  listChecks,
  listDraws,
  recordOutcome,
  verifyPeriod,
} from '../sample-checks/service.ts';
import type { DrawSummary, SampleConflict } from '../sample-checks/service.ts';
import {
  applicationParams,
  handledBy,
  idempotencyHeaders,
  maySeeCase,
  municipalityParams,
  notFound,
  sendProblem,
  staffActor,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

const msg = (sv: string, en: string) => ({ sv, en });

const period = z
  .string()
  .refine((v) => PERIOD.test(v), {
    message: 'YYYY-MM',
    params: { code: 'format', msg: msg('Ange en månad som ÅÅÅÅ-MM.', 'Give a month as YYYY-MM.') },
  })
  .meta({ description: 'A month of decisions, YYYY-MM (Swedish time).', pattern: PERIOD.source });

const kronor = z
  .number()
  .positive()
  .max(MAX_KRONOR)
  .refine((v) => kronorToOre(v) !== undefined, {
    message: 'at most two decimals',
    params: { code: 'decimals', msg: msg('Högst två decimaler (öre).', 'At most two decimals (öre).') },
  })
  .meta({ description: 'Kronor, at most two decimals.' });

const drawBody = z.strictObject({ period }).meta({ id: 'SampleDrawRequest' });
const periodParams = municipalityParams.extend({ period });
const checkParams = municipalityParams.extend({ checkId: z.uuid() });
const listQuery = z.strictObject({ period: period.optional() });
const reportQuery = z.strictObject({ from: period.optional(), to: period.optional() });

const outcomeBody = z
  .strictObject({
    outcome: z.enum(SAMPLE_CHECK_OUTCOMES).meta({
      description:
        'confirmed: the documents bear the decision out; discrepancy: an amount was decided wrongly (give it); ' +
        'no-answer: the applicant did not answer by the due date.',
    }),
    amount: kronor.optional().meta({ description: 'For a discrepancy: the kronor decided wrongly (≤ the decision).' }),
    note: z.string().trim().min(3).max(4000).meta({ description: 'What was checked and found.' }),
  })
  .superRefine((b, ctx) => {
    if (b.outcome === 'discrepancy' && b.amount === undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: 'required for a discrepancy',
        params: {
          code: 'required',
          msg: msg('Ange beloppet som beslutades fel.', 'Give the amount that was decided wrongly.'),
        },
      });
    if (b.outcome !== 'discrepancy' && b.amount !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['amount'],
        message: 'only for a discrepancy',
        params: {
          code: 'not-allowed',
          msg: msg('Ett belopp anges bara vid en avvikelse.', 'An amount is given only for a discrepancy.'),
        },
      });
  })
  .meta({ id: 'SampleCheckOutcome' });

const claimBody = z
  .strictObject({
    amount: kronor.optional().meta({ description: 'Kronor; defaults to the discrepancy and cannot exceed it.' }),
    basis: z.enum(RECOVERY_CLAIM_BASES).meta({
      description: 'sol-9-1: paid on false or withheld information (SoL 9 kap. 1 §); sol-9-2: paid on condition.',
    }),
    reason: z.string().trim().min(10).max(4000),
    decidedOn: z.iso.date(),
  })
  .meta({ id: 'SampleCheckRecoveryClaim' });

const answerBody = z
  .strictObject({
    message: z.string().trim().min(1).max(4000),
    documentsSent: z
      .array(z.string().max(60))
      .max(DOCUMENT_CODES.length)
      .default([])
      .meta({ description: 'Codes of the requested documents the applicant says were sent.' }),
  })
  .meta({ id: 'SampleCheckAnswer' });

const interval = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() }).nullable();
const documentView = z.object({ code: z.string(), sv: z.string(), en: z.string() });
const strataView = z.array(z.object({ fromOre: z.int(), rateBasisPoints: z.int() }));

const drawView = z
  .object({
    id: z.string(),
    municipality: z.string(),
    period: z.string(),
    method: z.literal(SAMPLING_METHOD),
    seed: z.string().meta({ description: '32 bytes as 64 hex digits, made by a cryptographic generator at the draw.' }),
    strata: strataView,
    eligibleCount: z.int(),
    eligibleHash: z.string().meta({ description: 'SHA-256 of the eligible list; see docs/sample-checks.md.' }),
    selectedCount: z.int(),
    drawnBy: z.string(),
    drawnAt: z.string(),
  })
  .meta({ id: 'SampleDraw' });

const drawDetail = drawView
  .extend({
    eligible: z.array(z.object({ decision: z.string(), amountOre: z.int(), stratum: z.int(), selected: z.boolean() })),
  })
  .meta({ id: 'SampleDrawDetail' });

const verificationView = z
  .object({
    period: z.string(),
    ok: z.boolean(),
    method: z.string(),
    seed: z.string(),
    eligibleHash: z.string(),
    redraw: z.object({
      ok: z.boolean(),
      methodKnown: z.boolean(),
      eligibleHashMatches: z.boolean(),
      selectionMatches: z.boolean(),
      missing: z.array(z.string()),
      unexpected: z.array(z.string()),
    }),
    checksMatch: z.boolean(),
    decisionsUnchanged: z.boolean(),
    currentEligibleHash: z.string(),
  })
  .meta({ id: 'SampleDrawVerification' });

const checkView = z
  .object({
    id: z.string(),
    period: z.string(),
    decision: z.string(),
    application: z.string(),
    stratum: z.int(),
    decisionAmount: z.number(),
    documents: z.array(documentView),
    dueDate: z.string(),
    status: z.enum(['requested', 'answered', 'closed']),
    answer: z.object({ at: z.string(), message: z.string(), documentsSent: z.array(z.string()) }).nullable(),
    outcome: z
      .object({
        outcome: z.enum(SAMPLE_CHECK_OUTCOMES),
        amount: z.number().nullable(),
        note: z.string(),
        by: z.string(),
        at: z.string(),
      })
      .nullable(),
    recoveryClaim: z.string().nullable(),
  })
  .meta({ id: 'SampleCheck' });

const reportCounts = {
  eligible: z.int(),
  drawn: z.int(),
  answered: z.int(),
  confirmed: z.int(),
  discrepancies: z.int(),
  noAnswer: z.int(),
  open: z.int(),
  amountFoundWrong: z.number(),
  errorRate: interval,
  errorOrUnverifiedRate: interval,
  populationErrorRate: interval,
};
const reportView = z
  .object({
    municipality: z.string(),
    confidence: z.literal(0.95),
    periods: z.array(
      z.object({
        period: z.string(),
        ...reportCounts,
        strata: z.array(
          z.object({
            stratum: z.int(),
            fromKronor: z.number(),
            rateBasisPoints: z.int(),
            eligible: z.int(),
            drawn: z.int(),
            confirmed: z.int(),
            discrepancies: z.int(),
            noAnswer: z.int(),
            errorRate: interval,
          }),
        ),
      }),
    ),
    total: z.object(reportCounts),
  })
  .meta({ id: 'SampleCheckReport' });

const applicantView = z
  .object({
    id: z.string(),
    message: z.string().meta({ description: 'Why the applicant is asked, in the language of Accept-Language.' }),
    documents: z.array(documentView.extend({ label: z.string() })),
    dueDate: z.string(),
    status: z.enum(['requested', 'answered', 'closed']),
    answeredAt: z.string().nullable(),
    documentsSent: z.array(z.string()),
  })
  .meta({ id: 'ApplicantSampleCheck' });

const CONFLICTS: Record<SampleConflict, Record<Lang, string>> = {
  'period-not-ended': msg(
    'Månaden är inte slut än. Stickprov dras på en avslutad månad.',
    'The month has not ended yet. Samples are drawn from a month that has ended.',
  ),
  'outcome-recorded': msg(
    'Stickprovet har redan ett annat resultat.',
    'The sample check already has a different outcome.',
  ),
  answered: msg(
    'Den sökande har svarat: bedöm svaret i stället.',
    'The applicant has answered: assess the answer instead.',
  ),
  'not-due': msg('Sista svarsdagen har inte passerat än.', 'The due date for the answer has not passed yet.'),
  'already-answered': msg('Du har redan svarat på stickprovet.', 'You have already answered the sample check.'),
  closed: msg('Stickprovet är redan avslutat.', 'The sample check is already closed.'),
  'no-discrepancy': msg(
    'Ett återkrav kan bara registreras på ett stickprov med en avvikelse.',
    'A recovery claim can only be recorded on a sample check with a discrepancy.',
  ),
};

const APPLICANT_MESSAGE = msg(
  `Ditt beslut har kommit med i ett slumpmässigt stickprov. Det betyder inte att vi misstänker något fel: ` +
    `vi litar på uppgifterna du lämnar och kontrollerar några beslut i efterhand. Skicka in handlingarna ` +
    `nedan inom ${ANSWER_DAYS} dagar och svara här när du har gjort det.`,
  `Your decision was picked in a random sample check. It does not mean we suspect anything is wrong: ` +
    `we trust the information you give and check a few decisions afterwards. Please send the documents ` +
    `below within ${ANSWER_DAYS} days and answer here when you have.`,
);

function conflict(reply: FastifyReply, lang: Lang, c: SampleConflict) {
  const p: Problem & { conflict: SampleConflict } = { ...problem('conflict', lang, CONFLICTS[c][lang]), conflict: c };
  return sendProblem(reply, p);
}

/** 400 naming one field of the body. */
function fieldProblem(lang: Lang, field: string, code: string, m: Record<Lang, string>) {
  return invalidInput(lang, [{ pointer: `/${field.replace(/\./g, '/')}`, field, code, message: m[lang] }]);
}

const STAFF_READERS = ['caseworker', 'auditor', 'admin'] as const;

export async function sampleCheckRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const staff = handledBy(opts.municipalities);
  const lang = (req: FastifyRequest) => negotiateLang(req.headers['accept-language']);
  const base = '/api/v1/municipalities/:municipality';
  const publicDraw = (d: DrawSummary) => ({ ...d, method: d.method as typeof SAMPLING_METHOD });

  app.post(
    `${base}/sample-draws`,
    {
      preValidation: [staff, requireRole('caseworker', 'admin')],
      schema: {
        tags: ['sample-checks'],
        summary:
          'Draw the sample checks (stickprov) for a month of decisions; the same month again answers the same draw',
        description:
          'The month must have ended. A fresh random seed is recorded with the eligible list and its hash; ' +
          'each selected decision gets a sample check. 201 for a new draw, 200 with the existing one.',
        params: municipalityParams,
        body: drawBody,
        response: { 200: drawView, 201: drawView, 400: problemSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const m = opts.municipalities().get(municipality);
      if (!m) return notFound(req, reply);
      const { period: p } = req.body as z.infer<typeof drawBody>;
      const out = await drawPeriod(db, {
        ...staffActor(req),
        municipality,
        period: p,
        settings: m.settings,
        now: new Date(),
      });
      if (!out.ok) return conflict(reply, lang(req), out.conflict);
      return reply.code(out.replay ? 200 : 201).send(publicDraw(out.draw));
    },
  );

  app.get(
    `${base}/sample-draws`,
    {
      preValidation: [staff, requireRole(...STAFF_READERS)],
      schema: {
        tags: ['sample-checks'],
        summary: "The municipality's sample draws, oldest first",
        params: municipalityParams,
        response: { 200: z.object({ draws: z.array(drawView) }), 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'sample-draw',
          objectId: null,
          purpose: 'sample-draws-list',
        },
        async () => ({ draws: (await listDraws(db, municipality)).map(publicDraw) }),
      );
    },
  );

  app.get(
    `${base}/sample-draws/:period`,
    {
      preValidation: [staff, requireRole(...STAFF_READERS)],
      schema: {
        tags: ['sample-checks'],
        summary: 'A draw with its seed, strata and eligible list: everything needed to draw it again',
        params: periodParams,
        response: { 200: drawDetail, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, period: p } = req.params as z.infer<typeof periodParams>;
      const draw = await findDraw(db, municipality, p);
      if (!draw) return notFound(req, reply);
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'sample-draw',
          objectId: draw.id,
          purpose: 'sample-draw-view',
        },
        async () => ({ ...publicDraw(draw), eligible: await drawItems(db, draw.id) }),
      );
    },
  );

  app.get(
    `${base}/sample-draws/:period/verification`,
    {
      preValidation: [staff, requireRole(...STAFF_READERS)],
      schema: {
        tags: ['sample-checks'],
        summary: 'Draw a recorded sample again from its seed and say whether everything matches',
        description:
          'Checks that the recorded list hashes to the recorded hash, that re-drawing it from the seed selects exactly ' +
          "the recorded decisions, that exactly those have sample checks, and that the period's decisions today are the " +
          'recorded list.',
        params: periodParams,
        response: { 200: verificationView, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, period: p } = req.params as z.infer<typeof periodParams>;
      const draw = await findDraw(db, municipality, p);
      if (!draw) return notFound(req, reply);
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'sample-draw',
          objectId: draw.id,
          purpose: 'sample-draw-verification',
        },
        async () => {
          const v = (await verifyPeriod(db, municipality, p))!;
          const { ok, methodKnown, eligibleHashMatches, selectionMatches, missing, unexpected } = v.verification.redraw;
          return {
            period: p,
            ok: v.verification.ok,
            method: v.draw.method,
            seed: v.draw.seed,
            eligibleHash: v.draw.eligibleHash,
            redraw: { ok, methodKnown, eligibleHashMatches, selectionMatches, missing, unexpected },
            checksMatch: v.verification.checksMatch,
            decisionsUnchanged: v.verification.decisionsUnchanged,
            currentEligibleHash: v.verification.currentEligibleHash,
          };
        },
      );
    },
  );

  app.get(
    `${base}/sample-checks`,
    {
      preValidation: [staff, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['sample-checks'],
        summary: 'The sample checks, of a period or all; cases the caller may not see are counted, not shown',
        params: municipalityParams,
        querystring: listQuery,
        response: {
          200: z.object({ checks: z.array(checkView), hidden: z.int() }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const { period: p } = req.query as z.infer<typeof listQuery>;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'sample-check',
          objectId: null,
          purpose: 'sample-checks-list',
          details: p !== undefined ? { period: p } : {},
        },
        async () => {
          const all = await listChecks(db, municipality, p);
          const visible = all.filter((c) => maySeeCase(req.principal!, c.protectedIdentity));
          return {
            checks: visible.map(({ protectedIdentity: _p, ...c }) => c),
            hidden: all.length - visible.length,
          };
        },
      );
    },
  );

  app.get(
    `${base}/sample-checks/report`,
    {
      preValidation: [staff, requireRole(...STAFF_READERS)],
      schema: {
        tags: ['sample-checks'],
        summary:
          'Per period: drawn, answered, confirmed, discrepancies, the error rate with a 95 % interval, the amount found wrong',
        params: municipalityParams,
        querystring: reportQuery,
        response: { 200: reportView, 400: problemSchema, 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as z.infer<typeof reportQuery>;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'sample-check-report',
          objectId: null,
          purpose: 'sample-check-report',
          details: { ...(q.from !== undefined ? { from: q.from } : {}), ...(q.to !== undefined ? { to: q.to } : {}) },
        },
        () => sampleCheckReport(db, municipality, q),
      );
    },
  );

  /** The check if the caller may see its case; otherwise answers 404 and gives false. */
  async function visibleCheck(req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
    const { municipality, checkId } = req.params as z.infer<typeof checkParams>;
    const v = await checkVisibility(db, municipality, checkId);
    if (!v || !maySeeCase(req.principal!, v.protectedIdentity)) {
      await notFound(req, reply);
      return false;
    }
    return true;
  }

  app.get(
    `${base}/sample-checks/:checkId`,
    {
      preValidation: [staff, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['sample-checks'],
        summary: 'One sample check: the documents asked for, the answer, the outcome',
        params: checkParams,
        response: { 200: checkView, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, checkId } = req.params as z.infer<typeof checkParams>;
      if (!(await visibleCheck(req, reply))) return reply;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'sample-check',
          objectId: checkId,
          purpose: 'sample-check-view',
        },
        async () => {
          const c = await getCheck(db, municipality, checkId);
          if (!c) return notFound(req, reply);
          const { protectedIdentity: _p, ...view } = c;
          return view;
        },
      );
    },
  );

  app.post(
    `${base}/sample-checks/:checkId/outcome`,
    {
      preValidation: [staff, requireRole('caseworker')],
      schema: {
        tags: ['sample-checks'],
        summary: "Record a sample check's outcome: confirmed, discrepancy (with the amount) or no answer",
        description: 'Once; the same outcome again answers as the first time, another one 409.',
        params: checkParams,
        body: outcomeBody,
        response: { 200: checkView, 400: problemSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, checkId } = req.params as z.infer<typeof checkParams>;
      if (!(await visibleCheck(req, reply))) return reply;
      const body = req.body as z.infer<typeof outcomeBody>;
      const out = await recordOutcome(
        db,
        { municipality, id: checkId },
        {
          ...staffActor(req),
          outcome: body.outcome,
          ...(body.amount !== undefined ? { discrepancyOre: kronorToOre(body.amount)! } : {}),
          note: body.note,
          today: swedishDate(new Date()),
        },
      );
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok && out.reason === 'exceeds-decision')
        return sendProblem(
          reply,
          fieldProblem(
            lang(req),
            'amount',
            'exceeds-decision',
            msg(
              `Beloppet kan inte vara större än beslutets ${out.decisionOre / 100} kr.`,
              `The amount cannot exceed the decision's ${out.decisionOre / 100} kronor.`,
            ),
          ),
        );
      if (!out.ok) return conflict(reply, lang(req), out.conflict);
      return out.check;
    },
  );

  app.post(
    `${base}/sample-checks/:checkId/recovery-claim`,
    {
      preValidation: [staff, requireRole('caseworker')],
      schema: {
        tags: ['sample-checks'],
        summary: 'Record the recovery claim (återkrav) a discrepancy led to; once per sample check',
        description:
          "Recorded like POST …/cases/{id}/recovery-claims (the household's next applications are checked by a person) " +
          'and linked to the sample check. A retry answers with the same claim.',
        params: checkParams,
        body: claimBody,
        response: {
          201: z.object({ recoveryClaim: z.string() }),
          400: problemSchema,
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality, checkId } = req.params as z.infer<typeof checkParams>;
      if (!(await visibleCheck(req, reply))) return reply;
      const body = req.body as z.infer<typeof claimBody>;
      if (body.decidedOn > swedishDate(new Date()))
        return sendProblem(
          reply,
          fieldProblem(
            lang(req),
            'decidedOn',
            'future-date',
            msg('Dagen kan inte ligga i framtiden.', 'The date cannot be in the future.'),
          ),
        );
      const out = await claimForCheck(
        db,
        { municipality, id: checkId },
        {
          ...staffActor(req),
          ...(body.amount !== undefined ? { amountOre: kronorToOre(body.amount)! } : {}),
          basis: body.basis,
          reason: body.reason,
          decidedOn: body.decidedOn,
        },
      );
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok && out.reason === 'exceeds-discrepancy')
        return sendProblem(
          reply,
          fieldProblem(
            lang(req),
            'amount',
            'exceeds-discrepancy',
            msg(
              `Återkravet kan inte vara större än avvikelsen, ${out.discrepancyOre / 100} kr.`,
              `The claim cannot exceed the discrepancy, ${out.discrepancyOre / 100} kronor.`,
            ),
          ),
        );
      if (!out.ok) return conflict(reply, lang(req), out.conflict);
      return reply.code(201).send({ recoveryClaim: out.claimId });
    },
  );

  // The applicant's side, on their own application.
  const known = (m: string) => opts.municipalities().has(m);

  app.get(
    `${base}/applications/:id/sample-check`,
    {
      preValidation: [requireRole('applicant')],
      schema: {
        tags: ['applications'],
        summary: 'The sample check on my application, if it was drawn: the documents asked for',
        params: applicationParams,
        response: { 200: applicantView, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!known(municipality)) return notFound(req, reply);
      const scope = { municipality, application: id, applicant: req.principal!.personnummer! };
      if (!req.principal!.personnummer || !(await applicantCheck(db, scope))) return notFound(req, reply);
      const l = lang(req);
      return withAuditedRead(
        db,
        {
          actor: req.principal!.subject,
          role: 'applicant',
          municipalityId: municipality,
          objectType: 'sample-check',
          objectId: null,
          purpose: 'own-sample-check',
          details: { application: id },
        },
        async () => {
          const c = (await applicantCheck(db, scope))!;
          return {
            ...c,
            message: APPLICANT_MESSAGE[l],
            documents: c.documents.map((d) => ({ ...d, label: d[l] })),
          };
        },
      );
    },
  );

  app.post(
    `${base}/applications/:id/sample-check/answer`,
    {
      preValidation: [requireRole('applicant')],
      schema: {
        tags: ['applications'],
        summary: 'Answer the sample check on my application; idempotent on the Idempotency-Key header',
        description: 'A message and the codes of the requested documents said to be sent (the files come with upload).',
        params: applicationParams,
        headers: idempotencyHeaders,
        body: answerBody,
        response: {
          202: z.object({ status: z.literal('answered') }),
          400: problemSchema,
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!known(municipality) || !req.principal!.personnummer) return notFound(req, reply);
      const body = req.body as z.infer<typeof answerBody>;
      const out = await answerCheck(
        db,
        { municipality, application: id, applicant: req.principal!.personnummer },
        {
          actor: req.principal!.subject,
          key: (req.headers['idempotency-key'] as string).trim(),
          message: body.message,
          documentsSent: body.documentsSent,
        },
      );
      if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
      if (!out.ok && out.reason === 'unknown-documents') {
        const l = lang(req);
        return sendProblem(
          reply,
          invalidInput(
            l,
            out.indexes.map((i) => ({
              pointer: `/documentsSent/${i}`,
              field: `documentsSent[${i}]`,
              code: 'not-requested',
              message: msg('Den handlingen har vi inte bett om.', 'That document was not asked for.')[l],
            })),
          ),
        );
      }
      if (!out.ok) return conflict(reply, lang(req), out.conflict);
      return reply.code(202).send({ status: 'answered' as const });
    },
  );
}
