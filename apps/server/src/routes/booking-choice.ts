/**
 * Booking (POST) or moving (PUT) a meeting with a coach, as the applicant's routes
 * (routes/meetings.ts) and customer service's (routes/customer-service.ts, on the person's behalf)
 * both offer it: the same schema shape and the same answers, each in its own words for conflicts.
 */
import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type * as z from 'zod';
import type { Lang } from '@tillit/rules';
import type { BookingOutcome, MeetingConflict } from '../meetings/service.ts';
import { problemSchema } from '../problems.ts';
import {
  applicationParams,
  codedConflict,
  fieldProblem,
  idempotencyHeaders,
  notFound,
  requestLang,
  sendProblem,
} from './common.ts';

export type BookingMode = 'book' | 'reschedule';

const SLOT_ID_PROBLEMS: Record<'unknown-slot' | 'slot-not-offered', Record<Lang, string>> = {
  'unknown-slot': { sv: 'Det finns ingen sådan tid.', en: 'There is no such time.' },
  'slot-not-offered': {
    sv: 'Tiden går inte att boka. Välj en av de erbjudna tiderna.',
    en: 'That time cannot be booked. Choose one of the times offered.',
  },
};

/**
 * Answers a booking: the booking (book: 201, reschedule: 200), 404, 409 with a stable code worded
 * by `conflicts`, or 400 on `slotId`.
 */
export function sendBookingOutcome(
  req: FastifyRequest,
  reply: FastifyReply,
  out: BookingOutcome,
  mode: BookingMode,
  conflicts: Readonly<Record<MeetingConflict, Record<Lang, string>>>,
) {
  if (out.ok) return reply.code(mode === 'book' ? 201 : 200).send(out.booking);
  if (out.reason === 'not-found') return notFound(req, reply);
  const l = requestLang(req);
  if (out.reason === 'conflict') return sendProblem(reply, codedConflict(l, out.conflict, conflicts[out.conflict][l]));
  return sendProblem(reply, fieldProblem(l, 'slotId', out.code, SLOT_ID_PROBLEMS[out.code][l]));
}

/** The route options of booking or moving: `ok` is 201 for booking, 200 for moving. */
export function bookingChoiceOptions(
  route: {
    readonly preValidation: readonly preValidationAsyncHookHandler[];
    readonly tag: string;
    readonly body: z.ZodType;
    readonly booking: z.ZodType;
  },
  summary: string,
  ok: 200 | 201,
) {
  return {
    preValidation: [...route.preValidation],
    schema: {
      tags: [route.tag],
      summary,
      params: applicationParams,
      headers: idempotencyHeaders,
      body: route.body,
      response: { [ok]: route.booking, 400: problemSchema, 404: problemSchema, 409: problemSchema },
    },
  };
}
