/**
 * Fonts for printed letters (PDF): Noto Sans for Latin and Cyrillic, Noto Sans Arabic (Arabic and
 * Dari) and Noto Sans Ethiopic (Tigrinya), from the @fontsource packages, as @font-face rules with
 * the font files embedded, so a PDF renderer needs no installed fonts and embeds exactly these.
 * Reads files: Node only (the rest of the package is pure).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

const FACES: readonly { family: string; pkg: string; file: (weight: number) => string; range: string }[] = [
  {
    family: 'Noto Sans',
    pkg: '@fontsource/noto-sans',
    file: (w) => `noto-sans-latin-${w}-normal.woff2`,
    range:
      'U+0000-00FF, U+0131, U+0152-0153, U+02BB-02BC, U+02C6, U+02DA, U+02DC, U+2000-206F, U+20AC, U+2122, U+2191, U+2193, U+2212, U+2215, U+FEFF, U+FFFD',
  },
  {
    family: 'Noto Sans',
    pkg: '@fontsource/noto-sans',
    file: (w) => `noto-sans-latin-ext-${w}-normal.woff2`,
    range:
      'U+0100-02AF, U+0304, U+0308, U+0329, U+1E00-1E9F, U+1EF2-1EFF, U+2020, U+20A0-20AB, U+20AD-20C0, U+2113, U+2C60-2C7F, U+A720-A7FF',
  },
  {
    family: 'Noto Sans',
    pkg: '@fontsource/noto-sans',
    file: (w) => `noto-sans-cyrillic-${w}-normal.woff2`,
    range: 'U+0301, U+0400-045F, U+0490-0491, U+04B0-04B1, U+2116',
  },
  {
    family: 'Noto Sans Arabic',
    pkg: '@fontsource/noto-sans-arabic',
    file: (w) => `noto-sans-arabic-arabic-${w}-normal.woff2`,
    range:
      'U+0600-06FF, U+0750-077F, U+0870-088E, U+0890-0891, U+0898-08E1, U+08E3-08FF, U+200C-200E, U+2010-2011, U+204F, U+2E41, U+FB50-FDFF, U+FE70-FE74, U+FE76-FEFC',
  },
  {
    family: 'Noto Sans Ethiopic',
    pkg: '@fontsource/noto-sans-ethiopic',
    file: (w) => `noto-sans-ethiopic-ethiopic-${w}-normal.woff2`,
    range: 'U+030E, U+1200-1399, U+2D80-2DDE, U+AB01-AB2E',
  },
];

let cached: string | undefined;

/** @font-face rules (regular and bold) with the fonts embedded as data: URLs. */
export function embeddedFontCss(): string {
  if (cached) return cached;
  const rules: string[] = [];
  for (const face of FACES) {
    const dir = join(dirname(require.resolve(`${face.pkg}/package.json`)), 'files');
    for (const weight of [400, 700]) {
      const data = readFileSync(join(dir, face.file(weight))).toString('base64');
      rules.push(
        `@font-face{font-family:'${face.family}';font-style:normal;font-weight:${weight};font-display:block;` +
          `src:url(data:font/woff2;base64,${data}) format('woff2');unicode-range:${face.range};}`,
      );
    }
  }
  cached = rules.join('\n');
  return cached;
}
