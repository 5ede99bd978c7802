/** Customer service's plain words, in Swedish and English: what to tell the person on the phone. */
import type { Lang } from '@tillit/rules';
import type { ApplicationStatus } from '../db/schema.ts';
import type { PaymentStatus } from '../db/schema-payments.ts';
import type { MeetingConflict } from '../meetings/service.ts';

export const STATUS_TEXT: Record<ApplicationStatus, Record<Lang, string>> = {
  draft: { sv: 'Inte inskickad', en: 'Not submitted' },
  received: {
    sv: 'Mottagen. Uppgifter från myndigheterna hämtas strax.',
    en: "Received. The authorities' data will be fetched shortly.",
  },
  collecting: {
    sv: 'Uppgifter hämtas från myndigheterna.',
    en: 'Data is being fetched from the authorities.',
  },
  assessing: { sv: 'Ansökan prövas.', en: 'The application is being assessed.' },
  'needs-person': {
    sv: 'En handläggare går igenom ansökan.',
    en: 'A caseworker is going through the application.',
  },
  'waiting-applicant': {
    sv: 'Väntar på att den sökande kompletterar ansökan.',
    en: 'Waiting for the applicant to complete the application.',
  },
  decided: {
    sv: 'Beslut är fattat. Beslutet finns på Mina sidor.',
    en: 'A decision has been made. It is on My pages.',
  },
  withdrawn: { sv: 'Ansökan är återtagen.', en: 'The application has been withdrawn.' },
};

export const PAYMENT_TEXT: Record<PaymentStatus, Record<Lang, string>> = {
  scheduled: { sv: 'Utbetalningen är planerad.', en: 'The payment is planned.' },
  exported: { sv: 'Utbetalningen är skickad till banken.', en: 'The payment has been sent to the bank.' },
  settled: { sv: 'Utbetald.', en: 'Paid.' },
  returned: {
    sv: 'Banken skickade tillbaka pengarna. Handläggaren hör av sig.',
    en: 'The bank returned the money. The caseworker will be in touch.',
  },
};

/** Why a booking for the person cannot be made, as customer service reads it. */
export const BOOKING_CONFLICT_TEXT: Record<MeetingConflict, Record<Lang, string>> = {
  'not-submitted': {
    sv: 'Ansökan är inte inskickad. Mötet kan bokas när den är det.',
    en: 'The application has not been submitted. The meeting can be booked once it is.',
  },
  withdrawn: { sv: 'Ansökan är återtagen.', en: 'The application has been withdrawn.' },
  'slot-taken': {
    sv: 'Tiden är inte ledig längre. Välj en annan tid.',
    en: 'The time is no longer free. Choose another time.',
  },
  'already-booked': {
    sv: 'Personen har redan en bokad tid. Flytta den i stället för att boka en till.',
    en: 'The person already has a booked time. Move it instead of booking another.',
  },
  'not-booked': { sv: 'Personen har ingen bokad tid att flytta.', en: 'The person has no booked time to move.' },
  'idempotency-key-reused': {
    sv: 'Idempotency-Key har redan använts för en annan tid.',
    en: 'The Idempotency-Key has already been used for another time.',
  },
};
