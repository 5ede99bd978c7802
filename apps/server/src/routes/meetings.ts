/**
 * Meetings with a labour-market coach (arbetsmarknadssekreterare), tenant (municipality) in every
 * path. Coaches keep their calendar (slots: list, create, withdraw); an applicant whose
 * application is submitted is offered three free slots the next working day and books one,
 * moves it or cancels it (the Trelleborg model). Coaches: staff of the municipality or its host,
 * role coach, own slots only; the applicant's name is hidden from a coach without the
 * protected-identity claim when the household has protected identity (or the register has not
 * yet said). Every read and write is in the audit log first. Rules: docs/meetings.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { addDays } from '@tillit/domain';
import type { Lang } from '@tillit/rules';
import { withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { MEETING_MODES } from '../db/schema-meetings.ts';
import { clockTime, swedishWallClock } from '../meetings/calendar.ts';
import {
  activeBooking,
  applicationState,
  bookSlot,
  cancelBooking,
  coachSlots,
  createSlots,
  offerFor,
  withdrawSlot,
} from '../meetings/service.ts';
import type { ApplicantScope, MeetingConflict, SlotView } from '../meetings/service.ts';
import { negotiateLang, problem, problemSchema } from '../problems.ts';
import type { Problem } from '../problems.ts';
import { swedishDate } from '../swedish-time.ts';
import {
  applicationParams,
  codedConflict,
  handledBy,
  idempotencyHeaders,
  maySeeCase,
  municipalityParams,
  notFound,
  sendProblem,
  staffActor,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';
import { bookingChoiceOptions, sendBookingOutcome } from './booking-choice.ts';
import type { BookingMode } from './booking-choice.ts';

const TAG = 'meetings';

/** A refinement's localized message and stable code (toFieldProblems reads them). */
const says = (code: string, sv: string, en: string) => ({ params: { code, msg: { sv, en } } });

const slotSchema = z
  .object({
    id: z.uuid(),
    startsAt: z.string().meta({ description: 'ISO 8601 instant (UTC).' }),
    endsAt: z.string(),
    mode: z.enum(MEETING_MODES),
    location: z.string().nullable(),
    coachName: z.string(),
  })
  .meta({ id: 'MeetingSlot' });

const bookingSchema = slotSchema
  .extend({ status: z.enum(['booked', 'cancelled', 'rescheduled', 'held', 'no-show']) })
  .meta({ id: 'MeetingBooking', description: 'A booking; `id` is the booking, not the slot.' });

const offerSchema = z
  .object({
    date: z.iso.date().meta({ description: 'The next working day: the day the offer is for.' }),
    slots: z.array(slotSchema).max(3),
    filledFromLaterDays: z.boolean().meta({
      description:
        'The next working day had fewer than three free slots; the rest are from the following working days.',
    }),
  })
  .meta({ id: 'MeetingOffer' });

const coachSlotSchema = slotSchema
  .extend({
    booking: z
      .object({
        id: z.uuid(),
        status: z
          .enum(['booked', 'held', 'no-show'])
          .meta({ description: 'booked; held or no-show once the coach has noted how it went.' }),
        applicationId: z.uuid(),
        participantId: z
          .uuid()
          .nullable()
          .meta({ description: 'The person on the labour-market track (/labour-market/participants/{id}).' }),
        bookedAt: z.string(),
        applicantName: z.string().nullable(),
        nameHidden: z.boolean().meta({ description: 'Protected identity (or not yet known) and no claim to see it.' }),
      })
      .nullable(),
  })
  .meta({ id: 'CoachSlot' });

const ISO_INSTANT = z.iso.datetime({ offset: true });

const newSlotBody = z
  .strictObject({
    startsAt: z
      .string()
      .refine((s) => ISO_INSTANT.safeParse(s).success, {
        abort: true,
        ...says(
          'datetime',
          'Ange tiden med tidszon, till exempel 2026-11-16T09:00:00+01:00.',
          'Give the time with its offset, for example 2026-11-16T09:00:00+01:00.',
        ),
      })
      .refine(
        (s) => Date.parse(s) > Date.now(),
        says('past-time', 'Tiden har redan passerat.', 'The time has already passed.'),
      )
      .meta({ description: 'ISO 8601 with offset, in the future.' }),
    durationMinutes: z.int().min(15).max(240),
    mode: z.enum(MEETING_MODES),
    location: z.string().trim().min(1).max(200).optional(),
    repeatWorkingDays: z
      .int()
      .min(1)
      .max(20)
      .default(1)
      .meta({ description: 'The same time on this many working days, the first included (default 1).' }),
  })
  .meta({ id: 'NewCoachSlot' });

const MAX_RANGE_DAYS = 92;
const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

const rangeQuery = z
  .strictObject({
    from: z.iso.date().optional().meta({ description: 'First day (YYYY-MM-DD, Swedish), default today.' }),
    to: z.iso.date().optional().meta({ description: 'Last day, default 13 days after `from`.' }),
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.to >= q.from, {
    path: ['to'],
    ...says('range-order', 'Sista dagen ligger före den första.', 'The last day is before the first.'),
  })
  .refine((q) => q.from === undefined || q.to === undefined || dayNumber(q.to) - dayNumber(q.from) < MAX_RANGE_DAYS, {
    path: ['to'],
    ...says('range-too-long', `Välj högst ${MAX_RANGE_DAYS} dagar.`, `Choose at most ${MAX_RANGE_DAYS} days.`),
  });

const slotParams = municipalityParams.extend({ slotId: z.uuid() });
const bookingBody = z.strictObject({ slotId: z.uuid() }).meta({ id: 'MeetingChoice' });

type ConflictCode = MeetingConflict | 'slot-booked' | 'slot-overlap';

const CONFLICTS: Record<Exclude<ConflictCode, 'slot-overlap'>, Record<Lang, string>> = {
  'not-submitted': {
    sv: 'Ansökan är inte inskickad. Skicka in den först och boka sedan mötet.',
    en: 'The application has not been submitted. Submit it first, then book the meeting.',
  },
  withdrawn: { sv: 'Ansökan är återkallad.', en: 'The application has been withdrawn.' },
  'slot-taken': {
    sv: 'Tiden är inte ledig längre. Välj en annan tid.',
    en: 'The time is no longer free. Choose another time.',
  },
  'already-booked': {
    sv: 'Du har redan en bokad tid. Byt den i stället för att boka en till.',
    en: 'You already have a booked time. Change it instead of booking another.',
  },
  'not-booked': { sv: 'Du har ingen bokad tid att byta.', en: 'You have no booked time to change.' },
  'idempotency-key-reused': {
    sv: 'Idempotency-Key har redan använts för en annan tid.',
    en: 'The Idempotency-Key has already been used for another time.',
  },
  'slot-booked': {
    sv: 'Tiden är bokad. Den sökande behöver byta eller avboka den först.',
    en: 'The slot is booked. The applicant has to move or cancel it first.',
  },
};

/** 409 with a stable `code` (and the same value as `conflict`, as the case routes' conflicts carry it). */
function meetingConflict(
  code: ConflictCode,
  lang: Lang,
  detail?: string,
): Problem & { readonly code: ConflictCode; readonly conflict: ConflictCode } {
  return codedConflict(lang, code, detail ?? (code === 'slot-overlap' ? undefined : CONFLICTS[code][lang]));
}

/** A slot's time as a person in Sweden reads it: 2026-11-16 09:00–09:45. */
function swedishSpan(s: SlotView): string {
  const start = swedishWallClock(new Date(s.startsAt));
  return `${start.date} ${clockTime(start.minutes)}–${clockTime(swedishWallClock(new Date(s.endsAt)).minutes)}`;
}

const lang = (req: FastifyRequest) => negotiateLang(req.headers['accept-language']);
const keyOf = (req: FastifyRequest) => (req.headers['idempotency-key'] as string).trim();

export async function meetingRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const coach = [handledBy(opts.municipalities), requireRole('coach')];
  const applicant = [requireRole('applicant')];
  const coachPath = '/api/v1/municipalities/:municipality/coach/slots';
  const meetingPath = '/api/v1/municipalities/:municipality/applications/:id/meeting';

  app.get(
    coachPath,
    {
      preValidation: coach,
      schema: {
        tags: [TAG],
        summary: "The coach's own slots by day, each with its booking",
        params: municipalityParams,
        querystring: rangeQuery,
        response: {
          200: z.object({
            from: z.iso.date().meta({ description: 'The first day listed (Swedish).' }),
            to: z.iso.date().meta({ description: 'The last day listed.' }),
            today: z.iso.date().meta({ description: "Today in Sweden, by the server's clock." }),
            slots: z.array(coachSlotSchema),
          }),
          400: problemSchema,
          404: problemSchema,
        },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const q = req.query as z.infer<typeof rangeQuery>;
      const from = q.from ?? swedishDate();
      const to = q.to ?? addDays(from, 13);
      const principal = req.principal!;
      return withAuditedRead(
        db,
        {
          ...staffActor(req),
          municipalityId: municipality,
          objectType: 'coach-slot',
          objectId: null,
          purpose: 'coach-slot-list',
          details: { from, to },
        },
        async () => {
          const slots = await coachSlots(db, { municipality, coach: principal.subject }, { from, to });
          return {
            from,
            to,
            today: swedishDate(),
            slots: slots.map(({ booking, ...slot }) => {
              const visible = booking !== null && maySeeCase(principal, booking.protectedIdentity);
              return {
                ...slot,
                booking: booking && {
                  id: booking.id,
                  status: booking.status,
                  applicationId: booking.applicationId,
                  participantId: booking.participantId,
                  bookedAt: booking.bookedAt,
                  applicantName: visible ? booking.applicantName : null,
                  nameHidden: !visible,
                },
              };
            }),
          };
        },
      );
    },
  );

  app.post(
    coachPath,
    {
      preValidation: coach,
      schema: {
        tags: [TAG],
        summary: 'Create a slot, or the same slot on several working days; idempotent on Idempotency-Key',
        description: "Refused (409 slot-overlap) when any of them overlaps one of the coach's own slots.",
        params: municipalityParams,
        headers: idempotencyHeaders,
        body: newSlotBody,
        response: {
          201: z.object({ slots: z.array(slotSchema) }),
          400: problemSchema,
          404: problemSchema,
          409: problemSchema,
        },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const body = req.body as z.infer<typeof newSlotBody>;
      const principal = req.principal!;
      const out = await createSlots(
        db,
        {
          municipality,
          coach: principal.subject,
          coachName: principal.name ?? principal.subject,
          startsAt: new Date(body.startsAt),
          durationMinutes: body.durationMinutes,
          mode: body.mode,
          location: body.location ?? null,
          workingDays: body.repeatWorkingDays,
          key: keyOf(req),
        },
        staffActor(req),
      );
      if (!out.ok) {
        const l = lang(req);
        const when = swedishSpan(out.overlaps);
        const detail = l === 'sv' ? `Tiden krockar med din tid ${when}.` : `The time overlaps your slot ${when}.`;
        const overlap = {
          ...meetingConflict('slot-overlap', l, detail),
          overlaps: { id: out.overlaps.id, startsAt: out.overlaps.startsAt, endsAt: out.overlaps.endsAt },
        };
        return sendProblem(reply, overlap);
      }
      return reply.code(201).send({ slots: out.slots });
    },
  );

  app.delete(
    `${coachPath}/:slotId`,
    {
      preValidation: coach,
      schema: {
        tags: [TAG],
        summary: 'Withdraw one of the own slots, unless it is booked; withdrawing again answers the same',
        params: slotParams,
        response: { 204: z.null(), 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, slotId } = req.params as z.infer<typeof slotParams>;
      const out = await withdrawSlot(db, { municipality, coach: req.principal!.subject, slotId }, staffActor(req));
      if (out === 'not-found') return notFound(req, reply);
      if (out === 'slot-booked') return sendProblem(reply, meetingConflict('slot-booked', lang(req)));
      return reply.code(204).send();
    },
  );

  /** The applicant's own application in the path, or undefined when the answer (404) is sent. */
  const ownScope = (req: FastifyRequest, reply: FastifyReply): ApplicantScope | undefined => {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    if (!opts.municipalities().has(municipality)) {
      void notFound(req, reply);
      return undefined;
    }
    return { municipality, id, applicant: req.principal!.personnummer! };
  };
  const applicantActor = (req: FastifyRequest) => ({ actor: req.principal!.subject, role: 'applicant' });

  /** Reads the applicant's own, submitted application's meeting data, in the audit log first. */
  async function ownRead<T>(
    req: FastifyRequest,
    reply: FastifyReply,
    purpose: string,
    read: (scope: ApplicantScope) => Promise<T>,
  ): Promise<T | FastifyReply> {
    const scope = ownScope(req, reply);
    if (!scope) return reply;
    const state = await applicationState(db, scope);
    if (!state.ok)
      return state.reason === 'not-found'
        ? notFound(req, reply)
        : sendProblem(reply, meetingConflict(state.reason, lang(req)));
    return withAuditedRead(
      db,
      {
        ...applicantActor(req),
        municipalityId: scope.municipality,
        objectType: 'application',
        objectId: scope.id,
        purpose,
      },
      () => read(scope),
    );
  }

  app.get(
    `/api/v1/municipalities/:municipality/applications/:id/meeting-slots`,
    {
      preValidation: applicant,
      schema: {
        tags: [TAG],
        summary: 'Three free slots with a coach: spread over the next working day, or filled from the days after',
        params: applicationParams,
        response: { 200: offerSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => ownRead(req, reply, 'meeting-slots-offered', (s) => offerFor(db, s.municipality, new Date())),
  );

  app.get(
    meetingPath,
    {
      preValidation: applicant,
      schema: {
        tags: [TAG],
        summary: "The application's booked meeting (404 when none)",
        params: applicationParams,
        response: { 200: bookingSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) =>
      ownRead(req, reply, 'own-meeting', async (scope) => {
        const booking = await activeBooking(db, scope);
        if (booking) return booking;
        const l = lang(req);
        const none = {
          ...problem('not-found', l, l === 'sv' ? 'Ingen tid är bokad.' : 'No time is booked.'),
          code: 'no-booking',
        };
        return sendProblem(reply, none);
      }),
  );

  /** Books (POST) or moves (PUT) the meeting; the answers of both. */
  const choose = (mode: BookingMode) => async (req: FastifyRequest, reply: FastifyReply) => {
    const scope = ownScope(req, reply);
    if (!scope) return reply;
    const { slotId } = req.body as z.infer<typeof bookingBody>;
    const out = await bookSlot(db, scope, { slotId, key: keyOf(req), mode }, applicantActor(req), new Date());
    return sendBookingOutcome(req, reply, out, mode, CONFLICTS);
  };
  const chooseSchema = (summary: string, ok: 200 | 201) =>
    bookingChoiceOptions(
      { preValidation: applicant, tag: TAG, body: bookingBody, booking: bookingSchema },
      summary,
      ok,
    );

  app.post(
    meetingPath,
    chooseSchema('Book a free slot (one active booking per application); idempotent on Idempotency-Key', 201),
    choose('book'),
  );
  app.put(
    meetingPath,
    chooseSchema('Move the booking to another free slot, in one step; idempotent on Idempotency-Key', 200),
    choose('reschedule'),
  );

  app.delete(
    meetingPath,
    {
      preValidation: applicant,
      schema: {
        tags: [TAG],
        summary: 'Cancel the booking; cancelling again (or with none) answers the same',
        params: applicationParams,
        response: { 204: z.null(), 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const scope = ownScope(req, reply);
      if (!scope) return reply;
      const out = await cancelBooking(db, scope, applicantActor(req));
      if (out.ok) return reply.code(204).send();
      if (out.reason === 'not-found') return notFound(req, reply);
      return sendProblem(reply, meetingConflict(out.reason, lang(req)));
    },
  );
}
