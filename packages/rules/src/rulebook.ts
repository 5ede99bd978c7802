/**
 * The rule book: parameters as data with dates, sources and verification status, and the legal
 * references of every rule per period. `compileRuleBook` validates a rule book's source (the
 * parsed data files) with a strict schema and indexes it for fast look-ups. Pure: no I/O.
 */
import canonicalize from 'canonicalize';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import * as z from 'zod';
import { ENGINE_VERSION, RULE_IDS } from './version.ts';

const isoDate = z.iso.date();
const text = z.strictObject({ sv: z.string().min(1), en: z.string().min(1) });
const statusSchema = z.enum(['verified', 'secondary', 'derived']);
export type VerificationStatus = z.infer<typeof statusSchema>;

const sourceSchema = z.strictObject({
  kind: z.enum(['statute', 'amendment', 'secondary', 'derivation', 'decision']),
  act: z.string().min(1),
  url: z.url(),
  validUntil: isoDate.optional(),
  note: z.string().min(1).optional(),
});
export type Source = z.infer<typeof sourceSchema>;

const parameterDefSchema = z.strictObject({
  unit: z.enum(['ore', 'basisPoints']),
  per: z.enum(['month', 'year']).default('month'),
  open: z.boolean().default(false),
  label: text,
});

const valueOverrideSchema = z.strictObject({
  amount: z.int().nonnegative(),
  status: statusSchema.optional(),
  source: z.string().min(1).optional(),
  method: z.string().min(1).optional(),
  note: z.string().min(1).optional(),
});

const blockSchema = z.strictObject({
  from: isoDate,
  until: isoDate.optional(),
  status: statusSchema,
  source: z.string().min(1),
  method: z.string().min(1).optional(),
  note: z.string().min(1).optional(),
  values: z.record(z.string(), z.union([z.int().nonnegative(), valueOverrideSchema])),
});
export type ValueBlock = z.input<typeof blockSchema>;

const valueFileSchema = z.strictObject({ periods: z.array(blockSchema).min(1) });

const referenceSchema = z.strictObject({
  source: z.string().min(1),
  provision: z.string().min(1),
  /** Set when the exact provision is not known; says what is missing. */
  unknown: z.string().min(1).optional(),
});

const ruleDefSchema = z.strictObject({
  title: text,
  description: text,
  periods: z
    .array(
      z.strictObject({
        from: isoDate,
        until: isoDate.optional(),
        references: z.array(referenceSchema).min(1),
      }),
    )
    .min(1),
});

const metaSchema = z.strictObject({
  id: z.string().min(1),
  version: z.union([z.string(), z.number()]).transform(String),
  title: text,
  rounding: text,
});

export const ruleBookSourceSchema = z.strictObject({
  meta: metaSchema,
  sources: z.record(z.string(), sourceSchema),
  parameters: z.record(z.string(), parameterDefSchema),
  rules: z.record(z.string(), ruleDefSchema),
  values: z.record(z.string(), valueFileSchema),
});
/** The rule book as read from its files, before validation. */
export type RuleBookSource = z.input<typeof ruleBookSourceSchema>;

export interface LegalReference {
  readonly source: string;
  readonly act: string;
  readonly provision: string;
  readonly url: string;
  /** false when the exact provision is not known; `note` then says so. */
  readonly known: boolean;
  readonly note?: string;
}

export interface ParameterValue {
  readonly id: string;
  readonly unit: 'ore' | 'basisPoints';
  readonly amount: number;
  readonly from: string;
  readonly until: string | null;
  readonly status: VerificationStatus;
  readonly source: string;
  readonly method?: string;
  readonly note?: string;
}

export interface ParameterDefinition {
  readonly id: string;
  readonly unit: 'ore' | 'basisPoints';
  readonly per: 'month' | 'year';
  readonly open: boolean;
  readonly label: { readonly sv: string; readonly en: string };
  /** Values over time, sorted by `from`. Empty for open parameters (set by municipalities). */
  readonly values: readonly ParameterValue[];
}

export interface RulePeriod {
  readonly from: string;
  readonly until: string | null;
  readonly references: readonly LegalReference[];
}

export interface RuleDefinition {
  readonly id: string;
  readonly title: { readonly sv: string; readonly en: string };
  readonly description: { readonly sv: string; readonly en: string };
  readonly periods: readonly RulePeriod[];
}

export interface RuleBook {
  readonly id: string;
  readonly version: string;
  readonly engineVersion: string;
  /** SHA-256 (hex) of the canonical JSON of the validated source and the engine version. */
  readonly hash: string;
  readonly title: { readonly sv: string; readonly en: string };
  readonly rounding: { readonly sv: string; readonly en: string };
  readonly sources: Readonly<Record<string, Source>>;
  readonly parameters: ReadonlyMap<string, ParameterDefinition>;
  readonly rules: ReadonlyMap<string, RuleDefinition>;
}

export class RuleBookError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`the rule book is invalid:\n- ${problems.join('\n- ')}`);
    this.name = 'RuleBookError';
  }
}

function pathOf(path: readonly PropertyKey[]): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
    .join('')
    .slice(1);
}

function overlaps(a: { from: string; until: string | null }, b: { from: string; until: string | null }) {
  return (a.until === null || b.from <= a.until) && (b.until === null || a.from <= b.until);
}

/** A value block with its source reference checked; shared by the rule book and municipal guidelines. */
export function compileBlocks(
  blocks: readonly { file: string; index: number; block: z.output<typeof blockSchema> }[],
  definitions: ReadonlyMap<string, { unit: 'ore' | 'basisPoints'; open: boolean }>,
  sources: Readonly<Record<string, unknown>>,
  expectOpen: boolean,
  problems: string[],
): Map<string, ParameterValue[]> {
  const byId = new Map<string, ParameterValue[]>();
  for (const { file, index, block } of blocks) {
    const where = `${file} periods[${index}]`;
    if (block.until !== undefined && block.until < block.from) problems.push(`${where}: until is before from`);
    for (const [id, raw] of Object.entries(block.values)) {
      const def = definitions.get(id);
      if (!def) {
        problems.push(`${where}: unknown parameter ${id}`);
        continue;
      }
      if (def.open !== expectOpen) {
        problems.push(
          expectOpen
            ? `${where}: ${id} is set by the state, not a municipal guideline`
            : `${where}: ${id} is a municipal guideline (open parameter) and cannot be set in the rule book`,
        );
        continue;
      }
      const o = typeof raw === 'number' ? { amount: raw } : raw;
      const status = o.status ?? block.status;
      const source = o.source ?? block.source;
      const method = o.method ?? (o.status === undefined ? block.method : undefined);
      if (!(source in sources)) problems.push(`${where}: ${id} names unknown source ${source}`);
      if (status === 'derived' && method === undefined)
        problems.push(`${where}: ${id} is derived but no method says how`);
      const note = o.note ?? block.note;
      const value: ParameterValue = {
        id,
        unit: def.unit,
        amount: o.amount,
        from: block.from,
        until: block.until ?? null,
        status,
        source,
        ...(method !== undefined ? { method } : {}),
        ...(note !== undefined ? { note } : {}),
      };
      // Frozen: results cite these objects directly, so no caller can change the rule book through them.
      Object.freeze(value);
      const list = byId.get(id) ?? [];
      for (const other of list)
        if (overlaps(other, value)) problems.push(`${where}: ${id} overlaps the value from ${other.from}`);
      list.push(value);
      byId.set(id, list);
    }
  }
  for (const list of byId.values()) list.sort((a, b) => (a.from < b.from ? -1 : 1));
  return byId;
}

/** Validates and indexes a rule book. Throws RuleBookError listing every problem found. */
export function compileRuleBook(input: unknown): RuleBook {
  const parsed = ruleBookSourceSchema.safeParse(input);
  if (!parsed.success) {
    throw new RuleBookError(parsed.error.issues.map((i) => `${pathOf(i.path)}: ${i.message}`));
  }
  const src = parsed.data;
  const problems: string[] = [];
  const defs = new Map(Object.entries(src.parameters));
  const blocks = Object.entries(src.values).flatMap(([file, f]) =>
    f.periods.map((block, index) => ({ file, index, block })),
  );
  const values = compileBlocks(blocks, defs, src.sources, false, problems);

  const parameters = new Map<string, ParameterDefinition>();
  for (const [id, d] of defs) {
    parameters.set(id, { id, unit: d.unit, per: d.per, open: d.open, label: d.label, values: values.get(id) ?? [] });
  }

  const rules = new Map<string, RuleDefinition>();
  for (const [id, r] of Object.entries(src.rules)) {
    const periods: RulePeriod[] = r.periods.map((p, i) => ({
      from: p.from,
      until: p.until ?? null,
      references: Object.freeze(
        p.references.map((ref) => {
          const s = src.sources[ref.source];
          if (!s) {
            problems.push(`rules.${id}.periods[${i}]: unknown source ${ref.source}`);
            return { source: ref.source, act: '?', provision: ref.provision, url: '', known: false };
          }
          return Object.freeze({
            source: ref.source,
            act: s.act,
            provision: ref.provision,
            url: s.url,
            known: ref.unknown === undefined,
            ...(ref.unknown !== undefined ? { note: ref.unknown } : {}),
          });
        }),
      ),
    }));
    periods.sort((a, b) => (a.from < b.from ? -1 : 1));
    for (let i = 1; i < periods.length; i++) {
      const prev = periods[i - 1]!;
      const cur = periods[i]!;
      if (overlaps(prev, cur)) problems.push(`rules.${id}: periods from ${prev.from} and ${cur.from} overlap`);
    }
    rules.set(id, { id, title: r.title, description: r.description, periods });
  }
  for (const id of RULE_IDS) if (!rules.has(id)) problems.push(`rules: the engine's rule ${id} has no entry`);
  for (const id of rules.keys())
    if (!(RULE_IDS as readonly string[]).includes(id)) problems.push(`rules: ${id} is not a rule the engine knows`);

  if (problems.length > 0) throw new RuleBookError(problems);

  const hash = bytesToHex(sha256(utf8ToBytes(canonicalize({ engineVersion: ENGINE_VERSION, source: src })!)));
  return {
    id: src.meta.id,
    version: src.meta.version,
    engineVersion: ENGINE_VERSION,
    hash,
    title: src.meta.title,
    rounding: src.meta.rounding,
    sources: src.sources,
    parameters,
    rules,
  };
}

/** The value of a parameter in force on `date`, or undefined. */
export function valueAt(values: readonly ParameterValue[], date: string): ParameterValue | undefined {
  for (let i = values.length - 1; i >= 0; i--) {
    const v = values[i]!;
    if (v.from <= date) return v.until === null || date <= v.until ? v : undefined;
  }
  return undefined;
}

/** The rule's period in force on `date`, or undefined. */
export function rulePeriodAt(rule: RuleDefinition, date: string): RulePeriod | undefined {
  for (const p of rule.periods) if (p.from <= date && (p.until === null || date <= p.until)) return p;
  return undefined;
}

export const guidelineBlockSchema = blockSchema
  .omit({ status: true, source: true })
  .extend({ decision: sourceSchema.omit({ kind: true, validUntil: true }) });
export type GuidelineBlock = z.input<typeof guidelineBlockSchema>;
