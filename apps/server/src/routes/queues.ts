/**
 * The caseworker's queues and assignment (the staff workspace). A queue lists a municipality's
 * cases that need a person, oldest first, with why (the open flags), the system's proposal and
 * who has taken the case; households with protected identity only for staff with the claim
 * (fail-closed while the register has not answered). No names or identity numbers in a list:
 * the case view shows the person, and that read is logged.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import * as z from 'zod';
import { appendAudit, withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { negotiateLang, problem, problemSchema } from '../problems.ts';
import {
  applicationParams,
  handledBy,
  municipalityParams,
  notFound,
  PROBLEM_JSON,
  staffActor,
  visibleCase,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

export const QUEUES = ['needs-person', 'proposals', 'waiting-applicant', 'late'] as const;
type Queue = (typeof QUEUES)[number];

const queueParams = municipalityParams.extend({ queue: z.enum(QUEUES) });
const queueQuery = z.strictObject({
  assigned: z
    .enum(['any', 'me', 'none'])
    .default('any')
    .meta({ description: 'any (default), me (taken by the caller) or none (not taken by anyone).' }),
});

const item = z
  .object({
    id: z.string(),
    municipality: z.string(),
    kind: z.string(),
    month: z.string(),
    status: z.string(),
    submittedAt: z.string().nullable(),
    since: z.string().meta({ description: 'When the case came to its present status.' }),
    flags: z
      .array(z.object({ check: z.string(), outcome: z.string(), text: z.unknown() }))
      .readonly()
      .meta({ description: 'The open flags: why a person is needed.' }),
    proposal: z
      .object({ version: z.number(), outcome: z.string(), amount: z.number() })
      .nullable()
      .meta({ description: "The latest calculation's proposal." }),
    assignedTo: z.object({ subject: z.string(), name: z.string().nullable(), since: z.string() }).nullable(),
    dueDate: z.string().nullable().meta({ description: 'waiting-applicant: the answer is due this day.' }),
    late: z.boolean().meta({ description: 'Past the municipality’s time limit (an open alert).' }),
  })
  .meta({ id: 'QueueItem' });

const assignmentBody = z
  .strictObject({
    to: z.enum(['me']).nullable().meta({ description: '"me" takes the case; null puts it back in the queue.' }),
    takeOver: z.boolean().default(false).meta({ description: 'Take a case another caseworker has taken.' }),
  })
  .meta({ id: 'Assignment' });

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export async function queueRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const staff = handledBy(opts.municipalities);

  async function queueItems(req: FastifyRequest, municipality: string, queue: Queue, assigned: 'any' | 'me' | 'none') {
    const p = req.principal!;
    let q = db
      .selectFrom('application as a')
      .select([
        'a.id',
        'a.municipality_id',
        'a.kind',
        'a.month',
        'a.status',
        'a.submitted_at',
        'a.updated_at',
        'a.assigned_to',
        'a.assigned_name',
        'a.assigned_at',
        sql<boolean>`exists (select 1 from alert l where l.application_id = a.id and l.resolved_at is null)`.as('late'),
        sql<number>`(select count(*)::int from flag f where f.application_id = a.id and f.status = 'open')`.as(
          'open_flags',
        ),
        sql<string | null>`(select to_char(max(c.due_date), 'YYYY-MM-DD') from completion_request c
          where c.application_id = a.id and c.answered_at is null)`.as('due_date'),
      ])
      .where('a.municipality_id', '=', municipality)
      .where('a.status', '!=', 'draft');
    // Fail-closed: unknown (null) counts as protected.
    if (!p.protectedIdentityAccess) q = q.where('a.protected_identity', '=', false);
    if (queue === 'needs-person' || queue === 'proposals') q = q.where('a.status', '=', 'needs-person');
    if (queue === 'waiting-applicant') q = q.where('a.status', '=', 'waiting-applicant');
    if (queue === 'late')
      q = q.where(sql<boolean>`exists (select 1 from alert l where l.application_id = a.id and l.resolved_at is null)`);
    if (queue === 'needs-person')
      q = q.where(sql<boolean>`exists (select 1 from flag f where f.application_id = a.id and f.status = 'open')`);
    if (queue === 'proposals')
      q = q.where(sql<boolean>`not exists (select 1 from flag f where f.application_id = a.id and f.status = 'open')`);
    if (assigned === 'me') q = q.where('a.assigned_to', '=', p.subject);
    if (assigned === 'none') q = q.where('a.assigned_to', 'is', null);
    const rows = await q.orderBy('a.submitted_at').orderBy('a.id').limit(500).execute();
    const ids = rows.map((r) => r.id);
    const flags = ids.length
      ? await db
          .selectFrom('flag')
          .select(['application_id', 'check_id', 'outcome', 'text'])
          .where('application_id', 'in', ids)
          .where('municipality_id', '=', municipality)
          .where('status', '=', 'open')
          .orderBy('id')
          .execute()
      : [];
    const calcs = ids.length
      ? await db
          .selectFrom('calculation')
          .select(['application_id', 'version', 'proposed_outcome', 'amount_ore'])
          .where('application_id', 'in', ids)
          .where('municipality_id', '=', municipality)
          .orderBy('version', 'desc')
          .execute()
      : [];
    const since = ids.length
      ? await db
          .selectFrom('application_event')
          .select(['application_id', sql<Date>`max(at)`.as('at')])
          .where('application_id', 'in', ids)
          .where('municipality_id', '=', municipality)
          .groupBy('application_id')
          .execute()
      : [];
    return rows.map((r) => {
      const latest = calcs.find((c) => c.application_id === r.id);
      return {
        id: r.id,
        municipality: r.municipality_id,
        kind: r.kind,
        month: r.month,
        status: r.status,
        submittedAt: iso(r.submitted_at),
        since: iso(since.find((s) => s.application_id === r.id)?.at ?? r.updated_at)!,
        flags: flags
          .filter((f) => f.application_id === r.id)
          .map((f) => ({ check: f.check_id, outcome: f.outcome, text: f.text })),
        proposal: latest
          ? { version: latest.version, outcome: latest.proposed_outcome, amount: Number(latest.amount_ore) / 100 }
          : null,
        assignedTo:
          r.assigned_to !== null ? { subject: r.assigned_to, name: r.assigned_name, since: iso(r.assigned_at)! } : null,
        dueDate: r.due_date,
        late: r.late,
      };
    });
  }

  app.get(
    '/api/v1/municipalities/:municipality/queues/:queue',
    {
      preValidation: [staff, requireRole('caseworker', 'auditor')],
      schema: {
        tags: ['cases'],
        summary: 'A queue of cases for a person, oldest first',
        description:
          'needs-person: open flags to acknowledge; proposals: no open flag, a proposal to approve or decide; ' +
          'waiting-applicant: a completion request out; late: past the time limit. At most 500.',
        params: queueParams,
        querystring: queueQuery,
        response: { 200: z.object({ queue: z.enum(QUEUES), items: z.array(item).readonly() }), 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality, queue } = req.params as z.infer<typeof queueParams>;
      const { assigned } = req.query as z.infer<typeof queueQuery>;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'queue',
          objectId: queue,
          purpose: 'case-queue',
        },
        async () => ({ queue, items: await queueItems(req, municipality, queue, assigned) }),
      );
    },
  );

  app.post(
    '/api/v1/municipalities/:municipality/cases/:id/assignment',
    {
      preValidation: [staff, requireRole('caseworker')],
      schema: {
        tags: ['cases'],
        summary: 'Take a case (to: "me") or put it back in the queue (to: null); idempotent',
        params: applicationParams,
        body: assignmentBody,
        response: {
          200: z.object({ assignedTo: z.object({ subject: z.string(), name: z.string().nullable() }).nullable() }),
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (req, reply) => {
      if (!(await visibleCase(db, req, reply))) return reply;
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      const body = req.body as z.infer<typeof assignmentBody>;
      const me = req.principal!;
      const lang = negotiateLang(req.headers['accept-language']);
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .selectFrom('application')
          .select(['assigned_to', 'assigned_name'])
          .where('id', '=', id)
          .where('municipality_id', '=', municipality)
          .forUpdate()
          .executeTakeFirst();
        if (!row) return notFound(req, reply);
        const other = row.assigned_to !== null && row.assigned_to !== me.subject;
        if (other && !body.takeOver)
          return reply
            .code(409)
            .type(PROBLEM_JSON)
            .send({
              ...problem(
                'conflict',
                lang,
                lang === 'sv'
                  ? `Ärendet har tagits av ${row.assigned_name ?? 'en annan handläggare'}. Ta över det uttryckligen (takeOver).`
                  : `The case has been taken by ${row.assigned_name ?? 'another caseworker'}. Take it over explicitly (takeOver).`,
              ),
              conflict: 'assigned-to-other',
            });
        const to = body.to === 'me' ? { subject: me.subject, name: me.name ?? null } : null;
        const unchanged = (to?.subject ?? null) === row.assigned_to;
        if (!unchanged) {
          await tx
            .updateTable('application')
            .set(
              to
                ? { assigned_to: to.subject, assigned_name: to.name, assigned_at: new Date() }
                : { assigned_to: null, assigned_name: null, assigned_at: null },
            )
            .where('id', '=', id)
            .where('municipality_id', '=', municipality)
            .execute();
          await appendAudit(tx, {
            ...staffActor(req),
            municipalityId: municipality,
            action: 'write',
            objectType: 'application',
            objectId: id,
            purpose: to ? (other ? 'case-taken-over' : 'case-taken') : 'case-returned-to-queue',
          });
        }
        return { assignedTo: to };
      });
    },
  );
}
