/** The database's tables as Kysely sees them. One interface per table; migrations are the truth. */
import type { ColumnType, Generated } from 'kysely';
import type { LetterTables } from './schema-letters.ts';
import type { PaymentTables } from './schema-payments.ts';
import type { SamplingTables } from './schema-sampling.ts';
import type { WebSessionTables } from './schema-web.ts';
import type { MeetingTables } from './schema-meetings.ts';
import type { DocumentTables } from './schema-documents.ts';
import type { ConversationTables } from './schema-conversations.ts';
import type { AdjustmentTables } from './schema-adjustments.ts';
import type { LabourMarketTables } from './schema-labour-market.ts';
import type { AdministrationTables } from './schema-administration.ts';

/** A timestamptz with a database default (optional on insert). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** jsonb: written as a JSON string, read as parsed JSON (validated by the repository). */
type Json = ColumnType<unknown, string, string>;

export interface MunicipalityTable {
  id: string;
  name: string;
  code: string;
  host_id: string | null;
  settings: Json;
  guidelines: ColumnType<unknown, string | undefined, string>;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Changes made through administration (migration 0018). */
  version: Generated<number>;
}

/**
 * The append-only, hash-chained audit log (migration 0003, src/audit.ts). Nothing is updatable,
 * even in the types. `id` is bigint: pg returns it as a string, PGlite as a number — read it as
 * `id::text`.
 */
export interface AuditLogTable {
  id: ColumnType<string | number, never, never>;
  at: ColumnType<Date, Date | string, never>;
  actor: ColumnType<string, string, never>;
  role: ColumnType<string, string, never>;
  municipality_id: ColumnType<string | null, string | null, never>;
  action: ColumnType<'read' | 'write', 'read' | 'write', never>;
  object_type: ColumnType<string, string, never>;
  object_id: ColumnType<string | null, string | null, never>;
  purpose: ColumnType<string, string, never>;
  /** jsonb object: written as a JSON string, read as parsed JSON. */
  details: ColumnType<unknown, string | undefined, never>;
  prev_hash: ColumnType<string, string, never>;
  hash: ColumnType<string, string, never>;
}

export interface ApplicationTable {
  id: string;
  municipality_id: string;
  /** The applicant's personnummer: secret, never logged or put in a URL. */
  applicant: string;
  kind: 'new' | 'renewal' | 'supplementary';
  month: string;
  status: ApplicationStatus;
  draft: Json | null;
  snapshot: Json | null;
  client_key: string | null;
  duplicate_of: string | null;
  submitted_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
  /** Whether someone in the household has protected identity; null until the register has answered. */
  protected_identity: ColumnType<boolean | null, boolean | null | undefined, boolean | null>;
  /** The applicant's chosen language (sv, en, ar, so, ti, prs, uk): the letters follow it. */
  lang: ColumnType<string, string | undefined, string>;
  /** How it was sent: the citizen web (`web`) or another client (`api`); null until submitted. */
  channel: ColumnType<'web' | 'api' | null, 'web' | 'api' | null | undefined, 'web' | 'api'>;
  /** The caseworker working on the case (subject and name), since when; null: in the queue. */
  assigned_to: ColumnType<string | null, string | null | undefined, string | null>;
  assigned_name: ColumnType<string | null, string | null | undefined, string | null>;
  assigned_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export type ApplicationStatus =
  'draft' | 'received' | 'collecting' | 'assessing' | 'decided' | 'needs-person' | 'waiting-applicant' | 'withdrawn';

export interface ApplicationEventTable {
  id: Generated<string>;
  application_id: string;
  municipality_id: string;
  at: Timestamp;
  status: string;
  actor: string;
  note: Json | null;
}

export interface EvidenceTable {
  id: Generated<string>;
  application_id: string;
  municipality_id: string;
  source: string;
  fetched_at: Timestamp;
  data: Json;
}

export interface FlagTable {
  id: Generated<string>;
  application_id: string;
  municipality_id: string;
  check_id: string;
  outcome: 'flag' | 'block';
  text: Json;
  status: Generated<'open' | 'acknowledged' | 'resolved'>;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
  closed_by: string | null;
  close_note: Json | null;
}

export interface DecisionTable {
  id: string;
  application_id: string;
  municipality_id: string;
  outcome: 'bifall' | 'delavslag' | 'avslag' | 'avvisning';
  amount_ore: ColumnType<string, number | string, number | string>;
  automated: boolean;
  decided_by: string;
  reasons: Json;
  receipt: Json;
  created_at: Timestamp;
  /** The calculation version the decision was made on (null for decisions before migration 0005). */
  calculation_id: ColumnType<string | null, string | null | undefined, never>;
  /** The deciding person's own written reasons; null for automated decisions. */
  statement: ColumnType<string | null, string | null | undefined, never>;
  /** The deciding person's name, for the letter (migration 0008); null for automated decisions. */
  decided_by_name: ColumnType<string | null, string | null | undefined, never>;
}

/** Every calculation of a case, numbered: version 1 by the system, later ones by a person with a reason. */
export interface CalculationTable {
  id: string;
  application_id: string;
  municipality_id: string;
  version: number;
  receipt: Json;
  amount_ore: ColumnType<string, number | string, never>;
  proposed_outcome: 'bifall' | 'delavslag' | 'avslag' | 'avvisning';
  created_by: string;
  reason: string | null;
  created_at: Timestamp;
}

/** A request to the applicant to complete the application, and the answer. */
export interface CompletionRequestTable {
  id: Generated<string>;
  application_id: string;
  municipality_id: string;
  requested_by: string;
  message: string;
  /** JSON array of the items asked for (strings). */
  items: Json;
  due_date: ColumnType<string, string, never>;
  requested_at: Timestamp;
  answered_at: NullableTimestamp;
  answer_key: string | null;
  answer_message: string | null;
  /** A corrected application form, validated like a submission; null when the answer is only a message. */
  answer_content: Json | null;
}

/** A recovery claim (återkrav, SoL 9 kap. 1 or 2 §) against a household. */
export interface RecoveryClaimTable {
  id: string;
  municipality_id: string;
  /** The household's applicant (personnummer): secret, never logged. */
  applicant: string;
  application_id: string | null;
  amount_ore: ColumnType<string, number | string, never>;
  basis: 'sol-9-1' | 'sol-9-2';
  reason: string;
  decided_on: ColumnType<string, string, never>;
  created_by: string;
  /** The client's Idempotency-Key: a retry records nothing twice. */
  client_key: string;
  created_at: Timestamp;
}

export interface JobTable {
  id: Generated<string>;
  municipality_id: string;
  application_id: string;
  run_at: Timestamp;
  attempts: Generated<number>;
  locked_by: string | null;
  locked_until: NullableTimestamp;
  last_error: string | null;
  done_at: NullableTimestamp;
  created_at: Timestamp;
}

export interface RulebookConfirmationTable {
  id: Generated<string>;
  year: number;
  rulebook_hash: string;
  confirmed_by: string;
  second_by: string;
  note: string;
  confirmed_at: Timestamp;
}

export interface AlertTable {
  id: Generated<string>;
  municipality_id: string;
  application_id: string;
  kind: 'decision-overdue';
  created_at: Timestamp;
  resolved_at: NullableTimestamp;
}

export interface Database
  extends
    PaymentTables,
    SamplingTables,
    LetterTables,
    WebSessionTables,
    MeetingTables,
    DocumentTables,
    ConversationTables,
    AdjustmentTables,
    LabourMarketTables,
    AdministrationTables {
  alert: AlertTable;
  rulebook_confirmation: RulebookConfirmationTable;
  municipality: MunicipalityTable;
  application: ApplicationTable;
  application_event: ApplicationEventTable;
  evidence: EvidenceTable;
  flag: FlagTable;
  decision: DecisionTable;
  calculation: CalculationTable;
  completion_request: CompletionRequestTable;
  recovery_claim: RecoveryClaimTable;
  job: JobTable;
  audit_log: AuditLogTable;
}
