/**
 * The audit log: every read and write of case data leaves an entry, appended to a hash chain.
 *
 *   hash = SHA-256 hex of (prev_hash + canonical JSON of the entry)
 *
 * where the entry is the object { action, actor, at, details, municipality_id, object_id,
 * object_type, purpose, role } (column names; `at` as an ISO 8601 UTC string with milliseconds)
 * in canonical JSON: object keys sorted by UTF-16 code units at every level, no whitespace,
 * strings and numbers as JSON.stringify writes them (the same as RFC 8785 for these values). The
 * id is not hashed, so the chain does not depend on identity values (which may have gaps). The
 * first entry's prev_hash is 64 zeros. Anyone with read access can recompute the chain; see
 * verifyAuditChain.
 *
 * Appends are serialized by a transaction-scoped advisory lock, so concurrent writers (several
 * pool connections, several server processes) never fork the chain; the unique prev_hash in the
 * table makes a fork impossible even for a writer that skipped the lock.
 *
 * Entries say who did what to which object and why — never the data itself: no identity numbers
 * (personnummer, samordningsnummer) and no payloads. appendAudit rejects strings that look like
 * identity numbers and oversized details, as a safety net.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './db/schema.ts';

/** The prev_hash of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * Key of the advisory lock that serializes appends (pg_advisory_xact_lock(bigint)). Any constant
 * that nothing else in the database locks; this one is "AUDIT" in ASCII.
 */
export const AUDIT_LOCK_KEY = 0x41_55_44_49_54;

/** Largest details object, as JSON. Details describe an access; they never carry data. */
export const MAX_DETAILS_LENGTH = 2000;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type AuditDetails = { [key: string]: JsonValue };
export type AuditAction = 'read' | 'write';

export interface AuditEntry {
  /** The user's subject (a pseudonymous id, never an identity number), or 'system'. */
  readonly actor: string;
  /** The role the actor acted in, e.g. 'handlaggare' or 'system'. */
  readonly role: string;
  /** The municipality whose data it is; null for system-wide events. */
  readonly municipalityId: string | null;
  readonly action: AuditAction;
  /** What kind of object, e.g. 'case'. */
  readonly objectType: string;
  /** Which object; null when the access is not to one object (e.g. a list). */
  readonly objectId: string | null;
  /** Why, e.g. 'case-view', 'automated-decision'. */
  readonly purpose: string;
  /** Small facts about the access (e.g. which fields, how many rows). Never identity numbers or payloads. */
  readonly details?: AuditDetails;
}

/** The hashed content of an entry, by column name. */
export interface AuditRecord {
  readonly at: string;
  readonly actor: string;
  readonly role: string;
  readonly municipality_id: string | null;
  readonly action: AuditAction;
  readonly object_type: string;
  readonly object_id: string | null;
  readonly purpose: string;
  readonly details: JsonValue;
}

export interface AppendedAudit {
  /** The entry's id (bigint, as a string). */
  readonly id: string;
  readonly hash: string;
  readonly at: Date;
}

export type AuditVerification =
  | {
      readonly ok: true;
      /** Entries checked: all of them. */
      readonly checked: number;
      /** The last entry's hash (GENESIS_HASH when empty). Keep it elsewhere to detect removal of the tail later. */
      readonly head: string;
    }
  | {
      readonly ok: false;
      /** Entries that verified before the broken one. */
      readonly checked: number;
      readonly firstBroken: { readonly id: string; readonly reason: string };
    };

/** An entry that must not be logged (and so the access must not happen). */
export class AuditEntryError extends Error {
  override readonly name = 'AuditEntryError';
}

/** JSON with object keys sorted at every level and no whitespace. */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k]!)}`).join(',')}}`;
}

/** SHA-256 hex of prev_hash followed by the record's canonical JSON. */
export function auditHash(prevHash: string, record: AuditRecord): string {
  const content: { [key: string]: JsonValue } = {
    action: record.action,
    actor: record.actor,
    at: record.at,
    details: record.details,
    municipality_id: record.municipality_id,
    object_id: record.object_id,
    object_type: record.object_type,
    purpose: record.purpose,
    role: record.role,
  };
  return createHash('sha256')
    .update(prevHash + canonicalJson(content), 'utf8')
    .digest('hex');
}

/**
 * Personnummer or samordningsnummer ([CC]YYMMDD[-+]NNNN, day + 60 for samordningsnummer), not
 * part of a longer word, number or UUID.
 */
const IDENTITY_NUMBER =
  /(?<![0-9A-Za-z-])(?:19|20)?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]|6[1-9]|[78]\d|9[01])[-+]?\d{4}(?![0-9A-Za-z-])/;

/** Whether a text holds something that looks like a personnummer or samordningsnummer. */
export function looksLikeIdentityNumber(value: string): boolean {
  return IDENTITY_NUMBER.test(value);
}

function rejectIdentityNumbers(value: JsonValue, where: string): void {
  if (typeof value === 'string') {
    if (IDENTITY_NUMBER.test(value)) {
      throw new AuditEntryError(`${where} looks like a personal identity number; the audit log must never hold one`);
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => rejectIdentityNumbers(v, `${where}[${i}]`));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      rejectIdentityNumbers(k, `${where} key ${JSON.stringify(k)}`);
      rejectIdentityNumbers(v, `${where}.${k}`);
    }
  }
}

function text(value: unknown, field: string, max: number, nullable: boolean): string | null {
  if (value === null && nullable) return null;
  if (typeof value !== 'string' || value.length < 1 || value.length > max) {
    throw new AuditEntryError(`${field} must be a string of 1 to ${max} characters${nullable ? ' or null' : ''}`);
  }
  return value;
}

/** Checks an entry and returns its columns (without `at`), details normalized as JSON. */
function toColumns(entry: AuditEntry): Omit<AuditRecord, 'at'> & { details: AuditDetails } {
  if (entry.action !== 'read' && entry.action !== 'write') {
    throw new AuditEntryError("action must be 'read' or 'write'");
  }
  // Normalize through JSON (drops undefined, turns dates into strings) so that what is hashed is
  // exactly what jsonb stores and gives back.
  const json = JSON.stringify(entry.details ?? {});
  const details = JSON.parse(json) as unknown;
  if (details === null || typeof details !== 'object' || Array.isArray(details)) {
    throw new AuditEntryError('details must be a JSON object');
  }
  if (json.length > MAX_DETAILS_LENGTH) {
    throw new AuditEntryError(`details must be at most ${MAX_DETAILS_LENGTH} characters as JSON: no payloads`);
  }
  const columns = {
    actor: text(entry.actor, 'actor', 200, false)!,
    role: text(entry.role, 'role', 100, false)!,
    municipality_id: text(entry.municipalityId, 'municipalityId', 60, true),
    action: entry.action,
    object_type: text(entry.objectType, 'objectType', 100, false)!,
    object_id: text(entry.objectId, 'objectId', 200, true),
    purpose: text(entry.purpose, 'purpose', 100, false)!,
    details: details as AuditDetails,
  };
  rejectIdentityNumbers(columns.actor, 'actor');
  if (columns.object_id !== null) rejectIdentityNumbers(columns.object_id, 'objectId');
  rejectIdentityNumbers(columns.details, 'details');
  return columns;
}

async function appendLocked(trx: Transaction<Database>, entry: AuditEntry): Promise<AppendedAudit> {
  const columns = toColumns(entry);
  // 1. The lock, held until the transaction ends. Only READ COMMITTED sees, in the next statement,
  //    what the previous holder committed; a snapshot taken earlier would fork the chain (the
  //    unique prev_hash would then refuse the insert, but better to say why).
  const { rows: locked } = await sql<{ isolation: string }>`
    select current_setting('transaction_isolation') as isolation
    from pg_advisory_xact_lock(${sql.lit(AUDIT_LOCK_KEY)})`.execute(trx);
  const isolation = locked[0]?.isolation;
  if (isolation !== 'read committed') {
    throw new Error(`appendAudit needs a READ COMMITTED transaction, not ${isolation ?? 'unknown'}`);
  }
  // 2. The chain's head and the time, after the lock (the database's clock, to the millisecond
  //    that a JavaScript Date keeps, so the stored time hashes the same when read back).
  const { rows: heads } = await sql<{ at: Date; prev_hash: string }>`
    select date_trunc('milliseconds', clock_timestamp()) as at,
      coalesce((select hash from audit_log order by id desc limit 1), ${GENESIS_HASH}) as prev_hash`.execute(trx);
  const head = heads[0]!;
  const at = new Date(head.at);
  const hash = auditHash(head.prev_hash, { ...columns, at: at.toISOString() });
  // 3. The entry.
  const inserted = await trx
    .insertInto('audit_log')
    .values({
      ...columns,
      at: at.toISOString(),
      details: JSON.stringify(columns.details),
      prev_hash: head.prev_hash,
      hash,
    })
    .returning(sql<string>`id::text`.as('id'))
    .executeTakeFirstOrThrow();
  return { id: inserted.id, hash, at };
}

/**
 * Appends an entry to the audit log and returns its id and hash.
 *
 * With a Kysely instance it runs in a transaction of its own, committed when this resolves. With a
 * Transaction it joins it: the caller's write and its audit entry commit or roll back together.
 * The lock is then held until the caller's transaction ends, so append as the last statement and
 * commit promptly (and never wait on another connection meanwhile). On PGlite (one connection),
 * never pass the Kysely instance while holding one of its transactions: pass the transaction.
 */
export async function appendAudit(
  db: Kysely<Database> | Transaction<Database>,
  entry: AuditEntry,
): Promise<AppendedAudit> {
  if (db.isTransaction) return appendLocked(db as Transaction<Database>, entry);
  toColumns(entry); // refuse a bad entry before taking a connection and the lock
  return db.transaction().execute((trx) => appendLocked(trx, entry));
}

/** A write by `who` (the audit log's actor and role) in the audit log: `appendAudit` with action 'write'. */
export function appendWrite(
  db: Kysely<Database> | Transaction<Database>,
  who: { readonly actor: string; readonly role: string },
  entry: Omit<AuditEntry, 'actor' | 'role' | 'action'>,
): Promise<AppendedAudit> {
  return appendAudit(db, { actor: who.actor, role: who.role, action: 'write', ...entry });
}

/**
 * "A read that cannot be logged is not served": appends a read entry, and only then runs `fn`. If
 * the append fails, `fn` does not run and the error propagates. With a Kysely instance the entry
 * is committed before `fn` runs; with a Transaction it commits with it (return the result from the
 * transaction callback, so that it is only served once the commit succeeded).
 */
export async function withAuditedRead<T>(
  db: Kysely<Database> | Transaction<Database>,
  entry: Omit<AuditEntry, 'action'>,
  fn: (audit: AppendedAudit) => T | Promise<T>,
): Promise<T> {
  const audit = await appendAudit(db, { ...entry, action: 'read' });
  return fn(audit);
}

interface AuditRow {
  id: string;
  at: Date | string;
  actor: string;
  role: string;
  municipality_id: string | null;
  action: AuditAction;
  object_type: string;
  object_id: string | null;
  purpose: string;
  details: unknown;
  prev_hash: string;
  hash: string;
}

/** Every column of an entry, the id as text (a bigint). */
export const AUDIT_LOG_COLUMNS = [
  sql<string>`id::text`.as('id'),
  'at',
  'actor',
  'role',
  'municipality_id',
  'action',
  'object_type',
  'object_id',
  'purpose',
  'details',
  'prev_hash',
  'hash',
] as const;

/** The rows of the whole log in id order, read a page at a time. */
async function* chainRows(db: Kysely<Database>, pageSize: number): AsyncGenerator<AuditRow> {
  let after: string | null = null;
  for (;;) {
    let query = db
      .selectFrom('audit_log')
      .select(AUDIT_LOG_COLUMNS)
      .orderBy('audit_log.id') // the bigint column, not the text alias (which would sort '10' before '2')
      .limit(pageSize);
    if (after !== null) query = query.where(sql<boolean>`id > ${after}::bigint`);
    const rows: AuditRow[] = await query.execute();
    yield* rows;
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}

/** Why an entry does not verify after the entry whose hash is `prev` (the `index`-th entry), or null when it does. */
function brokenReason(row: AuditRow, prev: string, index: number): string | null {
  if (row.prev_hash !== prev) {
    return index === 0
      ? 'prev_hash is not the genesis hash: entries before it are missing'
      : 'prev_hash does not match the previous entry: an entry was deleted, inserted or reordered';
  }
  const record: AuditRecord = {
    at: new Date(row.at).toISOString(),
    actor: row.actor,
    role: row.role,
    municipality_id: row.municipality_id,
    action: row.action,
    object_type: row.object_type,
    object_id: row.object_id,
    purpose: row.purpose,
    details: row.details as JsonValue,
  };
  return auditHash(row.prev_hash, record) !== row.hash ? 'hash does not match the entry: the entry was altered' : null;
}

/**
 * Walks the whole log in id order, a page at a time, recomputing every hash and checking that
 * every entry links to the one before it (the first to GENESIS_HASH). Reports the first entry
 * that does not verify: altered entries fail their own hash; a deleted, inserted or reordered
 * entry breaks the link of the entry after it. (Removing the newest entries leaves a valid,
 * shorter chain: compare `head` with one kept elsewhere to detect that.)
 */
export async function verifyAuditChain(
  db: Kysely<Database>,
  options: { readonly pageSize?: number } = {},
): Promise<AuditVerification> {
  let prev = GENESIS_HASH;
  let checked = 0;
  for await (const row of chainRows(db, options.pageSize ?? 1000)) {
    const reason = brokenReason(row, prev, checked);
    if (reason !== null) return { ok: false, checked, firstBroken: { id: row.id, reason } };
    prev = row.hash;
    checked += 1;
  }
  return { ok: true, checked, head: prev };
}

/** A municipality's newest entry that verified: keep its id and hash to detect a removed tail later. */
export interface AuditHead {
  readonly id: string;
  readonly hash: string;
  readonly at: string;
}

export type MunicipalAuditVerification =
  | {
      readonly ok: true;
      /** The municipality's entries checked: all of them (the whole chain was checked). */
      readonly checked: number;
      /** The municipality's newest entry; null when it has none. */
      readonly head: AuditHead | null;
      /** With `knownHash`: whether one of the municipality's entries still has that hash. */
      readonly knownHashFound?: boolean;
    }
  | {
      readonly ok: false;
      /** The municipality's entries that verified before the chain broke. */
      readonly checked: number;
      readonly head: AuditHead | null;
      /**
       * The first entry that does not verify. `own`: one of the municipality's entries, named by
       * id with the reason. `elsewhere`: another municipality's or a system-wide entry, which is
       * not named; the chain cannot be trusted from there on, for every municipality.
       */
      readonly firstBroken:
        { readonly where: 'own'; readonly id: string; readonly reason: string } | { readonly where: 'elsewhere' };
      readonly knownHashFound?: boolean;
    };

/**
 * Verifies the whole chain (it is one chain for every municipality, so it can only be checked
 * whole) and reports only what is the municipality's: how many of its entries verified, its
 * newest entry, and the first broken entry by id only if it is the municipality's own. Nothing
 * about other municipalities' entries — not their number, ids or hashes — is in the answer.
 * `knownHash`: a hash of one of the municipality's entries kept from an earlier verification;
 * the answer says whether it is still there (a removed tail otherwise leaves a valid chain).
 */
export async function verifyAuditChainFor(
  db: Kysely<Database>,
  municipalityId: string,
  options: { readonly pageSize?: number; readonly knownHash?: string } = {},
): Promise<MunicipalAuditVerification> {
  let prev = GENESIS_HASH;
  let index = 0;
  let checked = 0;
  let head: AuditHead | null = null;
  let found = false;
  const knownHashFound = () => (options.knownHash !== undefined ? { knownHashFound: found } : {});
  for await (const row of chainRows(db, options.pageSize ?? 1000)) {
    const own = row.municipality_id === municipalityId;
    const reason = brokenReason(row, prev, index);
    if (reason !== null) {
      return {
        ok: false,
        checked,
        head,
        firstBroken: own ? { where: 'own', id: row.id, reason } : { where: 'elsewhere' },
        ...knownHashFound(),
      };
    }
    if (own) {
      checked += 1;
      head = { id: row.id, hash: row.hash, at: new Date(row.at).toISOString() };
      if (row.hash === options.knownHash) found = true;
    }
    prev = row.hash;
    index += 1;
  }
  return { ok: true, checked, head, ...knownHashFound() };
}
