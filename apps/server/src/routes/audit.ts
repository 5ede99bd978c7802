/**
 * The auditor's read-only tools (docs/audit.md): search and export a municipality's part of the
 * audit log, verify the log's hash chain, and replay a decision from its stored receipt.
 *
 * Role `auditor` only, tenant in every path with the handledBy rule of every staff route: the
 * municipality's own auditors, and its host's (the host handles the partner's cases, so its
 * auditors follow them up too); anyone else 404. No route writes anything but its own audit
 * entry: who searched, exported, verified or replayed, with which filter names (never their
 * values) and how many rows. A case with protected identity (or not yet known) is replayed only
 * for auditors with the protected-identity claim; for others it does not exist (404).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { appendAudit, canonicalJson, looksLikeIdentityNumber, verifyAuditChainFor } from '../audit.ts';
import type { JsonValue } from '../audit.ts';
import { searchAuditLog, toCsv, toNdjson, usedFilters } from '../audit/log-search.ts';
import type { AuditLogFilter } from '../audit/log-search.ts';
import { expectedDecisionAmountOre, replayReceipt } from '../audit/replay.ts';
import type { RuleBookLookup } from '../audit/replay.ts';
import { requireRole } from '../auth/plugin.ts';
import type { RuleBooks } from '../rulebook-registry.ts';
import { negotiateLang, problem, problemSchema } from '../problems.ts';
import type { Problem } from '../problems.ts';
import { swedishDate } from '../swedish-time.ts';
import { applicationParams, handledBy, municipalityParams, sendProblem, staffActor, visibleCase } from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

export interface AuditRoutesOptions extends CaseRoutesOptions {
  /** Every rule book the server has had in force, by hash: a receipt replays with the one it names. */
  readonly rulebooks: RuleBooks;
}

/** Most entries in one page of a search. */
export const MAX_PAGE = 200;
/** Most entries in one export; a larger selection is exported in parts (the `Tillit-Next-Before` header). */
export const MAX_EXPORT = 10_000;
const MAX_BIGINT = 9_223_372_036_854_775_807n;

const noIdentityNumber = (s: string) => !looksLikeIdentityNumber(s);
const identityRefinement = {
  message: 'looks like an identity number',
  params: {
    code: 'identity-number',
    msg: {
      sv: 'Loggen innehåller aldrig personnummer. Sök på ärendets id i stället.',
      en: 'The log never holds identity numbers. Search by the case id instead.',
    },
  },
} as const;
const term = (max: number, description: string) =>
  z.string().trim().min(1).max(max).refine(noIdentityNumber, identityRefinement).optional().meta({ description });

/** The filters, shared by the search and the export. */
const filterShape = {
  from: z.iso.date().optional().meta({ description: 'First day (YYYY-MM-DD, Swedish time), inclusive.' }),
  to: z.iso.date().optional().meta({ description: 'Last day (YYYY-MM-DD, Swedish time), inclusive.' }),
  actor: term(200, 'Who: the subject of the user, or `system`.'),
  role: term(100, 'The role the actor acted in (one of a comma-separated list matches).'),
  action: z.enum(['read', 'write']).optional(),
  objectType: term(100, 'What kind of object, e.g. case, application, decision, payment.'),
  objectId: term(200, 'Which object, exactly.'),
  caseId: z
    .uuid()
    .optional()
    .meta({ description: "Entries about a case: the case's id as the object, or as details.application." }),
  purpose: term(100, 'Why, e.g. case-view, decision-by-person.'),
  before: z
    .string()
    .refine((v) => /^[0-9]{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT, {
      message: 'not an entry id',
      params: {
        code: 'cursor',
        msg: {
          sv: 'Ange id:t på en post i loggen (svarets next).',
          en: 'Give the id of an entry in the log (the answer’s next).',
        },
      },
    })
    .optional()
    .meta({ description: 'Keyset cursor: only entries older than this entry id (the previous page’s `next`).' }),
};

const rangeOrder = {
  path: ['to'],
  message: 'to is before from',
  params: {
    code: 'range-order',
    msg: { sv: 'Slutdatumet är före startdatumet.', en: 'The end date is before the start date.' },
  },
};
const inOrder = (q: { from?: string | undefined; to?: string | undefined }) =>
  q.from === undefined || q.to === undefined || q.from <= q.to;

const searchQuery = z
  .strictObject({
    ...filterShape,
    limit: z.coerce
      .number()
      .int()
      .min(1)
      .max(MAX_PAGE)
      .default(50)
      .meta({ description: `Entries per page, 1–${MAX_PAGE} (default 50).` }),
  })
  .refine(inOrder, rangeOrder);
const exportQuery = z
  .strictObject({
    ...filterShape,
    format: z
      .enum(['csv', 'ndjson'])
      .default('csv')
      .meta({ description: 'csv (RFC 4180, a header row) or ndjson (one JSON entry a line).' }),
  })
  .refine(inOrder, rangeOrder);
const verificationQuery = z.strictObject({
  knownHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional()
    .meta({ description: "A hash of one of the municipality's entries kept from an earlier verification." }),
});

const entryView = z
  .object({
    id: z.string(),
    at: z.string(),
    municipality: z.string(),
    actor: z.string(),
    role: z.string(),
    action: z.enum(['read', 'write']),
    objectType: z.string(),
    objectId: z.string().nullable(),
    purpose: z.string(),
    details: z.unknown().meta({ description: 'Small facts about the access (never identity numbers or payloads).' }),
    prevHash: z.string(),
    hash: z.string().meta({ description: 'SHA-256 of prevHash and the entry (see src/audit.ts): recomputable.' }),
  })
  .meta({ id: 'AuditLogEntry' });

const headView = z.object({ id: z.string(), hash: z.string(), at: z.string() }).nullable();
const verificationView = z
  .object({
    ok: z.boolean(),
    checked: z.int().meta({ description: "The municipality's entries that verified." }),
    head: headView.meta({ description: "The municipality's newest entry that verified; keep its hash." }),
    firstBroken: z
      .object({
        where: z.enum(['own', 'elsewhere']),
        id: z.string().optional(),
        reason: z.string().optional(),
      })
      .optional()
      .meta({
        description:
          "The first entry that does not verify: the municipality's own (with id and reason), or elsewhere " +
          '(another municipality’s or a system-wide entry, not named).',
      }),
    knownHashFound: z.boolean().optional(),
  })
  .meta({ id: 'AuditChainVerification' });

const totalsView = z
  .object({ norm: z.number(), costs: z.number(), income: z.number(), amount: z.number(), surplus: z.number() })
  .nullable()
  .meta({ description: 'Totals in kronor; null when there are none.' });

const REPLAY_REASONS = [
  'mismatch',
  'invalid-receipt',
  'engine-changed',
  'decision-amount',
  'calculation-differs',
] as const;
const replayView = z
  .object({
    case: z.string(),
    municipality: z.string(),
    decision: z.object({
      id: z.string(),
      outcome: z.string(),
      amount: z.number().meta({ description: 'The amount decided, in kronor.' }),
      automated: z.boolean(),
      decidedAt: z.string(),
      calculationVersion: z.int().nullable(),
    }),
    matches: z.boolean().meta({ description: 'Every check holds.' }),
    reason: z.enum(REPLAY_REASONS).nullable().meta({ description: 'The first check that does not hold.' }),
    checks: z.object({
      receipt: z.boolean().meta({ description: 'The receipt reproduces exactly with its rule book.' }),
      decisionAmount: z
        .boolean()
        .nullable()
        .meta({ description: "The decision's amount is the receipt's (bifall, delavslag) or 0 (avslag, avvisning)." }),
      calculation: z
        .boolean()
        .nullable()
        .meta({ description: "The decision's receipt is the calculation version it was made on; null: none named." }),
    }),
    message: z.string().nullable(),
    rulebook: z.object({ id: z.string().nullable(), version: z.string().nullable(), hash: z.string().nullable() }),
    engine: z.string().nullable(),
    stored: totalsView,
    replayed: totalsView,
    lines: z
      .array(
        z.object({
          n: z.int(),
          rule: z.string().nullable(),
          stored: z.number().nullable(),
          replayed: z.number().nullable(),
        }),
      )
      .meta({ description: 'The lines that differ (amounts in kronor).' }),
    differences: z.array(z.string()).meta({ description: 'The first paths in the receipt that differ.' }),
  })
  .meta({ id: 'DecisionReplay' });

type Filter = z.infer<typeof searchQuery>;
const filterOf = (q: Omit<Filter, 'limit'>): AuditLogFilter => {
  const { before: _before, ...filter } = q;
  return Object.fromEntries(Object.entries(filter).filter(([, v]) => v !== undefined)) as AuditLogFilter;
};

export async function auditRoutes(app: FastifyInstance, opts: AuditRoutesOptions): Promise<void> {
  const { db } = opts;
  // The one place a receipt's rule book is looked up by its hash.
  const lookup: RuleBookLookup = (hash) => opts.rulebooks.byHash(hash);
  const guard = [handledBy(opts.municipalities), requireRole('auditor')];
  const base = '/api/v1/municipalities/:municipality/audit-log';
  const logUse = (req: FastifyRequest, municipality: string, purpose: string, details: Record<string, JsonValue>) =>
    appendAudit(db, {
      ...staffActor(req),
      municipalityId: municipality,
      action: 'read',
      objectType: 'audit-log',
      objectId: null,
      purpose,
      details,
    });

  app.get(
    base,
    {
      preValidation: guard,
      schema: {
        tags: ['audit'],
        summary: "Search the municipality's audit log, newest first",
        description:
          'Filters combine (all must hold). Keyset pagination: pass the answer’s `next` as `before` for older ' +
          `entries. At most ${MAX_PAGE} a page. The search itself is logged (filter names and the number of rows).`,
        params: municipalityParams,
        querystring: searchQuery,
        response: {
          200: z.object({ entries: z.array(entryView), next: z.string().nullable() }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as Filter;
      const filter = filterOf(q);
      const page = await searchAuditLog(db, municipality, filter, {
        limit: q.limit,
        ...(q.before !== undefined ? { before: q.before } : {}),
      });
      // Served only once logged.
      await logUse(req, municipality, 'audit-log-search', {
        filters: usedFilters(filter),
        page: q.before !== undefined ? 'older' : 'first',
        rows: page.entries.length,
      });
      return page;
    },
  );

  app.get(
    `${base}/export`,
    {
      preValidation: guard,
      schema: {
        tags: ['audit'],
        summary: 'Export a selection of the audit log as CSV (RFC 4180) or NDJSON, as a file',
        description:
          `The same filters as the search, newest first, at most ${MAX_EXPORT} entries; when more match, the ` +
          '`Tillit-Next-Before` header gives the `before` for the next part. CSV has a header row; details are ' +
          'canonical JSON. The export is logged (filter names, format and the number of rows).',
        params: municipalityParams,
        querystring: exportQuery,
        response: { 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as z.infer<typeof exportQuery>;
      const filter = filterOf(q);
      const page = await searchAuditLog(db, municipality, filter, {
        limit: MAX_EXPORT,
        ...(q.before !== undefined ? { before: q.before } : {}),
      });
      await logUse(req, municipality, 'audit-log-export', {
        filters: usedFilters(filter),
        format: q.format,
        rows: page.entries.length,
        truncated: page.next !== null,
      });
      const name = `audit-log-${municipality}-${swedishDate()}.${q.format === 'csv' ? 'csv' : 'ndjson'}`;
      if (page.next !== null) reply.header('tillit-next-before', page.next);
      return reply
        .type(q.format === 'csv' ? 'text/csv; charset=utf-8; header=present' : 'application/x-ndjson; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"`)
        .header('cache-control', 'no-store')
        .send(q.format === 'csv' ? toCsv(page.entries) : toNdjson(page.entries));
    },
  );

  app.get(
    `${base}/verification`,
    {
      preValidation: guard,
      schema: {
        tags: ['audit'],
        summary: "Verify the audit log's hash chain; the answer tells only of the municipality's entries",
        description:
          'The chain is one for every municipality and is checked whole. The answer gives how many of the ' +
          "municipality's entries verified and its newest one, or the first entry that does not verify: by id " +
          'when it is the municipality’s, otherwise only that it is elsewhere. Reads the whole log: slow on a ' +
          'large one.',
        params: municipalityParams,
        querystring: verificationQuery,
        response: { 200: verificationView, 400: problemSchema, 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const { knownHash } = req.query as z.infer<typeof verificationQuery>;
      const result = await verifyAuditChainFor(db, municipality, knownHash !== undefined ? { knownHash } : {});
      await logUse(req, municipality, 'audit-chain-verification', {
        ok: result.ok,
        checked: result.checked,
        ...(result.ok ? {} : { brokenWhere: result.firstBroken.where }),
      });
      return result;
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/cases/:id/decision/replay',
    {
      preValidation: guard,
      schema: {
        tags: ['audit'],
        summary: "Replay a case's decision from its stored receipt and say whether it matches",
        description:
          'The receipt is recalculated with the rule book it names (by hash) and compared in full; the decision’s ' +
          'amount is checked against it, and the receipt against the calculation version the decision names. ' +
          '409 when the case has no decision or the receipt’s rule book is not on this server. Logged.',
        params: applicationParams,
        response: { 200: replayView, 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => replayDecision(req, reply),
  );

  async function replayDecision(req: FastifyRequest, reply: FastifyReply) {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    if (!(await visibleCase(db, req, reply))) return reply;
    const lang = negotiateLang(req.headers['accept-language']);
    const decision = await db
      .selectFrom('decision')
      .leftJoin('calculation', 'calculation.id', 'decision.calculation_id')
      .select([
        'decision.id',
        'decision.outcome',
        'decision.amount_ore',
        'decision.automated',
        'decision.created_at',
        'decision.receipt',
        'calculation.version',
        'calculation.receipt as calculation_receipt',
      ])
      .where('decision.application_id', '=', id)
      .where('decision.municipality_id', '=', municipality)
      .executeTakeFirst();
    const log = (details: Record<string, JsonValue>) =>
      appendAudit(db, {
        ...staffActor(req),
        municipalityId: municipality,
        action: 'read',
        objectType: 'case',
        objectId: id,
        purpose: 'decision-replay',
        details,
      });
    if (!decision) {
      await log({ result: 'not-decided' });
      const p: Problem & { conflict: string } = {
        ...problem(
          'conflict',
          lang,
          lang === 'sv' ? 'Ärendet har inget beslut att spela upp.' : 'The case has no decision to replay.',
        ),
        conflict: 'not-decided',
      };
      return sendProblem(reply, p);
    }
    const replayed = replayReceipt(decision.receipt, lookup);
    if (replayed.kind === 'rulebook-unavailable') {
      await log({ decision: decision.id, result: 'rulebook-not-available' });
      const { version, hash } = replayed.rulebook;
      const named = `${version ?? '?'} (${hash})`;
      const p: Problem & { conflict: string; rulebook: { version: string | null; hash: string } } = {
        ...problem(
          'conflict',
          lang,
          lang === 'sv'
            ? `Regelboken ${named} som beslutet fattades med finns inte på den här servern; beslutet kan inte spelas upp här.`
            : `The rule book ${named} the decision was made with is not available on this server; it cannot be replayed here.`,
        ),
        conflict: 'rulebook-not-available',
        rulebook: { version, hash },
      };
      return sendProblem(reply, p);
    }
    const amountOre = Number(decision.amount_ore);
    const decisionAmount =
      replayed.stored === null
        ? null
        : expectedDecisionAmountOre(decision.outcome, Math.round(replayed.stored.amount * 100)) === amountOre;
    const calculation =
      decision.calculation_receipt === null || decision.calculation_receipt === undefined
        ? null
        : canonicalJson(decision.receipt as JsonValue) === canonicalJson(decision.calculation_receipt as JsonValue);
    const reason = !replayed.reproduces
      ? replayed.reason
      : decisionAmount === false
        ? 'decision-amount'
        : calculation === false
          ? 'calculation-differs'
          : null;
    await log({ decision: decision.id, matches: reason === null, ...(reason !== null ? { reason } : {}) });
    return {
      case: id,
      municipality,
      decision: {
        id: decision.id,
        outcome: decision.outcome,
        amount: amountOre / 100,
        automated: decision.automated,
        decidedAt: new Date(decision.created_at).toISOString(),
        calculationVersion: decision.version ?? null,
      },
      matches: reason === null,
      reason,
      checks: { receipt: replayed.reproduces, decisionAmount, calculation },
      message: replayed.message,
      rulebook: replayed.rulebook,
      engine: replayed.engine,
      stored: replayed.stored,
      replayed: replayed.replayed,
      lines: replayed.lines,
      differences: replayed.differences,
    };
  }
}
