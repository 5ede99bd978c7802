/**
 * Metadata stripping: pure functions from an image's bytes to the same image without what a phone
 * or an editor wrote about it (where and when it was taken, the device, the author, thumbnails,
 * comments). The image data itself is copied byte for byte; nothing is decoded or re-encoded.
 * Data minimization, GDPR art. 5.1 c: a photo of a rent contract must not tell the municipality
 * where the applicant lives or sleeps.
 *
 * - JPEG: keeps the frame, tables, scans, APP0 (JFIF, without its thumbnail), APP2 ICC profile and
 *   APP14 (Adobe colour transform); drops every other APPn (Exif and XMP in APP1, MPF in APP2,
 *   IPTC/Photoshop in APP13, …), COM, and whatever follows the end of the image (the extra images
 *   MPF points at). When the original's Exif had an Orientation tag, a minimal Exif APP1 holding
 *   only that tag is written, so a phone photo is not shown rotated.
 * - PNG: keeps the critical chunks and the ancillary chunks that say how to render the image;
 *   drops the rest, among them eXIf, tEXt, zTXt, iTXt and tIME. Kept chunks keep their bytes and CRCs.
 * - WebP: drops the EXIF and XMP chunks (and unknown ones) and clears their flags in VP8X.
 *
 * HEIC/HEIF is not stripped: its metadata are items that the file's own index (iloc) points at,
 * and rewriting that index safely is more than this module does; such files are refused.
 */
import { crc32 } from 'node:zlib';
import type { AcceptedType } from './sniff.ts';

export type StripResult =
  | {
      readonly ok: true;
      readonly bytes: Uint8Array;
      /** Whether metadata were looked for and removed (false: the type is stored as it is). */
      readonly stripped: boolean;
      /** What was removed, e.g. `APP1 Exif`, `tEXt`; for tests and logs, never the content. */
      readonly removed: readonly string[];
    }
  | { readonly ok: false; readonly reason: string };

/** The file does not have the structure its type requires. */
class Damaged extends Error {}

function damaged(reason: string): never {
  throw new Damaged(reason);
}

function attempt(fn: () => StripResult): StripResult {
  try {
    return fn();
  } catch (err) {
    if (err instanceof Damaged) return { ok: false, reason: err.message };
    throw err;
  }
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function hasPrefix(bytes: Uint8Array, prefix: string): boolean {
  if (bytes.length < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (bytes[i] !== prefix.charCodeAt(i)) return false;
  return true;
}

function fourCC(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

const u16be = (b: Uint8Array, at: number) => (b[at]! << 8) | b[at + 1]!;
const u32be = (b: Uint8Array, at: number) =>
  ((b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!) >>> 0;
const u32le = (b: Uint8Array, at: number) =>
  ((b[at + 3]! << 24) | (b[at + 2]! << 16) | (b[at + 1]! << 8) | b[at]!) >>> 0;

// ---------------------------------------------------------------------------------------------
// JPEG (ITU-T T.81; JFIF: ITU-T T.871; Exif: CIPA DC-008)

const SOI = 0xd8;
const EOI = 0xd9;
const SOS = 0xda;
const COM = 0xfe;
const APP0 = 0xe0;
const APP1 = 0xe1;
const APP2 = 0xe2;
const APP13 = 0xed;
const APP14 = 0xee;
const APP15 = 0xef;
/** The Exif tag Orientation (0x0112), SHORT 1–8. */
const ORIENTATION_TAG = 0x0112;

/** The Orientation tag's value (1–8) in IFD0 of an Exif TIFF structure, or undefined. */
export function exifOrientation(tiff: Uint8Array): number | undefined {
  if (tiff.length < 8) return undefined;
  const little = hasPrefix(tiff, 'II');
  if (!little && !hasPrefix(tiff, 'MM')) return undefined;
  const u16 = (at: number) => (little ? tiff[at]! | (tiff[at + 1]! << 8) : u16be(tiff, at));
  const u32 = (at: number) => (little ? u32le(tiff, at) : u32be(tiff, at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  const count = u16(ifd);
  for (let i = 0; i < count; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) !== ORIENTATION_TAG) continue;
    const value = u16(entry + 8);
    return u16(entry + 2) === 3 && u32(entry + 4) === 1 && value >= 1 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** An APP1 segment with an Exif structure holding only IFD0 with the Orientation tag (big-endian). */
export function orientationSegment(orientation: number): Uint8Array {
  // prettier-ignore
  return Uint8Array.from([
    0xff, APP1, 0x00, 34, // marker, length 34 (itself, the Exif header and 26 bytes of TIFF)
    0x45, 0x78, 0x69, 0x66, 0x00, 0x00, // "Exif\0\0"
    0x4d, 0x4d, 0x00, 0x2a, 0x00, 0x00, 0x00, 0x08, // "MM", 42, IFD0 at offset 8
    0x00, 0x01, // one entry
    0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, orientation, 0x00, 0x00, // Orientation, SHORT, 1, value
    0x00, 0x00, 0x00, 0x00, // no next IFD
  ]);
}

/** APP0 JFIF with its density but without a thumbnail (T.871: 16 bytes after the marker). */
function minimalJfif(payload: Uint8Array): Uint8Array {
  return concat([Uint8Array.from([0xff, APP0, 0x00, 16]), payload.subarray(0, 12), Uint8Array.from([0, 0])]);
}

/** What an APPn or COM segment is, for the list of what was removed. */
function segmentName(code: number, payload: Uint8Array): string {
  if (code === COM) return 'COM';
  if (code === APP1 && hasPrefix(payload, 'Exif\0')) return 'APP1 Exif';
  if (code === APP1 && hasPrefix(payload, 'http://ns.adobe.com/')) return 'APP1 XMP';
  if (code === APP2 && hasPrefix(payload, 'MPF\0')) return 'APP2 MPF';
  if (code === APP13) return 'APP13 IPTC/Photoshop';
  return `APP${code - APP0}`;
}

/** Whether an APPn or COM segment is kept: APP2 ICC profile and APP14 Adobe (APP0 JFIF is rewritten). */
function keepsApplicationSegment(code: number, payload: Uint8Array): boolean {
  return (code === APP2 && hasPrefix(payload, 'ICC_PROFILE\0')) || (code === APP14 && hasPrefix(payload, 'Adobe'));
}

/** Index of the marker that ends entropy-coded data starting at `from` (FF not followed by 00 or RSTn). */
function endOfScan(b: Uint8Array, from: number): number {
  let i = from;
  for (;;) {
    if (i + 1 >= b.length) damaged('the image data has no end of image marker');
    if (b[i] !== 0xff) i += 1;
    else {
      const next = b[i + 1]!;
      if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) i += 2;
      else if (next === 0xff) i += 1;
      else return i;
    }
  }
}

export function stripJpeg(input: Uint8Array): StripResult {
  return attempt(() => {
    if (input[0] !== 0xff || input[1] !== SOI) damaged('no start of image marker');
    const kept: Uint8Array[] = [];
    const removed: string[] = [];
    let jfif: Uint8Array | undefined;
    let orientation: number | undefined;
    let scans = 0;
    let pos = 2;
    for (;;) {
      if (input[pos] !== 0xff) damaged(`expected a marker at byte ${pos}`);
      while (input[pos] === 0xff) pos += 1; // fill bytes
      if (pos >= input.length) damaged('the file ends inside a marker');
      const code = input[pos]!;
      pos += 1;
      if (code === EOI) {
        if (scans === 0) damaged('no image data before the end of image');
        kept.push(Uint8Array.from([0xff, EOI]));
        break;
      }
      if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) {
        kept.push(Uint8Array.from([0xff, code])); // TEM, RSTn: no length
        continue;
      }
      if (pos + 2 > input.length) damaged('the file ends inside a segment header');
      const length = u16be(input, pos);
      if (length < 2 || pos + length > input.length) damaged('a segment runs past the end of the file');
      const segment = input.subarray(pos - 2, pos + length);
      const payload = input.subarray(pos + 2, pos + length);
      pos += length;
      if (code === APP0 && jfif === undefined && hasPrefix(payload, 'JFIF\0') && payload.length >= 14) {
        jfif = minimalJfif(payload);
        if (payload.length > 14) removed.push('JFIF thumbnail');
      } else if ((code >= APP0 && code <= APP15) || code === COM) {
        if (keepsApplicationSegment(code, payload)) kept.push(segment);
        else {
          if (code === APP1 && hasPrefix(payload, 'Exif\0\0')) orientation ??= exifOrientation(payload.subarray(6));
          removed.push(segmentName(code, payload));
        }
      } else {
        kept.push(segment);
        if (code === SOS) {
          scans += 1;
          const end = endOfScan(input, pos);
          kept.push(input.subarray(pos, end));
          pos = end;
        }
      }
    }
    if (pos < input.length) removed.push('data after the end of image');
    const head: Uint8Array[] = [Uint8Array.from([0xff, SOI])];
    if (jfif) head.push(jfif);
    if (orientation !== undefined) head.push(orientationSegment(orientation));
    return { ok: true, bytes: concat([...head, ...kept]), stripped: true, removed: [...new Set(removed)] };
  });
}

// ---------------------------------------------------------------------------------------------
// PNG (ISO/IEC 15948, PNG third edition)

const PNG_SIGNATURE = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Ancillary chunks that say how to render the image (colour, transparency, size, animation). */
const PNG_RENDERING_CHUNKS = new Set([
  'tRNS',
  'cHRM',
  'gAMA',
  'iCCP',
  'sBIT',
  'sRGB',
  'cICP',
  'mDCV',
  'mDCv',
  'cLLI',
  'cLLi',
  'bKGD',
  'hIST',
  'pHYs',
  'sPLT',
  'acTL',
  'fcTL',
  'fdAT',
]);

export function stripPng(input: Uint8Array): StripResult {
  return attempt(() => {
    if (!PNG_SIGNATURE.every((b, i) => input[i] === b)) damaged('no PNG signature');
    const kept: Uint8Array[] = [PNG_SIGNATURE];
    const removed: string[] = [];
    let pos = PNG_SIGNATURE.length;
    let ended = false;
    while (!ended) {
      if (pos + 12 > input.length) damaged('the file ends before IEND');
      const length = u32be(input, pos);
      const type = fourCC(input, pos + 4);
      const end = pos + 12 + length;
      if (!/^[A-Za-z]{4}$/.test(type)) damaged(`a chunk type is not four letters at byte ${pos}`);
      if (end > input.length) damaged(`chunk ${type} runs past the end of the file`);
      if (pos === PNG_SIGNATURE.length && type !== 'IHDR') damaged('the first chunk is not IHDR');
      if (crc32(input.subarray(pos + 4, end - 4)) !== u32be(input, end - 4)) damaged(`chunk ${type} has a wrong CRC`);
      // Bit 5 of the first letter: 0 = critical (IHDR, PLTE, IDAT, IEND), which every decoder needs.
      const critical = (input[pos + 4]! & 0x20) === 0;
      if (critical || PNG_RENDERING_CHUNKS.has(type)) kept.push(input.subarray(pos, end));
      else removed.push(type);
      ended = type === 'IEND';
      pos = end;
    }
    if (pos < input.length) removed.push('data after IEND');
    return { ok: true, bytes: concat(kept), stripped: true, removed: [...new Set(removed)] };
  });
}

// ---------------------------------------------------------------------------------------------
// WebP (RFC 9649)

/** Chunks of the image itself; EXIF, 'XMP ' and anything unknown go. */
const WEBP_IMAGE_CHUNKS = new Set(['VP8X', 'VP8 ', 'VP8L', 'ALPH', 'ANIM', 'ANMF', 'ICCP']);
/** VP8X flags (RFC 9649 §2.7): EXIF metadata (E) and XMP metadata (X). */
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function u32leBytes(n: number): Uint8Array {
  return Uint8Array.from([n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff]);
}

export function stripWebp(input: Uint8Array): StripResult {
  return attempt(() => {
    if (input.length < 12 || fourCC(input, 0) !== 'RIFF' || fourCC(input, 8) !== 'WEBP') damaged('no RIFF WEBP header');
    const riffEnd = 8 + u32le(input, 4);
    if (riffEnd > input.length) damaged('the RIFF size runs past the end of the file');
    const kept: Uint8Array[] = [];
    const removed: string[] = [];
    let image = false;
    let pos = 12;
    while (pos < riffEnd) {
      if (pos + 8 > riffEnd) damaged(`a chunk header runs past the end at byte ${pos}`);
      const type = fourCC(input, pos);
      const size = u32le(input, pos + 4);
      const end = pos + 8 + size;
      if (end > riffEnd) damaged(`chunk ${type.trim()} runs past the end of the file`);
      if (WEBP_IMAGE_CHUNKS.has(type)) {
        const chunk = input.slice(pos, end);
        if (type === 'VP8X') {
          if (size < 10) damaged('VP8X is too short');
          chunk[8] = chunk[8]! & ~(VP8X_EXIF | VP8X_XMP);
        }
        kept.push(chunk);
        if (size % 2 === 1) kept.push(Uint8Array.of(0)); // padding to an even size
        image ||= type === 'VP8 ' || type === 'VP8L' || type === 'ANMF';
      } else removed.push(type.trim());
      pos = end + (size % 2);
    }
    if (!image) damaged('no image data (VP8, VP8L or ANMF)');
    if (riffEnd < input.length) removed.push('data after the RIFF chunk');
    const body = concat(kept);
    const header = concat([Uint8Array.from([0x52, 0x49, 0x46, 0x46]), u32leBytes(4 + body.length)]);
    return {
      ok: true,
      bytes: concat([header, Uint8Array.from([0x57, 0x45, 0x42, 0x50]), body]),
      stripped: true,
      removed: [...new Set(removed)],
    };
  });
}

/** The bytes to store for an accepted type: images stripped, PDF as it is. */
export function stripMetadata(type: AcceptedType, bytes: Uint8Array): StripResult {
  switch (type) {
    case 'image/jpeg':
      return stripJpeg(bytes);
    case 'image/png':
      return stripPng(bytes);
    case 'image/webp':
      return stripWebp(bytes);
    case 'application/pdf':
      return { ok: true, bytes, stripped: false, removed: [] };
  }
}
