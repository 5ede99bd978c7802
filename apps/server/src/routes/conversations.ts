/**
 * Messages between the applicant and the caseworker, and appeals (överklagande) lodged online,
 * tenant (municipality) in every path. The applicant reads and writes the messages on their own
 * submitted application and lodges an appeal of its decision; staff of the municipality or of its
 * host read and answer the messages, work the queue of appeals and record what was done with each
 * (omprövning, forwarded to the förvaltningsrätt, rejected as late). A household with protected
 * identity only for specially authorized staff (fail-closed); anyone else gets 404. Every read and
 * write is in the audit log first. The rules and their legal references: docs/appeals-and-messages.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import type { Lang } from '@tillit/rules';
import { swedishDate } from '../swedish-time.ts';
import { withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import {
  APPEAL_OUTCOMES,
  APPEAL_STATUSES,
  appealCase,
  appealOf,
  appealQueue,
  lodgeAppeal,
  recordAppealOutcome,
} from '../conversations/appeals.ts';
import type { AppealConflict, AppealResult } from '../conversations/appeals.ts';
import { postMessage, readMessages } from '../conversations/messages.ts';
import { negotiateLang, problem, problemSchema } from '../problems.ts';
import type { Problem } from '../problems.ts';
import {
  applicationParams,
  handledBy,
  idempotencyHeaders,
  maySeeCase,
  municipalityParams,
  notFound,
  sendProblem,
  staffActor,
  visibleCase,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

/** Free text of 1 to `max` characters once trimmed; an empty one is named as such. */
function text(max: number) {
  return z
    .string()
    .trim()
    .max(max)
    .refine((v) => v.length > 0, {
      message: 'empty',
      params: { code: 'empty', msg: { sv: 'Fältet får inte vara tomt.', en: 'This field cannot be empty.' } },
    })
    .meta({ description: `1–${max} characters (surrounding white space is removed).` });
}

const messageBody = z.strictObject({ body: text(4000) }).meta({ id: 'NewMessage' });

const messageView = z
  .object({
    id: z.string(),
    sender: z.enum(['applicant', 'staff']),
    authorName: z.string().meta({
      description:
        "A staff member's name; for the applicant's messages a label in the caller's language (the applicant " +
        'reads "you", staff read "the applicant"). Use `sender` to label in other languages.',
    }),
    body: z.string(),
    createdAt: z.string(),
    read: z.boolean().meta({ description: 'Whether the other side has read it.' }),
  })
  .meta({ id: 'Message' });

const appealBody = z
  .strictObject({
    reasons: text(8000).meta({
      description: 'Why the decision is wrong, in the applicant’s words (1–8000 characters).',
    }),
    requestedChange: text(4000)
      .nullable()
      .optional()
      .meta({ description: 'How the applicant wants the decision changed (förvaltningslagen 43 §).' }),
    receivedOn: z.iso
      .date()
      .refine((d) => d <= swedishDate(new Date()), {
        message: 'in the future',
        params: {
          code: 'future-date',
          msg: { sv: 'Datumet kan inte vara senare än i dag.', en: 'The date cannot be later than today.' },
        },
      })
      .optional()
      .meta({
        description:
          'The day the applicant says they received the decision (YYYY-MM-DD, not in the future): for the ' +
          "municipality's check of whether the appeal came in time (45 §). The deadline stays computed.",
      }),
  })
  .meta({ id: 'NewAppeal' });

/**
 * An appeal as staff see it. The applicant's view and the queue's rows are parts of it, and parsing
 * with them keeps only those parts (no texts or notes in the queue).
 */
const staffAppeal = z
  .object({
    id: z.string(),
    applicationId: z.string(),
    decisionId: z.string(),
    status: z.enum(APPEAL_STATUSES),
    lodgedAt: z.string(),
    notifiedOn: z.string().meta({ description: 'The day the applicant was notified of the decision (YYYY-MM-DD).' }),
    notifiedBy: z.enum(['letter', 'decision']).meta({
      description:
        'letter: the earliest delivery of the decision letter; decision: no letter delivered, the decision day.',
    }),
    deadline: z.string().meta({ description: 'The last day to appeal (YYYY-MM-DD): three weeks from notification.' }),
    withinDeadline: z
      .boolean()
      .meta({ description: 'False: lodged after the deadline; kept, and a person rules on it.' }),
    reasons: z.string(),
    requestedChange: z.string().nullable(),
    receivedOn: z.string().nullable().meta({ description: 'The day the applicant says they received the decision.' }),
    handledBy: z.string().nullable(),
    handledAt: z.string().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'Appeal' });

const applicantAppeal = staffAppeal
  .pick({
    id: true,
    status: true,
    lodgedAt: true,
    withinDeadline: true,
    deadline: true,
    reasons: true,
    requestedChange: true,
    receivedOn: true,
    handledAt: true,
  })
  .meta({ id: 'ApplicantAppeal' });

const queueView = staffAppeal
  .pick({ id: true, applicationId: true, lodgedAt: true, withinDeadline: true, deadline: true, status: true })
  .meta({ id: 'AppealQueueItem' });

const outcomeBody = z
  .strictObject({
    outcome: z.enum(APPEAL_OUTCOMES).meta({
      description:
        'omprövning-changed: the decision was changed as asked; forwarded: sent to the förvaltningsrätt with the ' +
        "case's documents (förvaltningslagen 46 §); rejected-late: avvisat, only for an appeal lodged after the deadline (45 §).",
    }),
    note: text(4000),
  })
  .meta({ id: 'AppealOutcome' });

const queueQuery = z.strictObject({ status: z.enum(APPEAL_STATUSES).optional() });
const appealParams = municipalityParams.extend({ appealId: z.uuid() });

const CONFLICTS: Record<AppealConflict, Record<Lang, string>> = {
  'not-decided': {
    sv: 'Ansökan har inget beslut att överklaga än.',
    en: 'The application has no decision to appeal yet.',
  },
  'already-appealed': { sv: 'Beslutet är redan överklagat.', en: 'The decision has already been appealed.' },
  'already-handled': {
    sv: 'Överklagandet är redan hanterat på ett annat sätt.',
    en: 'The appeal has already been handled otherwise.',
  },
  'not-late': {
    sv: 'Överklagandet kom in i tid och kan inte avvisas som för sent.',
    en: 'The appeal came in on time and cannot be rejected as late.',
  },
};

function conflict(reply: FastifyReply, lang: Lang, c: AppealConflict) {
  const p: Problem & { conflict: AppealConflict } = { ...problem('conflict', lang, CONFLICTS[c][lang]), conflict: c };
  return sendProblem(reply, p);
}

const NOT_FOUND_OR_CONFLICT = { 404: problemSchema, 409: problemSchema } as const;

export async function conversationRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const applicant = [requireRole('applicant')];
  const staffOfCase = handledBy(opts.municipalities);
  const lang = (req: FastifyRequest) => negotiateLang(req.headers['accept-language']);
  const key = (req: FastifyRequest) => (req.headers['idempotency-key'] as string).trim();
  const own = '/api/v1/municipalities/:municipality/applications/:id';
  const staffCase = '/api/v1/municipalities/:municipality/cases/:id';

  /** The applicant's own submitted application in the path, as a scope; undefined answers 404. */
  async function ownCase(req: FastifyRequest) {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    const pnr = req.principal!.personnummer;
    if (pnr === undefined || !opts.municipalities().has(municipality)) return undefined;
    const row = await db
      .selectFrom('application')
      .select('status')
      .where('id', '=', id)
      .where('municipality_id', '=', municipality)
      .where('applicant', '=', pnr)
      .executeTakeFirst();
    return row && row.status !== 'draft' ? { municipality, id, applicant: pnr } : undefined;
  }

  /** The applicant's read of their own application, for the audit log. */
  const applicantRead = (req: FastifyRequest, scope: { municipality: string; id: string }, purpose: string) => ({
    actor: req.principal!.subject,
    role: 'applicant',
    municipalityId: scope.municipality,
    objectType: 'application',
    objectId: scope.id,
    purpose,
  });

  /** A staff read of the case in the path, for the audit log. */
  const staffRead = (req: FastifyRequest, purpose: string) => {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    return { ...staffActor(req), municipalityId: municipality, objectType: 'case', objectId: id, purpose };
  };

  const appealAnswer = (reply: FastifyReply, req: FastifyRequest, out: AppealResult, created: boolean) => {
    if (!out.ok && out.reason === 'not-found') return notFound(req, reply);
    if (!out.ok) return conflict(reply, lang(req), out.conflict);
    return created ? reply.code(201).send(applicantAppeal.parse(out.appeal)) : reply.send(out.appeal);
  };

  app.get(
    `${own}/messages`,
    {
      preValidation: applicant,
      schema: {
        tags: ['messages'],
        summary: 'The messages on my application, oldest first; reading them marks the caseworkers’ messages read',
        params: applicationParams,
        response: { 200: z.array(messageView), 404: problemSchema },
      },
    },
    async (req, reply) => {
      const scope = await ownCase(req);
      if (!scope) return notFound(req, reply);
      return withAuditedRead(db, applicantRead(req, scope, 'own-messages'), () =>
        readMessages(db, scope, { side: 'applicant', markRead: true, lang: lang(req) }),
      );
    },
  );

  app.post(
    `${own}/messages`,
    {
      preValidation: applicant,
      schema: {
        tags: ['messages'],
        summary: 'Write to the caseworker about my application; idempotent on the Idempotency-Key header',
        params: applicationParams,
        headers: idempotencyHeaders,
        body: messageBody,
        response: { 201: z.object({ id: z.string(), createdAt: z.string() }), 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const scope = await ownCase(req);
      if (!scope) return notFound(req, reply);
      const out = await postMessage(db, scope, {
        sender: 'applicant',
        author: req.principal!.subject,
        role: 'applicant',
        body: (req.body as z.infer<typeof messageBody>).body,
        key: key(req),
      });
      if (!out.ok) return notFound(req, reply);
      return reply.code(201).send({ id: out.id, createdAt: out.createdAt });
    },
  );

  app.get(
    `${own}/appeal`,
    {
      preValidation: applicant,
      schema: {
        tags: ['appeals'],
        summary: 'My appeal of the decision on my application, if I have lodged one',
        params: applicationParams,
        response: { 200: applicantAppeal, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const scope = await ownCase(req);
      if (!scope) return notFound(req, reply);
      return withAuditedRead(db, applicantRead(req, scope, 'own-appeal'), async () => {
        const a = await appealOf(db, scope);
        return a ? applicantAppeal.parse(a) : notFound(req, reply);
      });
    },
  );

  app.post(
    `${own}/appeal`,
    {
      preValidation: applicant,
      schema: {
        tags: ['appeals'],
        summary: 'Appeal the decision on my application (överklagande); idempotent on the Idempotency-Key header',
        description:
          'Lodged with the municipality that decided (förvaltningslagen 43 §). An appeal after the deadline (three ' +
          'weeks from notification, 44 §) is still received, with withinDeadline false: the municipality rules on it. ' +
          '409 not-decided without a decision, already-appealed for a second appeal of the decision.',
        params: applicationParams,
        headers: idempotencyHeaders,
        body: appealBody,
        response: { 201: applicantAppeal, 400: problemSchema, ...NOT_FOUND_OR_CONFLICT },
      },
    },
    async (req, reply) => {
      const scope = await ownCase(req);
      if (!scope) return notFound(req, reply);
      const body = req.body as z.infer<typeof appealBody>;
      const out = await lodgeAppeal(db, scope, {
        actor: req.principal!.subject,
        key: key(req),
        reasons: body.reasons,
        requestedChange: body.requestedChange ?? null,
        receivedOn: body.receivedOn ?? null,
        now: new Date(),
      });
      return appealAnswer(reply, req, out, true);
    },
  );

  app.get(
    `${staffCase}/messages`,
    {
      preValidation: [staffOfCase, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['messages'],
        summary: "The case's messages, oldest first; a caseworker reading them marks the applicant's messages read",
        params: applicationParams,
        response: { 200: z.array(messageView), 404: problemSchema },
      },
    },
    async (req, reply) => {
      if (!(await visibleCase(db, req, reply))) return reply;
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      return withAuditedRead(db, staffRead(req, 'case-messages'), () =>
        readMessages(
          db,
          { municipality, id },
          { side: 'staff', markRead: req.principal!.roles.includes('caseworker'), lang: lang(req) },
        ),
      );
    },
  );

  app.post(
    `${staffCase}/messages`,
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['messages'],
        summary: 'Write to the applicant; idempotent on the Idempotency-Key header',
        description: "The applicant sees the caseworker's name (the token's name claim) and an event on the timeline.",
        params: applicationParams,
        headers: idempotencyHeaders,
        body: messageBody,
        response: { 201: z.object({ id: z.string(), createdAt: z.string() }), 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      if (!(await visibleCase(db, req, reply))) return reply;
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      const { actor, role } = staffActor(req);
      const name = req.principal!.name;
      const out = await postMessage(
        db,
        { municipality, id },
        {
          sender: 'staff',
          author: actor,
          role,
          ...(name !== undefined ? { authorName: name } : {}),
          body: (req.body as z.infer<typeof messageBody>).body,
          key: key(req),
        },
      );
      if (!out.ok) return notFound(req, reply);
      return reply.code(201).send({ id: out.id, createdAt: out.createdAt });
    },
  );

  app.get(
    `${staffCase}/appeal`,
    {
      preValidation: [staffOfCase, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['appeals'],
        summary: "The case's appeal, with the notification day and deadline it was judged by",
        params: applicationParams,
        response: { 200: staffAppeal, 404: problemSchema },
      },
    },
    async (req, reply) => {
      if (!(await visibleCase(db, req, reply))) return reply;
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      return withAuditedRead(db, staffRead(req, 'case-appeal'), async () => {
        const a = await appealOf(db, { municipality, id });
        return a ?? notFound(req, reply);
      });
    },
  );

  app.get(
    '/api/v1/municipalities/:municipality/appeals',
    {
      preValidation: [staffOfCase, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['appeals'],
        summary: "The municipality's appeals, oldest first (optionally by status)",
        description:
          'No names, identity numbers or texts. Appeals on households with protected identity (or not yet known) ' +
          'only for staff with the protected-identity claim.',
        params: municipalityParams,
        querystring: queueQuery,
        response: { 200: z.array(queueView), 400: problemSchema, 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const { status } = req.query as z.infer<typeof queueQuery>;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'appeal',
          objectId: null,
          purpose: 'appeal-queue',
          details: { status: status ?? 'all' },
        },
        async () =>
          (
            await appealQueue(db, municipality, {
              ...(status !== undefined ? { status } : {}),
              protectedIdentityAccess: req.principal!.protectedIdentityAccess,
            })
          ).map((a) => queueView.parse(a)),
      );
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/appeals/:appealId/outcome',
    {
      preValidation: [staffOfCase, requireRole('caseworker')],
      schema: {
        tags: ['appeals'],
        summary: 'Record what the municipality did with a received appeal',
        description:
          'rejected-late only for an appeal lodged after the deadline (409 not-late otherwise). The same outcome ' +
          'again answers as the first time; another outcome is 409 already-handled.',
        params: appealParams,
        body: outcomeBody,
        response: { 200: staffAppeal, 400: problemSchema, ...NOT_FOUND_OR_CONFLICT },
      },
    },
    async (req, reply) => {
      const { municipality, appealId } = req.params as z.infer<typeof appealParams>;
      const on = await appealCase(db, municipality, appealId);
      if (!on || !maySeeCase(req.principal!, on.protectedIdentity)) return notFound(req, reply);
      const body = req.body as z.infer<typeof outcomeBody>;
      const out = await recordAppealOutcome(
        db,
        { municipality, appealId },
        { ...staffActor(req), outcome: body.outcome, note: body.note },
      );
      return appealAnswer(reply, req, out, false);
    },
  );
}
