/**
 * The application form's model on the page: the draft as the server keeps it (the shape of
 * ApplicationContent, so the server's field errors point straight at our fields), the steps, and
 * the checks a step makes before going on. The server checks everything again at submission.
 */
import Personnummer from 'personnummer';
import { ApiError, api } from './api';

export { COST_TYPES, INCOME_TYPES } from '@tillit/rules/catalogue';
export const ASSET_TYPES = ['bank', 'vehicle', 'property', 'shares', 'other'] as const;
export const RESIDENCE_TYPES = ['rental', 'sublet', 'owned', 'lodger', 'homeless', 'other'] as const;
export const SITUATIONS = ['jobseeker', 'employed', 'student', 'sick', 'parental-leave', 'other'] as const;

/** An amount as typed: kept as text until it is a valid number, so nothing typed is lost. */
export type Amount = number | string;

export interface Draft {
  household?: {
    adults?: { personnummer?: string; name?: string }[];
    children?: { personnummer?: string; lunchAtHome?: boolean; daysAtHome?: number }[];
  };
  residence?: { type?: string; daysAway?: number };
  incomes?: { type: string; person?: string; amount: Amount }[];
  costs?: { type: string; amount: Amount }[];
  assets?: { type: string; value: Amount }[];
  labourMarket?: { person: string; situation?: string; registeredAtArbetsformedlingen?: boolean }[];
  paymentAccount?: { clearing?: string; account?: string; holder?: 'a0' | 'a1' };
  attestation?: { truthful?: boolean; informedAboutChecks?: boolean };
  /** Page state, not part of the application: which sections changed (re-application) and yes/no answers. */
  ui?: {
    /** The furthest step reached (for the anonymous drop-off metric). */
    step?: Step;
    prefilledFrom?: string;
    changed?: Partial<Record<Section, boolean>>;
    hasIncome?: boolean;
    hasAssets?: boolean;
    coApplicant?: boolean;
  };
}

export const SECTIONS = ['household', 'housing', 'incomes', 'assets', 'work', 'payment'] as const;
export type Section = (typeof SECTIONS)[number];
export type Step = 'changes' | Section | 'review';

/** URL segment of each step (Swedish, as the rest of the site's paths). */
export const STEP_PATH: Record<Step, string> = {
  changes: 'andringar',
  household: 'hushall',
  housing: 'boende',
  incomes: 'inkomster',
  assets: 'tillgangar',
  work: 'arbete',
  payment: 'utbetalning',
  review: 'granska',
};

/** The steps of this application: all for a new one; a re-application asks what changed first. */
export function stepsOf(draft: Draft): Step[] {
  if (!draft.ui?.prefilledFrom) return [...SECTIONS, 'review'];
  const changed = draft.ui.changed ?? {};
  return ['changes', ...SECTIONS.filter((s) => changed[s] === true), 'review'];
}

/** The step a server field error belongs to, from its JSON pointer. */
export function stepOfPointer(pointer: string): Step {
  const top = pointer.split('/')[1] ?? '';
  if (top === 'household') return 'household';
  if (top === 'residence' || top === 'costs') return 'housing';
  if (top === 'incomes') return 'incomes';
  if (top === 'assets') return 'assets';
  if (top === 'labourMarket') return 'work';
  if (top === 'paymentAccount') return 'payment';
  return 'review';
}

/** The element id of the field a JSON pointer names, e.g. /household/adults/1/personnummer → f-household-adults-1-personnummer. */
export function fieldId(pointer: string): string {
  return `f${pointer.replace(/[^A-Za-z0-9]+/g, '-')}`;
}

export type AmountProblem = 'required' | 'not-a-number' | 'negative' | 'decimals' | 'too-large';

/** Parses an amount in kronor as people type it: "1 234,50", "1234.5", "800 kr". */
export function parseAmount(text: string): { ok: true; value: number } | { ok: false; problem: AmountProblem } {
  const cleaned = text
    .replace(/kr\.?$/i, '')
    .replace(/[\s\u00a0\u202f]/g, '')
    .replace(',', '.');
  if (cleaned === '') return { ok: false, problem: 'required' };
  if (/^[-\u2212]/.test(cleaned)) return { ok: false, problem: 'negative' };
  if (!/^\d+(\.\d+)?$/.test(cleaned)) return { ok: false, problem: 'not-a-number' };
  if (/\.\d{3,}$/.test(cleaned)) return { ok: false, problem: 'decimals' };
  const value = Number(cleaned);
  if (value > 10_000_000) return { ok: false, problem: 'too-large' };
  return { ok: true, value };
}

/** A personnummer as the server stores it (12 digits), or undefined when it is not valid. */
export function normalizePersonnummer(text: string): string | undefined {
  try {
    if (!Personnummer.valid(text.trim())) return undefined;
    return Personnummer.parse(text.trim()).format(true);
  } catch {
    return undefined;
  }
}

/** The draft's payload for the server: the page state is kept too (drafts are free-form until submitted). */
export function amountText(a: Amount | undefined): string {
  if (a === undefined) return '';
  return typeof a === 'number' ? String(a).replace('.', ',') : a;
}

/** An amount for showing: formatted when it is a valid number, else as typed. */
export function amountNumber(a: Amount | undefined): number | undefined {
  if (a === undefined) return undefined;
  if (typeof a === 'number') return a;
  const p = parseAmount(a);
  return p.ok ? p.value : undefined;
}

export interface ApplicationView {
  readonly id: string;
  readonly municipality: string;
  readonly kind: 'new' | 'renewal' | 'supplementary';
  readonly month: string;
  readonly status: string;
  readonly draft: Draft | null;
}

interface Prefill {
  readonly fromApplication: string;
  readonly content: Draft;
}

/** Starts an application for the month: a re-application prefilled from the last one when there is one. */
export async function createApplication(municipality: string, month: string): Promise<string> {
  let prefill: Prefill | undefined;
  try {
    prefill = await api<Prefill>(`/api/v1/municipalities/${municipality}/applications/prefill`);
  } catch (e) {
    // 404: nothing before, a new application. Anything else is a problem to show, not a guess.
    if (!(e instanceof ApiError && e.status === 404)) throw e;
  }
  const draft: Draft = prefill
    ? { ...prefill.content, ui: { prefilledFrom: prefill.fromApplication, changed: {} } }
    : {};
  const created = await api<{ id: string }>(`/api/v1/municipalities/${municipality}/applications`, {
    method: 'POST',
    body: { kind: prefill ? 'renewal' : 'new', month, draft },
  });
  return created.id;
}

/** An amount as the server takes it: a number when the text is one, else the text (the server names the field). */
function amountOf(a: Amount): Amount {
  if (typeof a === 'number') return a;
  const p = parseAmount(a);
  return p.ok ? p.value : a;
}

/** What the server validates at submission: the draft without page state, amounts as numbers. */
export function contentOf(draft: Draft): Record<string, unknown> {
  const { ui: _ui, ...content } = draft;
  return {
    ...content,
    ...(draft.costs ? { costs: draft.costs.map((c) => ({ ...c, amount: amountOf(c.amount) })) } : {}),
    ...(draft.incomes ? { incomes: draft.incomes.map((c) => ({ ...c, amount: amountOf(c.amount) })) } : {}),
    ...(draft.assets ? { assets: draft.assets.map((c) => ({ ...c, value: amountOf(c.value) })) } : {}),
  };
}

/** Without the co-applicant: nothing of theirs stays (incomes, work, their account as the payee). */
export function withoutCoApplicant(draft: Draft): Draft {
  const adults = draft.household?.adults ?? [{}];
  const { holder: _holder, ...account } = draft.paymentAccount ?? {};
  return {
    ...draft,
    household: { ...draft.household, adults: [adults[0]!] },
    incomes: (draft.incomes ?? []).filter((i) => i.person !== 'a1'),
    labourMarket: (draft.labourMarket ?? []).filter((l) => l.person !== 'a1'),
    ...(draft.paymentAccount ? { paymentAccount: account } : {}),
  };
}

/** Without child `index`: the child's incomes go too, and the later children's move up one place. */
export function withoutChild(draft: Draft, index: number): Draft {
  const renumber = (p: string | undefined) => {
    const m = p === undefined ? null : /^c(\d+)$/.exec(p);
    if (!m) return p;
    const n = Number(m[1]);
    return n > index ? `c${n - 1}` : p;
  };
  return {
    ...draft,
    household: { ...draft.household, children: (draft.household?.children ?? []).filter((_, j) => j !== index) },
    incomes: (draft.incomes ?? [])
      .filter((i) => i.person !== `c${index}`)
      .map((i) => ({ ...i, ...(i.person !== undefined ? { person: renumber(i.person)! } : {}) })),
  };
}
