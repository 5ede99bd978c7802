/**
 * What a reader gets out of a PDF: its text as poppler's pdftotext extracts it (Debian package
 * poppler-utils), in logical order also for right-to-left scripts, and the fonts it embeds.
 */
import { execFileSync } from 'node:child_process';

/** The PDF's text, NFKC-normalized (Arabic presentation forms read as letters), whitespace collapsed. */
export function pdfText(bytes: Uint8Array): string {
  const out = execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: Buffer.from(bytes) });
  return out.toString('utf8').normalize('NFKC').replace(/\s+/g, ' ');
}

/**
 * The same without whitespace, bidirectional marks and Arabic vowel marks, for comparing
 * right-to-left text: glyph positioning can make an extractor put spaces inside Arabic words or
 * a vowel mark after the next letter.
 */
export function compact(text: string): string {
  // After NFKC composition, the combining marks left are vowel marks such as Arabic tanwin.
  return text.normalize('NFKC').replace(/[\s\u200c-\u200f\u202a-\u202e\u2066-\u2069]|\p{Mn}/gu, '');
}

/** The PDF's fonts: base name (subset prefix included) and whether it is embedded. */
export function pdfFonts(bytes: Uint8Array): { name: string; embedded: boolean }[] {
  const out = execFileSync('pdffonts', ['-'], { input: Buffer.from(bytes) }).toString('utf8');
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const cols = l.trim().split(/\s+/);
      // name, type (one or two words), encoding, emb, sub, uni, object id, generation
      return { name: cols[0]!, embedded: cols.at(-5) === 'yes' };
    });
}
