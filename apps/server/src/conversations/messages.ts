/**
 * Messages between the applicant and the caseworkers of an application. Reading the thread marks
 * the other side's messages read; a message is written at most once per client key (a retry
 * answers with the first); a message from staff is also an event on the application's timeline.
 * Every write is in the audit log, in the same transaction; every query is scoped by municipality.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Lang } from '@tillit/rules';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { MessageSender } from '../db/schema-conversations.ts';
import { addTimelineEvent, lockSubmitted } from './scope.ts';
import type { CaseScope, Tx } from './scope.ts';

export interface MessageView {
  readonly id: string;
  readonly sender: MessageSender;
  /** A staff member's name; for the applicant's messages a label ("you" to the applicant, "the applicant" to staff). */
  readonly authorName: string;
  readonly body: string;
  readonly createdAt: string;
  /** Whether the other side has read it. */
  readonly read: boolean;
}

const LABELS = {
  you: { sv: 'Du', en: 'You' },
  applicant: { sv: 'Den sökande', en: 'The applicant' },
  caseworker: { sv: 'Handläggare', en: 'Caseworker' },
} as const;

const other = (side: MessageSender): MessageSender => (side === 'applicant' ? 'staff' : 'applicant');

/**
 * The thread of an application, oldest first, as `reader` sees it. With `markRead`, the other
 * side's unread messages are read now (an auditor reading the thread does not mark them).
 */
export async function readMessages(
  db: Tx,
  scope: CaseScope,
  reader: { readonly side: MessageSender; readonly markRead: boolean; readonly lang: Lang },
): Promise<MessageView[]> {
  if (reader.markRead) {
    await db
      .updateTable('message')
      .set({ read_at: new Date() })
      .where('municipality_id', '=', scope.municipality)
      .where('application_id', '=', scope.id)
      .where('sender', '=', other(reader.side))
      .where('read_at', 'is', null)
      .execute();
  }
  const rows = await db
    .selectFrom('message')
    .select(['id', 'sender', 'author_name', 'body', 'created_at', 'read_at'])
    .where('municipality_id', '=', scope.municipality)
    .where('application_id', '=', scope.id)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((m) => ({
    id: m.id,
    sender: m.sender,
    authorName:
      m.sender === 'staff'
        ? (m.author_name ?? LABELS.caseworker[reader.lang])
        : LABELS[reader.side === 'applicant' ? 'you' : 'applicant'][reader.lang],
    body: m.body,
    createdAt: new Date(m.created_at).toISOString(),
    read: m.read_at !== null,
  }));
}

export interface NewMessage {
  readonly sender: MessageSender;
  /** The author's subject. */
  readonly author: string;
  /** The role the author writes in, for the audit log. */
  readonly role: string;
  /** A staff member's name, as the applicant will see it. */
  readonly authorName?: string;
  readonly body: string;
  /** The client's Idempotency-Key. */
  readonly key: string;
}

export type PostMessageResult =
  | { readonly ok: true; readonly id: string; readonly createdAt: string; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' };

/** Writes a message on a submitted application, once per sender and client key. */
export async function postMessage(db: Kysely<Database>, scope: CaseScope, msg: NewMessage): Promise<PostMessageResult> {
  return db.transaction().execute(async (tx): Promise<PostMessageResult> => {
    if (!(await lockSubmitted(tx, scope))) return { ok: false, reason: 'not-found' };
    const inserted = await tx
      .insertInto('message')
      .values({
        id: randomUUID(),
        municipality_id: scope.municipality,
        application_id: scope.id,
        sender: msg.sender,
        author: msg.author,
        author_name: msg.sender === 'staff' ? (msg.authorName ?? null) : null,
        body: msg.body,
        idempotency_key: msg.key,
      })
      .onConflict((oc) => oc.columns(['application_id', 'sender', 'idempotency_key']).doNothing())
      .returning(['id', 'created_at'])
      .executeTakeFirst();
    if (!inserted) {
      const earlier = await tx
        .selectFrom('message')
        .select(['id', 'created_at'])
        .where('municipality_id', '=', scope.municipality)
        .where('application_id', '=', scope.id)
        .where('sender', '=', msg.sender)
        .where('idempotency_key', '=', msg.key)
        .executeTakeFirstOrThrow();
      return { ok: true, id: earlier.id, createdAt: new Date(earlier.created_at).toISOString(), replay: true };
    }
    // On the applicant's timeline, without changing the status.
    if (msg.sender === 'staff')
      await addTimelineEvent(tx, scope, msg.author, { event: 'message-from-staff', message: inserted.id });
    await appendAudit(tx, {
      actor: msg.author,
      role: msg.role,
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'message',
      objectId: inserted.id,
      purpose: 'message-sent',
      details: { application: scope.id, sender: msg.sender },
    });
    return { ok: true, id: inserted.id, createdAt: new Date(inserted.created_at).toISOString(), replay: false };
  });
}
