/**
 * Municipalities (tenants): settings, local guidelines and the host–partner relation. Stored in
 * the database; the demo municipalities in config/municipalities.yaml seed an empty database
 * (and serve the CLI, which runs without one).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Kysely } from 'kysely';
import { parse } from 'yaml';
import * as z from 'zod';
import { compileGuidelines, guidelinesSourceSchema } from '@tillit/rules';
import type { Guidelines, GuidelinesSource, RuleBook } from '@tillit/rules';
import type { Database } from './db/schema.ts';

export const DEFAULT_MUNICIPALITIES_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'config',
  'municipalities.yaml',
);

export const municipalitySettingsSchema = z.strictObject({
  /** automated: the system decides every fully determined case; automated-grants: only full grants; proposal: a person approves all. */
  decisionPolicy: z.enum(['automated', 'automated-grants', 'proposal']).default('automated-grants'),
  /** Day of the month försörjningsstöd is paid (moved to the last banking day before it when needed). */
  payday: z.int().min(1).max(28).default(25),
  /** How the paid amount is rounded: none (to the öre, the default) or down to whole kronor. */
  paymentRounding: z.enum(['none', 'down-to-krona']).default('none'),
  /** The municipality's own account that payments are made from (pain.001 debtor). */
  debtor: z
    .strictObject({
      name: z.string().min(1).max(70),
      /** Organisationsnummer, NNNNNN-NNNN. */
      organisationNumber: z.string().regex(/^\d{6}-\d{4}$/),
      iban: z.string().regex(/^SE\d{22}$/),
      bic: z.string().regex(/^[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?$/),
    })
    .optional(),
  /** Share of decisions drawn for a sample check (stickprov), in basis points (500 = 5 %). */
  sampleRateBasisPoints: z.int().min(0).max(10_000).default(500),
  /**
   * Optional strata by paid amount: each band from `fromKronor` up to the next band's start has
   * its own rate. Without strata, sampleRateBasisPoints applies to every decision.
   */
  sampleStrata: z
    .array(z.strictObject({ fromKronor: z.int().min(0), rateBasisPoints: z.int().min(0).max(10_000) }))
    .default([]),
  /** Change in an income between the two control months that raises a flag, in basis points. */
  incomeChangeThresholdBasisPoints: z.int().min(0).max(10_000).default(1200),
  /**
   * Four eyes: a caseworker's adjustment of a cost or an income that moves the case's amount by
   * more than this many kronor (either way) needs a second caseworker's approval before anyone
   * decides on it (docs/adjustments.md).
   */
  fourEyesThresholdKronor: z.int().min(0).max(1_000_000).default(2000),
  /** Hours from submission within which a decision is due before an alert is raised. */
  decisionTimeLimitHours: z
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  /** How applicants reach the unit: printed on every letter. */
  contact: z
    .strictObject({
      phone: z.string().min(5).max(40),
      email: z.email(),
      postalAddress: z.string().min(5).max(200),
    })
    .optional(),
  languages: z
    .array(z.enum(['sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk']))
    .min(1)
    .default(['sv', 'en']),
});
export type MunicipalitySettings = z.infer<typeof municipalitySettingsSchema>;

const municipalityRecordSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,60}$/),
  name: z.string().min(1).max(200),
  code: z.string().regex(/^\d{4}$/),
  host: z.string().optional(),
  settings: municipalitySettingsSchema.default(municipalitySettingsSchema.parse({})),
  guidelines: guidelinesSourceSchema.default([]),
});
export type MunicipalityRecord = z.infer<typeof municipalityRecordSchema>;

export interface Municipality {
  readonly id: string;
  readonly name: string;
  readonly code: string;
  readonly host?: string;
  readonly settings: MunicipalitySettings;
  readonly guidelinesSource: GuidelinesSource;
  readonly guidelines: Guidelines;
}

export type Municipalities = ReadonlyMap<string, Municipality>;

/** Reads and validates municipality records from a YAML file. */
export function readMunicipalityFile(file: string = DEFAULT_MUNICIPALITIES_FILE): MunicipalityRecord[] {
  return z.array(municipalityRecordSchema).parse(parse(readFileSync(file, 'utf8'), { uniqueKeys: true }));
}

/** Compiles records into municipalities, checking guidelines against the rule book and hosts. */
export function compileMunicipalities(
  rulebook: RuleBook,
  records: readonly MunicipalityRecord[],
  where: string,
): Municipalities {
  const out = new Map<string, Municipality>();
  for (const m of records) {
    if (out.has(m.id)) throw new Error(`${where}: municipality ${m.id} appears twice`);
    out.set(m.id, {
      id: m.id,
      name: m.name,
      code: m.code,
      ...(m.host !== undefined ? { host: m.host } : {}),
      settings: m.settings,
      guidelinesSource: m.guidelines,
      guidelines: compileGuidelines(rulebook, m.guidelines, `${where} ${m.id}`),
    });
  }
  for (const m of out.values())
    if (m.host !== undefined && !out.has(m.host)) throw new Error(`${where}: ${m.id} names unknown host ${m.host}`);
  return out;
}

/** The municipalities of a YAML file (the CLI, which has no database). */
export function loadMunicipalities(rulebook: RuleBook, file: string = DEFAULT_MUNICIPALITIES_FILE): Municipalities {
  return compileMunicipalities(rulebook, readMunicipalityFile(file), file);
}

/** Inserts the records that are not in the database yet (hosts first); returns how many. */
export async function seedMunicipalities(
  db: Kysely<Database>,
  records: readonly MunicipalityRecord[],
): Promise<number> {
  const ordered = [...records].sort((a, b) => (a.host === undefined ? 0 : 1) - (b.host === undefined ? 0 : 1));
  let inserted = 0;
  for (const m of ordered) {
    const r = await db
      .insertInto('municipality')
      .values({
        id: m.id,
        name: m.name,
        code: m.code,
        host_id: m.host ?? null,
        settings: JSON.stringify(m.settings),
        guidelines: JSON.stringify(m.guidelines),
      })
      .onConflict((oc) => oc.column('id').doNothing())
      .executeTakeFirst();
    inserted += Number(r.numInsertedOrUpdatedRows ?? 0n);
  }
  return inserted;
}

/** Every municipality in the database, validated and compiled. */
export async function readMunicipalities(db: Kysely<Database>, rulebook: RuleBook): Promise<Municipalities> {
  const rows = await db.selectFrom('municipality').selectAll().orderBy('id').execute();
  const records = rows.map((r) =>
    municipalityRecordSchema.parse({
      id: r.id,
      name: r.name,
      code: r.code,
      ...(r.host_id !== null ? { host: r.host_id } : {}),
      settings: r.settings,
      guidelines: r.guidelines,
    }),
  );
  return compileMunicipalities(rulebook, records, 'database');
}
