/**
 * Municipalities (tenants) and their guidelines. Until the database arrives (issue 3) they are
 * read from config/municipalities.yaml (or MUNICIPALITIES_FILE).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import * as z from 'zod';
import { compileGuidelines, guidelinesSourceSchema } from '@tillit/rules';
import type { Guidelines, RuleBook } from '@tillit/rules';

export const DEFAULT_MUNICIPALITIES_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  'config',
  'municipalities.yaml',
);

const municipalitySchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9-]{1,60}$/),
  name: z.string().min(1),
  code: z.string().regex(/^\d{4}$/),
  host: z.string().optional(),
  guidelines: guidelinesSourceSchema.default([]),
});

export interface Municipality {
  readonly id: string;
  readonly name: string;
  readonly code: string;
  readonly host?: string;
  readonly guidelines: Guidelines;
}

export type Municipalities = ReadonlyMap<string, Municipality>;

export function loadMunicipalities(rulebook: RuleBook, file: string = DEFAULT_MUNICIPALITIES_FILE): Municipalities {
  const list = z.array(municipalitySchema).parse(parse(readFileSync(file, 'utf8'), { uniqueKeys: true }));
  const out = new Map<string, Municipality>();
  for (const m of list) {
    if (out.has(m.id)) throw new Error(`${file}: municipality ${m.id} appears twice`);
    out.set(m.id, {
      id: m.id,
      name: m.name,
      code: m.code,
      ...(m.host !== undefined ? { host: m.host } : {}),
      guidelines: compileGuidelines(rulebook, m.guidelines, `${file} ${m.id}`),
    });
  }
  for (const m of out.values())
    if (m.host !== undefined && !out.has(m.host)) throw new Error(`${file}: ${m.id} names unknown host ${m.host}`);
  return out;
}
