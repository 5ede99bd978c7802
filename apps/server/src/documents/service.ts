/**
 * Documents the applicant uploads to an application: each file checked (type by its bytes, size),
 * stripped of metadata, and stored with its SHA-256 (the same bytes twice on one application are
 * one document); listed, read and (while the application is a draft) removed. Every query is
 * scoped by municipality; writes are in the audit log in the same transaction.
 */
import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import { appendAudit } from '../audit.ts';
import type { Database } from '../db/schema.ts';
import type { ApplicationStatus } from '../db/schema.ts';
import type { DocumentPurpose } from '../db/schema-documents.ts';
import { sanitizeFilename } from './filename.ts';
import { isAccepted, sniff } from './sniff.ts';
import type { AcceptedType, RefusedType } from './sniff.ts';
import { stripMetadata } from './strip.ts';

export { DOCUMENT_PURPOSES } from '../db/schema-documents.ts';
export type { DocumentPurpose } from '../db/schema-documents.ts';

/** Files stored per request; more are answered `too-many-files`, unread. */
export const MAX_FILES_PER_REQUEST = 10;
/** Largest file, in bytes (10 MiB): a phone photo or a scanned statement fits with room to spare. */
export const MAX_FILE_BYTES = 10 * 1024 * 1024;

/** Why a file was not stored. `damaged`: its type is known but its structure is broken. */
export type RejectionCode = 'too-large' | 'unsupported-type' | 'empty' | 'too-many-files' | 'damaged';

/** A file ready to store. */
export interface AcceptedFile {
  readonly ok: true;
  readonly filename: string;
  readonly mediaType: AcceptedType;
  readonly content: Uint8Array;
  readonly sha256: string;
  readonly stripped: boolean;
}

/** A file not stored, and why. */
export interface RejectedFile {
  readonly ok: false;
  readonly filename: string;
  readonly code: RejectionCode;
  /** A type recognized but refused (HEIC, AVIF), so the message can say what to do instead. */
  readonly detectedType?: RefusedType;
}

export type PreparedFile = AcceptedFile | RejectedFile;

export function rejectedFile(rawName: string, code: RejectionCode): RejectedFile {
  return { ok: false, filename: sanitizeFilename(rawName), code };
}

/** Sniffs, strips and hashes one whole file (pure). */
export function prepareFile(rawName: string, bytes: Uint8Array): PreparedFile {
  if (bytes.length === 0) return rejectedFile(rawName, 'empty');
  if (bytes.length > MAX_FILE_BYTES) return rejectedFile(rawName, 'too-large');
  const type = sniff(bytes);
  if (!isAccepted(type)) {
    return { ...rejectedFile(rawName, 'unsupported-type'), ...(type !== undefined ? { detectedType: type } : {}) };
  }
  const stripped = stripMetadata(type, bytes);
  if (!stripped.ok) return { ok: false, filename: sanitizeFilename(rawName, type), code: 'damaged' };
  return {
    ok: true,
    filename: sanitizeFilename(rawName, type),
    mediaType: type,
    content: stripped.bytes,
    sha256: createHash('sha256').update(stripped.bytes).digest('hex'),
    stripped: stripped.stripped,
  };
}

/** A document as the API shows it (no content). */
export interface DocumentView {
  readonly id: string;
  readonly filename: string;
  readonly mediaType: string;
  readonly size: number;
  readonly purpose: DocumentPurpose;
  readonly createdAt: string;
  readonly stripped: boolean;
}

/**
 * Bytes to and from bytea as base64 text: embedded PGlite takes seconds to convert a 10 MB
 * binary parameter or result, base64 a fraction of that; on a PostgreSQL server (whose driver
 * sends bytea as hex text anyway) it costs nothing.
 */
function bytea(content: Uint8Array) {
  return sql<Uint8Array>`decode(${Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('base64')}, 'base64')`;
}

const VIEW_COLUMNS = ['id', 'filename', 'media_type', 'size_bytes', 'purpose', 'created_at', 'stripped'] as const;

function toView(row: {
  id: string;
  filename: string;
  media_type: string;
  size_bytes: number;
  purpose: DocumentPurpose;
  created_at: Date | string;
  stripped: boolean;
}): DocumentView {
  return {
    id: row.id,
    filename: row.filename,
    mediaType: row.media_type,
    size: Number(row.size_bytes),
    purpose: row.purpose,
    createdAt: new Date(row.created_at).toISOString(),
    stripped: row.stripped,
  };
}

/** Which application, in which municipality. */
export interface ApplicationScope {
  readonly municipality: string;
  readonly applicationId: string;
}

/**
 * The applicant's own application (by personnummer), or undefined: the caller answers 404. In a
 * transaction, `lock` takes the row lock that orders a document write against a submission or
 * withdrawal of the same application.
 */
export async function ownApplication(
  db: Kysely<Database> | Transaction<Database>,
  scope: ApplicationScope & { readonly applicant: string },
  lock = false,
): Promise<{ status: ApplicationStatus } | undefined> {
  const query = db
    .selectFrom('application')
    .select('status')
    .where('id', '=', scope.applicationId)
    .where('municipality_id', '=', scope.municipality)
    .where('applicant', '=', scope.applicant);
  return (lock ? query.forUpdate() : query).executeTakeFirst();
}

export type StoreOutcome =
  | { readonly ok: true; readonly documents: readonly DocumentView[]; readonly created: readonly string[] }
  | { readonly ok: false; readonly reason: 'not-found' | 'withdrawn' };

/**
 * Stores the files on the application in one transaction: each is inserted unless the application
 * already has a document with the same SHA-256 (then that one is its answer). New documents on a
 * submitted application are noted on its timeline (application_event, the status unchanged).
 * `documents` is parallel to `files`.
 */
export async function storeDocuments(
  db: Kysely<Database>,
  scope: ApplicationScope & { readonly applicant: string },
  input: {
    readonly uploadedBy: string;
    readonly purpose: DocumentPurpose | undefined;
    readonly files: readonly AcceptedFile[];
  },
): Promise<StoreOutcome> {
  return db.transaction().execute(async (tx) => {
    const app = await ownApplication(tx, scope, true);
    if (!app) return { ok: false, reason: 'not-found' };
    if (app.status === 'withdrawn') return { ok: false, reason: 'withdrawn' };
    // Without a purpose: a draft's documents belong to the application; later ones are 'other'.
    const purpose = input.purpose ?? (app.status === 'draft' ? 'application' : 'other');
    const documents: DocumentView[] = [];
    const created: DocumentView[] = [];
    for (const file of input.files) {
      const existing = () =>
        tx
          .selectFrom('document')
          .select(VIEW_COLUMNS)
          .where('municipality_id', '=', scope.municipality)
          .where('application_id', '=', scope.applicationId)
          .where('sha256', '=', file.sha256)
          .where('deleted_at', 'is', null)
          .executeTakeFirst();
      // Looked up first, so that a retry does not send the bytes again; the unique index decides a race.
      const found = await existing();
      const inserted = found
        ? undefined
        : await tx
            .insertInto('document')
            .values({
              id: randomUUID(),
              municipality_id: scope.municipality,
              application_id: scope.applicationId,
              uploaded_by: input.uploadedBy,
              purpose,
              filename: file.filename,
              media_type: file.mediaType,
              size_bytes: file.content.length,
              sha256: file.sha256,
              content: bytea(file.content),
              stripped: file.stripped,
            })
            .onConflict((oc) =>
              oc.columns(['municipality_id', 'application_id', 'sha256']).where('deleted_at', 'is', null).doNothing(),
            )
            .returning(VIEW_COLUMNS)
            .executeTakeFirst();
      const row = found ?? inserted ?? (await existing());
      if (!row) throw new Error('a document with these bytes was neither found nor stored');
      documents.push(toView(row));
      if (inserted) created.push(toView(inserted));
    }
    if (created.length > 0 && app.status !== 'draft') {
      await tx
        .insertInto('application_event')
        .values({
          application_id: scope.applicationId,
          municipality_id: scope.municipality,
          status: app.status,
          actor: input.uploadedBy,
          note: JSON.stringify({ documentsAdded: created.map((d) => d.id), purpose }),
        })
        .execute();
    }
    // The audit entries last: they hold the log's lock until the commit.
    for (const d of created) {
      await appendAudit(tx, {
        actor: input.uploadedBy,
        role: 'applicant',
        municipalityId: scope.municipality,
        action: 'write',
        objectType: 'document',
        objectId: d.id,
        purpose: 'document-uploaded',
        details: { application: scope.applicationId, mediaType: d.mediaType, size: d.size, stripped: d.stripped },
      });
    }
    return { ok: true, documents, created: created.map((d) => d.id) };
  });
}

/** The application's documents (not removed), oldest first. */
export async function listDocuments(db: Kysely<Database>, scope: ApplicationScope): Promise<DocumentView[]> {
  const rows = await db
    .selectFrom('document')
    .select(VIEW_COLUMNS)
    .where('municipality_id', '=', scope.municipality)
    .where('application_id', '=', scope.applicationId)
    .where('deleted_at', 'is', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toView);
}

/** One document's description (not removed), or undefined. */
export async function findDocument(
  db: Kysely<Database>,
  scope: ApplicationScope,
  documentId: string,
): Promise<DocumentView | undefined> {
  const row = await db
    .selectFrom('document')
    .select(VIEW_COLUMNS)
    .where('id', '=', documentId)
    .where('municipality_id', '=', scope.municipality)
    .where('application_id', '=', scope.applicationId)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return row ? toView(row) : undefined;
}

/** One document's stored bytes. */
export async function documentContent(
  db: Kysely<Database>,
  scope: ApplicationScope,
  documentId: string,
): Promise<Uint8Array> {
  const row = await db
    .selectFrom('document')
    .select(sql<string>`encode(content, 'base64')`.as('content'))
    .where('id', '=', documentId)
    .where('municipality_id', '=', scope.municipality)
    .where('application_id', '=', scope.applicationId)
    .executeTakeFirstOrThrow();
  return Buffer.from(row.content, 'base64');
}

export type DeleteOutcome = 'deleted' | 'already-deleted' | 'not-found' | 'not-draft';

/**
 * The applicant removes a document from their draft: it is marked removed (kept for the audit
 * trail, never shown again). Once the application is submitted the document is part of the case
 * and stays. A second removal of the same document answers as the first.
 */
export async function deleteDocument(
  db: Kysely<Database>,
  scope: ApplicationScope & { readonly applicant: string },
  documentId: string,
  actor: string,
): Promise<DeleteOutcome> {
  return db.transaction().execute(async (tx) => {
    const app = await ownApplication(tx, scope, true);
    if (!app) return 'not-found';
    const doc = await tx
      .selectFrom('document')
      .select('deleted_at')
      .where('id', '=', documentId)
      .where('municipality_id', '=', scope.municipality)
      .where('application_id', '=', scope.applicationId)
      .executeTakeFirst();
    if (!doc) return 'not-found';
    if (doc.deleted_at !== null) return 'already-deleted';
    if (app.status !== 'draft') return 'not-draft';
    await tx
      .updateTable('document')
      .set({ deleted_at: new Date() })
      .where('id', '=', documentId)
      .where('municipality_id', '=', scope.municipality)
      .execute();
    await appendAudit(tx, {
      actor,
      role: 'applicant',
      municipalityId: scope.municipality,
      action: 'write',
      objectType: 'document',
      objectId: documentId,
      purpose: 'document-deleted',
      details: { application: scope.applicationId },
    });
    return 'deleted';
  });
}
