/**
 * The labour-market coach (arbetsmarknadssekreterare), tenant (municipality) in every path: the
 * participants and their track (open, exited, reopened), meeting notes, the labour-market plan
 * (every version kept), enrolment in measures, exits (avslut) and the outcome figures, with the
 * rule that a return within three months reopens the track and the exit no longer counts
 * (@tillit/domain exits.ts). Staff of the municipality or of its host: coaches write; coaches,
 * caseworkers and auditors read (caseworkers assess whether the applicant stands at the labour
 * market's disposal; auditors review); the outcome figures (counts only) also administrators.
 * Protected identity fail-closed (404). Every read is in the audit log before it is served, every
 * write in the same transaction; writes that a retry can repeat take an Idempotency-Key. Rules:
 * docs/labour-market.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { EXIT_REASONS, monthsBetween } from '@tillit/domain';
import type { Lang, RuleBook } from '@tillit/rules';
import type { AuditDetails } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { MEASURE_END_REASONS, MEASURE_TYPES, MEETING_OUTCOMES } from '../db/schema-labour-market.ts';
import { MEETING_MODES } from '../db/schema-meetings.ts';
import {
  addMeetingNote,
  endMeasure,
  enrolMeasure,
  getMeeting,
  getParticipant,
  listParticipants,
  outcomes,
  participantVisible,
  planVersions,
  recordExit,
  savePlan,
} from '../labour-market/service.ts';
import type { Actor, FieldCode, LabourMarketConflict, WriteResult } from '../labour-market/service.ts';
import { problemSchema } from '../problems.ts';
import { swedishDate } from '../swedish-time.ts';
import {
  codedConflict,
  fieldProblem,
  handledBy,
  idempotencyHeaders,
  idempotencyKey,
  municipalityParams,
  notFound,
  requestLang,
  sendProblem,
  staffActor,
  staffRead,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

const TAG = 'labour-market';

/** A refinement's localized message and stable code (toFieldProblems reads them). */
const says = (code: string, sv: string, en: string) => ({ params: { code, msg: { sv, en } } });

const TRACK_STATES = ['open', 'exited', 'reopened'] as const;
const EXIT_STATES = ['voided', 'provisional', 'final'] as const;
const MEASURE_TYPE_LIST = MEASURE_TYPES.join(', ');

/* ------------------------------------------------------------------ schemas */

const date = z.iso.date();
const exitView = z
  .object({
    id: z.uuid(),
    reason: z.enum(EXIT_REASONS),
    exitDate: date,
    note: z.string().nullable(),
    recordedBy: z.string(),
    recordedByName: z.string().nullable(),
    recordedAt: z.string(),
    state: z.enum(EXIT_STATES).meta({
      description:
        'voided: the person applied again within three months, the exit does not count; provisional: no return yet, ' +
        'the three months are not over; final: counted for good.',
    }),
    counts: z.boolean().meta({ description: 'Whether the exit counts in the outcome figures (not voided).' }),
    returnedOn: date.nullable().meta({ description: 'The application within three months that voided it.' }),
    windowEnds: date.meta({ description: 'The last day an application voids the exit (three calendar months).' }),
  })
  .meta({ id: 'LabourMarketExit' });

const trackView = z
  .object({
    state: z.enum(TRACK_STATES).meta({
      description:
        'open: on the track; exited: the last exit stands; reopened: the person applied again within three months ' +
        'of the last exit, which then does not count.',
    }),
    returnedOn: date.nullable().meta({ description: 'The first application after the last exit, if any.' }),
  })
  .meta({ id: 'LabourMarketTrack' });

const summaryView = z
  .object({
    id: z.uuid(),
    name: z.string().nullable().meta({ description: "The first adult's name in the latest application, if given." }),
    track: trackView,
    firstSubmittedOn: date,
    latestApplication: z.object({ id: z.uuid(), month: z.string(), status: z.string(), submittedOn: date }),
    lastExit: exitView.nullable(),
    ongoingMeasures: z.int(),
  })
  .meta({ id: 'LabourMarketParticipantSummary' });

const activity = z
  .strictObject({
    what: z.string().trim().min(1).max(300),
    startsOn: date,
    endsOn: date.nullable().default(null),
  })
  .refine((a) => a.endsOn === null || a.endsOn >= a.startsOn, {
    path: ['endsOn'],
    ...says('range-order', 'Slutdatumet ligger före startdatumet.', 'The end date is before the start date.'),
  });

const planView = z
  .object({
    version: z.int(),
    goals: z.array(z.string()),
    activities: z.array(z.object({ what: z.string(), startsOn: date, endsOn: date.nullable() })),
    createdBy: z.string(),
    createdByName: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'LabourMarketPlan' });

const measureView = z
  .object({
    id: z.uuid(),
    type: z.enum(MEASURE_TYPES),
    provider: z.string(),
    startsOn: date,
    plannedEndOn: date.nullable(),
    endedOn: date.nullable(),
    endReason: z.enum(MEASURE_END_REASONS).nullable(),
    enrolledBy: z.string(),
    enrolledByName: z.string().nullable(),
    enrolledAt: z.string(),
  })
  .meta({ id: 'LabourMarketMeasure' });

const noteView = z
  .object({
    id: z.uuid(),
    outcome: z.enum(MEETING_OUTCOMES).nullable(),
    text: z.string(),
    writtenBy: z.string(),
    writtenByName: z.string().nullable(),
    writtenAt: z.string(),
  })
  .meta({ id: 'MeetingNote' });

const meetingView = z
  .object({
    id: z.uuid(),
    participantId: z.uuid(),
    applicationId: z.uuid(),
    status: z.enum(['booked', 'cancelled', 'rescheduled', 'held', 'no-show']),
    startsAt: z.string(),
    endsAt: z.string(),
    mode: z.enum(MEETING_MODES),
    location: z.string().nullable(),
    coachName: z.string(),
    notes: z.array(noteView),
  })
  .meta({ id: 'LabourMarketMeeting' });

const participantView = summaryView
  .extend({
    exits: z.array(exitView).meta({ description: 'Newest first.' }),
    measures: z.array(measureView),
    plan: planView.nullable().meta({ description: 'The current version.' }),
    planVersions: z.int(),
    meetings: z.array(meetingView),
    today: date.meta({ description: "Today in Sweden, by the server's clock." }),
  })
  .meta({ id: 'LabourMarketParticipant' });

const counted = z.object({ work: z.int(), studies: z.int(), other: z.int() });
const monthFigures = z.object({
  counted: counted.meta({ description: 'Exits that count (provisional or final), by reason.' }),
  total: z.int(),
  provisional: z.int().meta({ description: 'Of those counted, how many could still be voided by a return.' }),
  voided: z.int().meta({ description: 'Exits voided by an application within three months: not counted.' }),
  workOrStudiesPercent: z.number().nullable(),
});
const outcomesView = z
  .object({
    from: z.string(),
    to: z.string(),
    today: date,
    months: z.array(monthFigures.extend({ month: z.string() })),
    total: monthFigures,
  })
  .meta({ id: 'LabourMarketOutcomes' });

const participantParams = municipalityParams.extend({ participantId: z.uuid() });
const measureParams = participantParams.extend({ measureId: z.uuid() });
const meetingParams = municipalityParams.extend({ meetingId: z.uuid() });

const listQuery = z.strictObject({
  state: z.enum(TRACK_STATES).optional().meta({ description: 'Only participants whose track is in this state.' }),
});

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const month = z.string().refine((m) => MONTH.test(m), {
  abort: true,
  ...says('format', 'Ange månaden som ÅÅÅÅ-MM.', 'Give the month as YYYY-MM.'),
});
const MAX_MONTHS = 36;
const outcomesQuery = z
  .strictObject({
    from: month.optional().meta({ description: 'First month (YYYY-MM); default eleven months before `to`.' }),
    to: month.optional().meta({ description: 'Last month (YYYY-MM); default this month.' }),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.to >= q.from, {
    path: ['to'],
    ...says('range-order', 'Sista månaden ligger före den första.', 'The last month is before the first.'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || monthsBetween(q.from, q.to).length <= MAX_MONTHS, {
    path: ['to'],
    ...says('range-too-long', `Välj högst ${MAX_MONTHS} månader.`, `Choose at most ${MAX_MONTHS} months.`),
  });

const planBody = z
  .strictObject({
    basedOnVersion: z
      .int()
      .min(0)
      .meta({ description: 'The version the coach changed (0 for the first plan); a newer one answers 409.' }),
    goals: z.array(z.string().trim().min(1).max(500)).max(20),
    activities: z.array(activity).max(50),
  })
  .meta({ id: 'LabourMarketPlanChange' });

const measureBody = z
  .strictObject({
    type: z.enum(MEASURE_TYPES).meta({ description: `One of ${MEASURE_TYPE_LIST}.` }),
    provider: z.string().trim().min(1).max(200).meta({ description: 'Who runs it, e.g. Jobbcentrum or a company.' }),
    startsOn: date,
    plannedEndOn: date.nullable().default(null),
  })
  .refine((m) => m.plannedEndOn === null || m.plannedEndOn >= m.startsOn, {
    path: ['plannedEndOn'],
    ...says('range-order', 'Slutdatumet ligger före startdatumet.', 'The end date is before the start date.'),
  })
  .meta({ id: 'LabourMarketEnrolment' });

const endBody = z
  .strictObject({
    endedOn: date,
    reason: z.enum(MEASURE_END_REASONS.filter((r) => r !== 'exit') as ['completed', 'interrupted', 'other']),
  })
  .meta({ id: 'LabourMarketMeasureEnd' });

const exitBody = z
  .strictObject({
    reason: z.enum(EXIT_REASONS).meta({ description: 'work, studies or other.' }),
    exitDate: date.meta({ description: 'The day the person left (not in the future).' }),
    note: z.string().trim().min(1).max(2000).optional(),
  })
  .meta({ id: 'LabourMarketExitRecord' });

const noteBody = z
  .strictObject({
    outcome: z
      .enum(MEETING_OUTCOMES)
      .optional()
      .meta({ description: 'held or no-show; only once the meeting has begun.' }),
    text: z.string().trim().min(1).max(4000),
  })
  .meta({ id: 'MeetingNoteEntry' });

/* ------------------------------------------------------------------ problems */

const CONFLICTS: Record<LabourMarketConflict, Record<Lang, string>> = {
  'stale-plan': {
    sv: 'Planen har ändrats av någon annan sedan du läste den. Läs den nya versionen och gör din ändring där.',
    en: 'Someone else changed the plan since you read it. Read the new version and make your change there.',
  },
  'already-exited': {
    sv: 'Deltagaren är redan avslutad. Ett nytt avslut kan registreras först när personen har ansökt igen.',
    en: 'The participant has already exited. A new exit can be recorded only after the person has applied again.',
  },
  'track-exited': {
    sv: 'Deltagaren är avslutad. Insatser kan läggas till när personen har ansökt igen.',
    en: 'The participant has exited. Measures can be added once the person has applied again.',
  },
  'measure-ended': {
    sv: 'Insatsen är redan avslutad, med ett annat datum eller skäl.',
    en: 'The measure has already ended, on another day or for another reason.',
  },
  'meeting-not-taking-place': {
    sv: 'Mötet är avbokat eller flyttat. Anteckna på det nya mötet.',
    en: 'The meeting was cancelled or moved. Write on the new meeting.',
  },
  'idempotency-key-reused': {
    sv: 'Idempotency-Key har redan använts för en annan ändring.',
    en: 'The Idempotency-Key has already been used for another change.',
  },
};

const FIELD_TEXTS: Record<FieldCode, Record<Lang, string>> = {
  'future-date': { sv: 'Datumet ligger i framtiden.', en: 'The date is in the future.' },
  'before-last-exit': {
    sv: 'Datumet måste vara efter det senaste avslutet.',
    en: 'The date must be after the last exit.',
  },
  'before-start': { sv: 'Datumet ligger före insatsens start.', en: 'The date is before the measure started.' },
  'not-yet': {
    sv: 'Mötet har inte börjat än. Utfallet kan noteras när mötet har börjat.',
    en: 'The meeting has not begun yet. The outcome can be noted once it has begun.',
  },
};

/** Answers a write's outcome: the value with `status` (a replay of a creation: 200), or its problem. */
function answer<T>(req: FastifyRequest, reply: FastifyReply, out: WriteResult<T>, status: 200 | 201) {
  const l = requestLang(req);
  if (out.ok) return reply.code(out.replay && status === 201 ? 200 : status).send(out.value);
  switch (out.reason) {
    case 'not-found':
      return notFound(req, reply);
    case 'invalid':
      return sendProblem(reply, fieldProblem(l, out.field, out.code, FIELD_TEXTS[out.code][l]));
    case 'conflict':
      return sendProblem(reply, {
        ...codedConflict(l, out.conflict, CONFLICTS[out.conflict][l]),
        ...(out.current !== undefined ? { currentVersion: out.current } : {}),
      });
  }
}

/* ------------------------------------------------------------------ routes */

export async function labourMarketRoutes(
  app: FastifyInstance,
  opts: CaseRoutesOptions & { readonly rulebook: RuleBook },
): Promise<void> {
  const { db } = opts;
  const staff = handledBy(opts.municipalities);
  const readers = [staff, requireRole('coach', 'caseworker', 'auditor')];
  const coach = [staff, requireRole('coach')];
  const figures = [staff, requireRole('coach', 'caseworker', 'auditor', 'admin')];
  const base = '/api/v1/municipalities/:municipality/labour-market';
  const participant = `${base}/participants/:participantId`;
  const WRITE_PROBLEMS = { 400: problemSchema, 404: problemSchema, 409: problemSchema } as const;

  /** Who writes: the caller as the audit log names them, and as the viewer of protected identities. */
  const writer = (req: FastifyRequest) => ({
    actor: { ...staffActor(req), name: req.principal!.name ?? null } satisfies Actor,
    viewer: req.principal!,
  });

  /**
   * A coach's write: the schema with the write problems (and the Idempotency-Key unless `keyed` is
   * false); `run` gets the parsed path and body; its outcome is answered with `status`.
   */
  function coachWrite<P extends z.ZodType, B extends z.ZodType, T>(
    method: 'POST' | 'PUT',
    url: string,
    doc: {
      readonly summary: string;
      readonly description: string;
      readonly params: P;
      readonly body: B;
      readonly response: Readonly<Record<number, z.ZodType>>;
      readonly keyed?: boolean;
    },
    status: 200 | 201,
    run: (params: z.infer<P>, body: z.infer<B>, req: FastifyRequest) => Promise<WriteResult<T>>,
  ): void {
    app.route({
      method,
      url,
      preValidation: coach,
      schema: {
        tags: [TAG],
        summary: doc.summary,
        description: doc.description,
        params: doc.params,
        ...(doc.keyed === false ? {} : { headers: idempotencyHeaders }),
        body: doc.body,
        response: { ...doc.response, ...WRITE_PROBLEMS },
      },
      handler: async (req, reply) =>
        answer(req, reply, await run(req.params as z.infer<P>, req.body as z.infer<B>, req), status),
    });
  }

  /** Serves `read` once the caller's read of the participant is in the audit log. */
  const participantRead = <T>(
    req: FastifyRequest,
    purpose: string,
    objectId: string | null,
    details: AuditDetails | undefined,
    read: () => T | Promise<T>,
  ) => {
    const { municipality } = req.params as z.infer<typeof municipalityParams>;
    return staffRead(
      db,
      req,
      {
        municipalityId: municipality,
        objectType: 'labour-market-participant',
        objectId,
        purpose,
        ...(details !== undefined ? { details } : {}),
      },
      read,
    );
  };

  app.get(
    `${base}/participants`,
    {
      preValidation: readers,
      schema: {
        tags: [TAG],
        summary: 'The participants (people who have applied) and their track: open, exited or reopened',
        description: `The latest application first, at most 1000. People with protected identity only for staff with the claim.`,
        params: municipalityParams,
        querystring: listQuery,
        response: {
          200: z.object({ today: date, participants: z.array(summaryView), truncated: z.boolean() }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as z.infer<typeof listQuery>;
      const today = swedishDate();
      return participantRead(req, 'labour-market-participant-list', null, { state: q.state ?? 'all' }, async () => ({
        today,
        ...(await listParticipants(db, municipality, req.principal!, q.state ? { state: q.state } : {}, today)),
      }));
    },
  );

  /** A participant's read: 404 unless the participant exists here and the caller may see them. */
  const readParticipant =
    <T>(purpose: string, read: (municipality: string, participantId: string, req: FastifyRequest) => Promise<T>) =>
    async (req: FastifyRequest, reply: FastifyReply) => {
      const { municipality, participantId } = req.params as z.infer<typeof participantParams>;
      if (!(await participantVisible(db, municipality, participantId, req.principal!))) return notFound(req, reply);
      return participantRead(req, purpose, participantId, undefined, () => read(municipality, participantId, req));
    };

  app.get(
    participant,
    {
      preValidation: readers,
      schema: {
        tags: [TAG],
        summary: "A participant's track: state, exits (counted or voided), measures, current plan and meetings",
        params: participantParams,
        response: { 200: participantView, 404: problemSchema },
      },
    },
    readParticipant(
      'labour-market-participant-view',
      async (municipality, participantId, req) =>
        (await getParticipant(db, municipality, participantId, req.principal!, swedishDate()))!,
    ),
  );

  app.get(
    `${participant}/plan`,
    {
      preValidation: readers,
      schema: {
        tags: [TAG],
        summary: "Every version of the participant's labour-market plan, the newest first",
        params: participantParams,
        response: { 200: z.object({ versions: z.array(planView) }), 404: problemSchema },
      },
    },
    readParticipant('labour-market-plan-view', async (municipality, participantId) => ({
      versions: await planVersions(db, municipality, participantId),
    })),
  );

  coachWrite(
    'PUT',
    `${participant}/plan`,
    {
      summary: 'A new version of the plan (goals, activities with dates); earlier versions are kept',
      description:
        'On the version read (basedOnVersion; 0 for the first): a newer version answers 409 stale-plan with ' +
        'currentVersion. Idempotent on Idempotency-Key.',
      params: participantParams,
      body: planBody,
      response: { 200: planView },
    },
    200,
    ({ municipality, participantId }, body, req) => {
      const { actor, viewer } = writer(req);
      return savePlan(db, { municipality, participantId }, { ...body, key: idempotencyKey(req) }, actor, viewer);
    },
  );

  coachWrite(
    'POST',
    `${participant}/measures`,
    {
      summary: 'Enrol the participant in a measure (type, provider, start, planned end)',
      description:
        'Not while the track is exited (409 track-exited). Idempotent on Idempotency-Key (a retry answers 200).',
      params: participantParams,
      body: measureBody,
      response: { 200: measureView, 201: measureView },
    },
    201,
    ({ municipality, participantId }, body, req) => {
      const { actor, viewer } = writer(req);
      const scope = { municipality, participantId };
      return enrolMeasure(db, scope, { ...body, key: idempotencyKey(req) }, actor, viewer, swedishDate());
    },
  );

  coachWrite(
    'POST',
    `${participant}/measures/:measureId/end`,
    {
      summary: 'End a measure on a day, with why',
      description:
        'Not before it started, not in the future. Ending it again the same way answers the same; otherwise ' +
        '409 measure-ended.',
      params: measureParams,
      body: endBody,
      response: { 200: measureView },
      keyed: false,
    },
    200,
    (scope, body, req) => {
      const { actor, viewer } = writer(req);
      return endMeasure(db, scope, body, actor, viewer, swedishDate());
    },
  );

  coachWrite(
    'POST',
    `${participant}/exits`,
    {
      summary: 'Record an exit (avslut) to work, studies or other',
      description:
        'The exit counts unless the person applies again within three calendar months after the exit date; then the ' +
        'track is reopened and the exit is voided (derived whenever read). Not in the future, after the last exit, ' +
        'not while exited (409 already-exited). Ongoing measures end on the exit date. Idempotent on ' +
        'Idempotency-Key (a retry answers 200).',
      params: participantParams,
      body: exitBody,
      response: { 200: exitView, 201: exitView },
    },
    201,
    ({ municipality, participantId }, body, req) => {
      const { actor, viewer } = writer(req);
      const exit = { reason: body.reason, exitDate: body.exitDate, note: body.note ?? null, key: idempotencyKey(req) };
      return recordExit(db, { municipality, participantId }, exit, actor, viewer, swedishDate());
    },
  );

  app.get(
    `${base}/meetings/:meetingId`,
    {
      preValidation: readers,
      schema: {
        tags: [TAG],
        summary: 'A meeting with a coach, with its notes',
        params: meetingParams,
        response: {
          200: meetingView.extend({ name: z.string().nullable() }),
          404: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality, meetingId } = req.params as z.infer<typeof meetingParams>;
      const m = await getMeeting(db, municipality, meetingId, req.principal!);
      if (!m) return notFound(req, reply);
      return staffRead(
        db,
        req,
        {
          municipalityId: municipality,
          objectType: 'meeting',
          objectId: meetingId,
          purpose: 'meeting-notes-view',
          details: { participant: m.participantId },
        },
        () => m,
      );
    },
  );

  coachWrite(
    'POST',
    `${base}/meetings/:meetingId/notes`,
    {
      summary: "Write a note on a meeting, perhaps with how it went (held / no-show: the meeting's status)",
      description:
        'Notes are kept as written (a journal). An outcome only once the meeting has begun. Idempotent on ' +
        'Idempotency-Key (a retry answers 200).',
      params: meetingParams,
      body: noteBody,
      response: { 200: noteView, 201: noteView },
    },
    201,
    ({ municipality, meetingId }, body, req) => {
      const { actor, viewer } = writer(req);
      const note = { outcome: body.outcome ?? null, text: body.text, key: idempotencyKey(req) };
      return addMeetingNote(db, { municipality, meetingId }, note, actor, viewer, new Date());
    },
  );

  app.get(
    `${base}/outcomes`,
    {
      preValidation: figures,
      schema: {
        tags: [TAG],
        summary: 'Exits per month by reason, the voided ones apart (counts only)',
        description:
          'By the month of the exit date, as they stand today: an exit voided by an application within three months ' +
          'does not count; a counted exit whose three months are not over is also given as provisional.',
        params: municipalityParams,
        querystring: outcomesQuery,
        response: { 200: outcomesView, 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as z.infer<typeof outcomesQuery>;
      const today = swedishDate();
      const to = q.to ?? (q.from !== undefined && q.from > today.slice(0, 7) ? q.from : today.slice(0, 7));
      const from = q.from ?? monthsBack(to, 11);
      const months = monthsBetween(from, to).length;
      if (months > MAX_MONTHS) {
        const l = requestLang(req);
        const message = l === 'sv' ? `Välj högst ${MAX_MONTHS} månader.` : `Choose at most ${MAX_MONTHS} months.`;
        return sendProblem(reply, fieldProblem(l, 'from', 'range-too-long', message));
      }
      return staffRead(
        db,
        req,
        {
          municipalityId: municipality,
          objectType: 'labour-market-outcomes',
          objectId: null,
          purpose: 'labour-market-outcomes',
          details: { from, to },
        },
        () => outcomes(db, municipality, { from, to }, today),
      );
    },
  );
}

/** The month `n` months before `month` (YYYY-MM). */
function monthsBack(month: string, n: number): string {
  const i = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 - n;
  return `${String(Math.floor(i / 12)).padStart(4, '0')}-${String((i % 12) + 1).padStart(2, '0')}`;
}
