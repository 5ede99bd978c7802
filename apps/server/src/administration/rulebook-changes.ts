/**
 * The rule book's yearly values and their confirmation, four eyes:
 * - `values`: an administrator enters a year's values for one group of yearly parameters (the
 *   riksnorm, the prisbasbelopp) with the act they come from; a second administrator confirms.
 *   The confirmed values join the rule book in force (rulebook-registry.ts), and the year is
 *   confirmed for automated decisions under the new rule book.
 * - `confirmation`: an administrator proposes that a year's values that are not verified against
 *   the statute (derived, secondary) may be used for automated decisions; a second one confirms.
 *
 * Until a second administrator confirms, the year's automated decisions stay off: without values
 * nothing can be calculated, and unverified values without confirmation route every case to a
 * person (decision policy, packages/domain/src/policy.ts).
 *
 * A confirmation is of a year under one rule-book hash (table rulebook_confirmation). When new
 * values join the rule book, its hash changes; the confirmations of the other years are carried
 * over to the new hash (their values did not change), with the same two names.
 */
import { sql } from 'kysely';
import type { Insertable, Kysely, Selectable, Transaction } from 'kysely';
import { checkAmendment, ESSENTIAL_GROUPS, yearlyGroups } from '@tillit/rules';
import type { AmendmentProblem, AmendmentWarning, Msg, RuleBook, YearlyGroup } from '@tillit/rules';
import { appendWrite } from '../audit.ts';
import type { RulebookChangeTable } from '../db/schema-administration.ts';
import type { Database, RulebookConfirmationTable } from '../db/schema.ts';
import { asAmendment, confirmedAmendments } from '../rulebook-registry.ts';
import type { RuleBookRegistry } from '../rulebook-registry.ts';
import type { Actor } from './settings.ts';

/** Key of the advisory lock that serializes confirmations ("RULEB" in ASCII). */
const RULEBOOK_LOCK_KEY = 0x52_55_4c_45_42;

export type ChangeStatus = 'pending' | 'confirmed' | 'rejected' | 'withdrawn';

export interface RulebookChangeView {
  readonly id: string;
  readonly municipality: string;
  readonly kind: 'values' | 'confirmation';
  readonly year: number;
  readonly group: string | null;
  /** Parameter id → amount in öre (values only). */
  readonly amounts: Readonly<Record<string, number>> | null;
  readonly source: { readonly act: string; readonly url: string } | null;
  readonly note: string;
  readonly status: ChangeStatus;
  readonly enteredBy: { readonly id: string; readonly name: string | null };
  readonly enteredAt: string;
  readonly decidedBy: { readonly name: string | null } | null;
  readonly decidedAt: string | null;
  readonly decisionNote: string | null;
  readonly resultingHash: string | null;
}

export interface YearView {
  readonly year: number;
  readonly groups: readonly YearlyGroup[];
  /**
   * Whether the year's automated decisions are on: the riksnorm (ESSENTIAL_GROUPS) has values for
   * the whole year, and the year's values are verified or confirmed. A case that needs a value
   * the year lacks (e.g. the prisbasbelopp) still goes to a person.
   */
  readonly automated: boolean;
  readonly confirmation: {
    readonly confirmedBy: string;
    readonly secondBy: string;
    readonly at: string;
    readonly note: string;
  } | null;
}

export type NewChange =
  | {
      readonly kind: 'values';
      readonly year: number;
      readonly group: string;
      readonly amounts: Readonly<Record<string, number>>;
      readonly source: { readonly act: string; readonly url: string };
      readonly note: string;
    }
  | { readonly kind: 'confirmation'; readonly year: number; readonly note: string };

export type ChangeResult =
  | {
      readonly ok: true;
      readonly change: RulebookChangeView;
      readonly warnings: readonly AmendmentWarning[];
      readonly replay: boolean;
    }
  | { readonly ok: false; readonly kind: 'invalid'; readonly problems: readonly AmendmentProblem[] }
  | { readonly ok: false; readonly kind: 'conflict'; readonly message: Msg }
  | { readonly ok: false; readonly kind: 'not-found' };

type Row = Selectable<RulebookChangeTable>;

/** A year confirmed for automated decisions under a rule book's hash (once: again, it changes nothing). */
function recordConfirmation(tx: Transaction<Database>, confirmation: Insertable<RulebookConfirmationTable>) {
  return tx
    .insertInto('rulebook_confirmation')
    .values(confirmation)
    .onConflict((oc) => oc.columns(['year', 'rulebook_hash']).doNothing())
    .execute();
}

function view(r: Row): RulebookChangeView {
  return {
    id: String(r.id),
    municipality: r.municipality_id,
    kind: r.kind,
    year: r.year,
    group: r.value_group,
    amounts: (r.amounts as Record<string, number> | null) ?? null,
    source: r.source_act !== null && r.source_url !== null ? { act: r.source_act, url: r.source_url } : null,
    note: r.note,
    status: r.status,
    enteredBy: { id: r.entered_by, name: r.entered_by_name },
    enteredAt: new Date(r.entered_at).toISOString(),
    decidedBy: r.decided_at !== null ? { name: r.decided_by_name } : null,
    decidedAt: r.decided_at !== null ? new Date(r.decided_at).toISOString() : null,
    decisionNote: r.decision_note,
    resultingHash: r.resulting_hash,
  };
}

async function changeById(db: Kysely<Database> | Transaction<Database>, id: string): Promise<Row | undefined> {
  return db.selectFrom('rulebook_change').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Every change, newest first (the rule book is shared by the installation's municipalities). */
export async function listRulebookChanges(db: Kysely<Database>, limit = 100): Promise<RulebookChangeView[]> {
  const rows = await db.selectFrom('rulebook_change').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map(view);
}

/** The years around `today`: last year, this year and next, with their values and whether automation is on. */
export async function yearsView(db: Kysely<Database>, rulebook: RuleBook, thisYear: number): Promise<YearView[]> {
  const years = [thisYear - 1, thisYear, thisYear + 1];
  const confirmations = await db
    .selectFrom('rulebook_confirmation')
    .select(['year', 'confirmed_by', 'second_by', 'confirmed_at', 'note'])
    .where('rulebook_hash', '=', rulebook.hash)
    .where('year', 'in', years)
    .execute();
  const names = await staffNames(
    db,
    confirmations.flatMap((c) => [c.confirmed_by, c.second_by]),
  );
  return years.map((year) => {
    const groups = yearlyGroups(rulebook, year);
    const c = confirmations.find((x) => x.year === year);
    const complete = groups
      .filter((g) => ESSENTIAL_GROUPS.includes(g.group))
      .every((g) => g.status !== 'missing' && g.status !== 'partial');
    const verified = groups.every((g) => g.status === 'verified' || g.status === 'missing');
    return {
      year,
      groups,
      automated: complete && (verified || c !== undefined),
      confirmation: c
        ? {
            confirmedBy: names.get(c.confirmed_by) ?? c.confirmed_by,
            secondBy: names.get(c.second_by) ?? c.second_by,
            at: new Date(c.confirmed_at).toISOString(),
            note: c.note,
          }
        : null,
    };
  });
}

/** Display names of staff subjects as recorded with their rule-book changes. */
async function staffNames(db: Kysely<Database>, subjects: readonly string[]): Promise<Map<string, string>> {
  if (subjects.length === 0) return new Map();
  const rows = await db
    .selectFrom('rulebook_change')
    .select(['entered_by as subject', 'entered_by_name as name'])
    .where('entered_by', 'in', subjects)
    .where('entered_by_name', 'is not', null)
    .union(
      db
        .selectFrom('rulebook_change')
        .select(['decided_by as subject', 'decided_by_name as name'])
        .where('decided_by', 'in', subjects)
        .where('decided_by_name', 'is not', null)
        .$narrowType<{ subject: string }>(),
    )
    .execute();
  return new Map(rows.map((r) => [r.subject, r.name!]));
}

const conflict = (sv: string, en: string): ChangeResult => ({ ok: false, kind: 'conflict', message: { sv, en } });

/** Enters a change awaiting a second administrator. Idempotent on (enterer, key). */
export async function enterChange(
  db: Kysely<Database>,
  rulebook: RuleBook,
  municipality: string,
  who: Actor,
  key: string,
  change: NewChange,
): Promise<ChangeResult> {
  const earlier = await db
    .selectFrom('rulebook_change')
    .selectAll()
    .where('entered_by', '=', who.actor)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  if (earlier) return { ok: true, change: view(earlier), warnings: [], replay: true };

  let warnings: readonly AmendmentWarning[] = [];
  if (change.kind === 'values') {
    const checked = checkAmendment(rulebook, {
      year: change.year,
      group: change.group,
      values: change.amounts,
      source: change.source,
    });
    if (checked.problems.length > 0) return { ok: false, kind: 'invalid', problems: checked.problems };
    warnings = checked.warnings;
  } else {
    const groups = yearlyGroups(rulebook, change.year);
    if (groups.some((g) => g.status === 'missing' || g.status === 'partial'))
      return conflict(
        `Regelboken saknar belopp för ${change.year}. Fyll i årets belopp; de bekräftas då samtidigt.`,
        `The rule book lacks values for ${change.year}. Enter the year's values; they are confirmed with them.`,
      );
    if (groups.every((g) => g.status === 'verified'))
      return conflict(
        `Beloppen för ${change.year} är kontrollerade mot författningen; de behöver ingen bekräftelse.`,
        `The values for ${change.year} are verified against the statute; they need no confirmation.`,
      );
    const confirmed = await db
      .selectFrom('rulebook_confirmation')
      .select('id')
      .where('year', '=', change.year)
      .where('rulebook_hash', '=', rulebook.hash)
      .executeTakeFirst();
    if (confirmed) return conflict(`${change.year} är redan bekräftat.`, `${change.year} is confirmed already.`);
  }
  const pending = await db
    .selectFrom('rulebook_change')
    .select('id')
    .where('status', '=', 'pending')
    .where('year', '=', change.year)
    .where(sql<string>`coalesce(value_group, '')`, '=', change.kind === 'values' ? change.group : '')
    .executeTakeFirst();
  if (pending)
    return conflict(
      `En ändring för ${change.year} väntar redan på en andra administratör (nummer ${pending.id}).`,
      `A change for ${change.year} already awaits a second administrator (number ${pending.id}).`,
    );
  let inserted: Row;
  try {
    inserted = await db.transaction().execute(async (tx) => {
      const row = await tx
        .insertInto('rulebook_change')
        .values({
          municipality_id: municipality,
          kind: change.kind,
          year: change.year,
          value_group: change.kind === 'values' ? change.group : null,
          amounts: change.kind === 'values' ? JSON.stringify(change.amounts) : null,
          source_act: change.kind === 'values' ? change.source.act : null,
          source_url: change.kind === 'values' ? change.source.url : null,
          note: change.note,
          base_hash: rulebook.hash,
          entered_by: who.actor,
          entered_by_name: who.name,
          idempotency_key: key,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      await appendWrite(tx, who, {
        municipalityId: municipality,
        objectType: 'rulebook-change',
        objectId: String(row.id),
        purpose: 'rulebook-change-entered',
        details: { kind: change.kind, year: change.year, ...(change.kind === 'values' ? { group: change.group } : {}) },
      });
      return row;
    });
  } catch (err) {
    // Two requests at once: the unique indexes answer for the race the reads above did not see.
    const message = err instanceof Error ? err.message : '';
    if (message.includes('rulebook_change_entered_by_idempotency_key')) {
      const first = await db
        .selectFrom('rulebook_change')
        .selectAll()
        .where('entered_by', '=', who.actor)
        .where('idempotency_key', '=', key)
        .executeTakeFirst();
      if (first) return { ok: true, change: view(first), warnings: [], replay: true };
    }
    if (message.includes('rulebook_change_one_pending'))
      return conflict(
        `En ändring för ${change.year} väntar redan på en andra administratör.`,
        `A change for ${change.year} already awaits a second administrator.`,
      );
    throw err;
  }
  return { ok: true, change: view(inserted), warnings, replay: false };
}

export type DecideOutcome = 'confirm' | 'reject' | 'withdraw';

/**
 * A second administrator confirms or rejects a pending change; the one who entered it may
 * withdraw it. Confirming values makes them part of the rule book in force and confirms the year
 * for automated decisions. Idempotent: deciding again as decided answers the change as it stands.
 */
export async function decideChange(
  db: Kysely<Database>,
  registry: RuleBookRegistry,
  municipality: string,
  who: Actor,
  id: string,
  outcome: DecideOutcome,
  note: string | null,
): Promise<ChangeResult> {
  const result = await db.transaction().execute(async (tx): Promise<ChangeResult> => {
    await sql`select pg_advisory_xact_lock(${sql.lit(RULEBOOK_LOCK_KEY)})`.execute(tx);
    const row = await changeById(tx, id);
    if (!row) return { ok: false, kind: 'not-found' };
    const wanted: ChangeStatus = outcome === 'confirm' ? 'confirmed' : outcome === 'reject' ? 'rejected' : 'withdrawn';
    if (row.status !== 'pending') {
      if (row.status === wanted && row.decided_by === who.actor)
        return { ok: true, change: view(row), warnings: [], replay: true };
      return conflict(`Ändringen är redan avgjord (${row.status}).`, `The change is decided already (${row.status}).`);
    }
    if (outcome === 'withdraw' && row.entered_by !== who.actor)
      return conflict(
        'Bara den som förde in ändringen kan dra tillbaka den; en annan administratör avslår den i stället.',
        'Only whoever entered the change can withdraw it; another administrator rejects it instead.',
      );
    if (outcome !== 'withdraw' && row.entered_by === who.actor)
      return conflict(
        'En andra administratör måste bekräfta eller avslå ändringen: inte den som förde in den.',
        'A second administrator must confirm or reject the change: not whoever entered it.',
      );

    let appliedSeq: number | null = null;
    let resultingHash: string | null = null;
    if (outcome === 'confirm') {
      // The rule book as the confirmed changes in the database make it (not this process's copy,
      // which another process may have overtaken).
      const existing = await confirmedAmendments(tx);
      const before = registry.compose(existing).books.at(-1)!;
      if (row.kind === 'values') {
        const again = checkAmendment(before, {
          year: row.year,
          group: row.value_group!,
          values: row.amounts as Record<string, number>,
          source: { act: row.source_act!, url: row.source_url! },
        });
        if (again.problems.length > 0)
          return conflict(
            `Ändringen går inte längre att föra in: ${again.problems.map((p) => p.message.sv).join(' ')}`,
            `The change can no longer be applied: ${again.problems.map((p) => p.message.en).join(' ')}`,
          );
        appliedSeq = (existing.at(-1)?.appliedSeq ?? 0) + 1;
        const after = registry.compose([...existing, asAmendment(row, appliedSeq)]).books.at(-1)!;
        resultingHash = after.hash;
        // The other years' confirmations hold under the new hash: their values did not change.
        await sql`
          insert into rulebook_confirmation (year, rulebook_hash, confirmed_by, second_by, note, confirmed_at)
          select year, ${after.hash}, confirmed_by, second_by, note, confirmed_at
          from rulebook_confirmation where rulebook_hash = ${before.hash}
          on conflict (year, rulebook_hash) do nothing`.execute(tx);
        await recordConfirmation(tx, {
          year: row.year,
          rulebook_hash: after.hash,
          confirmed_by: row.entered_by,
          second_by: who.actor,
          note: `${row.value_group} ${row.year}: ${row.source_act}`,
        });
      } else {
        if (row.base_hash !== before.hash)
          return conflict(
            'Regelboken har ändrats sedan bekräftelsen föreslogs. Föreslå den på nytt för regelboken som gäller nu.',
            'The rule book has changed since the confirmation was proposed. Propose it again for the rule book in force.',
          );
        await recordConfirmation(tx, {
          year: row.year,
          rulebook_hash: before.hash,
          confirmed_by: row.entered_by,
          second_by: who.actor,
          note: row.note,
        });
      }
    }
    const updated = await tx
      .updateTable('rulebook_change')
      .set({
        status: wanted,
        decided_by: who.actor,
        decided_by_name: who.name,
        decided_at: sql<Date>`now()`,
        decision_note: note,
        applied_seq: appliedSeq,
        resulting_hash: resultingHash,
      })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow();
    await appendWrite(tx, who, {
      municipalityId: municipality,
      objectType: 'rulebook-change',
      objectId: id,
      purpose: `rulebook-change-${wanted}`,
      details: { kind: row.kind, year: row.year, ...(resultingHash ? { rulebookHash: resultingHash } : {}) },
    });
    return { ok: true, change: view(updated), warnings: [], replay: false };
  });
  if (result.ok && !result.replay && outcome === 'confirm') await registry.refresh(db);
  return result;
}
