import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * A caseworker's adjustment of one cost or income of a case, with a mandatory reason: it makes a
 * new calculation version (the one adjusted is kept) from the form as it stands with the
 * adjustment applied, and stores that adjusted form so the next adjustment or the decision builds
 * on it. An adjustment that moves the case's amount by more than the municipality's threshold
 * needs a second caseworker (four eyes) before anyone decides on its version; a rejected one is
 * followed by a version that restores the calculation it adjusted. See docs/adjustments.md.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table adjustment (
      id uuid primary key,
      municipality_id text not null references municipality (id),
      application_id uuid not null references application (id),
      -- The new calculation version the adjustment made, and the version it adjusted.
      calculation_id uuid not null unique references calculation (id),
      base_calculation_id uuid not null references calculation (id),
      kind text not null check (kind in ('cost', 'income')),
      type text not null check (type ~ '^[a-zA-Z]{1,40}$'),
      -- Whose income (a0, a1, c0, …); null for a household income and always for a cost.
      person text check (person ~ '^[ac][0-9]{1,2}$'),
      -- null: the item was not in the form; 0 as the new amount removes it.
      from_amount_ore bigint check (from_amount_ore >= 0),
      to_amount_ore bigint not null check (to_amount_ore >= 0),
      reason text not null check (char_length(reason) between 20 and 2000),
      -- The whole form the new version was calculated from (the submitted snapshot never changes).
      content jsonb not null,
      made_by text not null,
      made_at timestamptz not null default now(),
      needs_second boolean not null,
      approved_by text,
      approved_at timestamptz,
      rejected_by text,
      rejected_at timestamptz,
      rejection_note text check (char_length(rejection_note) <= 2000),
      -- After a rejection: the version that restores the calculation adjusted.
      restored_calculation_id uuid unique references calculation (id),
      client_key text not null,
      unique (application_id, client_key),
      check (kind = 'income' or person is null),
      check (approved_by is null or (needs_second and approved_by <> made_by)),
      check (rejected_by is null or (needs_second and rejected_by <> made_by)),
      check ((approved_by is null) = (approved_at is null)),
      check ((rejected_by is null) = (rejected_at is null)),
      check ((rejected_by is null) = (rejection_note is null)),
      check ((rejected_by is null) = (restored_calculation_id is null)),
      check (approved_by is null or rejected_by is null)
    )`.execute(db);
  await sql`create index adjustment_case on adjustment (municipality_id, application_id, made_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table adjustment`.execute(db);
}
