/**
 * Payments for staff, tenant (municipality) in every path: the municipality's payments and a
 * case's payment, an urgent payment outside the cycle, pain.001 batch export (idempotent on
 * Idempotency-Key; a batch's file can be fetched again byte for byte), and what the bank did
 * (settled, returned — a returned payment opens a flag on the case for a caseworker). Staff of the
 * municipality or of its host; anyone else gets 404. Every read and write is in the audit log.
 * How it works: docs/payments.md.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import * as z from 'zod';
import { PAYMENT_KINDS } from '@tillit/domain';
import type { Lang } from '@tillit/rules';
import { withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import type { Municipality } from '../municipalities.ts';
import {
  exportBatch,
  makeUrgent,
  paymentOfCase,
  returnPayment,
  settlePayment,
  type BankOutcome,
  type BatchRow,
  type PaymentRow,
} from '../payments/service.ts';
import { negotiateLang, problem, problemSchema } from '../problems.ts';
import type { Problem } from '../problems.ts';
import {
  applicationParams,
  handledBy,
  idempotencyHeaders,
  municipalityParams,
  notFound,
  sendProblem,
  staffActor,
  visibleCase,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

const STATUSES = ['scheduled', 'exported', 'settled', 'returned'] as const;

const paymentSchema = z
  .object({
    id: z.uuid(),
    case: z.string().meta({ description: 'The application (case) the decision belongs to.' }),
    decision: z.string(),
    month: z.string().meta({ description: 'The month the assistance is for (YYYY-MM).' }),
    kind: z.enum(PAYMENT_KINDS).meta({
      description:
        "cycle: on the municipality's payday; late: decided on or after the payday, paid the next banking day; urgent: a caseworker's payment outside the cycle.",
    }),
    status: z.enum(STATUSES),
    amount: z.number().meta({ description: 'Kronor paid (after the municipality’s rounding).' }),
    amountOre: z.int(),
    decidedAmountOre: z.int().meta({ description: 'The decided amount in öre, before rounding.' }),
    payOn: z.string().meta({ description: 'The banking day asked for (YYYY-MM-DD).' }),
    holder: z.enum(['a0', 'a1']).meta({ description: "Whose account: a0 the applicant's, a1 the co-applicant's." }),
    account: z.string().meta({ description: 'The account paid to, masked: clearing number and the last four digits.' }),
    batch: z.string().nullable(),
    urgentReason: z.string().nullable(),
    returnReason: z.string().nullable(),
    createdAt: z.string(),
    exportedAt: z.string().nullable(),
    settledAt: z.string().nullable(),
    returnedAt: z.string().nullable(),
  })
  .meta({ id: 'Payment' });

const batchSchema = z
  .object({
    id: z.uuid(),
    messageId: z.string().meta({ description: 'The pain.001 MsgId.' }),
    createdBy: z.string(),
    createdAt: z.string(),
    payments: z.int(),
    total: z.number().meta({ description: 'Kronor.' }),
    totalOre: z.int(),
    sha256: z.string().meta({ description: "SHA-256 (hex) of the file's bytes." }),
    file: z.string().meta({ description: 'Where to fetch the file (application/xml).' }),
  })
  .meta({ id: 'PaymentBatch' });

const exportBody = z
  .strictObject({
    through: z.iso.date().optional().meta({
      description:
        'Export scheduled payments due on or before this day (YYYY-MM-DD); default: within three banking days.',
    }),
  })
  .meta({ id: 'PaymentExport' });

const reasonBody = z.strictObject({ reason: z.string().trim().min(5).max(500) });

const listQuery = z.strictObject({
  status: z.enum(STATUSES).optional(),
  from: z.iso.date().optional().meta({ description: 'Pay date on or after (YYYY-MM-DD).' }),
  to: z.iso.date().optional().meta({ description: 'Pay date on or before (YYYY-MM-DD).' }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
});

const paymentParams = municipalityParams.extend({ paymentId: z.uuid() });
const batchParams = municipalityParams.extend({ batchId: z.uuid() });

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

function paymentView(p: PaymentRow): z.infer<typeof paymentSchema> {
  const amountOre = Number(p.amount_ore);
  return {
    id: p.id,
    case: p.application_id,
    decision: p.decision_id,
    month: p.month,
    kind: p.kind,
    status: p.status,
    amount: amountOre / 100,
    amountOre,
    decidedAmountOre: Number(p.decided_ore),
    payOn: p.pay_on,
    holder: p.holder,
    account: `${p.clearing}, …${p.account.slice(-4)}`,
    batch: p.batch_id,
    urgentReason: p.urgent_reason,
    returnReason: p.return_reason,
    createdAt: iso(p.created_at)!,
    exportedAt: iso(p.exported_at),
    settledAt: iso(p.settled_at),
    returnedAt: iso(p.returned_at),
  };
}

function batchView(b: BatchRow): z.infer<typeof batchSchema> {
  const totalOre = Number(b.total_ore);
  return {
    id: b.id,
    messageId: b.message_id,
    createdBy: b.created_by,
    createdAt: iso(b.created_at)!,
    payments: b.payment_count,
    total: totalOre / 100,
    totalOre,
    sha256: b.sha256,
    file: `/api/v1/municipalities/${b.municipality_id}/payment-batches/${b.id}/file`,
  };
}

type PaymentConflict = 'nothing-due' | 'no-debtor-account' | 'no-payment' | 'already-exported' | 'wrong-status';

/** 409 saying, in the caller's language, what stands in the way. */
function paymentConflict(c: PaymentConflict, lang: Lang, status?: string): Problem & { conflict: string } {
  const detail: Record<PaymentConflict, Record<Lang, string>> = {
    'nothing-due': {
      sv: 'Inga planerade utbetalningar att föra över för perioden.',
      en: 'No scheduled payments are due for the period.',
    },
    'no-debtor-account': {
      sv: 'Kommunen har inget konto att betala från (inställningen debtor).',
      en: 'The municipality has no account to pay from (the debtor setting).',
    },
    'no-payment': {
      sv: 'Ärendet har inget beslut som betalar ut pengar.',
      en: 'The case has no decision that pays money.',
    },
    'already-exported': {
      sv: `Utbetalningen är redan överförd till banken (status: ${status ?? '?'}).`,
      en: `The payment has already been sent to the bank (status: ${status ?? '?'}).`,
    },
    'wrong-status': {
      sv: `Utbetalningen har inte den status som krävs (status: ${status ?? '?'}).`,
      en: `The payment does not have the status this needs (status: ${status ?? '?'}).`,
    },
  };
  return { ...problem('conflict', lang, detail[c][lang]), conflict: c };
}

const conflictSchema = problemSchema.extend({ conflict: z.string() });

export async function paymentRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const staff = handledBy(opts.municipalities);
  const lang = (req: FastifyRequest) => negotiateLang(req.headers['accept-language']);
  const municipalityOf = (req: FastifyRequest): Municipality =>
    opts.municipalities().get((req.params as { municipality: string }).municipality)!;

  app.get(
    '/api/v1/municipalities/:municipality/payments',
    {
      preValidation: [staff, requireRole('caseworker', 'admin', 'auditor')],
      schema: {
        tags: ['payments'],
        summary: "The municipality's payments, by pay date (households with protected identity only with the claim)",
        params: municipalityParams,
        querystring: listQuery,
        response: { 200: z.object({ payments: z.array(paymentSchema) }), 400: problemSchema, 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as z.infer<typeof listQuery>;
      const access = req.principal!.protectedIdentityAccess;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'payment',
          objectId: null,
          purpose: 'payment-list',
          details: { status: q.status ?? null, from: q.from ?? null, to: q.to ?? null },
        },
        async () => {
          const { rows } = await sql<PaymentRow>`
            select p.id, p.municipality_id, p.decision_id, p.application_id, p.month, p.kind, p.status,
              p.decided_ore, p.amount_ore, p.pay_on::text as pay_on, p.clearing, p.account, p.holder,
              p.creditor_name, p.end_to_end_id, p.batch_id, p.urgent_reason, p.return_reason,
              p.created_at, p.exported_at, p.settled_at, p.returned_at
            from payment p join application a on a.id = p.application_id and a.municipality_id = p.municipality_id
            where p.municipality_id = ${municipality}
              and (${access} or a.protected_identity = false)
              and (${q.status ?? null}::text is null or p.status = ${q.status ?? null})
              and (${q.from ?? null}::date is null or p.pay_on >= ${q.from ?? null}::date)
              and (${q.to ?? null}::date is null or p.pay_on <= ${q.to ?? null}::date)
            order by p.pay_on, p.id
            limit ${q.limit}`.execute(db);
          return { payments: rows.map(paymentView) };
        },
      );
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/cases/:id/payment',
    {
      preValidation: [staff, requireRole('caseworker', 'admin', 'auditor')],
      schema: {
        tags: ['payments'],
        summary: "A case's payment; 404 when its decision pays nothing or is not yet scheduled",
        params: applicationParams,
        response: { 200: paymentSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      return withAuditedRead(
        db,
        { ...staffActor(req), municipalityId: municipality, objectType: 'case', objectId: id, purpose: 'payment-view' },
        async () => {
          const p = await paymentOfCase(db, municipality, id);
          return p ? paymentView(p) : notFound(req, reply);
        },
      );
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/payment/urgent',
    {
      preValidation: [staff, requireRole('caseworker')],
      schema: {
        tags: ['payments'],
        summary: "Pay a case's decision outside the cycle: today, or the next banking day",
        description:
          'Only a payment not yet sent to the bank. Asking again answers as the first time. 409 `no-payment` when the ' +
          'case has no decision that pays money, `already-exported` when the file has left.',
        params: applicationParams,
        body: reasonBody,
        response: { 200: paymentSchema, 400: problemSchema, 404: problemSchema, 409: conflictSchema },
      },
    },
    async (req, reply) => {
      const { id } = req.params as z.infer<typeof applicationParams>;
      if (!(await visibleCase(db, req, reply))) return reply;
      const { reason } = req.body as z.infer<typeof reasonBody>;
      const out = await makeUrgent(db, municipalityOf(req), id, { ...staffActor(req), reason });
      if (!out.ok) return sendProblem(reply, paymentConflict(out.reason, lang(req), out.status));
      return paymentView(out.payment);
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/payment-batches',
    {
      preValidation: [staff, requireRole('caseworker', 'admin')],
      schema: {
        tags: ['payments'],
        summary: 'Export due scheduled payments as one ISO 20022 pain.001.001.03 file; idempotent on Idempotency-Key',
        description:
          'Each payment is in at most one batch, however many exports run at once. The same key again answers 200 ' +
          'with the same batch (and file). 409 `nothing-due` when no scheduled payment is due by `through`, ' +
          '`no-debtor-account` when the municipality has no account to pay from.',
        params: municipalityParams,
        headers: idempotencyHeaders,
        body: exportBody,
        response: { 200: batchSchema, 201: batchSchema, 400: problemSchema, 404: problemSchema, 409: conflictSchema },
      },
    },
    async (req, reply) => {
      const body = req.body as z.infer<typeof exportBody>;
      const out = await exportBatch(db, municipalityOf(req), {
        ...staffActor(req),
        key: (req.headers['idempotency-key'] as string).trim(),
        ...(body.through !== undefined ? { through: body.through } : {}),
      });
      if (!out.ok) return sendProblem(reply, paymentConflict(out.reason, lang(req)));
      return reply.code(out.replay ? 200 : 201).send(batchView(out.batch));
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/payment-batches',
    {
      preValidation: [staff, requireRole('caseworker', 'admin', 'auditor')],
      schema: {
        tags: ['payments'],
        summary: "The municipality's payment batches, newest first",
        params: municipalityParams,
        response: { 200: z.object({ batches: z.array(batchSchema) }), 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const rows = await db
        .selectFrom('payment_batch')
        .select([
          'id',
          'municipality_id',
          'message_id',
          'created_by',
          'created_at',
          'payment_count',
          'total_ore',
          'sha256',
        ])
        .where('municipality_id', '=', municipality)
        .orderBy('created_at', 'desc')
        .orderBy('id')
        .limit(500)
        .execute();
      return { batches: rows.map(batchView) };
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/payment-batches/:batchId/file',
    {
      preValidation: [staff, requireRole('caseworker', 'admin', 'auditor')],
      schema: {
        tags: ['payments'],
        summary: 'The batch’s pain.001 file, exactly as first generated (application/xml)',
        params: batchParams,
        response: { 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, batchId } = req.params as z.infer<typeof batchParams>;
      const batch = await db
        .selectFrom('payment_batch')
        .select(['id', 'message_id', 'xml', 'sha256'])
        .where('id', '=', batchId)
        .where('municipality_id', '=', municipality)
        .executeTakeFirst();
      if (!batch) return notFound(req, reply);
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'payment-batch',
          objectId: batch.id,
          purpose: 'payment-file',
        },
        () =>
          reply
            .type('application/xml; charset=utf-8')
            .header('content-disposition', `attachment; filename="pain001-${batch.message_id}.xml"`)
            .header('etag', `"${batch.sha256}"`)
            .send(Buffer.from(batch.xml, 'utf8')),
      );
    },
  );

  const bankRoute = (
    path: string,
    summary: string,
    body: z.ZodType | undefined,
    act: (req: FastifyRequest, m: string, paymentId: string) => Promise<BankOutcome>,
  ) =>
    app.post(
      path,
      {
        preValidation: [staff, requireRole('caseworker', 'admin')],
        schema: {
          tags: ['payments'],
          summary,
          params: paymentParams,
          ...(body ? { body } : {}),
          response: { 200: paymentSchema, 400: problemSchema, 404: problemSchema, 409: conflictSchema },
        },
      },
      async (req, reply) => {
        const { municipality, paymentId } = req.params as z.infer<typeof paymentParams>;
        const out = await act(req, municipality, paymentId);
        if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
        if (!out.ok) return sendProblem(reply, paymentConflict('wrong-status', lang(req), out.status));
        return paymentView(out.payment);
      },
    );

  bankRoute(
    '/api/v1/municipalities/:municipality/payments/:paymentId/settle',
    'The bank paid an exported payment out (saying so again changes nothing)',
    undefined,
    (req, m, id) => settlePayment(db, m, id, staffActor(req)),
  );
  bankRoute(
    '/api/v1/municipalities/:municipality/payments/:paymentId/return',
    'The bank sent a payment back: it is returned with the reason, and the case gets a flag for a caseworker',
    reasonBody,
    (req, m, id) =>
      returnPayment(db, m, id, { ...staffActor(req), reason: (req.body as z.infer<typeof reasonBody>).reason }),
  );
}
