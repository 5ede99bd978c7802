/**
 * Demo slots for a coach: a working day's calendar of eight 45-minute meetings between 08:30 and
 * 16:00 Swedish time, with a lunch break, on a number of working days. For the embedded demo
 * (main.ts) only; idempotent: a slot the coach already has, or one that would overlap one of the
 * coach's own, is left out, so running it twice creates nothing new.
 */
import { randomUUID } from 'node:crypto';
import { bankingDayOnOrAfter, nextBankingDay } from '@tillit/domain';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import type { MeetingMode } from '../db/schema-meetings.ts';
import { swedishDate } from '../swedish-time.ts';
import { swedishInstant } from './calendar.ts';
import { overlapping } from './service.ts';

const DEMO_DAY: readonly { readonly at: string; readonly mode: MeetingMode }[] = [
  { at: '08:30', mode: 'office' },
  { at: '09:30', mode: 'office' },
  { at: '10:30', mode: 'office' },
  { at: '11:15', mode: 'phone' },
  { at: '13:00', mode: 'office' },
  { at: '13:45', mode: 'office' },
  { at: '14:30', mode: 'video' },
  { at: '15:15', mode: 'office' },
];
const DEMO_MINUTES = 45;

export interface DemoSlotsOptions {
  readonly municipality: string;
  /** The coach's subject, as in the coach's access token. */
  readonly coachSubject: string;
  readonly coachName: string;
  /** Slots on the working days from this instant's Swedish date on; none that starts before it. */
  readonly from: Date;
  readonly workingDays: number;
  /** Where office meetings are; default "Arbetsmarknadsenheten". */
  readonly location?: string;
}

/** Creates the demo calendar; returns how many slots it created. */
export async function seedDemoSlots(db: Kysely<Database>, opts: DemoSlotsOptions): Promise<number> {
  let created = 0;
  for (let i = 0, day = bankingDayOnOrAfter(swedishDate(opts.from)); i < opts.workingDays; i++) {
    for (const slot of DEMO_DAY) {
      const startsAt = swedishInstant(day, slot.at);
      const endsAt = new Date(startsAt.getTime() + DEMO_MINUTES * 60_000);
      if (startsAt <= opts.from || (await overlapping(db, opts.coachSubject, startsAt, endsAt))) continue;
      await db
        .insertInto('coach_slot')
        .values({
          id: randomUUID(),
          municipality_id: opts.municipality,
          coach_subject: opts.coachSubject,
          coach_name: opts.coachName,
          starts_at: startsAt,
          ends_at: endsAt,
          mode: slot.mode,
          location: slot.mode === 'office' ? (opts.location ?? 'Arbetsmarknadsenheten') : null,
          client_key: null,
        })
        .execute();
      created++;
    }
    day = nextBankingDay(day);
  }
  return created;
}
