/**
 * Searching a municipality's part of the audit log, newest first with a keyset cursor, and
 * writing a selection as CSV (RFC 4180) or NDJSON. Only entries whose municipality_id is the
 * municipality's: system-wide entries (null) and other municipalities' never appear.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { AUDIT_LOG_COLUMNS, canonicalJson } from '../audit.ts';
import type { AuditAction, JsonValue } from '../audit.ts';
import type { Database } from '../db/schema.ts';

/** The filters an auditor can combine (all optional; all must hold). */
export interface AuditLogFilter {
  /** First day, YYYY-MM-DD in Swedish time (inclusive). */
  readonly from?: string;
  /** Last day, YYYY-MM-DD in Swedish time (inclusive). */
  readonly to?: string;
  readonly actor?: string;
  /** A role the actor acted in: matches the role column or one of its comma-separated roles. */
  readonly role?: string;
  readonly action?: AuditAction;
  readonly objectType?: string;
  readonly objectId?: string;
  /** Entries about a case: its id as the object, or as `details.application` (e.g. a decision's entry). */
  readonly caseId?: string;
  readonly purpose?: string;
}

/** The filter names, in a fixed order (the audit entry of a search lists the names used, never the values). */
export const FILTER_NAMES = [
  'from',
  'to',
  'actor',
  'role',
  'action',
  'objectType',
  'objectId',
  'caseId',
  'purpose',
] as const satisfies readonly (keyof AuditLogFilter)[];

export function usedFilters(filter: AuditLogFilter): string[] {
  return FILTER_NAMES.filter((n) => filter[n] !== undefined);
}

/** One entry as the auditor sees it. */
export interface AuditLogEntryView {
  readonly id: string;
  readonly at: string;
  readonly municipality: string;
  readonly actor: string;
  readonly role: string;
  readonly action: AuditAction;
  readonly objectType: string;
  readonly objectId: string | null;
  readonly purpose: string;
  readonly details: JsonValue;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditLogPage {
  readonly entries: readonly AuditLogEntryView[];
  /** The cursor for the next (older) page, as `before`; null on the last page. */
  readonly next: string | null;
}

/**
 * At most `limit` of the municipality's entries matching the filter, newest first, older than
 * the entry `before` (an id) when given.
 */
export async function searchAuditLog(
  db: Kysely<Database>,
  municipality: string,
  filter: AuditLogFilter,
  page: { readonly limit: number; readonly before?: string },
): Promise<AuditLogPage> {
  let q = db.selectFrom('audit_log').select(AUDIT_LOG_COLUMNS).where('municipality_id', '=', municipality);
  if (filter.from !== undefined)
    q = q.where(sql<boolean>`at >= (${filter.from}::date)::timestamp at time zone 'Europe/Stockholm'`);
  if (filter.to !== undefined)
    q = q.where(sql<boolean>`at < ((${filter.to}::date + 1)::timestamp) at time zone 'Europe/Stockholm'`);
  if (filter.actor !== undefined) q = q.where('actor', '=', filter.actor);
  if (filter.role !== undefined)
    q = q.where(sql<boolean>`(role = ${filter.role} or ${filter.role} = any(string_to_array(role, ',')))`);
  if (filter.action !== undefined) q = q.where('action', '=', filter.action);
  if (filter.objectType !== undefined) q = q.where('object_type', '=', filter.objectType);
  if (filter.objectId !== undefined) q = q.where('object_id', '=', filter.objectId);
  if (filter.caseId !== undefined)
    q = q.where(sql<boolean>`(object_id = ${filter.caseId} or details ->> 'application' = ${filter.caseId})`);
  if (filter.purpose !== undefined) q = q.where('purpose', '=', filter.purpose);
  if (page.before !== undefined) q = q.where(sql<boolean>`id < ${page.before}::bigint`);
  // One more than asked tells whether there is a next page.
  const rows = await q
    .orderBy('audit_log.id', 'desc')
    .limit(page.limit + 1)
    .execute();
  const entries = rows.slice(0, page.limit).map((r): AuditLogEntryView => ({
    id: r.id,
    at: new Date(r.at).toISOString(),
    municipality: r.municipality_id!,
    actor: r.actor,
    role: r.role,
    action: r.action,
    objectType: r.object_type,
    objectId: r.object_id,
    purpose: r.purpose,
    details: r.details as JsonValue,
    prevHash: r.prev_hash,
    hash: r.hash,
  }));
  return { entries, next: rows.length > page.limit ? entries[entries.length - 1]!.id : null };
}

/** The columns of an export, in order; CSV's header row names them. */
export const EXPORT_COLUMNS = [
  'id',
  'at',
  'municipality',
  'actor',
  'role',
  'action',
  'objectType',
  'objectId',
  'purpose',
  'details',
  'prevHash',
  'hash',
] as const satisfies readonly (keyof AuditLogEntryView)[];

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function cell(entry: AuditLogEntryView, column: (typeof EXPORT_COLUMNS)[number]): string {
  const v = entry[column];
  if (v === null) return '';
  // details as canonical JSON: the same text the entry's hash covers.
  return column === 'details' ? canonicalJson(v as JsonValue) : String(v);
}

/** RFC 4180 CSV: a header row, then one record per entry, every line ended by CRLF. */
export function toCsv(entries: readonly AuditLogEntryView[]): string {
  const lines = [
    EXPORT_COLUMNS.join(','),
    ...entries.map((e) => EXPORT_COLUMNS.map((c) => csvField(cell(e, c))).join(',')),
  ];
  return lines.map((l) => `${l}\r\n`).join('');
}

/** Newline-delimited JSON: one entry per line, the same fields as the search answers. */
export function toNdjson(entries: readonly AuditLogEntryView[]): string {
  return entries.map((e) => `${JSON.stringify(e)}\n`).join('');
}
