/**
 * Applications: drafts, idempotent submission with an immutable snapshot, one application per
 * household and month (a second is flagged as a duplicate, never merged), and the status
 * history. Every query is scoped by municipality.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { applicationContentSchema } from '@tillit/domain';
import type { ApplicationContent, ApplicationKind } from '@tillit/domain';
import type { ApplicationStatus, Database } from '../db/schema.ts';

type Tx = Kysely<Database> | Transaction<Database>;

export interface ApplicationView {
  readonly id: string;
  readonly municipality: string;
  readonly kind: ApplicationKind;
  readonly month: string;
  readonly status: ApplicationStatus;
  readonly submittedAt: string | null;
  readonly duplicateOf: string | null;
  readonly draft: unknown;
  readonly snapshot: ApplicationContent | null;
  readonly timeline: readonly {
    readonly at: string;
    readonly status: string;
    readonly actor: string;
    readonly note: unknown;
  }[];
}

export async function recordStatus(
  db: Tx,
  app: { id: string; municipality: string },
  status: ApplicationStatus,
  actor: string,
  note: unknown = null,
): Promise<void> {
  await db
    .updateTable('application')
    .set({ status, updated_at: new Date() })
    .where('id', '=', app.id)
    .where('municipality_id', '=', app.municipality)
    .execute();
  await db
    .insertInto('application_event')
    .values({
      application_id: app.id,
      municipality_id: app.municipality,
      status,
      actor,
      note: note === null ? null : JSON.stringify(note),
    })
    .execute();
}

export async function createDraft(
  db: Kysely<Database>,
  input: { municipality: string; applicant: string; kind: ApplicationKind; month: string; draft: unknown },
): Promise<string> {
  const id = randomUUID();
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('application')
      .values({
        id,
        municipality_id: input.municipality,
        applicant: input.applicant,
        kind: input.kind,
        month: input.month,
        status: 'draft',
        draft: JSON.stringify(input.draft ?? {}),
      })
      .execute();
    await tx
      .insertInto('application_event')
      .values({
        application_id: id,
        municipality_id: input.municipality,
        status: 'draft',
        actor: 'applicant',
        note: null,
      })
      .execute();
  });
  return id;
}

/** Saves a draft as it is (even if incomplete). Only drafts change; a submitted form never does. */
export async function saveDraft(
  db: Kysely<Database>,
  scope: { municipality: string; applicant: string },
  id: string,
  draft: unknown,
): Promise<boolean> {
  const r = await db
    .updateTable('application')
    .set({ draft: JSON.stringify(draft), updated_at: new Date() })
    .where('id', '=', id)
    .where('municipality_id', '=', scope.municipality)
    .where('applicant', '=', scope.applicant)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Issues (zod-shaped, for toFieldProblems) when the form's first adult is not the signed-in applicant. */
export function applicantIssues(content: ApplicationContent, applicant: string): unknown[] | undefined {
  if (content.household.adults[0]!.personnummer === applicant) return undefined;
  return [
    {
      code: 'custom',
      path: ['household', 'adults', 0, 'personnummer'],
      message: 'the first adult must be the signed-in applicant',
      params: {
        code: 'applicant',
        msg: {
          sv: 'Den första vuxna i hushållet ska vara du som är inloggad och söker.',
          en: 'The first adult in the household must be you, the signed-in applicant.',
        },
      },
    },
  ];
}

export type SubmitOutcome =
  | { readonly ok: true; readonly id: string; readonly duplicateOf: string | null; readonly replay: boolean }
  | { readonly ok: false; readonly reason: 'not-found' | 'invalid'; readonly issues?: unknown };

/**
 * Submits a draft. Idempotent on the client key: the same key returns the same application
 * without doing anything twice. The validated form becomes the immutable snapshot, a job is
 * queued for the pipeline, and a second application for the same household and month is kept
 * and flagged as a duplicate.
 */
export async function submit(
  db: Kysely<Database>,
  scope: { municipality: string; applicant: string },
  id: string,
  clientKey: string,
): Promise<SubmitOutcome> {
  return db.transaction().execute(async (tx) => {
    // Lock the application first: concurrent submissions with the same key then see each other.
    const row = await tx
      .selectFrom('application')
      .selectAll()
      .where('id', '=', id)
      .where('municipality_id', '=', scope.municipality)
      .where('applicant', '=', scope.applicant)
      .forUpdate()
      .executeTakeFirst();
    if (row && row.client_key === clientKey) return { ok: true, id, duplicateOf: row.duplicate_of, replay: true };
    const earlier = await tx
      .selectFrom('application')
      .select(['id', 'duplicate_of'])
      .where('municipality_id', '=', scope.municipality)
      .where('applicant', '=', scope.applicant)
      .where('client_key', '=', clientKey)
      .executeTakeFirst();
    if (earlier) return { ok: true, id: earlier.id, duplicateOf: earlier.duplicate_of, replay: true };
    if (!row || row.status !== 'draft') return { ok: false, reason: 'not-found' };
    const parsed = applicationContentSchema.safeParse(row.draft, { reportInput: true });
    if (!parsed.success) return { ok: false, reason: 'invalid', issues: parsed.error.issues };
    const wrongApplicant = applicantIssues(parsed.data, scope.applicant);
    if (wrongApplicant) return { ok: false, reason: 'invalid', issues: wrongApplicant };

    const other = await tx
      .selectFrom('application')
      .select('id')
      .where('municipality_id', '=', scope.municipality)
      .where('applicant', '=', scope.applicant)
      .where('month', '=', row.month)
      .where('status', '!=', 'draft')
      .where('status', '!=', 'withdrawn')
      .where('id', '!=', id)
      .orderBy('submitted_at')
      .executeTakeFirst();

    await tx
      .updateTable('application')
      .set({
        snapshot: JSON.stringify(parsed.data),
        client_key: clientKey,
        submitted_at: new Date(),
        duplicate_of: other?.id ?? null,
      })
      .where('id', '=', id)
      .execute();
    await recordStatus(tx, { id, municipality: scope.municipality }, 'received', 'applicant');
    await tx
      .insertInto('job')
      .values({
        municipality_id: scope.municipality,
        application_id: id,
        locked_by: null,
        locked_until: null,
        last_error: null,
        done_at: null,
      })
      .execute();
    return { ok: true, id, duplicateOf: other?.id ?? null, replay: false };
  });
}

/** One application with its timeline, scoped by municipality (and applicant when given). */
export async function getApplication(
  db: Tx,
  scope: { municipality: string; applicant?: string },
  id: string,
): Promise<ApplicationView | undefined> {
  let q = db
    .selectFrom('application')
    .selectAll()
    .where('id', '=', id)
    .where('municipality_id', '=', scope.municipality);
  if (scope.applicant !== undefined) q = q.where('applicant', '=', scope.applicant);
  const row = await q.executeTakeFirst();
  if (!row) return undefined;
  const events = await db
    .selectFrom('application_event')
    .select(['at', 'status', 'actor', 'note'])
    .where('application_id', '=', id)
    .where('municipality_id', '=', scope.municipality)
    .orderBy('id')
    .execute();
  return {
    id: row.id,
    municipality: row.municipality_id,
    kind: row.kind,
    month: row.month,
    status: row.status,
    submittedAt: row.submitted_at ? new Date(row.submitted_at).toISOString() : null,
    duplicateOf: row.duplicate_of,
    draft: row.status === 'draft' ? row.draft : null,
    snapshot: (row.snapshot as ApplicationContent | null) ?? null,
    timeline: events.map((e) => ({ at: new Date(e.at).toISOString(), status: e.status, actor: e.actor, note: e.note })),
  };
}
