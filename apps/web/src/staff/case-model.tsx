/**
 * The caseworker's case as the server gives it (GET …/cases/{id}, …/adjustments, …/messages,
 * …/letters), and what the case's parts share: who a person in the form is, a server problem as
 * errors at the form's fields, and today's date in Sweden for due dates.
 */
import type { TFunction } from 'i18next';
import { ApiError } from '../api';
import { problemText } from '../components';
import type { ShownError } from '../components';

export type Bilingual = { readonly sv: string; readonly en: string };
export const OUTCOMES = ['bifall', 'delavslag', 'avslag', 'avvisning'] as const;
export type Outcome = (typeof OUTCOMES)[number];
export const ADVERSE = ['delavslag', 'avslag', 'avvisning'] as const;

export interface Flag {
  readonly id: string;
  readonly check: string;
  readonly outcome: 'flag' | 'block';
  readonly text: unknown;
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly createdAt?: string;
  readonly closedAt?: string | null;
  readonly closedBy: string | null;
  readonly closeNote: unknown;
}

export interface Line {
  readonly n: number;
  readonly amountOre: number;
  readonly text: Bilingual;
  readonly references?: readonly { act: string; provision?: string }[];
}

export interface Calculation {
  readonly version: number;
  readonly amount: number;
  readonly proposedOutcome: Outcome;
  readonly createdBy: string;
  readonly reason: string | null;
  readonly createdAt: string;
  readonly receipt: { readonly lines?: readonly Line[] };
}

/** The application form (ApplicationContent) as far as the case view shows it. */
export interface Content {
  readonly household?: {
    readonly adults?: readonly { readonly personnummer?: string; readonly name?: string }[];
    readonly children?: readonly { readonly personnummer?: string; readonly lunchAtHome?: boolean }[];
  };
  readonly residence?: { readonly type?: string; readonly daysAway?: number };
  readonly incomes?: readonly { readonly type: string; readonly person?: string; readonly amount: number }[];
  readonly costs?: readonly { readonly type: string; readonly amount: number }[];
  readonly assets?: readonly { readonly type: string; readonly value: number }[];
  readonly labourMarket?: readonly {
    readonly person: string;
    readonly situation?: string;
    readonly registeredAtArbetsformedlingen?: boolean;
  }[];
  readonly paymentAccount?: { readonly clearing?: string; readonly account?: string; readonly holder?: string };
}

export interface Evidence {
  readonly source: string;
  readonly fetchedAt: string;
  readonly data: {
    readonly partial?: boolean;
    readonly register?: {
      readonly members: readonly { readonly personnummer: string }[];
      readonly municipalityCode: string;
      readonly protectedIdentity: boolean;
    };
    readonly incomes?: readonly {
      readonly personnummer: string;
      readonly type: string;
      readonly month: string;
      readonly amountOre: number;
    }[];
    readonly registered?: readonly { readonly personnummer: string; readonly registered: boolean }[];
    readonly studying?: readonly string[];
    readonly vehicles?: readonly { readonly personnummer: string; readonly valueOre: number }[];
    readonly pending?: readonly { readonly personnummer: string; readonly type: string }[];
  };
}

export interface TimelineEvent {
  readonly at: string;
  readonly status: string;
  readonly actor: string;
  readonly note: unknown;
}

export interface CaseView {
  readonly id: string;
  readonly municipality: string;
  readonly kind: string;
  readonly month: string;
  readonly status: string;
  readonly submittedAt: string | null;
  readonly snapshot: Content | null;
  readonly content: Content | null;
  readonly timeline: readonly TimelineEvent[];
  readonly assignedTo: { readonly subject: string; readonly name: string | null; readonly since: string } | null;
  readonly late: { readonly since: string } | null;
  readonly flags: readonly Flag[];
  readonly evidence: readonly Evidence[];
  readonly calculations: readonly Calculation[];
  readonly completionRequest: {
    readonly id: string;
    readonly message: string;
    readonly items: readonly string[];
    readonly dueDate: string;
    readonly requestedAt: string;
    readonly answeredAt: string | null;
  } | null;
  readonly kommuniceringar: readonly {
    readonly id: string;
    readonly plannedOutcome: string;
    readonly amount: number;
    readonly reasons: string;
    readonly dueDate: string;
    readonly sentBy: string;
    readonly sentAt: string;
  }[];
  readonly appeal: { readonly id: string; readonly status: string } | null;
  readonly sampleCheck: { readonly id: string; readonly status: string } | null;
  readonly decision: {
    readonly outcome: Outcome;
    readonly amount: number;
    readonly automated: boolean;
    readonly decidedBy: string;
    readonly statement: string | null;
    readonly decidedAt: string;
  } | null;
}

export interface Adjustment {
  readonly id: string;
  readonly kind: 'cost' | 'income';
  readonly type: string;
  readonly person: string | null;
  readonly from: number | null;
  readonly to: number;
  readonly reason: string;
  readonly madeBy: string;
  readonly madeAt: string;
  readonly basedOnVersion: number;
  readonly calculationVersion: number;
  readonly previousAmount: number;
  readonly amount: number;
  readonly needsSecond: boolean;
  readonly status: 'approved' | 'awaiting-second' | 'rejected';
  readonly approvedBy: string | null;
  readonly rejectedBy: string | null;
  readonly rejectionNote: string | null;
  readonly superseded: boolean;
}

/** The signed-in caseworker and what they may do on this case. */
export interface Actor {
  readonly subject: string | undefined;
  readonly name: string | null;
  /** A caseworker (may act); an auditor only reads. */
  readonly caseworker: boolean;
}

/** A person of the form (a0, a1, c0 …) in words. */
export function personLabel(t: TFunction, person: string | null | undefined): string {
  if (person === null || person === undefined) return t('staff:case.person.household');
  if (person === 'a0') return t('staff:case.person.applicant');
  if (person === 'a1') return t('staff:case.person.coApplicant');
  return t('staff:case.person.child', { n: Number(person.slice(1)) + 1 });
}

/**
 * A failed write as errors at the form's fields: each field error the server names goes to the
 * field's element (`fieldIds`), anything else (a conflict, a lost connection) to `fallbackId`.
 */
export function errorsFrom(e: unknown, fieldIds: Record<string, string>, fallbackId: string, fallback: string) {
  const fields = e instanceof ApiError ? e.fieldErrors : [];
  const shown: ShownError[] = fields.map((f) => ({
    id: fieldIds[f.field.split(/[.[/]/)[0] ?? ''] ?? fallbackId,
    message: f.message,
  }));
  return shown.length > 0 ? shown : [{ id: fallbackId, message: problemText(e, fallback) }];
}

/** The error of one field, for its `error` prop. */
export function errorAt(errors: readonly ShownError[], id: string): string | undefined {
  return errors.find((e) => e.id === id)?.message;
}

/** Today's date in Sweden, YYYY-MM-DD (the browser's clock). */
export function swedishToday(): string {
  return new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

/** A date `days` after today in Sweden, YYYY-MM-DD. */
export function swedishInDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}
