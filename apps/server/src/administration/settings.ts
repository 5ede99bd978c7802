/**
 * A municipality's settings, local guidelines and host, changed by its administrators. Every
 * change is on record (municipality_change: who, when, why, before and after) and counted in
 * municipality.version: a change names the version it was made on, so two administrators editing
 * at once cannot overwrite each other. Guidelines are checked against the rule book before they
 * are stored. The host–partner relation is the partner's own decision: only its own
 * administrators set or clear its host (an administrator of the host may change the partner's
 * other settings, as the service provider), and a host has no host itself.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import * as z from 'zod';
import { compileGuidelines, guidelinesSourceSchema, RuleBookError } from '@tillit/rules';
import type { GuidelinesSource, Msg, RuleBook } from '@tillit/rules';
import { appendWrite } from '../audit.ts';
import type { JsonValue } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import { municipalitySettingsSchema } from '../municipalities.ts';
import type { MunicipalitySettings } from '../municipalities.ts';

export interface MunicipalityState {
  readonly id: string;
  readonly name: string;
  readonly code: string;
  readonly host: string | null;
  readonly version: number;
  readonly settings: MunicipalitySettings;
  readonly guidelines: GuidelinesSource;
}

export interface SettingsChangeView {
  readonly version: number;
  readonly changedBy: { readonly name: string | null };
  readonly changedAt: string;
  readonly reason: string;
  /** The top-level fields that changed: settings.<key>, guidelines, host. */
  readonly fields: readonly string[];
}

export interface SettingsChange {
  readonly expectedVersion: number;
  readonly reason: string;
  readonly settings: MunicipalitySettings;
  readonly guidelines: GuidelinesSource;
  readonly host: string | null;
}

export interface Actor {
  readonly actor: string;
  readonly role: string;
  readonly name: string | null;
  /** The actor's own municipality (staff of a host act on its partner's settings too). */
  readonly municipality: string;
}

export type SettingsResult =
  | { readonly ok: true; readonly changed: boolean; readonly state: MunicipalityState }
  | { readonly ok: false; readonly kind: 'not-found' }
  | { readonly ok: false; readonly kind: 'stale'; readonly version: number }
  | { readonly ok: false; readonly kind: 'invalid'; readonly field: string; readonly message: Msg }
  | { readonly ok: false; readonly kind: 'host-not-yours' };

const stateRow = (db: Kysely<Database>, id: string) =>
  db
    .selectFrom('municipality')
    .select(['id', 'name', 'code', 'host_id', 'version', 'settings', 'guidelines'])
    .where('id', '=', id);

function toState(r: {
  id: string;
  name: string;
  code: string;
  host_id: string | null;
  version: number;
  settings: unknown;
  guidelines: unknown;
}): MunicipalityState {
  return {
    id: r.id,
    name: r.name,
    code: r.code,
    host: r.host_id,
    version: r.version,
    settings: municipalitySettingsSchema.parse(r.settings),
    guidelines: guidelinesSourceSchema.parse(r.guidelines),
  };
}

export async function readState(db: Kysely<Database>, id: string): Promise<MunicipalityState | undefined> {
  const r = await stateRow(db, id).executeTakeFirst();
  return r && toState(r);
}

/** The record's fields that differ, by name. */
export function changedFields(
  before: Pick<MunicipalityState, 'settings' | 'guidelines' | 'host'>,
  after: Pick<MunicipalityState, 'settings' | 'guidelines' | 'host'>,
): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(before.settings), ...Object.keys(after.settings)])].sort();
  for (const k of keys) {
    const a = (before.settings as Record<string, unknown>)[k];
    const b = (after.settings as Record<string, unknown>)[k];
    if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`settings.${k}`);
  }
  if (JSON.stringify(before.guidelines) !== JSON.stringify(after.guidelines)) out.push('guidelines');
  if (before.host !== after.host) out.push('host');
  return out;
}

export async function listChanges(db: Kysely<Database>, id: string, limit = 50): Promise<SettingsChangeView[]> {
  const rows = await db
    .selectFrom('municipality_change')
    .select(['version', 'changed_by_name', 'changed_at', 'reason', 'before', 'after'])
    .where('municipality_id', '=', id)
    .orderBy('version', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    version: r.version,
    changedBy: { name: r.changed_by_name },
    changedAt: new Date(r.changed_at).toISOString(),
    reason: r.reason,
    fields: changedFields(
      r.before as Pick<MunicipalityState, 'settings' | 'guidelines' | 'host'>,
      r.after as Pick<MunicipalityState, 'settings' | 'guidelines' | 'host'>,
    ),
  }));
}

/** Changes the record, or says why not. A change equal to the record as it stands is no change. */
export async function changeSettings(
  db: Kysely<Database>,
  rulebook: RuleBook,
  municipality: string,
  who: Actor,
  change: SettingsChange,
): Promise<SettingsResult> {
  // The guidelines must fit the rule book's open parameters before anything is stored.
  try {
    compileGuidelines(rulebook, change.guidelines, `the guidelines of ${municipality}`);
  } catch (e) {
    const problems = e instanceof RuleBookError ? e.problems.join('; ') : (e as Error).message;
    return {
      ok: false,
      kind: 'invalid',
      field: 'guidelines',
      message: {
        sv: `Riktlinjerna passar inte regelboken: ${problems}`,
        en: `The guidelines do not fit the rule book: ${problems}`,
      },
    };
  }
  return db.transaction().execute(async (tx): Promise<SettingsResult> => {
    const row = await stateRow(tx, municipality).forUpdate().executeTakeFirst();
    if (!row) return { ok: false, kind: 'not-found' };
    const before = toState(row);
    const after = { settings: change.settings, guidelines: change.guidelines, host: change.host };
    const fields = changedFields(before, after);
    if (fields.length === 0) return { ok: true, changed: false, state: before };
    if (change.expectedVersion !== before.version) return { ok: false, kind: 'stale', version: before.version };

    if (fields.includes('host')) {
      if (who.municipality !== municipality) return { ok: false, kind: 'host-not-yours' };
      if (change.host !== null) {
        const host = await tx
          .selectFrom('municipality')
          .select(['id', 'host_id'])
          .where('id', '=', change.host)
          .executeTakeFirst();
        const partners = await tx.selectFrom('municipality').select('id').where('host_id', '=', municipality).execute();
        const invalid = (sv: string, en: string): SettingsResult => ({
          ok: false,
          kind: 'invalid',
          field: 'host',
          message: { sv, en },
        });
        if (change.host === municipality)
          return invalid('En kommun kan inte vara sin egen värdkommun.', 'A municipality cannot host itself.');
        if (!host) return invalid(`Kommunen ${change.host} finns inte.`, `There is no municipality ${change.host}.`);
        if (host.host_id !== null)
          return invalid(
            `${change.host} har själv en värdkommun; välj en kommun utan värdkommun.`,
            `${change.host} has a host itself; choose a municipality without one.`,
          );
        if (partners.length > 0)
          return invalid(
            'Kommunen är värdkommun för andra och kan inte samtidigt ha en värdkommun.',
            'The municipality hosts others and cannot have a host at the same time.',
          );
      }
    }
    const version = before.version + 1;
    const snapshot = (s: Pick<MunicipalityState, 'settings' | 'guidelines' | 'host'>) =>
      JSON.stringify({ settings: s.settings, guidelines: s.guidelines, host: s.host });
    await tx
      .insertInto('municipality_change')
      .values({
        municipality_id: municipality,
        version,
        changed_by: who.actor,
        changed_by_name: who.name,
        reason: change.reason,
        before: snapshot(before),
        after: snapshot(after),
      })
      .execute();
    await tx
      .updateTable('municipality')
      .set({
        settings: JSON.stringify(change.settings),
        guidelines: JSON.stringify(change.guidelines),
        host_id: change.host,
        version,
        updated_at: sql<Date>`now()`,
      })
      .where('id', '=', municipality)
      .execute();
    await appendWrite(tx, who, {
      municipalityId: municipality,
      objectType: 'municipality-settings',
      objectId: municipality,
      purpose: 'settings-change',
      details: { version, fields: fields as JsonValue },
    });
    return { ok: true, changed: true, state: { ...before, ...after, version } };
  });
}

export const settingsChangeBody = z.strictObject({
  expectedVersion: z.int().min(0).meta({ description: 'The version the change was made on (from GET).' }),
  reason: z.string().trim().min(10).max(2000).meta({ description: 'Why: on record with the change.' }),
  settings: municipalitySettingsSchema,
  guidelines: guidelinesSourceSchema,
  host: z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/)
    .nullable()
    .meta({
      description: "The host municipality's id, or null. Only the municipality's own administrators change it.",
    }),
});
