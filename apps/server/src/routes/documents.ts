/**
 * Document routes, tenant (municipality) in every path. The applicant uploads files to their own
 * application (multipart/form-data, several at once, a result per file), lists, downloads and,
 * while the application is a draft, removes them; caseworkers and auditors of the municipality (or
 * its host) list and download a case's documents. Every read and write is in the audit log first.
 * See docs/documents.md.
 *
 * @fastify/multipart is registered in this module's own encapsulated scope, so no other route
 * accepts multipart bodies.
 */
import multipart from '@fastify/multipart';
import type { MultipartFile } from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { toFieldProblems } from '@tillit/rules';
import type { FieldProblem, Lang } from '@tillit/rules';
import { withAuditedRead } from '../audit.ts';
import type { AuditEntry } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { contentDisposition } from '../documents/filename.ts';
import {
  DOCUMENT_PURPOSES,
  MAX_FILE_BYTES,
  MAX_FILES_PER_REQUEST,
  deleteDocument,
  documentContent,
  findDocument,
  listDocuments,
  ownApplication,
  prepareFile,
  rejectedFile,
  storeDocuments,
} from '../documents/service.ts';
import type { AcceptedFile, DocumentView, PreparedFile, RejectedFile, RejectionCode } from '../documents/service.ts';
import { invalidInput, negotiateLang, problem, problemSchema } from '../problems.ts';
import type { Problem } from '../problems.ts';
import { applicationParams, handledBy, notFound, sendProblem, staffActor, visibleCase } from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

/** File parts looked at in one request: the first MAX_FILES_PER_REQUEST are read, the rest answered unread; beyond this, 413. */
export const MAX_FILE_PARTS = 50;
/** The multipart field that carries the files. */
const FILES_FIELD = 'files';

const documentParams = applicationParams.extend({ documentId: z.uuid() });

const documentView = z
  .object({
    id: z.string(),
    filename: z.string(),
    mediaType: z.string(),
    size: z.int().meta({ description: 'Bytes as stored (after metadata stripping).' }),
    purpose: z.enum(DOCUMENT_PURPOSES),
    createdAt: z.string(),
    stripped: z.boolean().meta({ description: 'Whether metadata (location, device, …) were removed.' }),
  })
  .meta({ id: 'Document' });

const REJECTION_CODES = ['too-large', 'unsupported-type', 'empty', 'too-many-files', 'damaged'] as const;

const uploadResult = z
  .object({
    filename: z.string(),
    status: z.enum(['stored', 'rejected']),
    document: documentView.optional(),
    code: z.enum(REJECTION_CODES).optional(),
    message: z.string().optional(),
    detectedType: z
      .string()
      .optional()
      .meta({ description: 'A type recognized but not accepted (image/heic, image/heif, image/avif).' }),
  })
  .meta({ id: 'DocumentUploadResult' });

/** The upload's form fields, with `files` as the number of file parts. */
const uploadForm = z.strictObject({
  purpose: z.enum(DOCUMENT_PURPOSES).optional(),
  files: z.int().refine((n) => n >= 1, {
    message: 'no files',
    params: {
      code: 'required',
      msg: {
        sv: 'Välj minst en fil att ladda upp (fältet files).',
        en: 'Choose at least one file to upload (the field files).',
      },
    },
  }),
});

const MB = MAX_FILE_BYTES / (1024 * 1024);

const REJECTION_MESSAGES: Record<RejectionCode, Record<Lang, string>> = {
  'too-large': {
    sv: `Filen är större än ${MB} MB. Välj en mindre fil, eller fotografera sidan igen med lägre upplösning.`,
    en: `The file is larger than ${MB} MB. Choose a smaller file, or photograph the page again at a lower resolution.`,
  },
  'unsupported-type': {
    sv: 'Den här sortens fil kan inte tas emot. Skicka en bild (JPEG, PNG eller WebP) eller en PDF.',
    en: 'This kind of file cannot be accepted. Send a picture (JPEG, PNG or WebP) or a PDF.',
  },
  empty: { sv: 'Filen är tom.', en: 'The file is empty.' },
  'too-many-files': {
    sv: `Högst ${MAX_FILES_PER_REQUEST} filer åt gången. Skicka den här filen i en ny uppladdning.`,
    en: `At most ${MAX_FILES_PER_REQUEST} files at a time. Send this file in another upload.`,
  },
  damaged: {
    sv: 'Filen verkar vara skadad och går inte att läsa. Spara eller exportera den igen och försök på nytt.',
    en: 'The file seems to be damaged and cannot be read. Save or export it again and try once more.',
  },
};

/** For HEIC/HEIF and AVIF: what to send instead. */
const CONVERT_TO_JPEG: Record<Lang, (format: string) => string> = {
  sv: (f) =>
    `Bilder i formatet ${f} kan inte tas emot. Skicka bilden som JPEG ` +
    '(på iPhone: Inställningar > Kamera > Format > Mest kompatibel).',
  en: (f) =>
    `Pictures in the ${f} format cannot be accepted. Send the picture as JPEG ` +
    '(on an iPhone: Settings > Camera > Formats > Most Compatible).',
};

type UploadResult = z.infer<typeof uploadResult>;

function rejectionMessage(file: RejectedFile, lang: Lang): string {
  if (file.detectedType === 'image/avif') return CONVERT_TO_JPEG[lang]('AVIF');
  if (file.detectedType !== undefined) return CONVERT_TO_JPEG[lang]('HEIC/HEIF');
  return REJECTION_MESSAGES[file.code][lang];
}

function resultOf(file: PreparedFile, document: DocumentView | undefined, lang: Lang): UploadResult {
  if (file.ok) return { filename: document!.filename, status: 'stored', document };
  return {
    filename: file.filename,
    status: 'rejected',
    code: file.code,
    message: rejectionMessage(file, lang),
    ...(file.detectedType !== undefined ? { detectedType: file.detectedType } : {}),
  };
}

/** A file part as read: its bytes, or already rejected (too large, one too many). */
type FilePart = { readonly name: string; readonly bytes: Buffer } | RejectedFile;

/** The parts of a multipart request: the file parts in order, and the text fields. */
interface ReadForm {
  readonly files: FilePart[];
  readonly fields: Record<string, string>;
}

async function discard(part: MultipartFile): Promise<void> {
  for await (const chunk of part.file) void chunk;
}

/**
 * Reads the request's parts one at a time; a file's bytes are kept only up to MAX_FILE_BYTES
 * (busboy cuts a larger file off and marks it truncated) and only for the first
 * MAX_FILES_PER_REQUEST files. A part without a file name and without bytes is an empty file
 * input, not a file. Throws what the multipart parser throws.
 */
async function readForm(req: FastifyRequest): Promise<ReadForm> {
  const files: FilePart[] = [];
  const fields: Record<string, string> = {};
  for await (const part of req.parts()) {
    if (part.type === 'field') {
      fields[part.fieldname] = String(part.value);
      continue;
    }
    if (part.fieldname !== FILES_FIELD) {
      fields[part.fieldname] = 'file';
      await discard(part);
      continue;
    }
    if (files.length >= MAX_FILES_PER_REQUEST) {
      await discard(part);
      files.push(rejectedFile(part.filename ?? '', 'too-many-files'));
      continue;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of part.file) chunks.push(chunk as Buffer);
    const bytes = Buffer.concat(chunks);
    const name = part.filename ?? '';
    if (part.file.truncated) files.push(rejectedFile(name, 'too-large'));
    else if (!(name === '' && bytes.length === 0)) files.push({ name, bytes });
  }
  return { files, fields };
}

/** Why the multipart body as a whole could not be read, as problem details. */
function unreadableForm(err: unknown, lang: Lang): Problem {
  const code = (err as { code?: unknown }).code;
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
    return problem(
      'payload-too-large',
      lang,
      lang === 'sv'
        ? `Förfrågan har för många delar: högst ${MAX_FILES_PER_REQUEST} filer och fältet purpose. Inget sparades.`
        : `The request has too many parts: at most ${MAX_FILES_PER_REQUEST} files and the field purpose. Nothing was stored.`,
    );
  }
  return invalidInput(
    lang,
    [
      {
        pointer: `/${FILES_FIELD}`,
        field: FILES_FIELD,
        code: 'malformed-multipart',
        message:
          lang === 'sv'
            ? 'Förfrågan kunde inte läsas som multipart/form-data. Skicka filerna igen.'
            : 'The request could not be read as multipart/form-data. Send the files again.',
      },
    ],
    lang === 'sv' ? 'Inget sparades.' : 'Nothing was stored.',
  );
}

/** 415: the upload is multipart/form-data, not JSON or anything else. */
function notMultipart(lang: Lang): Problem {
  return {
    ...problem(
      'unsupported-media-type',
      lang,
      lang === 'sv'
        ? `Skicka filerna som multipart/form-data, i fältet ${FILES_FIELD} (och eventuellt purpose).`
        : `Send the files as multipart/form-data, in the field ${FILES_FIELD} (and optionally purpose).`,
    ),
    title: lang === 'sv' ? 'Skicka multipart/form-data' : 'Send multipart/form-data',
  };
}

/** 409 on a document write the application's state does not allow. */
function documentConflict(conflict: 'not-draft' | 'withdrawn', lang: Lang): Problem & { conflict: string } {
  const detail = {
    'not-draft': {
      sv: 'Ansökan är inskickad; dess dokument ingår i ärendet och kan inte tas bort.',
      en: "The application has been submitted; its documents are part of the case and can't be removed.",
    },
    withdrawn: {
      sv: 'Ansökan är återkallad och tar inte emot dokument.',
      en: 'The application has been withdrawn and does not take documents.',
    },
  }[conflict];
  return { ...problem('conflict', lang, detail[lang]), conflict };
}

/** The stored bytes, as a download that no browser renders or sniffs in place. */
function sendDocument(reply: FastifyReply, doc: DocumentView, bytes: Uint8Array) {
  return reply
    .code(200)
    .header('content-type', doc.mediaType)
    .header('content-disposition', contentDisposition(doc.filename))
    .header('x-content-type-options', 'nosniff')
    .header('cache-control', 'private, no-store')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}

/** The schema of a list of an application's documents. */
const listSchema = (tag: string, summary: string) => ({
  tags: [tag],
  summary,
  params: applicationParams,
  response: { 200: z.array(documentView), 404: problemSchema },
});

/** The schema of a document download. */
const downloadSchema = (tag: string, summary: string) => ({
  tags: [tag],
  summary,
  description:
    'The bytes as stored, with the sniffed Content-Type, `Content-Disposition: attachment` (RFC 6266, ' +
    'filename* per RFC 8187), `X-Content-Type-Options: nosniff` and `Cache-Control: private, no-store`.',
  params: documentParams,
  response: { 404: problemSchema },
});

export async function documentRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  const { db } = opts;
  const known = (m: string) => opts.municipalities().has(m);
  const applicant = [requireRole('applicant')];
  const staff = [handledBy(opts.municipalities), requireRole('caseworker', 'auditor')];
  const applicantActor = (req: FastifyRequest) => ({ actor: req.principal!.subject, role: 'applicant' });

  /** The applicant's own application in the path, or undefined after answering 404. */
  async function own(req: FastifyRequest, reply: FastifyReply) {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    const found = known(municipality)
      ? await ownApplication(db, { municipality, applicationId: id, applicant: req.principal!.personnummer! })
      : undefined;
    if (!found) await notFound(req, reply);
    return found;
  }

  /** The application's documents, after logging the read. */
  function list(req: FastifyRequest, audit: Pick<AuditEntry, 'actor' | 'role' | 'objectType' | 'purpose'>) {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    return withAuditedRead(db, { ...audit, municipalityId: municipality, objectId: id }, () =>
      listDocuments(db, { municipality, applicationId: id }),
    );
  }

  /** Answers a document download after logging the read (404 for a document not there). */
  async function download(
    req: FastifyRequest,
    reply: FastifyReply,
    audit: Pick<AuditEntry, 'actor' | 'role' | 'purpose'>,
  ) {
    const { municipality, id, documentId } = req.params as z.infer<typeof documentParams>;
    const scope = { municipality, applicationId: id };
    const doc = await findDocument(db, scope, documentId);
    if (!doc) return notFound(req, reply);
    const bytes = await withAuditedRead(
      db,
      {
        ...audit,
        municipalityId: municipality,
        objectType: 'document',
        objectId: documentId,
        details: { application: id },
      },
      () => documentContent(db, scope, documentId),
    );
    return sendDocument(reply, doc, bytes);
  }

  await app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      // A part in the files field is a file even if the client left out its file name.
      isPartAFile: (fieldName, _contentType, fileName) => fieldName === FILES_FIELD || fileName !== undefined,
      limits: {
        fileSize: MAX_FILE_BYTES,
        files: MAX_FILE_PARTS,
        fields: 5,
        fieldSize: 200,
        fieldNameSize: 100,
        parts: MAX_FILE_PARTS + 5,
        headerPairs: 20,
      },
    });
    // Any other body reaches the handler unread, which answers 415 with what to send instead.
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

    scope.post(
      '/api/v1/municipalities/:municipality/applications/:id/documents',
      {
        preValidation: applicant,
        schema: {
          tags: ['applications'],
          summary: 'Upload documents to the own application (multipart/form-data); a result per file',
          description:
            `One or more \`${FILES_FIELD}\` parts and an optional \`purpose\` field (${DOCUMENT_PURPOSES.join(', ')}). ` +
            `At most ${MAX_FILES_PER_REQUEST} files of ${MB} MB each; JPEG, PNG, WebP and PDF by their bytes; ` +
            'images are stored without metadata. The same bytes again answer with the existing document. ' +
            '201 when at least one file is stored; 400 with the per-file results when none is.',
          consumes: ['multipart/form-data'],
          params: applicationParams,
          response: {
            201: z.object({ files: z.array(uploadResult) }),
            400: problemSchema.extend({ files: z.array(uploadResult).optional() }),
            404: problemSchema,
            409: problemSchema,
            413: problemSchema,
            415: problemSchema,
          },
        },
      },
      async (req, reply) => {
        const { municipality, id } = req.params as z.infer<typeof applicationParams>;
        const lang = negotiateLang(req.headers['accept-language']);
        const application = await own(req, reply);
        if (!application) return reply;
        if (!req.isMultipart()) return sendProblem(reply, notMultipart(lang));
        if (application.status === 'withdrawn') return sendProblem(reply, documentConflict('withdrawn', lang));

        let form: ReadForm;
        try {
          form = await readForm(req);
        } catch (err) {
          return sendProblem(reply, unreadableForm(err, lang));
        }
        const parsed = uploadForm.safeParse({ ...form.fields, files: form.files.length });
        if (!parsed.success) return sendProblem(reply, invalidInput(lang, toFieldProblems(parsed.error.issues, lang)));

        const files = form.files.map((f) => ('bytes' in f ? prepareFile(f.name, f.bytes) : f));
        const accepted = files.filter((f): f is AcceptedFile => f.ok);
        if (accepted.length === 0) {
          const errors: FieldProblem[] = files.map((f, i) => ({
            pointer: `/${FILES_FIELD}/${i}`,
            field: `${FILES_FIELD}[${i}]`,
            code: (f as RejectedFile).code,
            message: resultOf(f, undefined, lang).message!,
          }));
          return sendProblem(reply, {
            ...invalidInput(
              lang,
              errors,
              lang === 'sv' ? 'Ingen av filerna kunde sparas.' : 'None of the files could be stored.',
            ),
            files: files.map((f) => resultOf(f, undefined, lang)),
          } as Problem);
        }
        const stored = await storeDocuments(
          db,
          { municipality, applicationId: id, applicant: req.principal!.personnummer! },
          { uploadedBy: req.principal!.subject, purpose: parsed.data.purpose, files: accepted },
        );
        if (!stored.ok && stored.reason === 'not-found') return notFound(req, reply);
        if (!stored.ok) return sendProblem(reply, documentConflict('withdrawn', lang));
        let next = 0;
        const results = files.map((f) => resultOf(f, f.ok ? stored.documents[next++] : undefined, lang));
        return reply.code(201).send({ files: results });
      },
    );

    scope.get(
      '/api/v1/municipalities/:municipality/applications/:id/documents',
      {
        preValidation: applicant,
        schema: listSchema('applications', "The own application's documents, oldest first"),
      },
      async (req, reply) => {
        if (!(await own(req, reply))) return reply;
        return list(req, { ...applicantActor(req), objectType: 'application', purpose: 'own-documents-list' });
      },
    );

    scope.get(
      '/api/v1/municipalities/:municipality/applications/:id/documents/:documentId',
      {
        preValidation: applicant,
        schema: downloadSchema('applications', 'Download a document of the own application'),
      },
      async (req, reply) => {
        if (!(await own(req, reply))) return reply;
        return download(req, reply, { ...applicantActor(req), purpose: 'own-document-download' });
      },
    );

    scope.delete(
      '/api/v1/municipalities/:municipality/applications/:id/documents/:documentId',
      {
        preValidation: applicant,
        schema: {
          tags: ['applications'],
          summary: 'Remove a document from the own draft (409 once the application is submitted)',
          description: 'Removing a document already removed answers 204 again.',
          params: documentParams,
          response: { 204: z.null(), 404: problemSchema, 409: problemSchema },
        },
      },
      async (req, reply) => {
        const { municipality, id, documentId } = req.params as z.infer<typeof documentParams>;
        if (!known(municipality)) return notFound(req, reply);
        const out = await deleteDocument(
          db,
          { municipality, applicationId: id, applicant: req.principal!.personnummer! },
          documentId,
          req.principal!.subject,
        );
        if (out === 'not-found') return notFound(req, reply);
        if (out === 'not-draft') {
          return sendProblem(reply, documentConflict('not-draft', negotiateLang(req.headers['accept-language'])));
        }
        return reply.code(204).send();
      },
    );

    scope.get(
      '/api/v1/municipalities/:municipality/cases/:id/documents',
      {
        preValidation: staff,
        schema: listSchema('cases', "The case's documents, oldest first (caseworker, auditor)"),
      },
      async (req, reply) => {
        if (!(await visibleCase(db, req, reply))) return reply;
        return list(req, { ...staffActor(req), objectType: 'case', purpose: 'case-documents-list' });
      },
    );

    scope.get(
      '/api/v1/municipalities/:municipality/cases/:id/documents/:documentId',
      {
        preValidation: staff,
        schema: downloadSchema('cases', "Download a case's document (caseworker, auditor)"),
      },
      async (req, reply) => {
        if (!(await visibleCase(db, req, reply))) return reply;
        return download(req, reply, { ...staffActor(req), purpose: 'case-document-download' });
      },
    );
  });
}
