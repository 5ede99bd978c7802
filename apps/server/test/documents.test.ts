/**
 * Documents: the pure parts (type by magic bytes, metadata stripping, file names) on files built
 * in code (fixtures/images.ts), and the routes over real HTTP with real tokens and a real
 * database: several files at once with a result per file, GPS gone and orientation kept, the
 * same bytes twice as one document, download headers, removal from a draft only, the timeline,
 * tenant isolation, roles, protected identity and the audit log.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import exifr from 'exifr';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../src/audit.ts';
import { contentDisposition, sanitizeFilename } from '../src/documents/filename.ts';
import { MAX_FILE_BYTES, MAX_FILES_PER_REQUEST } from '../src/documents/service.ts';
import { sniff } from '../src/documents/sniff.ts';
import { exifOrientation, stripJpeg, stripPng, stripWebp } from '../src/documents/strip.ts';
import {
  ADOBE,
  ICC,
  JFIF,
  JPEG_FRAME,
  JPEG_SCAN_DATA,
  JPEG_SCAN_HEADER,
  PLACE,
  PNG_IDAT,
  PNG_IEND,
  PNG_IHDR,
  PNG_PHYS,
  bytes,
  exifTiff,
  heic,
  jpeg,
  jpegSegment,
  jpegSegments,
  pdf,
  phonePhoto,
  png,
  pngChunk,
  pngChunks,
  pngWithMetadata,
  webpWithMetadata,
} from './fixtures/images.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

/** Everything exifr can find: Exif with GPS, XMP, IPTC. */
const everything = (file: Uint8Array) =>
  exifr.parse(Buffer.from(file), { gps: true, xmp: true, iptc: true, mergeOutput: false });

function stripped(result: ReturnType<typeof stripJpeg>): Uint8Array {
  if (!result.ok) throw new Error(result.reason);
  return result.bytes;
}

describe('the type, by magic bytes', () => {
  it('knows JPEG, PNG, WebP and PDF, recognizes HEIC and AVIF, and nothing else', () => {
    expect(sniff(phonePhoto())).toBe('image/jpeg');
    expect(sniff(png())).toBe('image/png');
    expect(sniff(webpWithMetadata())).toBe('image/webp');
    expect(sniff(pdf())).toBe('application/pdf');
    expect(sniff(heic())).toBe('image/heic');
    expect(sniff(bytes([0, 0, 0, 20], 'ftypavif', [0, 0, 0, 0], 'mif1'))).toBe('image/avif');
    expect(sniff(bytes([0, 0, 0, 16], 'ftypmif1', [0, 0, 0, 0]))).toBe('image/heif');
    expect(sniff(bytes([0, 0, 0, 16], 'ftypisom', [0, 0, 0, 0]))).toBeUndefined(); // an MP4 video
    expect(sniff(bytes('GIF89a', [1, 0, 1, 0]))).toBeUndefined();
    expect(sniff(bytes('PK', [3, 4]))).toBeUndefined(); // a zip (docx, …)
    expect(sniff(bytes('<html><body>%PDF-1.4'))).toBeUndefined();
    expect(sniff(bytes('RIFF', [4, 0, 0, 0], 'WAVE'))).toBeUndefined();
    expect(sniff(new Uint8Array())).toBeUndefined();
  });
});

describe('JPEG stripping', () => {
  it('removes Exif, GPS, XMP, IPTC, the comment and the second image; keeps the image and its orientation', async () => {
    const original = phonePhoto();
    expect(await exifr.gps(Buffer.from(original))).toEqual({ latitude: 55.375, longitude: 13.16 });
    const before = await everything(original);
    expect(before).toMatchObject({ iptc: { City: 'Trelleborg' }, ifd0: { Make: 'Testkamera' } });
    expect(before.gps.GPSLatitude).toEqual(PLACE.latitude);

    const result = stripJpeg(original);
    expect(result).toMatchObject({
      ok: true,
      stripped: true,
      removed: ['APP1 Exif', 'APP1 XMP', 'APP2 MPF', 'APP13 IPTC/Photoshop', 'COM', 'data after the end of image'],
    });
    const out = stripped(result);
    expect(await exifr.gps(Buffer.from(out))).toBeUndefined();
    // Only the orientation is left for a reader to find, and a phone photo stays upright.
    expect(await everything(out)).toEqual({ ifd0: { Orientation: 'Rotate 90 CW' } });
    expect(await exifr.orientation(Buffer.from(out))).toBe(6);
    for (const place of ['Trelleborg', 'Testkamera', 'Sassnitz', '55,22']) {
      expect(Buffer.from(out).includes(place)).toBe(false);
    }

    // Structure: SOI, JFIF, the one-tag Exif, the kept colour segments, the frame and scan unchanged, EOI.
    expect([...out.subarray(0, 2)]).toEqual([0xff, 0xd8]);
    expect([...out.subarray(-2)]).toEqual([0xff, 0xd9]);
    const segments = jpegSegments(out);
    expect(segments.map(([m]) => m.toString(16))).toEqual(['e0', 'e1', 'e2', 'ee', 'db', 'c0', 'c4', 'c4', 'da']);
    expect(segments[0]![1]).toEqual(JFIF);
    expect(segments[1]![1]).toHaveLength(36);
    expect(exifOrientation(segments[1]![1].subarray(10))).toBe(6);
    expect(segments[2]![1]).toEqual(ICC);
    expect(segments[3]![1]).toEqual(ADOBE);
    expect(Buffer.from(out).includes(Buffer.from(bytes(JPEG_FRAME, JPEG_SCAN_HEADER, JPEG_SCAN_DATA)))).toBe(true);
    expect(out).toHaveLength(2 + 18 + 36 + ICC.length + ADOBE.length + JPEG_FRAME.length + 10 + 1 + 2);
    // Stripping again gives the same bytes: the one-tag Exif is read and written anew.
    expect(stripJpeg(out)).toMatchObject({ ok: true, removed: ['APP1 Exif'], bytes: out });
  });

  it('writes no Exif at all when the original had no orientation, and drops a JFIF thumbnail', async () => {
    const thumbnailJfif = jpegSegment(0xe0, bytes('JFIF\0', [1, 2, 0, 0, 1, 0, 1, 1, 1], [0x80, 0x80, 0x80]));
    const original = jpeg([thumbnailJfif, jpegSegment(0xe1, bytes('Exif\0\0', exifTiff({ gps: true })))]);
    const result = stripJpeg(original);
    expect(result).toMatchObject({ ok: true, removed: ['JFIF thumbnail', 'APP1 Exif'] });
    const out = stripped(result);
    expect(jpegSegments(out).map(([m]) => m.toString(16))).toEqual(['e0', 'db', 'c0', 'c4', 'c4', 'da']);
    expect(jpegSegments(out)[0]![1]).toEqual(jpegSegment(0xe0, bytes('JFIF\0', [1, 2, 0, 0, 1, 0, 1, 0, 0])));
    expect(await exifr.parse(Buffer.from(out), { gps: true, xmp: true, iptc: true })).toBeUndefined();
  });

  it('copies entropy-coded data with stuffed bytes and restart markers, and drops APPn between scans', () => {
    const scan = bytes([0x12, 0xff, 0x00, 0x34, 0xff, 0xd0, 0x56, 0xff, 0xff, 0xd1, 0x78]);
    const between = jpegSegment(0xe1, bytes('Exif\0\0', exifTiff({ gps: true })));
    const progressive = bytes(
      [0xff, 0xd8],
      JPEG_FRAME,
      JPEG_SCAN_HEADER,
      scan,
      between,
      JPEG_FRAME.subarray(0, 69), // a DQT between scans is kept
      JPEG_SCAN_HEADER,
      scan,
      [0xff, 0xd9],
    );
    const result = stripJpeg(progressive);
    expect(result).toMatchObject({ ok: true, removed: ['APP1 Exif'] });
    expect(stripped(result)).toEqual(
      bytes(
        [0xff, 0xd8],
        JPEG_FRAME,
        JPEG_SCAN_HEADER,
        scan,
        JPEG_FRAME.subarray(0, 69),
        JPEG_SCAN_HEADER,
        scan,
        [0xff, 0xd9],
      ),
    );
  });

  it('refuses a damaged JPEG instead of guessing', () => {
    const whole = jpeg([JFIF]);
    expect(stripJpeg(whole.subarray(0, whole.length - 2))).toEqual({
      ok: false,
      reason: 'the image data has no end of image marker',
    });
    expect(stripJpeg(whole.subarray(0, 12))).toMatchObject({
      ok: false,
      reason: 'a segment runs past the end of the file',
    });
    expect(stripJpeg(bytes([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ ok: false });
    expect(stripJpeg(bytes([0xff, 0xd8, 0x00]))).toMatchObject({ ok: false, reason: 'expected a marker at byte 2' });
  });

  it('reads the orientation from either byte order, and only a valid one', () => {
    expect(exifOrientation(exifTiff({ orientation: 8 }))).toBe(8);
    const bigEndian = bytes('MM', [0, 42], [0, 0, 0, 8], [0, 1], [1, 0x12, 0, 3, 0, 0, 0, 1, 0, 3, 0, 0], [0, 0, 0, 0]);
    expect(exifOrientation(bigEndian)).toBe(3);
    expect(exifOrientation(exifTiff({ orientation: 9 }))).toBeUndefined();
    expect(exifOrientation(exifTiff())).toBeUndefined();
    expect(exifOrientation(bytes('II', [42, 0], [200, 0, 0, 0]))).toBeUndefined();
  });
});

describe('PNG stripping', () => {
  it('drops eXIf, tEXt, zTXt, iTXt, tIME and private chunks; the kept chunks keep their bytes and valid CRCs', async () => {
    const original = pngWithMetadata();
    const before = await everything(original);
    expect(before.gps).toMatchObject({ latitude: 55.375, longitude: 13.16 });
    expect(before.ihdr.Author).toBe('Testfotograf');

    const result = stripPng(original);
    expect(result).toMatchObject({ ok: true, removed: ['eXIf', 'tEXt', 'zTXt', 'iTXt', 'tIME', 'prVt'] });
    const out = stripped(result);
    expect(out).toEqual(png()); // signature, IHDR, pHYs, IDAT, IEND: byte for byte
    const chunks = pngChunks(out);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'pHYs', 'IDAT', 'IEND']);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
    expect(await exifr.gps(Buffer.from(out))).toBeUndefined();
    const after = await everything(out);
    expect(Object.keys(after)).toEqual(['ihdr']);
    expect(after.ihdr).not.toHaveProperty('Author');
  });

  it('drops what follows IEND, and refuses a wrong CRC or a missing IEND', () => {
    const trailing = bytes('trailing: the original photo');
    expect(stripPng(png([], trailing))).toMatchObject({ ok: true, removed: ['data after IEND'] });
    const bad = png();
    const idatCrc = 8 + PNG_IHDR.length + PNG_PHYS.length + PNG_IDAT.length - 1;
    bad[idatCrc] = bad[idatCrc]! ^ 0xff;
    expect(stripPng(bad)).toEqual({ ok: false, reason: 'chunk IDAT has a wrong CRC' });
    expect(stripPng(png().subarray(0, png().length - PNG_IEND.length))).toMatchObject({
      ok: false,
      reason: 'the file ends before IEND',
    });
    // A chunk CRC computed by zlib, as the fixture builder does, is what the stripper accepts.
    const text = pngChunk('tEXt', 'a\0b');
    expect(new DataView(text.buffer).getUint32(text.length - 4)).toBe(crc32(text.subarray(4, text.length - 4)));
  });
});

describe('WebP stripping', () => {
  it('drops the EXIF and XMP chunks and clears their VP8X flags; the RIFF sizes add up', () => {
    const original = webpWithMetadata();
    const result = stripWebp(original);
    expect(result).toMatchObject({ ok: true, removed: ['EXIF', 'XMP'] });
    const out = stripped(result);
    const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
    expect(Buffer.from(out.subarray(0, 4)).toString('latin1')).toBe('RIFF');
    expect(view.getUint32(4, true)).toBe(out.length - 8);
    const chunks: string[] = [];
    for (let pos = 12; pos < out.length;) {
      const size = view.getUint32(pos + 4, true);
      chunks.push(Buffer.from(out.subarray(pos, pos + 4)).toString('latin1'));
      pos += 8 + size + (size % 2);
      expect(pos).toBeLessThanOrEqual(out.length);
    }
    expect(chunks).toEqual(['VP8X', 'VP8L']);
    expect(out[20]! & 0x0c).toBe(0); // VP8X flags: no EXIF, no XMP
    expect(Buffer.from(out).includes('GPS')).toBe(false);
    expect(out).toHaveLength(12 + 18 + 8 + 14);
  });

  it('refuses a WebP without image data or with a chunk past the end', () => {
    expect(stripWebp(bytes('RIFF', [4, 0, 0, 0], 'WEBP'))).toEqual({
      ok: false,
      reason: 'no image data (VP8, VP8L or ANMF)',
    });
    expect(stripWebp(bytes('RIFF', [12, 0, 0, 0], 'WEBP', 'VP8L', [200, 0, 0, 0]))).toMatchObject({ ok: false });
  });
});

describe('file names', () => {
  it('keeps the last path segment, drops unsafe characters and fixes the extension to the sniffed type', () => {
    expect(sanitizeFilename('../../etc/passwd.jpg', 'application/pdf')).toBe('passwd.pdf');
    expect(sanitizeFilename('C:\\Users\\anna\\Kontoutdrag.PDF', 'application/pdf')).toBe('Kontoutdrag.PDF');
    expect(sanitizeFilename('IMG_0001.jpeg', 'image/jpeg')).toBe('IMG_0001.jpeg');
    expect(sanitizeFilename('faktura\u202Efdp.exe', 'application/pdf')).toBe('fakturafdp.pdf');
    expect(sanitizeFilename('..hidden', 'image/png')).toBe('hidden.png');
    expect(sanitizeFilename('rapport 2026', 'application/pdf')).toBe('rapport 2026.pdf');
    expect(sanitizeFilename('a<b>:c?.png', 'image/png')).toBe('a_b__c_.png');
    expect(sanitizeFilename('line\nbreak\u0000.pdf')).toBe('linebreak.pdf');
    expect(sanitizeFilename('/', 'image/webp')).toBe('dokument.webp');
    expect(sanitizeFilename('')).toBe('dokument');
    const long = sanitizeFilename(`${'å'.repeat(300)}.jpg`, 'image/jpeg');
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('å.jpg')).toBe(true);
    const emoji = sanitizeFilename(`${'😀'.repeat(250)}.pdf`, 'application/pdf');
    expect(Array.from(emoji)).toHaveLength(200);
    expect(/\p{Cs}/u.test(emoji)).toBe(false); // no half of a surrogate pair
  });

  it('names the download in ASCII and exactly (RFC 6266, RFC 8187)', () => {
    expect(contentDisposition('Hyresavtal för år 2026.pdf')).toBe(
      `attachment; filename="Hyresavtal f_r _r 2026.pdf"; filename*=UTF-8''Hyresavtal%20f%C3%B6r%20%C3%A5r%202026.pdf`,
    );
    expect(contentDisposition(`a "quoted" (name)'s*.png`)).toBe(
      `attachment; filename="a _quoted_ (name)'s*.png"; filename*=UTF-8''a%20%22quoted%22%20%28name%29%27s%2A.png`,
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Over HTTP

let server: Running;
const tokens: Record<string, string> = {};
const USERS = [
  'applicant-1',
  'applicant-2',
  'ekby-caseworker',
  'ekby-protected-caseworker',
  'ekby-auditor',
  'ekby-coach',
  'ekby-customer-service',
  'lovsala-caseworker',
];
beforeAll(async () => {
  server = await startServer();
  for (const u of USERS) tokens[u] = await server.tokenFor(u);
});
afterAll(async () => {
  await server?.app.close();
});

interface Reply {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
  raw: Uint8Array;
}

async function call(
  user: string | null,
  method: string,
  path: string,
  init: { body?: RequestInit['body']; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { ...(user ? { authorization: `Bearer ${tokens[user]}` } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const raw = new Uint8Array(await res.arrayBuffer());
  const json = (res.headers.get('content-type') ?? '').includes('json') && raw.length > 0;
  return {
    status: res.status,
    headers: res.headers,
    body: (json ? JSON.parse(Buffer.from(raw).toString('utf8')) : {}) as Record<string, unknown>,
    raw,
  };
}

const json = (body: unknown) => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
const applications = (m = 'ekby') => `/api/v1/municipalities/${m}/applications`;
const docs = (id: string, m = 'ekby', rest = '') => `${applications(m)}/${id}/documents${rest}`;
const caseDocs = (id: string, m = 'ekby', rest = '') => `/api/v1/municipalities/${m}/cases/${id}/documents${rest}`;

const PERSONNUMMER: Record<string, string> = { 'applicant-1': '198503149828', 'applicant-2': '199207089831' };
let month = 0;

/** A new draft; a month of its own, so that no application is a duplicate of another. */
async function draft(user = 'applicant-1', municipality = 'ekby'): Promise<string> {
  month += 1;
  const r = await call(
    user,
    'POST',
    applications(municipality),
    json({ kind: 'renewal', month: `${2020 + Math.floor(month / 12)}-${String((month % 12) + 1).padStart(2, '0')}` }),
  );
  expect(r.status).toBe(201);
  return r.body.id as string;
}

/**
 * A submitted application; standing in for the population register (the pipeline tests call it
 * for real), the household is marked with the given protected identity.
 */
async function submitted(user = 'applicant-1', municipality = 'ekby', protectedIdentity: boolean | null = false) {
  const id = await draft(user, municipality);
  const form = {
    household: { adults: [{ personnummer: PERSONNUMMER[user] }], children: [] },
    residence: { type: 'rental' },
    costs: [{ type: 'rent', amount: 6200 }],
    labourMarket: [{ person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true }],
    paymentAccount: { clearing: '8327', account: '9412345678' },
    attestation: { truthful: true, informedAboutChecks: true },
  };
  expect((await call(user, 'PUT', `${applications(municipality)}/${id}/draft`, json(form))).status).toBe(200);
  const r = await call(user, 'POST', `${applications(municipality)}/${id}/submit`, {
    headers: { 'idempotency-key': `documents-${id}` },
  });
  expect(r.status).toBe(202);
  await server.store.db
    .updateTable('application')
    .set({ protected_identity: protectedIdentity })
    .where('id', '=', id)
    .execute();
  return id;
}

interface Part {
  name: string;
  bytes: Uint8Array;
  /** What the client claims; never trusted. */
  type?: string;
  field?: string;
}

function form(parts: readonly Part[], fields: Record<string, string> = {}): FormData {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  for (const p of parts) f.append(p.field ?? 'files', new Blob([p.bytes], { type: p.type ?? 'image/jpeg' }), p.name);
  return f;
}

const upload = (
  user: string,
  id: string,
  parts: readonly Part[],
  opts: { fields?: Record<string, string>; lang?: string; municipality?: string } = {},
) =>
  call(user, 'POST', docs(id, opts.municipality), {
    body: form(parts, opts.fields),
    headers: opts.lang ? { 'accept-language': opts.lang } : {},
  });

interface FileResult {
  filename: string;
  status: string;
  code?: string;
  message?: string;
  detectedType?: string;
  document?: { id: string; filename: string; mediaType: string; size: number; purpose: string; stripped: boolean };
}
const results = (r: Reply) => r.body.files as FileResult[];
const fields = (r: Reply) => (r.body.errors as { field: string; code: string }[]).map((e) => [e.field, e.code]);

async function storedCount(id: string): Promise<number> {
  const rows = await server.store.db.selectFrom('document').select('id').where('application_id', '=', id).execute();
  return rows.length;
}

async function auditOf(objectId: string) {
  return server.store.db
    .selectFrom('audit_log')
    .select(['actor', 'role', 'action', 'object_type', 'purpose', 'details', 'municipality_id'])
    .where('object_id', '=', objectId)
    .orderBy('id')
    .execute();
}

describe('uploading', () => {
  it('stores the good file of several and rejects the others with a code and a message, in Swedish and English', async () => {
    const id = await draft();
    const tooLarge = new Uint8Array(MAX_FILE_BYTES + 1).fill(0x41);
    tooLarge.set([0xff, 0xd8, 0xff]);
    const gif = bytes('GIF89a', [1, 0, 1, 0, 0, 0, 0], ';');
    const r = await upload('applicant-1', id, [
      { name: 'hyresavtal.jpg', bytes: phonePhoto() },
      { name: 'stor.jpg', bytes: tooLarge },
      { name: 'bild.jpg', bytes: gif },
    ]);
    expect(r.status).toBe(201);
    const [good, large, wrong] = results(r);
    expect(good).toMatchObject({
      filename: 'hyresavtal.jpg',
      status: 'stored',
      document: {
        filename: 'hyresavtal.jpg',
        mediaType: 'image/jpeg',
        size: stripped(stripJpeg(phonePhoto())).length,
        purpose: 'application',
        stripped: true,
      },
    });
    expect(large).toEqual({
      filename: 'stor.jpg',
      status: 'rejected',
      code: 'too-large',
      message: 'Filen är större än 10 MB. Välj en mindre fil, eller fotografera sidan igen med lägre upplösning.',
    });
    expect(wrong).toEqual({
      filename: 'bild.jpg',
      status: 'rejected',
      code: 'unsupported-type',
      message: 'Den här sortens fil kan inte tas emot. Skicka en bild (JPEG, PNG eller WebP) eller en PDF.',
    });
    expect(await storedCount(id)).toBe(1);

    // None stored: 400, the results and an error per file, in English.
    const none = await upload(
      'applicant-1',
      id,
      [
        { name: 'stor.jpg', bytes: tooLarge },
        { name: 'bild.jpg', bytes: gif },
        { name: 'tom.pdf', bytes: new Uint8Array() },
      ],
      { lang: 'en' },
    );
    expect(none.status).toBe(400);
    expect(none.headers.get('content-type')).toBe('application/problem+json; charset=utf-8');
    expect(none.body).toMatchObject({
      type: '/problems/invalid-input',
      status: 400,
      detail: 'None of the files could be stored.',
    });
    expect(fields(none)).toEqual([
      ['files[0]', 'too-large'],
      ['files[1]', 'unsupported-type'],
      ['files[2]', 'empty'],
    ]);
    expect(results(none).map((f) => f.message)).toEqual([
      'The file is larger than 10 MB. Choose a smaller file, or photograph the page again at a lower resolution.',
      'This kind of file cannot be accepted. Send a picture (JPEG, PNG or WebP) or a PDF.',
      'The file is empty.',
    ]);
    expect(await storedCount(id)).toBe(1);
  });

  it('accepts a file of exactly the limit', async () => {
    const id = await draft();
    const limit = new Uint8Array(MAX_FILE_BYTES).fill(0x20);
    limit.set(pdf());
    const r = await upload('applicant-1', id, [{ name: 'skannat.pdf', bytes: limit, type: 'application/pdf' }]);
    expect(r.status).toBe(201);
    expect(results(r)[0]!.document).toMatchObject({ size: MAX_FILE_BYTES, mediaType: 'application/pdf' });
  });

  it('returns a phone photo without GPS and with its orientation kept', async () => {
    const id = await draft();
    const r = await upload('applicant-1', id, [{ name: 'IMG_0042.JPG', bytes: phonePhoto() }]);
    const doc = results(r)[0]!.document!;
    const got = await call('applicant-1', 'GET', docs(id, 'ekby', `/${doc.id}`));
    expect(got.status).toBe(200);
    expect(got.raw).toEqual(stripped(stripJpeg(phonePhoto())));
    expect(await exifr.gps(Buffer.from(got.raw))).toBeUndefined();
    expect(await exifr.orientation(Buffer.from(got.raw))).toBe(6);
    expect(await everything(got.raw)).toEqual({ ifd0: { Orientation: 'Rotate 90 CW' } });
    expect([...got.raw.subarray(0, 2), ...got.raw.subarray(-2)]).toEqual([0xff, 0xd8, 0xff, 0xd9]);
    const row = await server.store.db
      .selectFrom('document')
      .select(['sha256', 'size_bytes', 'stripped'])
      .where('id', '=', doc.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({
      sha256: createHash('sha256').update(got.raw).digest('hex'),
      size_bytes: got.raw.length,
      stripped: true,
    });
  });

  it('stores a PNG without its text, time and eXIf chunks, the CRCs valid, and a WebP without EXIF and XMP', async () => {
    const id = await draft();
    const r = await upload('applicant-1', id, [
      { name: 'skärmbild.png', bytes: pngWithMetadata(), type: 'image/png' },
      { name: 'foto.webp', bytes: webpWithMetadata(), type: 'image/webp' },
    ]);
    expect(r.status).toBe(201);
    const [p, w] = results(r).map((f) => f.document!);
    expect(p).toMatchObject({ filename: 'skärmbild.png', mediaType: 'image/png', stripped: true });
    expect(w).toMatchObject({ filename: 'foto.webp', mediaType: 'image/webp', stripped: true });
    const gotPng = await call('applicant-1', 'GET', docs(id, 'ekby', `/${p!.id}`));
    const chunks = pngChunks(gotPng.raw);
    expect(chunks.map((c) => c.type)).toEqual(['IHDR', 'pHYs', 'IDAT', 'IEND']);
    expect(chunks.every((c) => c.crcOk)).toBe(true);
    expect(await exifr.gps(Buffer.from(gotPng.raw))).toBeUndefined();
    const gotWebp = await call('applicant-1', 'GET', docs(id, 'ekby', `/${w!.id}`));
    expect(gotWebp.headers.get('content-type')).toBe('image/webp');
    expect(gotWebp.raw).toEqual(stripped(stripWebp(webpWithMetadata())));
  });

  it('stores `../../etc/passwd.jpg` that is really a PDF as a PDF with a safe name, whatever the client claims', async () => {
    const id = await draft();
    const r = await upload('applicant-1', id, [{ name: '../../etc/passwd.jpg', bytes: pdf(), type: 'image/jpeg' }]);
    expect(r.status).toBe(201);
    expect(results(r)[0]).toMatchObject({
      filename: 'passwd.pdf',
      status: 'stored',
      document: { filename: 'passwd.pdf', mediaType: 'application/pdf', stripped: false, size: pdf().length },
    });
    const got = await call('applicant-1', 'GET', docs(id, 'ekby', `/${results(r)[0]!.document!.id}`));
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.raw).toEqual(pdf());
  });

  it('answers the same bytes twice, in one request or two, with one document', async () => {
    const id = await draft();
    const first = await upload('applicant-1', id, [
      { name: 'a.pdf', bytes: pdf('Kontoutdrag') },
      { name: 'b.pdf', bytes: pdf('Kontoutdrag') },
    ]);
    const again = await upload('applicant-1', id, [{ name: 'c.pdf', bytes: pdf('Kontoutdrag') }]);
    expect(again.status).toBe(201);
    const ids = [...results(first), ...results(again)].map((f) => f.document!.id);
    expect(new Set(ids).size).toBe(1);
    expect(results(again)[0]!.document!.filename).toBe('a.pdf');
    expect(await storedCount(id)).toBe(1);
    const list = await call('applicant-1', 'GET', docs(id));
    expect(list.body).toEqual([expect.objectContaining({ id: ids[0], filename: 'a.pdf' })]);
    // One upload, one audit entry.
    expect((await auditOf(ids[0]!)).map((a) => a.purpose)).toEqual(['document-uploaded']);
    // At the same time, too.
    const together = await Promise.all(
      [1, 2, 3].map(() => upload('applicant-1', id, [{ name: 'd.pdf', bytes: pdf('Samtidigt') }])),
    );
    expect(new Set(together.map((r) => results(r)[0]!.document!.id)).size).toBe(1);
    expect(await storedCount(id)).toBe(2);
    // Another application is another document.
    const other = await draft();
    const there = await upload('applicant-1', other, [{ name: 'a.pdf', bytes: pdf('Kontoutdrag') }]);
    expect(results(there)[0]!.document!.id).not.toBe(ids[0]);
  });

  it('stores at most ten files per request and answers the rest unread', async () => {
    const id = await draft();
    const parts = Array.from({ length: MAX_FILES_PER_REQUEST + 2 }, (_, i) => ({
      name: `sida-${i + 1}.pdf`,
      bytes: pdf(`Sida ${i + 1}`),
    }));
    const r = await upload('applicant-1', id, parts, { lang: 'en' });
    expect(r.status).toBe(201);
    expect(results(r).map((f) => f.status)).toEqual([...Array(10).fill('stored'), 'rejected', 'rejected']);
    expect(results(r)[10]).toEqual({
      filename: 'sida-11.pdf',
      status: 'rejected',
      code: 'too-many-files',
      message: 'At most 10 files at a time. Send this file in another upload.',
    });
    expect(await storedCount(id)).toBe(10);
  });

  it('refuses HEIC asking for JPEG, and a damaged JPEG', async () => {
    const id = await draft();
    const r = await upload('applicant-1', id, [
      { name: 'IMG_1234.HEIC', bytes: heic(), type: 'image/heic' },
      { name: 'trasig.jpg', bytes: bytes([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x30], 'JFIF') },
    ]);
    expect(r.status).toBe(400);
    expect(results(r)).toEqual([
      {
        filename: 'IMG_1234.HEIC',
        status: 'rejected',
        code: 'unsupported-type',
        detectedType: 'image/heic',
        message:
          'Bilder i formatet HEIC/HEIF kan inte tas emot. Skicka bilden som JPEG ' +
          '(på iPhone: Inställningar > Kamera > Format > Mest kompatibel).',
      },
      {
        filename: 'trasig.jpg',
        status: 'rejected',
        code: 'damaged',
        message: 'Filen verkar vara skadad och går inte att läsa. Spara eller exportera den igen och försök på nytt.',
      },
    ]);
  });

  it('takes a purpose, and names a bad field, a missing file or an unknown field', async () => {
    const id = await submitted();
    const r = await upload('applicant-1', id, [{ name: 'lön.pdf', bytes: pdf('Lönebesked') }], {
      fields: { purpose: 'completion' },
    });
    expect(results(r)[0]!.document!.purpose).toBe('completion');

    const badPurpose = await upload('applicant-1', id, [{ name: 'x.pdf', bytes: pdf('x') }], {
      fields: { purpose: 'receipts' },
      lang: 'en',
    });
    expect(badPurpose.status).toBe(400);
    expect(fields(badPurpose)).toEqual([['purpose', 'enum']]);

    const noFiles = await upload('applicant-1', id, [], { fields: { purpose: 'other' }, lang: 'en' });
    expect(noFiles.status).toBe(400);
    expect(noFiles.body.errors).toEqual([
      {
        pointer: '/files',
        field: 'files',
        code: 'required',
        message: 'Choose at least one file to upload (the field files).',
      },
    ]);
    // An empty file input (a part without a name or bytes) is no file either.
    const emptyInput = await upload('applicant-1', id, [{ name: '', bytes: new Uint8Array() }]);
    expect(fields(emptyInput)).toEqual([['files', 'required']]);

    const wrongField = await upload('applicant-1', id, [{ name: 'x.pdf', bytes: pdf('y'), field: 'file' }]);
    expect(fields(wrongField).sort()).toEqual([
      ['file', 'unknown-field'],
      ['files', 'required'],
    ]);
    expect(await storedCount(id)).toBe(1);
  });

  it('answers a body that is not multipart/form-data with 415, and no token with 401', async () => {
    const id = await draft();
    const asJson = await call('applicant-1', 'POST', docs(id), json({ files: ['aGVq'] }));
    expect(asJson.status).toBe(415);
    expect(asJson.body).toMatchObject({
      type: '/problems/unsupported-media-type',
      title: 'Skicka multipart/form-data',
      detail: 'Skicka filerna som multipart/form-data, i fältet files (och eventuellt purpose).',
    });
    const asText = await call('applicant-1', 'POST', docs(id), {
      body: 'hej',
      headers: { 'content-type': 'text/plain', 'accept-language': 'en' },
    });
    expect(asText.status).toBe(415);
    expect(asText.body.title).toBe('Send multipart/form-data');
    const asBytes = await call('applicant-1', 'POST', docs(id), {
      body: new Blob([pdf()]),
      headers: { 'content-type': 'application/pdf' },
    });
    expect(asBytes.status).toBe(415);
    const broken = await call('applicant-1', 'POST', docs(id), {
      body: '--x\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\n\r\n%PDF-1.4',
      headers: { 'content-type': 'multipart/form-data; boundary=x', 'accept-language': 'en' },
    });
    expect(broken.status).toBe(400);
    expect(fields(broken)).toEqual([['files', 'malformed-multipart']]);
    expect((await upload('applicant-1', id, [{ name: 'a.pdf', bytes: pdf() }])).status).toBe(201);
    // Multipart is for this route only: the others still answer it with 415.
    const elsewhere = await call('applicant-1', 'POST', applications(), { body: form([], { kind: 'new' }) });
    expect(elsewhere.status).toBe(415);
    expect(elsewhere.body.type).toBe('/problems/unsupported-media-type');
    const anonymous = await call(null, 'POST', docs(id), { body: form([{ name: 'a.pdf', bytes: pdf() }]) });
    expect(anonymous.status).toBe(401);
    expect(await storedCount(id)).toBe(1);
  });

  it('notes documents added to a submitted application on its timeline, not those on a draft', async () => {
    const id = await draft();
    await upload('applicant-1', id, [{ name: 'a.pdf', bytes: pdf('utkast') }]);
    const sent = await submitted();
    const r = await upload('applicant-1', sent, [
      { name: 'b.pdf', bytes: pdf('b') },
      { name: 'c.pdf', bytes: pdf('c') },
    ]);
    const added = results(r).map((f) => f.document!.id);
    await upload('applicant-1', sent, [{ name: 'b.pdf', bytes: pdf('b') }]); // nothing new: no event
    const view = async (app: string) =>
      (await call('applicant-1', 'GET', `${applications()}/${app}`)).body.timeline as {
        status: string;
        actor: string;
        note: unknown;
      }[];
    expect((await view(id)).map((e) => e.status)).toEqual(['draft']);
    const timeline = await view(sent);
    expect(timeline.map((e) => e.status)).toEqual(['draft', 'received', 'received']);
    expect(timeline[2]).toMatchObject({ note: { documentsAdded: added, purpose: 'other' } });
  });

  it('lets the applicant remove a document from a draft only', async () => {
    const id = await draft();
    const r = await upload('applicant-1', id, [
      { name: 'fel.pdf', bytes: pdf('fel') },
      { name: 'rätt.pdf', bytes: pdf('rätt') },
    ]);
    const [wrong, right] = results(r).map((f) => f.document!.id);
    expect((await call('applicant-1', 'DELETE', docs(id, 'ekby', `/${wrong}`))).status).toBe(204);
    expect((await call('applicant-1', 'DELETE', docs(id, 'ekby', `/${wrong}`))).status).toBe(204);
    expect((await call('applicant-1', 'GET', docs(id, 'ekby', `/${wrong}`))).status).toBe(404);
    expect(((await call('applicant-1', 'GET', docs(id))).body as unknown as { id: string }[]).map((d) => d.id)).toEqual(
      [right],
    );
    expect((await auditOf(wrong!)).map((a) => a.purpose)).toEqual(['document-uploaded', 'document-deleted']);
    // The same bytes again after a removal are a new document.
    const back = await upload('applicant-1', id, [{ name: 'fel.pdf', bytes: pdf('fel') }]);
    expect(results(back)[0]!.document!.id).not.toBe(wrong);

    const sent = await submitted();
    const kept = results(await upload('applicant-1', sent, [{ name: 'k.pdf', bytes: pdf('k') }]))[0]!.document!.id;
    const refused = await call('applicant-1', 'DELETE', docs(sent, 'ekby', `/${kept}`), {
      headers: { 'accept-language': 'en' },
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ type: '/problems/conflict', conflict: 'not-draft' });
    expect((await call('applicant-1', 'GET', docs(sent, 'ekby', `/${kept}`))).status).toBe(200);
  });

  it('refuses documents on a withdrawn application', async () => {
    const id = await draft();
    await server.store.db.updateTable('application').set({ status: 'withdrawn' }).where('id', '=', id).execute();
    const r = await upload('applicant-1', id, [{ name: 'a.pdf', bytes: pdf() }], { lang: 'en' });
    expect(r.status).toBe(409);
    expect(r.body).toMatchObject({ conflict: 'withdrawn' });
  });
});

describe('downloading', () => {
  it('sends the bytes as an attachment that is never sniffed or cached', async () => {
    const id = await draft();
    const r = await upload('applicant-1', id, [{ name: 'Hyresavtal för år 2026.pdf', bytes: pdf() }]);
    const got = await call('applicant-1', 'GET', docs(id, 'ekby', `/${results(r)[0]!.document!.id}`));
    expect(got.status).toBe(200);
    expect(got.headers.get('content-type')).toBe('application/pdf');
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="Hyresavtal f_r _r 2026.pdf"; filename*=UTF-8''Hyresavtal%20f%C3%B6r%20%C3%A5r%202026.pdf`,
    );
    expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    expect(got.headers.get('cache-control')).toBe('private, no-store');
    expect(got.headers.get('content-length')).toBe(String(pdf().length));
  });
});

describe('who sees what', () => {
  it('answers 404 to another applicant, for every route, and stores nothing for them', async () => {
    const id = await draft('applicant-1');
    const doc = results(await upload('applicant-1', id, [{ name: 'a.pdf', bytes: pdf('mine') }]))[0]!.document!.id;
    expect((await call('applicant-2', 'GET', docs(id))).status).toBe(404);
    expect((await call('applicant-2', 'GET', docs(id, 'ekby', `/${doc}`))).status).toBe(404);
    expect((await call('applicant-2', 'DELETE', docs(id, 'ekby', `/${doc}`))).status).toBe(404);
    const theirs = await upload('applicant-2', id, [{ name: 'b.pdf', bytes: pdf('theirs') }]);
    expect(theirs.status).toBe(404);
    expect(theirs.body.type).toBe('/problems/not-found');
    expect(await storedCount(id)).toBe(1);
    // Nor under another municipality's path, and staff do not use the applicant's routes.
    expect((await call('applicant-1', 'GET', docs(id, 'lovsala'))).status).toBe(404);
    expect((await call('ekby-caseworker', 'GET', docs(id))).status).toBe(403);
  });

  it("lets the municipality's caseworkers and auditors read a case's documents; the host's too; no one else", async () => {
    const id = await submitted();
    const doc = results(await upload('applicant-1', id, [{ name: 'a.pdf', bytes: pdf('case') }]))[0]!.document!;
    for (const user of ['ekby-caseworker', 'ekby-auditor']) {
      const list = await call(user, 'GET', caseDocs(id));
      expect(list.status).toBe(200);
      expect(list.body).toEqual([doc]);
      const got = await call(user, 'GET', caseDocs(id, 'ekby', `/${doc.id}`));
      expect(got.status).toBe(200);
      expect(got.raw).toEqual(pdf('case'));
      expect(got.headers.get('x-content-type-options')).toBe('nosniff');
    }
    // Another municipality's staff: 404 whatever their role; customer service and coaches: 403.
    expect((await call('lovsala-caseworker', 'GET', caseDocs(id))).status).toBe(404);
    expect((await call('lovsala-caseworker', 'GET', caseDocs(id, 'ekby', `/${doc.id}`))).status).toBe(404);
    const cs = await call('ekby-customer-service', 'GET', caseDocs(id), { headers: { 'accept-language': 'en' } });
    expect(cs.status).toBe(403);
    expect(cs.body.type).toBe('/problems/forbidden');
    expect((await call('ekby-customer-service', 'GET', caseDocs(id, 'ekby', `/${doc.id}`))).status).toBe(403);
    expect((await call('ekby-coach', 'GET', caseDocs(id))).status).toBe(403);
    expect((await call('applicant-1', 'GET', caseDocs(id))).status).toBe(404);
    // A document id of another case, and a draft, are not found.
    const other = await submitted();
    expect((await call('ekby-caseworker', 'GET', caseDocs(other, 'ekby', `/${doc.id}`))).status).toBe(404);
    const draftId = await draft();
    await upload('applicant-1', draftId, [{ name: 'd.pdf', bytes: pdf('draft') }]);
    expect((await call('ekby-caseworker', 'GET', caseDocs(draftId))).status).toBe(404);

    // Lövsala's cases are handled by Ekby (its host); Lövsala's staff do not see Ekby's.
    const partner = await submitted('applicant-2', 'lovsala');
    await upload('applicant-2', partner, [{ name: 'p.pdf', bytes: pdf('partner') }], { municipality: 'lovsala' });
    expect((await call('ekby-caseworker', 'GET', caseDocs(partner, 'lovsala'))).body).toHaveLength(1);
    expect((await call('lovsala-caseworker', 'GET', caseDocs(partner, 'lovsala'))).status).toBe(200);
  });

  it('hides a household with protected identity from staff without the claim, also while it is unknown', async () => {
    for (const protectedIdentity of [true, null]) {
      const id = await submitted('applicant-1', 'ekby', protectedIdentity);
      const doc = results(await upload('applicant-1', id, [{ name: 's.pdf', bytes: pdf(`s${protectedIdentity}`) }]))[0]!
        .document!.id;
      for (const user of ['ekby-caseworker', 'ekby-auditor']) {
        expect((await call(user, 'GET', caseDocs(id))).status).toBe(404);
        expect((await call(user, 'GET', caseDocs(id, 'ekby', `/${doc}`))).status).toBe(404);
      }
      expect((await call('ekby-protected-caseworker', 'GET', caseDocs(id))).status).toBe(200);
      expect((await call('ekby-protected-caseworker', 'GET', caseDocs(id, 'ekby', `/${doc}`))).status).toBe(200);
      // The refused reads left no read in the log; the allowed ones did.
      expect((await auditOf(doc)).map((a) => [a.actor, a.purpose])).toEqual([
        ['applicant-1', 'document-uploaded'],
        ['ekby-protected-caseworker', 'case-document-download'],
      ]);
    }
  });

  it('logs every read and write, without file names or identity numbers, and the chain verifies', async () => {
    const id = await submitted();
    const name = 'Anna Andersson 198503149828 lönebesked.pdf';
    const doc = results(await upload('applicant-1', id, [{ name, bytes: pdf('logged') }]))[0]!.document!;
    expect(doc.filename).toBe(name);
    await call('applicant-1', 'GET', docs(id));
    await call('applicant-1', 'GET', docs(id, 'ekby', `/${doc.id}`));
    await call('ekby-caseworker', 'GET', caseDocs(id));
    await call('ekby-auditor', 'GET', caseDocs(id, 'ekby', `/${doc.id}`));

    expect(await auditOf(doc.id)).toEqual([
      {
        actor: 'applicant-1',
        role: 'applicant',
        action: 'write',
        object_type: 'document',
        purpose: 'document-uploaded',
        municipality_id: 'ekby',
        details: { application: id, mediaType: 'application/pdf', size: pdf('logged').length, stripped: false },
      },
      expect.objectContaining({ actor: 'applicant-1', action: 'read', purpose: 'own-document-download' }),
      expect.objectContaining({
        actor: 'ekby-auditor',
        role: 'auditor',
        action: 'read',
        purpose: 'case-document-download',
        details: { application: id },
      }),
    ]);
    const lists = (await auditOf(id)).filter((a) => a.purpose.endsWith('documents-list'));
    expect(lists.map((a) => [a.actor, a.object_type, a.purpose])).toEqual([
      ['applicant-1', 'application', 'own-documents-list'],
      ['ekby-caseworker', 'case', 'case-documents-list'],
    ]);
    const log = JSON.stringify(await server.store.db.selectFrom('audit_log').selectAll().execute());
    expect(log).not.toContain('198503149828');
    expect(log).not.toContain('lönebesked');
    expect(await verifyAuditChain(server.store.db)).toMatchObject({ ok: true });
  });
});
