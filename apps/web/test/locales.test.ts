/**
 * The citizen web's texts: every language has every text Swedish has (plural forms as the
 * language needs them), keeps every placeholder, and says whether a person has reviewed it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'locales');
const LANGS = ['sv', 'en', 'ar', 'so', 'ti', 'prs', 'uk'];
const PLURAL = /_(zero|one|two|few|many|other)$/;

function flatten(o: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of Object.entries(o as Record<string, unknown>)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') for (const [kk, vv] of flatten(v, key)) out.set(kk, vv);
    else out.set(key, String(v));
  }
  return out;
}
const read = (lang: string) => flatten(JSON.parse(readFileSync(join(dir, `${lang}.json`), 'utf8')));
const placeholders = (s: string) => [...s.matchAll(/\{\{?\w+\}\}?/g)].map((m) => m[0]).sort();
/** The keys without plural suffixes, and the placeholders each uses. */
function shape(texts: Map<string, string>): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of texts) {
    if (k.startsWith('meta.')) continue;
    const base = k.replace(PLURAL, '');
    out.set(base, [...new Set([...(out.get(base) ?? []), ...placeholders(v)])].sort());
  }
  return out;
}

describe('the citizen web in seven languages', () => {
  it('has exactly these locale files', () => {
    expect(readdirSync(dir).sort()).toEqual(LANGS.map((l) => `${l}.json`).sort());
  });
  const sv = shape(read('sv'));
  it.each(LANGS.filter((l) => l !== 'sv'))(
    '%s has every Swedish text and placeholder, and is marked unreviewed',
    (lang) => {
      const texts = read(lang);
      const s = shape(texts);
      expect([...s.keys()].sort()).toEqual([...sv.keys()].sort());
      for (const [k, ph] of sv) expect(s.get(k), `${lang}: placeholders of ${k}`).toEqual(ph);
      expect(texts.get('meta.reviewed')).toBe('false');
      for (const [k, v] of texts) expect(v.trim(), `${lang}: ${k} is empty`).not.toBe('');
    },
  );
});

describe('the staff workspace in Swedish and English', () => {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'staff');
  /** Every folder under src/staff with a locales folder: each section keeps its own texts. */
  const folders = [
    root,
    ...readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => join(root, d.name)),
  ].filter((d) => readdirSync(d).includes('locales'));
  it.each(folders.map((f) => [f.slice(root.length) || '/', f] as const))(
    '%s has the same texts in sv and en',
    (_name, folder) => {
      const texts = (lang: string) =>
        shape(flatten(JSON.parse(readFileSync(join(folder, 'locales', `${lang}.json`), 'utf8'))));
      expect(readdirSync(join(folder, 'locales')).sort()).toEqual(['en.json', 'sv.json']);
      expect(Object.fromEntries(texts('en'))).toEqual(Object.fromEntries(texts('sv')));
    },
  );
});
