import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Administration (issue 6, docs/administration.md):
 * - every change of a municipality's settings, guidelines or host is on record with who, when,
 *   why, and the record before and after; `municipality.version` counts them, so two
 *   administrators editing at once cannot overwrite each other (optimistic concurrency);
 * - the rule book's yearly values entered by one administrator and confirmed (or rejected) by a
 *   second one, and confirmations of a year's unverified values for automated decisions. A
 *   confirmed entry of values becomes part of the rule book in the order `applied_seq`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table municipality add column version integer not null default 0 check (version >= 0)`.execute(db);
  await sql`
    create table municipality_change (
      id bigint generated always as identity primary key,
      municipality_id text not null references municipality (id),
      -- The municipality's version this change made (1, 2, …).
      version integer not null check (version >= 1),
      changed_by text not null,
      changed_by_name text,
      reason text not null check (length(reason) between 10 and 2000),
      before jsonb not null,
      after jsonb not null,
      changed_at timestamptz not null default now(),
      unique (municipality_id, version)
    )`.execute(db);

  await sql`
    create table rulebook_change (
      id bigint generated always as identity primary key,
      -- The municipality whose administrator entered it (the rule book itself is shared by the
      -- municipalities of one installation).
      municipality_id text not null references municipality (id),
      kind text not null check (kind in ('values', 'confirmation')),
      year integer not null check (year between 2000 and 2100),
      -- values: the group of yearly parameters (e.g. riksnorm) and their amounts.
      value_group text check (value_group ~ '^[a-z][a-zA-Z0-9-]{0,59}$'),
      amounts jsonb,
      source_act text check (length(source_act) between 5 and 500),
      source_url text check (source_url ~ '^https://'),
      note text not null check (length(note) between 10 and 2000),
      -- The rule book's hash when the change was entered: a confirmation is of the values as they stood.
      base_hash text not null check (base_hash ~ '^[0-9a-f]{64}$'),
      entered_by text not null,
      entered_by_name text,
      entered_at timestamptz not null default now(),
      idempotency_key text not null,
      status text not null default 'pending' check (status in ('pending', 'confirmed', 'rejected', 'withdrawn')),
      decided_by text,
      decided_by_name text,
      decided_at timestamptz,
      decision_note text check (length(decision_note) <= 2000),
      -- For confirmed values: the order in which they join the rule book, and the hash they gave.
      applied_seq integer unique check (applied_seq >= 1),
      resulting_hash text check (resulting_hash ~ '^[0-9a-f]{64}$'),
      unique (entered_by, idempotency_key),
      check ((kind = 'values') = (value_group is not null and amounts is not null and source_act is not null and source_url is not null)),
      -- Four eyes: whoever confirms or rejects is not whoever entered; only the enterer withdraws.
      check (status not in ('confirmed', 'rejected') or (decided_by is not null and decided_by <> entered_by)),
      check (status <> 'withdrawn' or decided_by = entered_by),
      check ((status = 'pending') = (decided_at is null)),
      check ((applied_seq is not null) = (kind = 'values' and status = 'confirmed')),
      check ((resulting_hash is not null) = (kind = 'values' and status = 'confirmed'))
    )`.execute(db);
  // One open change per year and group (confirmations: per year) at a time.
  await sql`
    create unique index rulebook_change_one_pending
    on rulebook_change (year, coalesce(value_group, ''))
    where status = 'pending'`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rulebook_change`.execute(db);
  await sql`drop table municipality_change`.execute(db);
  await sql`alter table municipality drop column version`.execute(db);
}
