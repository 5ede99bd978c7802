/**
 * A file's type from its first bytes ("magic numbers"), never from its name or the client's
 * Content-Type. Pure: bytes in, a media type out. Tillit accepts JPEG, PNG, WebP and PDF; it
 * recognizes HEIC/HEIF and AVIF only to say why it refuses them (see strip.ts and docs/documents.md).
 */

/** The types Tillit stores. */
export const ACCEPTED_TYPES = ['image/jpeg', 'image/png', 'image/webp', 'application/pdf'] as const;
export type AcceptedType = (typeof ACCEPTED_TYPES)[number];

/** Types recognized but refused: HEIC/HEIF and AVIF keep metadata in boxes we do not rewrite. */
export type RefusedType = 'image/heic' | 'image/heif' | 'image/avif';
export type SniffedType = AcceptedType | RefusedType;

/** File name extensions per accepted type, the first the canonical one. */
export const EXTENSIONS: Readonly<Record<AcceptedType, readonly string[]>> = {
  'image/jpeg': ['jpg', 'jpeg', 'jpe', 'jfif'],
  'image/png': ['png'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
};

export function isAccepted(type: SniffedType | undefined): type is AcceptedType {
  return (ACCEPTED_TYPES as readonly string[]).includes(type ?? '');
}

function startsWith(bytes: Uint8Array, at: number, signature: readonly number[]): boolean {
  if (bytes.length < at + signature.length) return false;
  return signature.every((b, i) => bytes[at + i] === b);
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

const codes = (s: string) => [...s].map((c) => c.charCodeAt(0));

/** HEIF brands (ISO/IEC 23008-12) by what they mean for us. */
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);
const HEIF_BRANDS = new Set(['mif1', 'msf1', 'mif2']);

/** An ISO base media file (ftyp box first) whose brands say HEIF: which kind, or undefined. */
function heifKind(bytes: Uint8Array): RefusedType | undefined {
  if (bytes.length < 16 || ascii(bytes, 4, 4) !== 'ftyp') return undefined;
  const boxSize = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
  if (boxSize < 16 || boxSize > Math.min(bytes.length, 4096) || boxSize % 4 !== 0) return undefined;
  // The major brand, then the compatible brands after the minor version.
  const brands = [ascii(bytes, 8, 4)];
  for (let at = 16; at + 4 <= boxSize; at += 4) brands.push(ascii(bytes, at, 4));
  if (brands.some((b) => AVIF_BRANDS.has(b))) return 'image/avif';
  if (brands.some((b) => HEIC_BRANDS.has(b))) return 'image/heic';
  if (brands.some((b) => HEIF_BRANDS.has(b))) return 'image/heif';
  return undefined;
}

/**
 * The type of a file by its leading bytes, or undefined when it is none Tillit knows.
 * - JPEG: FF D8 FF (SOI and the next marker's first byte).
 * - PNG: the eight-byte signature 89 50 4E 47 0D 0A 1A 0A.
 * - WebP: a RIFF container of form type WEBP.
 * - PDF: `%PDF-` at the very start (ISO 32000-2 §7.5.2 puts the header on the first line).
 * - HEIC/HEIF/AVIF: an ftyp box with a HEIF brand.
 */
export function sniff(bytes: Uint8Array): SniffedType | undefined {
  if (startsWith(bytes, 0, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, 0, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, 0, codes('RIFF')) && startsWith(bytes, 8, codes('WEBP'))) return 'image/webp';
  if (startsWith(bytes, 0, codes('%PDF-'))) return 'application/pdf';
  return heifKind(bytes);
}
