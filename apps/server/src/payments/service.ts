/**
 * Payments, the imperative shell around @tillit/domain's payday rule: schedule one payment per
 * granting decision, make a caseworker's payment urgent, export due payments as a pain.001 batch,
 * and record what the bank did (settled, returned). Exactly once:
 *
 * - a payment per decision: `payment.decision_id` is unique, scheduling inserts `on conflict do
 *   nothing`, so however often or concurrently it runs, a decision gets one payment;
 * - a payment per batch: an export claims scheduled payments with `for update skip locked` and
 *   moves them to `exported` with the batch's id in one transaction, so concurrent exports take
 *   disjoint sets and a payment is never in two files;
 * - a batch per idempotency key: the key is unique per municipality and inserted first, so a
 *   retried (or concurrent) export with the same key waits for, and then returns, the first
 *   batch — the stored file, byte for byte.
 *
 * Every write appends to the audit log in the same transaction. Every query names the municipality.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { addBankingDays, bankingDayOnOrAfter, paidAmountOre, payDateFor, urgentPayDate } from '@tillit/domain';
import type { PaymentKind } from '@tillit/domain';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { PaymentStatus } from '../db/schema-payments.ts';
import type { Municipalities, Municipality } from '../municipalities.ts';
import { currentContent } from '../pipeline/manual.ts';
import { buildPain001 } from './pain001.ts';
import { swedishDate } from '../swedish-time.ts';

type Tx = Kysely<Database> | Transaction<Database>;

/** Decisions older than this many days are not scheduled by the background loop (a person looks at them). */
export const SCHEDULE_WINDOW_DAYS = 62;
/** The default export horizon: payments due within this many banking days from today. */
export const EXPORT_HORIZON_BANKING_DAYS = 3;

export { swedishDate };

/** What is shown on the payee's bank statement. */
export function remittanceText(month: string): string {
  return `Ekonomiskt bistånd ${month}`;
}

export interface PaymentRow {
  readonly id: string;
  readonly municipality_id: string;
  readonly decision_id: string;
  readonly application_id: string;
  readonly month: string;
  readonly kind: PaymentKind;
  readonly status: PaymentStatus;
  readonly decided_ore: string | number;
  readonly amount_ore: string | number;
  readonly pay_on: string;
  readonly clearing: string;
  readonly account: string;
  readonly holder: 'a0' | 'a1';
  readonly creditor_name: string | null;
  readonly end_to_end_id: string;
  readonly batch_id: string | null;
  readonly urgent_reason: string | null;
  readonly return_reason: string | null;
  readonly created_at: Date;
  readonly exported_at: Date | null;
  readonly settled_at: Date | null;
  readonly returned_at: Date | null;
}

/** The payment columns, the date as text (drivers differ in how they read a date). */
const PAYMENT_COLUMNS = sql<PaymentRow>`
  id, municipality_id, decision_id, application_id, month, kind, status, decided_ore, amount_ore,
  pay_on::text as pay_on, clearing, account, holder, creditor_name, end_to_end_id, batch_id,
  urgent_reason, return_reason, created_at, exported_at, settled_at, returned_at`;

export async function paymentById(db: Tx, municipality: string, id: string): Promise<PaymentRow | undefined> {
  const { rows } = await sql<PaymentRow>`
    select ${PAYMENT_COLUMNS} from payment where municipality_id = ${municipality} and id = ${id}`.execute(db);
  return rows[0];
}

export async function paymentOfCase(
  db: Tx,
  municipality: string,
  applicationId: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await sql<PaymentRow>`
    select ${PAYMENT_COLUMNS} from payment
    where municipality_id = ${municipality} and application_id = ${applicationId}`.execute(db);
  return rows[0];
}

interface DecisionToPay {
  readonly id: string;
  readonly municipality_id: string;
  readonly application_id: string;
  readonly amount_ore: string | number;
  readonly created_at: Date;
  readonly month: string;
}

/** The decisions of a municipality that pay money and have no payment yet. */
function unpaidDecisions(db: Tx, m: Municipality) {
  // With rounding down to whole kronor, less than a krona pays nothing.
  const minimum = paidAmountOre(1, m.settings.paymentRounding) === 0 ? 100 : 1;
  return db
    .selectFrom('decision as d')
    .innerJoin('application as a', 'a.id', 'd.application_id')
    .leftJoin('payment as p', 'p.decision_id', 'd.id')
    .select(['d.id', 'd.municipality_id', 'd.application_id', 'd.amount_ore', 'd.created_at', 'a.month'])
    .where('d.municipality_id', '=', m.id)
    .where('a.municipality_id', '=', m.id)
    .where('p.id', 'is', null)
    .where('d.outcome', 'in', ['bifall', 'delavslag'])
    .where('d.amount_ore', '>=', String(minimum));
}

/**
 * Schedules the payment of one decision (in the caller's transaction); returns the payment's id,
 * or undefined when another transaction scheduled it first (then it is there all the same).
 */
async function scheduleDecision(
  tx: Transaction<Database>,
  m: Municipality,
  d: DecisionToPay,
): Promise<string | undefined> {
  const content = await currentContent(tx, { id: d.application_id, municipality: m.id });
  const holder = content.paymentAccount.holder ?? 'a0';
  const adult = content.household.adults[holder === 'a1' ? 1 : 0];
  const decidedOre = Number(d.amount_ore);
  const { payOn, kind } = payDateFor(swedishDate(new Date(d.created_at)), m.settings.payday);
  const id = randomUUID();
  const inserted = await tx
    .insertInto('payment')
    .values({
      id,
      municipality_id: m.id,
      decision_id: d.id,
      application_id: d.application_id,
      month: d.month,
      kind,
      decided_ore: decidedOre,
      amount_ore: paidAmountOre(decidedOre, m.settings.paymentRounding),
      pay_on: payOn,
      clearing: content.paymentAccount.clearing,
      account: content.paymentAccount.account,
      holder,
      creditor_name: adult?.name ?? null,
      end_to_end_id: id.replaceAll('-', ''),
    })
    .onConflict((oc) => oc.column('decision_id').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) !== 1) return undefined;
  await appendAudit(tx, {
    actor: 'system',
    role: 'system',
    municipalityId: m.id,
    action: 'write',
    objectType: 'payment',
    objectId: id,
    purpose: 'payment-scheduled',
    details: { decision: d.id, kind, payOn, amountOre: paidAmountOre(decidedOre, m.settings.paymentRounding) },
  });
  return id;
}

/**
 * Schedules a payment for every decision that grants money and has none yet (decided within the
 * last SCHEDULE_WINDOW_DAYS days), in each municipality or only in `only`. Idempotent and safe to
 * run concurrently. Returns how many payments it scheduled. The server's background loop calls it.
 */
export async function schedulePayments(
  db: Kysely<Database>,
  municipalities: Municipalities,
  now: Date = new Date(),
  only?: string,
): Promise<number> {
  const since = new Date(now.getTime() - SCHEDULE_WINDOW_DAYS * 86_400_000);
  let scheduled = 0;
  for (const m of municipalities.values()) {
    if (only !== undefined && m.id !== only) continue;
    const decisions = await unpaidDecisions(db, m)
      .where('d.created_at', '>=', since)
      .orderBy('d.created_at')
      .orderBy('d.id')
      .limit(1000)
      .execute();
    for (const d of decisions) {
      if (await db.transaction().execute((tx) => scheduleDecision(tx, m, d))) scheduled += 1;
    }
  }
  return scheduled;
}

export interface Actor {
  readonly actor: string;
  readonly role: string;
}

export type UrgentOutcome =
  | { readonly ok: true; readonly payment: PaymentRow }
  | { readonly ok: false; readonly reason: 'no-payment' | 'already-exported'; readonly status?: PaymentStatus };

/**
 * Pays a case's decision outside the cycle: today, or the next banking day. Schedules the payment
 * first if the background loop has not yet. Only a payment not yet exported can be made urgent;
 * asking again for an urgent payment changes nothing.
 */
export async function makeUrgent(
  db: Kysely<Database>,
  m: Municipality,
  applicationId: string,
  req: Actor & { readonly reason: string; readonly now?: Date },
): Promise<UrgentOutcome> {
  const today = swedishDate(req.now ?? new Date());
  return db.transaction().execute(async (tx) => {
    const decision = await unpaidDecisions(tx, m).where('d.application_id', '=', applicationId).executeTakeFirst();
    if (decision) await scheduleDecision(tx, m, decision);
    const { rows } = await sql<PaymentRow>`
      select ${PAYMENT_COLUMNS} from payment
      where municipality_id = ${m.id} and application_id = ${applicationId} for update`.execute(tx);
    const payment = rows[0];
    if (!payment) return { ok: false, reason: 'no-payment' } as const;
    if (payment.status !== 'scheduled')
      return { ok: false, reason: 'already-exported', status: payment.status } as const;
    if (payment.kind === 'urgent') return { ok: true, payment } as const;
    const payOn = urgentPayDate(today);
    await tx
      .updateTable('payment')
      .set({ kind: 'urgent', urgent_reason: req.reason, urgent_by: req.actor, pay_on: payOn, updated_at: new Date() })
      .where('id', '=', payment.id)
      .where('municipality_id', '=', m.id)
      .execute();
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: m.id,
      action: 'write',
      objectType: 'payment',
      objectId: payment.id,
      purpose: 'payment-urgent',
      details: { payOn, previousPayOn: payment.pay_on },
    });
    return { ok: true, payment: (await paymentById(tx, m.id, payment.id))! } as const;
  });
}

export interface BatchRow {
  readonly id: string;
  readonly municipality_id: string;
  readonly message_id: string;
  readonly created_by: string;
  readonly created_at: Date;
  readonly payment_count: number;
  readonly total_ore: string | number;
  readonly sha256: string;
}

export type ExportOutcome =
  | { readonly ok: true; readonly batch: BatchRow; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'nothing-due' | 'no-debtor-account' };

class NothingDue extends Error {}

async function batchByKey(tx: Tx, municipality: string, key: string): Promise<BatchRow | undefined> {
  return tx
    .selectFrom('payment_batch')
    .select(['id', 'municipality_id', 'message_id', 'created_by', 'created_at', 'payment_count', 'total_ore', 'sha256'])
    .where('municipality_id', '=', municipality)
    .where('client_key', '=', key)
    .executeTakeFirst();
}

/**
 * Exports the municipality's scheduled payments due on or before `through` (default: within
 * EXPORT_HORIZON_BANKING_DAYS banking days) as one pain.001 batch, idempotent on `key`. A payment
 * whose pay date has passed (an export that did not happen in time) is asked for on the first
 * banking day from today, and its pay date records that.
 */
export async function exportBatch(
  db: Kysely<Database>,
  m: Municipality,
  req: Actor & { readonly key: string; readonly through?: string; readonly now?: Date },
): Promise<ExportOutcome> {
  const earlier = await batchByKey(db, m.id, req.key);
  if (earlier) return { ok: true, batch: earlier, replay: true };
  const debtor = m.settings.debtor;
  if (!debtor) return { ok: false, reason: 'no-debtor-account' };
  const now = req.now ?? new Date();
  await schedulePayments(db, new Map([[m.id, m]]), now, m.id);
  const today = swedishDate(now);
  const executeFrom = bankingDayOnOrAfter(today);
  const through = req.through ?? addBankingDays(today, EXPORT_HORIZON_BANKING_DAYS);
  const createdAt = new Date(Math.floor(now.getTime() / 1000) * 1000);
  try {
    return await db.transaction().execute(async (tx): Promise<ExportOutcome> => {
      const id = randomUUID();
      const messageId = id.replaceAll('-', '');
      // The key first: a concurrent export with the same key waits here for this one to end.
      const claimedKey = await tx
        .insertInto('payment_batch')
        .values({
          id,
          municipality_id: m.id,
          message_id: messageId,
          client_key: req.key,
          created_by: req.actor,
          created_at: createdAt,
          xml: '',
          sha256: '',
        })
        .onConflict((oc) => oc.columns(['municipality_id', 'client_key']).doNothing())
        .returning('id')
        .executeTakeFirst();
      if (!claimedKey) return { ok: true, batch: (await batchByKey(tx, m.id, req.key))!, replay: true };
      const { rows } = await sql<PaymentRow>`
        update payment set status = 'exported', batch_id = ${id}, exported_at = ${createdAt}, updated_at = now(),
          pay_on = greatest(pay_on, ${executeFrom}::date)
        where municipality_id = ${m.id} and status = 'scheduled' and id in (
          select id from payment
          where municipality_id = ${m.id} and status = 'scheduled' and pay_on <= ${through}::date
          order by pay_on, id
          for update skip locked)
        returning ${PAYMENT_COLUMNS}`.execute(tx);
      if (rows.length === 0) throw new NothingDue();
      const xml = buildPain001({
        messageId,
        createdAt,
        debtor,
        transfers: rows.map((p) => ({
          endToEndId: p.end_to_end_id,
          amountOre: Number(p.amount_ore),
          payOn: p.pay_on,
          urgent: p.kind === 'urgent',
          clearing: p.clearing,
          account: p.account,
          creditorName: p.creditor_name,
          remittance: remittanceText(p.month),
        })),
      });
      const totalOre = rows.reduce((s, p) => s + Number(p.amount_ore), 0);
      const sha256 = createHash('sha256').update(xml, 'utf8').digest('hex');
      await tx
        .updateTable('payment_batch')
        .set({ xml, sha256, payment_count: rows.length, total_ore: totalOre })
        .where('id', '=', id)
        .where('municipality_id', '=', m.id)
        .execute();
      await appendAudit(tx, {
        actor: req.actor,
        role: req.role,
        municipalityId: m.id,
        action: 'write',
        objectType: 'payment-batch',
        objectId: id,
        purpose: 'payment-export',
        details: { payments: rows.length, totalOre, through, sha256 },
      });
      return {
        ok: true,
        replay: false,
        batch: {
          id,
          municipality_id: m.id,
          message_id: messageId,
          created_by: req.actor,
          created_at: createdAt,
          payment_count: rows.length,
          total_ore: totalOre,
          sha256,
        },
      };
    });
  } catch (err) {
    if (err instanceof NothingDue) return { ok: false, reason: 'nothing-due' };
    throw err;
  }
}

export type BankOutcome =
  | { readonly ok: true; readonly payment: PaymentRow; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' }
  | { readonly ok: false; readonly reason: 'wrong-status'; readonly status: PaymentStatus };

/** A payment of the municipality, locked for update until the transaction ends. */
async function lockPayment(
  tx: Transaction<Database>,
  municipality: string,
  id: string,
): Promise<PaymentRow | undefined> {
  const { rows } = await sql<PaymentRow>`
    select ${PAYMENT_COLUMNS} from payment where municipality_id = ${municipality} and id = ${id} for update`.execute(
    tx,
  );
  return rows[0];
}

/** The bank paid an exported payment out. Saying so again changes nothing. */
export async function settlePayment(
  db: Kysely<Database>,
  municipality: string,
  paymentId: string,
  req: Actor,
): Promise<BankOutcome> {
  return db.transaction().execute(async (tx): Promise<BankOutcome> => {
    const p = await lockPayment(tx, municipality, paymentId);
    if (!p) return { ok: false, reason: 'not-found' };
    if (p.status === 'settled') return { ok: true, payment: p, replay: true };
    if (p.status !== 'exported') return { ok: false, reason: 'wrong-status', status: p.status };
    await tx
      .updateTable('payment')
      .set({ status: 'settled', settled_at: new Date(), updated_at: new Date() })
      .where('id', '=', p.id)
      .where('municipality_id', '=', municipality)
      .execute();
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: municipality,
      action: 'write',
      objectType: 'payment',
      objectId: p.id,
      purpose: 'payment-settled',
    });
    return { ok: true, payment: (await paymentById(tx, municipality, p.id))!, replay: false };
  });
}

/**
 * The bank sent an exported (or settled) payment back, e.g. a closed account. The payment is
 * `returned` with the reason, and the case gets an open flag (`payment-returned`) so that a
 * caseworker contacts the household; a person decides what happens to the money. Saying so
 * again changes nothing.
 */
export async function returnPayment(
  db: Kysely<Database>,
  municipality: string,
  paymentId: string,
  req: Actor & { readonly reason: string },
): Promise<BankOutcome> {
  return db.transaction().execute(async (tx): Promise<BankOutcome> => {
    const p = await lockPayment(tx, municipality, paymentId);
    if (!p) return { ok: false, reason: 'not-found' };
    if (p.status === 'returned') return { ok: true, payment: p, replay: true };
    if (p.status !== 'exported' && p.status !== 'settled')
      return { ok: false, reason: 'wrong-status', status: p.status };
    await tx
      .updateTable('payment')
      .set({ status: 'returned', return_reason: req.reason, returned_at: new Date(), updated_at: new Date() })
      .where('id', '=', p.id)
      .where('municipality_id', '=', municipality)
      .execute();
    const amount = `${(Number(p.amount_ore) / 100).toFixed(2)}`;
    const text = JSON.stringify({
      sv: `Utbetalningen på ${amount} kr (${p.pay_on}) kom tillbaka från banken: ${req.reason}. Kontakta hushållet om kontot.`,
      en: `The payment of SEK ${amount} (${p.pay_on}) came back from the bank: ${req.reason}. Contact the household about the account.`,
    });
    await tx
      .insertInto('flag')
      .values({
        application_id: p.application_id,
        municipality_id: municipality,
        check_id: 'payment-returned',
        outcome: 'flag',
        text,
        closed_at: null,
        closed_by: null,
        close_note: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['application_id', 'check_id'])
          .doUpdateSet({ status: 'open', text, closed_at: null, closed_by: null, close_note: null }),
      )
      .execute();
    await appendAudit(tx, {
      actor: req.actor,
      role: req.role,
      municipalityId: municipality,
      action: 'write',
      objectType: 'payment',
      objectId: p.id,
      purpose: 'payment-returned',
    });
    return { ok: true, payment: (await paymentById(tx, municipality, p.id))!, replay: false };
  });
}
