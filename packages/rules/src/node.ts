/**
 * Node.js loader: reads the rule book's YAML files from a folder and compiles them. This is the
 * only part of @tillit/rules that touches the file system.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { compileRuleBook } from './rulebook.ts';
import type { RuleBook, RuleBookSource } from './rulebook.ts';

/** The rule book shipped with this package. */
export const DEFAULT_RULEBOOK_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'rulebook');

function readYaml(path: string): unknown {
  // `uniqueKeys` makes a duplicated parameter id in one file an error instead of a silent overwrite.
  return parse(readFileSync(path, 'utf8'), { uniqueKeys: true, prettyErrors: true });
}

/** Reads the rule book's files into one source object (not yet validated). */
export function readRuleBookSource(dir: string = DEFAULT_RULEBOOK_DIR): RuleBookSource {
  const valuesDir = join(dir, 'values');
  const values: Record<string, unknown> = {};
  for (const f of readdirSync(valuesDir).sort()) {
    if (f.endsWith('.yaml')) values[f.replace(/\.yaml$/, '')] = readYaml(join(valuesDir, f));
  }
  return {
    meta: readYaml(join(dir, 'rulebook.yaml')),
    sources: readYaml(join(dir, 'sources.yaml')),
    parameters: readYaml(join(dir, 'parameters.yaml')),
    rules: readYaml(join(dir, 'rules.yaml')),
    values,
  } as RuleBookSource;
}

/** Reads and compiles the rule book in `dir`; throws RuleBookError listing every problem. */
export function loadRuleBook(dir: string = DEFAULT_RULEBOOK_DIR): RuleBook {
  return compileRuleBook(readRuleBookSource(dir));
}
