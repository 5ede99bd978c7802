/**
 * File names from clients, made safe to store and to send back: no path, no control or
 * direction-override characters, at most 200 characters, an extension that matches the sniffed
 * type; and the Content-Disposition header that names the file on download (RFC 6266 with the
 * RFC 8187 filename* parameter for names outside ASCII).
 */
import { EXTENSIONS } from './sniff.ts';
import type { AcceptedType } from './sniff.ts';

export const MAX_FILENAME_LENGTH = 200;
/** The name of a file that came without a usable one. */
export const FALLBACK_FILENAME = 'dokument';

/** C0 and C1 controls, DEL, and the Unicode bidirectional overrides and isolates ("gpj.exe" tricks). */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
/** Characters Windows refuses in names. */
const RESERVED = /[<>:"|?*]/g;
/** What counts as an extension: a dot, a letter, up to four more letters or digits. */
const EXTENSION = /\.([A-Za-z][A-Za-z0-9]{0,4})$/;

/** The first `n` code points (never half a surrogate pair). */
function codePoints(s: string, n: number): string {
  return Array.from(s).slice(0, n).join('');
}

/**
 * The name to store: the last path segment of what the client sent (either slash), NFC, without
 * unsafe characters, leading dots or trailing dots and spaces; its extension replaced by the
 * type's own when it names another type (`../../etc/passwd.jpg` holding a PDF → `passwd.pdf`);
 * at most 200 code points, the extension kept.
 */
export function sanitizeFilename(raw: string, type?: AcceptedType): string {
  const last = raw.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = last
    .replace(UNSAFE, '')
    .replace(RESERVED, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+/, '')
    .replace(/[\s.]+$/, '');
  if (type !== undefined) {
    const allowed = EXTENSIONS[type];
    const ext = EXTENSION.exec(name)?.[1]?.toLowerCase();
    if (ext === undefined || !allowed.includes(ext)) {
      const base = ext === undefined ? name : name.slice(0, -(ext.length + 1));
      name = `${base || FALLBACK_FILENAME}.${allowed[0]}`;
    }
  }
  if (name === '') return FALLBACK_FILENAME;
  if (Array.from(name).length <= MAX_FILENAME_LENGTH) return name;
  const ext = EXTENSION.exec(name)?.[0] ?? '';
  return codePoints(name.slice(0, name.length - ext.length), MAX_FILENAME_LENGTH - ext.length).trimEnd() + ext;
}

/** RFC 8187 value characters: attr-char, everything else percent-encoded from UTF-8. */
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
}

/**
 * `attachment` with an ASCII `filename` (other characters, quotes and backslashes as `_`) for old
 * clients and `filename*=UTF-8''…` with the exact name (RFC 6266 §4.3).
 */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(filename)}`;
}
