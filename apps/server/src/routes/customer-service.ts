/**
 * Customer service (kundtjänst): find a person and see, in plain words, the status of their
 * applications, what is missing, the next payday and any booked meeting; help them book or move
 * a meeting with a labour-market coach. Role `customer-service` only, staff of the municipality or
 * of its host; tenant in every path and query. Nothing secret is answered (no amounts, flags,
 * notes, messages, addresses or other household members), and a person with protected identity —
 * or whose register answer is not in yet — answers exactly as a person with no applications.
 * The personnummer comes in a POST body, never in a URL, and is never logged. Every lookup and
 * booking is in the audit log first. Rules: docs/customer-service.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { personnummerSchema } from '@tillit/domain';
import type { RuleBook } from '@tillit/rules';
import { appendAudit } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { bookOnBehalf } from '../customer-service/booking.ts';
import { matchPerson, personView, serviceableApplication } from '../customer-service/lookup.ts';
import { BOOKING_CONFLICT_TEXT } from '../customer-service/texts.ts';
import { MEETING_MODES } from '../db/schema-meetings.ts';
import { activeBooking, offerFor } from '../meetings/service.ts';
import { problemSchema } from '../problems.ts';
import { swedishDate } from '../swedish-time.ts';
import {
  applicationParams,
  codedConflict,
  handledBy,
  idempotencyKey,
  municipalityParams,
  notFound,
  requestLang,
  sendProblem,
  staffActor,
  staffRead,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';
import { bookingChoiceOptions, sendBookingOutcome } from './booking-choice.ts';
import type { BookingMode } from './booking-choice.ts';

const TAG = 'customer-service';

const lookupBody = z
  .strictObject({
    personnummer: personnummerSchema.meta({
      description: 'The person’s personnummer (12 digits, with or without a hyphen). Never in a URL, never logged.',
    }),
  })
  .meta({ id: 'CustomerServiceLookup' });

const slotSchema = z.object({
  id: z.uuid(),
  startsAt: z.string().meta({ description: 'ISO 8601 instant (UTC).' }),
  endsAt: z.string(),
  mode: z.enum(MEETING_MODES),
  location: z.string().nullable(),
  coachName: z.string(),
});
const bookingSchema = slotSchema
  .extend({ status: z.enum(['booked', 'cancelled', 'rescheduled', 'held', 'no-show']) })
  .meta({ id: 'CustomerServiceBooking', description: 'A booking; `id` is the booking, not the slot.' });

const personApplication = z.object({
  id: z.uuid(),
  kind: z.enum(['new', 'renewal', 'supplementary']),
  month: z.string().meta({ description: 'The month applied for, YYYY-MM.' }),
  status: z.string().meta({ description: 'The application’s status code.' }),
  statusText: z.string().meta({ description: 'The status in plain words, in the caller’s language.' }),
  submittedOn: z.string().nullable().meta({ description: 'The Swedish day it was submitted.' }),
  decidedOn: z.string().nullable().meta({ description: 'The Swedish day it was decided; null while undecided.' }),
  missingItems: z
    .array(
      z.object({
        source: z.enum(['completion-request', 'sample-check']),
        requestedOn: z.string(),
        dueDate: z.string(),
        overdue: z.boolean(),
        items: z.array(z.string()).meta({ description: 'What is asked for, as the request words it.' }),
      }),
    )
    .meta({ description: 'Requests to complete the application and documents asked for, not yet answered.' }),
  payment: z
    .object({
      payOn: z.string(),
      status: z.enum(['scheduled', 'exported', 'settled', 'returned']),
      statusText: z.string(),
    })
    .nullable()
    .meta({ description: 'The latest payment of the decision: its day and state, never its amount.' }),
  meeting: bookingSchema.nullable().meta({ description: 'The booked meeting with a coach, if any.' }),
  canBookMeeting: z.boolean(),
});

const personSchema = z
  .object({
    applications: z.array(personApplication).meta({
      description: 'Newest month first. Empty for a person with no applications, or with protected identity.',
    }),
    nextPayday: z.object({
      date: z.iso.date(),
      basis: z.enum(['payment', 'municipality']).meta({
        description: "payment: the person's earliest coming payment; municipality: the next regular payday.",
      }),
    }),
  })
  .meta({ id: 'CustomerServicePerson' });

const offerSchema = z
  .object({
    date: z.iso.date().meta({ description: 'The next working day: the day the offer is for.' }),
    slots: z.array(slotSchema).max(3),
    filledFromLaterDays: z.boolean(),
    booking: bookingSchema.nullable().meta({ description: 'The meeting already booked, if any (then move it).' }),
  })
  .meta({ id: 'CustomerServiceMeetingOffer' });

const choiceBody = z.strictObject({ slotId: z.uuid() }).meta({ id: 'CustomerServiceMeetingChoice' });

export async function customerServiceRoutes(
  app: FastifyInstance,
  opts: CaseRoutesOptions & { readonly rulebook: RuleBook },
): Promise<void> {
  const { db } = opts;
  const guard = [handledBy(opts.municipalities), requireRole('customer-service')];
  const base = '/api/v1/municipalities/:municipality/customer-service';

  app.post(
    `${base}/person-lookups`,
    {
      preValidation: guard,
      schema: {
        tags: [TAG],
        summary: "Find a person: their applications' status, missing items, next payday and meeting",
        description:
          'The personnummer is sent in the body. Nothing secret is answered. A person with protected identity ' +
          '(or whose register answer is not yet in) gets exactly the answer of a person with no applications.',
        params: municipalityParams,
        body: lookupBody,
        response: { 200: personSchema, 400: problemSchema, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const { personnummer } = req.body as z.infer<typeof lookupBody>;
      const m = opts.municipalities().get(municipality);
      if (!m) return notFound(req, reply);
      const match = await matchPerson(db, municipality, personnummer);
      // In the audit log before anything is served: each application read, or the lookup that found none.
      await db.transaction().execute(async (tx) => {
        const entry = { ...staffActor(req), municipalityId: municipality, action: 'read' as const };
        if (match.ids.length === 0)
          await appendAudit(tx, {
            ...entry,
            objectType: 'person-lookup',
            objectId: null,
            purpose: 'customer-service-lookup',
            details: { applications: 0, withheld: match.withheld },
          });
        for (const id of match.ids)
          await appendAudit(tx, {
            ...entry,
            objectType: 'application',
            objectId: id,
            purpose: 'customer-service-lookup',
          });
      });
      return personView(
        db,
        { municipality, ids: match.ids, payday: m.settings.payday },
        swedishDate(),
        requestLang(req),
      );
    },
  );

  app.get(
    `${base}/applications/:id/meeting-slots`,
    {
      preValidation: guard,
      schema: {
        tags: [TAG],
        summary: "Three free slots with a coach to offer the person, and the application's booked meeting",
        params: applicationParams,
        response: { 200: offerSchema, 404: problemSchema, 409: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality, id } = req.params as z.infer<typeof applicationParams>;
      const found = await serviceableApplication(db, municipality, id);
      if (!found) return notFound(req, reply);
      if (found.status === 'withdrawn') {
        const l = requestLang(req);
        return sendProblem(reply, codedConflict(l, 'withdrawn', BOOKING_CONFLICT_TEXT.withdrawn[l]));
      }
      return staffRead(
        db,
        req,
        {
          municipalityId: municipality,
          objectType: 'application',
          objectId: id,
          purpose: 'customer-service-meeting-slots',
        },
        async () => ({
          ...(await offerFor(db, municipality, new Date())),
          booking: (await activeBooking(db, { municipality, id })) ?? null,
        }),
      );
    },
  );

  const choose = (mode: BookingMode) => async (req: FastifyRequest, reply: FastifyReply) => {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    const { slotId } = req.body as z.infer<typeof choiceBody>;
    const key = idempotencyKey(req);
    const out = await bookOnBehalf(db, { municipality, id }, { slotId, key, mode }, staffActor(req), new Date());
    return sendBookingOutcome(req, reply, out, mode, BOOKING_CONFLICT_TEXT);
  };
  const chooseOptions = (summary: string, ok: 200 | 201) =>
    bookingChoiceOptions({ preValidation: guard, tag: TAG, body: choiceBody, booking: bookingSchema }, summary, ok);

  app.post(
    `${base}/applications/:id/meeting`,
    chooseOptions("Book a free slot on the person's behalf (one active booking); idempotent on Idempotency-Key", 201),
    choose('book'),
  );
  app.put(
    `${base}/applications/:id/meeting`,
    chooseOptions("Move the person's booking to another free slot; idempotent on Idempotency-Key", 200),
    choose('reschedule'),
  );
}
