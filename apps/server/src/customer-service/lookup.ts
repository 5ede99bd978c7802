/**
 * Customer service's view of a person (kundtjänst): which of the person's applications the
 * municipality has, in plain words, what is missing, when the money comes and any booked meeting.
 * Nothing secret: no amounts, no flags or checks, no notes or messages, no addresses, nothing about
 * the rest of the household. A person with protected identity (skyddade personuppgifter) anywhere,
 * or whose register answer is not yet in, is never found: the answer is the same as for a
 * person the municipality has never heard of (OSL 26 kap.; fail-closed).
 *
 * The personnummer is only a query parameter here: never logged, never returned.
 */
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Lang } from '@tillit/rules';
import type { RequestedDocument } from '@tillit/domain';
import type { Database } from '../db/schema.ts';
import type { PaymentStatus } from '../db/schema-payments.ts';
import { activeBooking } from '../meetings/service.ts';
import type { BookingView } from '../meetings/service.ts';
import { nextRegularPayday } from '@tillit/domain';
import { PAYMENT_TEXT, STATUS_TEXT } from './texts.ts';

type Tx = Kysely<Database> | Transaction<Database>;

/** At most this many applications are shown (newest month first). */
export const MAX_APPLICATIONS = 24;

/**
 * Whether an application concerns the person: the applicant, or an adult (or, for the
 * protected-identity test, a child) of the household in the submitted form.
 */
function concerns(personnummer: string, withChildren: boolean) {
  const member = JSON.stringify([{ personnummer }]);
  const adults = sql<boolean>`a.snapshot -> 'household' -> 'adults' @> ${member}::jsonb`;
  return withChildren
    ? sql<boolean>`(a.applicant = ${personnummer} or ${adults}
        or a.snapshot -> 'household' -> 'children' @> ${member}::jsonb)`
    : sql<boolean>`(a.applicant = ${personnummer} or ${adults})`;
}

/**
 * How many submitted applications concerning the person, in any municipality, have protected
 * identity or an unknown one (null): any at all and customer service must not see the person.
 */
async function guardedApplications(db: Tx, personnummer: string): Promise<number> {
  const row = await db
    .selectFrom('application as a')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('a.status', '!=', 'draft')
    .where((eb) => eb.or([eb('a.protected_identity', 'is', null), eb('a.protected_identity', '=', true)]))
    .where(concerns(personnummer, true))
    .executeTakeFirstOrThrow();
  return row.n;
}

export interface PersonMatch {
  /** The person's submitted applications in the municipality that customer service may see, newest first. */
  readonly ids: readonly string[];
  /** How many applications were held back because of protected identity (known or not yet known). */
  readonly withheld: number;
}

/**
 * The person's applications in the municipality. When any submitted application concerning the
 * person, in any municipality, has protected identity or an unknown one (the register has not
 * answered: null), none: customer service never handles such a person, whatever the caller's
 * claims. Drafts are the applicant's own (and never asked of the register): neither shown nor counted.
 */
export async function matchPerson(db: Tx, municipality: string, personnummer: string): Promise<PersonMatch> {
  const guarded = await guardedApplications(db, personnummer);
  if (guarded > 0) return { ids: [], withheld: guarded };
  const rows = await db
    .selectFrom('application as a')
    .select('a.id')
    .where('a.municipality_id', '=', municipality)
    .where('a.status', '!=', 'draft')
    .where('a.protected_identity', '=', false)
    .where(concerns(personnummer, false))
    .orderBy('a.month', 'desc')
    .orderBy('a.submitted_at', 'desc')
    .orderBy('a.id')
    .limit(MAX_APPLICATIONS)
    .execute();
  return { ids: rows.map((r) => r.id), withheld: 0 };
}

/** Something the applicant has been asked for and has not yet sent. */
export interface MissingItem {
  /** A caseworker's request to complete the application, or a sample check's (stickprov) documents. */
  readonly source: 'completion-request' | 'sample-check';
  readonly requestedOn: string;
  readonly dueDate: string;
  /** The due date has passed (Swedish day). */
  readonly overdue: boolean;
  /** What is asked for, as the request words it. */
  readonly items: readonly string[];
}

export interface PersonApplication {
  readonly id: string;
  readonly kind: 'new' | 'renewal' | 'supplementary';
  readonly month: string;
  readonly status: string;
  readonly statusText: string;
  readonly submittedOn: string | null;
  readonly decidedOn: string | null;
  readonly missingItems: readonly MissingItem[];
  /** The latest payment of the decision, without its amount. */
  readonly payment: { readonly payOn: string; readonly status: PaymentStatus; readonly statusText: string } | null;
  readonly meeting: BookingView | null;
  /** Customer service may book (or move) a meeting with a coach for it: submitted and not withdrawn. */
  readonly canBookMeeting: boolean;
}

export interface PersonView {
  readonly applications: readonly PersonApplication[];
  /**
   * The next payday to tell the person: the earliest coming payment of theirs (`payment`), or the
   * municipality's next regular payday (`municipality`).
   */
  readonly nextPayday: { readonly date: string; readonly basis: 'payment' | 'municipality' };
}

const ymd = (column: string) => sql<string>`to_char(${sql.ref(column)}, 'YYYY-MM-DD')`;
/** A timestamp's Swedish calendar day. */
const swedishDay = (column: string) =>
  sql<string>`to_char(${sql.ref(column)} at time zone 'Europe/Stockholm', 'YYYY-MM-DD')`;

/** What customer service sees of the applications `ids` (all the municipality's, already matched and cleared). */
export async function personView(
  db: Tx,
  scope: { readonly municipality: string; readonly ids: readonly string[]; readonly payday: number },
  today: string,
  lang: Lang,
): Promise<PersonView> {
  const { municipality, ids } = scope;
  const regular = { date: nextRegularPayday(today, scope.payday), basis: 'municipality' as const };
  if (ids.length === 0) return { applications: [], nextPayday: regular };
  const apps = await db
    .selectFrom('application as a')
    .select(['a.id', 'a.kind', 'a.month', 'a.status', swedishDay('a.submitted_at').as('submitted_on')])
    .where('a.municipality_id', '=', municipality)
    .where('a.id', 'in', ids)
    .execute();
  const decisions = await db
    .selectFrom('decision as d')
    .select(['d.application_id', swedishDay('d.created_at').as('decided_on')])
    .where('d.municipality_id', '=', municipality)
    .where('d.application_id', 'in', ids)
    .execute();
  const completions = await db
    .selectFrom('completion_request as c')
    .select(['c.application_id', 'c.items', ymd('c.due_date').as('due_date'), swedishDay('c.requested_at').as('on')])
    .where('c.municipality_id', '=', municipality)
    .where('c.application_id', 'in', ids)
    .where('c.answered_at', 'is', null)
    .orderBy('c.requested_at')
    .execute();
  const samples = await db
    .selectFrom('sample_check as s')
    .select(['s.application_id', 's.documents', ymd('s.due_date').as('due_date'), swedishDay('s.created_at').as('on')])
    .where('s.municipality_id', '=', municipality)
    .where('s.application_id', 'in', ids)
    .where('s.answered_at', 'is', null)
    .where('s.outcome', 'is', null)
    .execute();
  const payments = await db
    .selectFrom('payment as p')
    .select(['p.application_id', 'p.status', ymd('p.pay_on').as('pay_on')])
    .where('p.municipality_id', '=', municipality)
    .where('p.application_id', 'in', ids)
    .orderBy('p.created_at', 'desc')
    .execute();
  const meetings = new Map<string, BookingView | undefined>();
  for (const id of ids) meetings.set(id, await activeBooking(db, { municipality, id }));

  const byId = new Map(apps.map((a) => [a.id, a]));
  const applications = ids.flatMap((id): PersonApplication[] => {
    const a = byId.get(id);
    if (!a) return [];
    const missing: MissingItem[] = [
      ...completions
        .filter((c) => c.application_id === id)
        .map((c) => ({
          source: 'completion-request' as const,
          requestedOn: c.on,
          dueDate: c.due_date,
          overdue: c.due_date < today,
          items: c.items as string[],
        })),
      ...samples
        .filter((s) => s.application_id === id)
        .map((s) => ({
          source: 'sample-check' as const,
          requestedOn: s.on,
          dueDate: s.due_date,
          overdue: s.due_date < today,
          items: (s.documents as RequestedDocument[]).map((d) => d[lang]),
        })),
    ];
    const payment = payments.find((p) => p.application_id === id);
    return [
      {
        id,
        kind: a.kind,
        month: a.month,
        status: a.status,
        statusText: STATUS_TEXT[a.status][lang],
        submittedOn: a.submitted_on,
        decidedOn: decisions.find((d) => d.application_id === id)?.decided_on ?? null,
        missingItems: missing,
        payment: payment
          ? { payOn: payment.pay_on, status: payment.status, statusText: PAYMENT_TEXT[payment.status][lang] }
          : null,
        meeting: meetings.get(id) ?? null,
        canBookMeeting: a.status !== 'withdrawn' && a.status !== 'draft',
      },
    ];
  });
  const coming = payments
    .filter((p) => (p.status === 'scheduled' || p.status === 'exported') && p.pay_on >= today)
    .map((p) => p.pay_on)
    .sort()[0];
  return {
    applications,
    nextPayday: coming !== undefined ? { date: coming, basis: 'payment' } : regular,
  };
}

/**
 * An application customer service may act on (book a meeting for): the municipality's, submitted,
 * and its applicant one that matchPerson would show (no application concerning them has protected
 * identity or an unknown one). Its applicant's personnummer is returned for the meetings
 * service's scope; it never leaves the server.
 */
export async function serviceableApplication(
  db: Tx,
  municipality: string,
  id: string,
): Promise<{ readonly applicant: string; readonly status: string } | undefined> {
  const row = await db
    .selectFrom('application')
    .select(['applicant', 'status', 'protected_identity'])
    .where('id', '=', id)
    .where('municipality_id', '=', municipality)
    .executeTakeFirst();
  if (!row || row.status === 'draft' || row.protected_identity !== false) return undefined;
  if ((await guardedApplications(db, row.applicant)) > 0) return undefined;
  return { applicant: row.applicant, status: row.status };
}
