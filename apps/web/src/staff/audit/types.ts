/** What the audit API answers (apps/server/src/routes/audit.ts). */

export interface AuditEntry {
  readonly id: string;
  readonly at: string;
  readonly municipality: string;
  readonly actor: string;
  readonly role: string;
  readonly action: 'read' | 'write';
  readonly objectType: string;
  readonly objectId: string | null;
  readonly purpose: string;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly next: string | null;
}

export interface ChainVerification {
  readonly ok: boolean;
  readonly checked: number;
  readonly head: { readonly id: string; readonly hash: string; readonly at: string } | null;
  readonly firstBroken?: { readonly where: 'own' | 'elsewhere'; readonly id?: string; readonly reason?: string };
}

export interface Totals {
  readonly norm: number;
  readonly costs: number;
  readonly income: number;
  readonly amount: number;
  readonly surplus: number;
}

export type ReplayReason =
  'mismatch' | 'invalid-receipt' | 'engine-changed' | 'decision-amount' | 'calculation-differs';

export interface DecisionReplay {
  readonly case: string;
  readonly municipality: string;
  readonly decision: {
    readonly id: string;
    readonly outcome: string;
    readonly amount: number;
    readonly automated: boolean;
    readonly decidedAt: string;
    readonly calculationVersion: number | null;
  };
  readonly matches: boolean;
  readonly reason: ReplayReason | null;
  readonly checks: {
    readonly receipt: boolean;
    readonly decisionAmount: boolean | null;
    readonly calculation: boolean | null;
  };
  readonly message: string | null;
  readonly rulebook: { readonly id: string | null; readonly version: string | null; readonly hash: string | null };
  readonly engine: string | null;
  readonly stored: Totals | null;
  readonly replayed: Totals | null;
  readonly lines: readonly {
    readonly n: number;
    readonly rule: string | null;
    readonly stored: number | null;
    readonly replayed: number | null;
  }[];
  readonly differences: readonly string[];
}

/** The search form's filters, as the API names them. */
export const FILTERS = [
  'from',
  'to',
  'caseId',
  'actor',
  'role',
  'action',
  'objectType',
  'objectId',
  'purpose',
] as const;
export type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The query string of the filters that have a value. */
export function filterQuery(filters: Filters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const f of FILTERS) {
    const v = filters[f]?.trim();
    if (v) params.set(f, v);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (s: string) => UUID.test(s);

/** The case an entry is about, when it is one: its object, or the application its details name. */
export function caseOf(e: AuditEntry): string | null {
  if ((e.objectType === 'case' || e.objectType === 'application') && e.objectId && isUuid(e.objectId))
    return e.objectId;
  const app = (e.details as { application?: unknown } | null)?.application;
  return typeof app === 'string' && isUuid(app) ? app : null;
}
