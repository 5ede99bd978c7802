/**
 * Staff routes for adjustments of a case's calculation, tenant (municipality) in every path: a
 * caseworker adjusts a cost or an income with a mandatory reason (a new calculation version, the
 * old one kept); above the municipality's threshold a second caseworker approves or rejects it
 * (four eyes) before anyone decides on that version; caseworkers and auditors read the list.
 * Staff of the municipality or of its host municipality; a household with protected identity only
 * for specially authorized staff (fail-closed); anyone else gets 404. Every read and write is in
 * the audit log. The rules: docs/adjustments.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { COST_TYPES, INCOME_TYPES, MAX_KRONOR, kronorToOre } from '@tillit/rules';
import type { RuleBooks } from '../rulebook-registry.ts';
import { withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import {
  ADJUSTMENT_KINDS,
  ADJUSTMENT_STATUSES,
  listAdjustments,
  makeAdjustment,
  reviewAdjustment,
} from '../pipeline/adjustments.ts';
import type { AdjustmentDeps, AdjustmentResult } from '../pipeline/adjustments.ts';
import { invalidInput, negotiateLang, problem, problemSchema } from '../problems.ts';
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

export interface AdjustmentRoutesOptions extends CaseRoutesOptions {
  /** The rule book in force, which the adjusted form is calculated with, as the pipeline worker does. */
  readonly rulebooks: RuleBooks;
}

const COSTS: ReadonlySet<string> = new Set(COST_TYPES);
const INCOMES: ReadonlySet<string> = new Set(INCOME_TYPES);

const adjustmentBody = z
  .strictObject({
    kind: z.enum(ADJUSTMENT_KINDS).meta({ description: 'cost or income.' }),
    type: z
      .string()
      .max(40)
      .meta({
        description: `The item's type: for a cost one of ${COST_TYPES.join(', ')}; for an income one of ${INCOME_TYPES.join(', ')}.`,
      }),
    person: z
      .string()
      .refine((p) => /^[ac]\d{1,2}$/.test(p), {
        params: {
          code: 'format',
          msg: {
            sv: 'Ange personen som a0 eller a1 (vuxna) eller c0, c1 … (barn).',
            en: 'Give the person as a0 or a1 (adults) or c0, c1 … (children).',
          },
        },
      })
      .optional()
      .meta({ description: 'Whose income (a0, a1, c0, …); omitted for a household income. Never for a cost.' }),
    amount: z
      .number()
      .min(0)
      .max(MAX_KRONOR)
      .refine((v) => kronorToOre(v) !== undefined, {
        message: 'at most two decimals',
        params: { code: 'decimals', msg: { sv: 'Högst två decimaler (öre).', en: 'At most two decimals (öre).' } },
      })
      .meta({ description: 'The new monthly amount in kronor (at most two decimals); 0 removes the item.' }),
    reason: z
      .string()
      .trim()
      .min(20)
      .max(2000)
      .meta({ description: 'Why, 20–2000 characters: kept with the adjustment and the calculation version.' }),
    basedOnVersion: z
      .int()
      .min(1)
      .meta({ description: "The calculation version adjusted: the case's latest; a newer version answers 409." }),
  })
  .superRefine((b, ctx) => {
    const cost = b.kind === 'cost';
    const allowed = (cost ? COST_TYPES : INCOME_TYPES).join(', ');
    if (!(cost ? COSTS : INCOMES).has(b.type))
      ctx.addIssue({
        code: 'custom',
        path: ['type'],
        message: 'unknown type',
        params: {
          code: 'unknown-type',
          msg: {
            sv: `Okänd typ för ${cost ? 'en kostnad' : 'en inkomst'}. Tillåtna: ${allowed}.`,
            en: `Unknown type for ${cost ? 'a cost' : 'an income'}. Allowed: ${allowed}.`,
          },
        },
      });
    if (cost && b.person !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['person'],
        message: 'no person for a cost',
        params: {
          code: 'person-not-allowed',
          msg: {
            sv: 'En kostnad är hushållets; ange ingen person.',
            en: "A cost is the household's; give no person.",
          },
        },
      });
  })
  .meta({ id: 'NewAdjustment' });

const rejectBody = z
  .strictObject({
    note: z
      .string()
      .trim()
      .min(10)
      .max(2000)
      .meta({ description: 'Why the adjustment is rejected, 10–2000 characters.' }),
  })
  .meta({ id: 'AdjustmentRejection' });

const adjustmentView = z
  .object({
    id: z.string(),
    kind: z.enum(ADJUSTMENT_KINDS),
    type: z.string(),
    person: z.string().nullable(),
    from: z.number().nullable().meta({ description: "The item's amount before (kronor); null: not in the form." }),
    to: z.number().meta({ description: "The item's amount after (kronor); 0: removed." }),
    reason: z.string(),
    madeBy: z.string(),
    madeAt: z.string(),
    basedOnVersion: z.int(),
    calculationVersion: z.int().meta({ description: 'The calculation version the adjustment made.' }),
    previousAmount: z.number().meta({ description: "The case's amount on the version adjusted (kronor)." }),
    amount: z.number().meta({ description: "The case's amount on the new version (kronor)." }),
    needsSecond: z.boolean().meta({ description: 'The amount moved by more than the threshold: four eyes.' }),
    status: z.enum(ADJUSTMENT_STATUSES),
    approvedBy: z.string().nullable(),
    approvedAt: z.string().nullable(),
    rejectedBy: z.string().nullable(),
    rejectedAt: z.string().nullable(),
    rejectionNote: z.string().nullable(),
    restoredVersion: z
      .int()
      .nullable()
      .meta({ description: 'After a rejection: the version that restored the calculation adjusted.' }),
    superseded: z
      .boolean()
      .meta({ description: "The pipeline calculated the case again from the applicant's form after this version." }),
  })
  .meta({ id: 'Adjustment' });

const adjustmentParams = applicationParams.extend({ adjustmentId: z.uuid() });
const WRITE_PROBLEMS = { 400: problemSchema, 404: problemSchema, 409: problemSchema, 422: problemSchema } as const;

/** Answers a failed adjustment write as problem details; undefined when it succeeded. */
function sendFailure(req: FastifyRequest, reply: FastifyReply, out: AdjustmentResult) {
  if (out.ok) return undefined;
  const lang = negotiateLang(req.headers['accept-language']);
  switch (out.reason) {
    case 'not-found':
      return notFound(req, reply);
    case 'invalid':
      return sendProblem(
        reply,
        invalidInput(
          lang,
          out.problems.map((p) => ({ pointer: `/${p.field}`, field: p.field, code: p.code, message: p.msg[lang] })),
        ),
      );
    case 'not-calculable':
      return sendProblem(
        reply,
        problem(
          'missing-parameters',
          lang,
          lang === 'sv'
            ? 'Den justerade ansökan kan inte räknas med regelboken för månaden.'
            : 'The adjusted application cannot be calculated with the rule book for the month.',
        ),
      );
    case 'conflict':
      return sendProblem(reply, conflictProblem(out, lang));
  }
}

export async function adjustmentRoutes(app: FastifyInstance, opts: AdjustmentRoutesOptions): Promise<void> {
  const { db } = opts;
  const staffOfCase = handledBy(opts.municipalities);
  const deps = (municipality: string): AdjustmentDeps | undefined => {
    const m = opts.municipalities().get(municipality);
    return m && { db, rulebook: opts.rulebooks.current(), municipality: m };
  };
  const base = '/api/v1/municipalities/:municipality/cases/:id/adjustments';

  app.get(
    base,
    {
      preValidation: [staffOfCase, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['cases'],
        summary: "A case's adjustments: who, when, why, the amounts and whether a second caseworker approved",
        params: applicationParams,
        response: {
          200: z.object({
            threshold: z.number().meta({
              description:
                "The municipality's four-eyes threshold in kronor: a larger change of the amount needs a second caseworker.",
            }),
            adjustments: z.array(adjustmentView),
          }),
          404: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      const m = opts.municipalities().get(municipality);
      if (!m) return notFound(req, reply);
      if (!(await visibleCase(db, req, reply))) return reply;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'case',
          objectId: id,
          purpose: 'adjustments-view',
        },
        async () => ({
          threshold: m.settings.fourEyesThresholdKronor,
          adjustments: await listAdjustments(db, { id, municipality }),
        }),
      );
    },
  );

  app.post(
    base,
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: 'Adjust a cost or an income with a reason: a new calculation version, the old one kept',
        description:
          'Only while the case waits for a person, on its latest calculation version. The form as it stands, with ' +
          'earlier adjustments, is changed and calculated with the rule book. A change of the amount above the ' +
          "municipality's threshold needs a second caseworker before the version can be decided. Idempotent on " +
          'Idempotency-Key.',
        params: applicationParams,
        headers: idempotencyHeaders,
        body: adjustmentBody,
        response: { 201: adjustmentView, ...WRITE_PROBLEMS },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      const d = deps(municipality);
      if (!d) return notFound(req, reply);
      if (!(await visibleCase(db, req, reply))) return reply;
      const body = req.body as z.infer<typeof adjustmentBody>;
      const out = await makeAdjustment(
        d,
        { id, municipality },
        {
          ...staffActor(req),
          key: (req.headers['idempotency-key'] as string).trim(),
          kind: body.kind,
          type: body.type,
          ...(body.person !== undefined ? { person: body.person } : {}),
          amountOre: kronorToOre(body.amount)!,
          reason: body.reason,
          basedOnVersion: body.basedOnVersion,
        },
      );
      if (!out.ok) return sendFailure(req, reply, out);
      return reply.code(201).send(out.adjustment);
    },
  );

  for (const outcome of ['approve', 'reject'] as const)
    app.post(
      `${base}/:adjustmentId/${outcome}`,
      {
        preValidation: [staffOfCase, requireRole('caseworker')],
        schema: {
          tags: ['cases'],
          summary:
            outcome === 'approve'
              ? 'A second caseworker approves an adjustment (four eyes); its version can then be decided'
              : 'A second caseworker rejects an adjustment; a new version restores the calculation adjusted',
          description: 'Never by the caseworker who made it. Repeating one’s own review answers as the first time.',
          params: adjustmentParams,
          ...(outcome === 'reject' ? { body: rejectBody } : {}),
          response: { 200: adjustmentView, ...WRITE_PROBLEMS },
        },
      },
      async (req, reply) => {
        const { municipality, id, adjustmentId } = req.params as z.infer<typeof adjustmentParams>;
        const d = deps(municipality);
        if (!d) return notFound(req, reply);
        if (!(await visibleCase(db, req, reply))) return reply;
        const out = await reviewAdjustment(
          d,
          { id, municipality },
          {
            ...staffActor(req),
            adjustmentId,
            outcome: outcome === 'approve' ? 'approved' : 'rejected',
            ...(outcome === 'reject' ? { note: (req.body as z.infer<typeof rejectBody>).note } : {}),
          },
        );
        if (!out.ok) return sendFailure(req, reply, out);
        return out.adjustment;
      },
    );
}
