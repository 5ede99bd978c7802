/**
 * The initial route's JavaScript, gzipped: what a phone downloads before the start page works.
 * Reads Vite's manifest (dist/.vite/manifest.json): the entry chunk, every chunk it imports
 * statically, and the Swedish texts (loaded before the first render). Other pages and languages
 * load later, on demand. Prints a table, writes bench/results/web-bundle.json and exits 1 over
 * the budget (200 KB).
 *
 *   npm run size
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

export const BUDGET_BYTES = 200 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', 'dist');

interface Chunk {
  readonly file: string;
  readonly src?: string;
  readonly isEntry?: boolean;
  readonly imports?: readonly string[];
  readonly css?: readonly string[];
}

export interface BundleReport {
  readonly budgetBytes: number;
  readonly initialJsGzipBytes: number;
  readonly initialCssGzipBytes: number;
  readonly files: readonly { file: string; rawBytes: number; gzipBytes: number }[];
}

export function measure(distDir = dist): BundleReport {
  const manifest = JSON.parse(readFileSync(join(distDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, Chunk>;
  const entryKey = Object.keys(manifest).find((k) => manifest[k]!.isEntry);
  if (!entryKey) throw new Error('no entry in the manifest: run npm run build first');
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const i of manifest[key]!.imports ?? []) visit(i);
  };
  visit(entryKey);
  // The default language's texts are loaded before the first render.
  const sv = Object.keys(manifest).find((k) => k.endsWith('locales/sv.json'));
  if (sv) visit(sv);
  const size = (file: string) => {
    const raw = readFileSync(join(distDir, file));
    return { file, rawBytes: raw.length, gzipBytes: gzipSync(raw, { level: 9 }).length };
  };
  const js = [...seen].map((k) => size(manifest[k]!.file));
  const css = [...new Set([...seen].flatMap((k) => manifest[k]!.css ?? []))].map(size);
  return {
    budgetBytes: BUDGET_BYTES,
    initialJsGzipBytes: js.reduce((a, f) => a + f.gzipBytes, 0),
    initialCssGzipBytes: css.reduce((a, f) => a + f.gzipBytes, 0),
    files: [...js, ...css],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = measure();
  const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
  for (const f of report.files)
    console.log(`${f.file.padEnd(48)} ${kb(f.rawBytes).padStart(10)} ${kb(f.gzipBytes).padStart(10)} gz`);
  console.log(`initial JavaScript: ${kb(report.initialJsGzipBytes)} gzipped (budget ${kb(report.budgetBytes)})`);
  console.log(`initial CSS: ${kb(report.initialCssGzipBytes)} gzipped`);
  const out = join(here, '..', '..', '..', 'bench', 'results', 'web-bundle.json');
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify({ measuredAt: new Date().toISOString(), ...report }, null, 2)}\n`);
  if (report.initialJsGzipBytes > report.budgetBytes) process.exit(1);
}
