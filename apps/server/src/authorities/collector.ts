/**
 * Collects the authorities' data for an application (our SSBTEK): one call per source and
 * person for months M−1 and M−2, each answer validated, reduced to the fields the checks need
 * and stored as evidence (source, time, data). A source that is down makes the case wait; what
 * was already fetched is kept, so a retry asks only for what is missing.
 */
import type { Kysely } from 'kysely';
import * as z from 'zod';
import { INCOME_TYPES } from '@tillit/rules';
import { previousMonth } from '@tillit/domain';
import type { Evidence, IncomeEvidence } from '@tillit/domain';
import type { Database } from '../db/schema.ts';
import type { CollectOutcome, CollectRequest } from '../pipeline/worker.ts';
import type { ResilientClient } from './resilient-client.ts';

export const SOURCES = [
  'population-register',
  'income-register',
  'forsakringskassan',
  'csn',
  'arbetsformedlingen',
  'unemployment-fund',
  'pensionsmyndigheten',
  'transportstyrelsen',
] as const;
type Source = (typeof SOURCES)[number];

const payment = z.object({ type: z.enum(INCOME_TYPES), netOre: z.int().nonnegative() }).loose();
const monthly = z
  .object({
    partial: z.boolean(),
    months: z.array(z.object({ month: z.string(), payments: z.array(payment) }).loose()),
  })
  .loose();

const ANSWERS = {
  'population-register': z
    .object({
      partial: z.boolean(),
      municipalityCode: z.string(),
      protectedIdentity: z.boolean(),
      members: z.array(z.object({ personnummer: z.string(), protectedIdentity: z.boolean() }).loose()).optional(),
    })
    .loose(),
  'income-register': monthly,
  forsakringskassan: monthly.extend({
    pendingApplications: z.array(z.object({ benefit: z.string() }).loose()).optional(),
  }),
  csn: monthly.extend({ studies: z.array(z.object({ from: z.string(), until: z.string() }).loose()).optional() }),
  arbetsformedlingen: monthly.extend({ registration: z.object({ registered: z.boolean() }).loose().optional() }),
  'unemployment-fund': monthly,
  pensionsmyndigheten: monthly,
  transportstyrelsen: z
    .object({
      partial: z.boolean(),
      vehicles: z.array(z.object({ estimatedValueOre: z.int().nonnegative() }).loose()).optional(),
    })
    .loose(),
} as const;

/** What we keep of a source's answers: only the fields the checks read. */
interface StoredSource {
  readonly partial: boolean;
  readonly register?: Evidence['register'];
  readonly incomes: IncomeEvidence[];
  readonly registered: { personnummer: string; registered: boolean }[];
  readonly studying: string[];
  readonly vehicles: { personnummer: string; valueOre: number }[];
  readonly pending: { personnummer: string; type: string }[];
}

function emptyStored(): StoredSource {
  return { partial: false, incomes: [], registered: [], studying: [], vehicles: [], pending: [] };
}

function personsFor(source: Source, req: CollectRequest): string[] {
  const adults = req.content.household.adults.map((a) => a.personnummer);
  if (source === 'population-register') return adults.slice(0, 1);
  if (source === 'income-register') return [...adults, ...req.content.household.children.map((c) => c.personnummer)];
  return adults;
}

async function fetchSource(
  client: ResilientClient,
  source: Source,
  req: CollectRequest,
  months: string[],
): Promise<{ ok: true; stored: StoredSource } | { ok: false; detail: string }> {
  const stored = emptyStored();
  let partial = false;
  const persons = personsFor(source, req);
  const outs = await Promise.all(
    persons.map((personnummer) =>
      client.post(source, `/v1/${source}`, { personnummer, months }, (d) => ANSWERS[source].parse(d)),
    ),
  );
  for (const [i, personnummer] of persons.entries()) {
    const out = outs[i]!;
    if (!out.ok && out.kind === 'not-found') {
      if (source === 'population-register')
        Object.assign(stored, { register: { members: [], municipalityCode: '', protectedIdentity: false } });
      continue; // unknown to this source: nothing paid, nothing registered
    }
    if (!out.ok) return { ok: false, detail: out.detail };
    const a = out.value as z.infer<(typeof ANSWERS)[Source]> & Record<string, unknown>;
    partial ||= a.partial;
    if (source === 'population-register') {
      const r = a as z.infer<(typeof ANSWERS)['population-register']>;
      Object.assign(stored, {
        register: {
          members: (r.members ?? []).map((m) => ({ personnummer: m.personnummer })),
          municipalityCode: r.municipalityCode,
          protectedIdentity: r.protectedIdentity || (r.members ?? []).some((m) => m.protectedIdentity),
        },
      });
    }
    if ('months' in a && Array.isArray(a.months)) {
      for (const m of (a as z.infer<typeof monthly>).months)
        for (const p of m.payments)
          stored.incomes.push({ personnummer, type: p.type, month: m.month, amountOre: p.netOre, source });
    }
    if (source === 'arbetsformedlingen') {
      const reg = (a as z.infer<(typeof ANSWERS)['arbetsformedlingen']>).registration;
      if (reg) stored.registered.push({ personnummer, registered: reg.registered });
    }
    if (source === 'csn') {
      const studies = (a as z.infer<(typeof ANSWERS)['csn']>).studies ?? [];
      const first = `${req.month}-01`;
      if (studies.some((s) => s.from <= first && first <= s.until)) stored.studying.push(personnummer);
    }
    if (source === 'forsakringskassan') {
      for (const p of (a as z.infer<(typeof ANSWERS)['forsakringskassan']>).pendingApplications ?? [])
        stored.pending.push({ personnummer, type: p.benefit });
    }
    if (source === 'transportstyrelsen') {
      for (const v of (a as z.infer<(typeof ANSWERS)['transportstyrelsen']>).vehicles ?? [])
        stored.vehicles.push({ personnummer, valueOre: v.estimatedValueOre });
    }
  }
  return { ok: true, stored: { ...stored, partial } };
}

/** How old stored evidence may be before a new assessment fetches it again: a day. */
export const DEFAULT_EVIDENCE_MAX_AGE_MS = 24 * 3_600_000;

/** A collector for the worker, against an SSBTEK-like HTTP service (our simulator, or a gateway). */
export function authorityCollector(
  db: Kysely<Database>,
  client: ResilientClient,
  opts: { readonly evidenceMaxAgeMs?: number } = {},
) {
  const maxAgeMs = opts.evidenceMaxAgeMs ?? DEFAULT_EVIDENCE_MAX_AGE_MS;
  return async function collect(req: CollectRequest): Promise<CollectOutcome> {
    const control = previousMonth(req.month);
    const months = [control, previousMonth(control)];
    const rows = await db
      .selectFrom('evidence')
      .select(['source', 'data', 'fetched_at'])
      .where('application_id', '=', req.applicationId)
      .where('municipality_id', '=', req.municipality)
      .execute();
    // Evidence older than the limit (a case that waited, e.g. for the applicant) is fetched again.
    const fresh = rows.filter((r) => Date.now() - new Date(r.fetched_at).getTime() <= maxAgeMs);
    const have = new Map(fresh.map((r) => [r.source, r.data as StoredSource]));
    const waitingFor: string[] = [];
    const details: string[] = [];
    // The sources are independent: ask them all at once (each call has its own timeout and retries).
    const missing = SOURCES.filter((source) => !have.has(source));
    const answers = await Promise.all(missing.map((source) => fetchSource(client, source, req, months)));
    for (const [i, source] of missing.entries()) {
      const r = answers[i]!;
      if (!r.ok) {
        waitingFor.push(source);
        details.push(r.detail);
        continue;
      }
      await db
        .insertInto('evidence')
        .values({
          application_id: req.applicationId,
          municipality_id: req.municipality,
          source,
          data: JSON.stringify(r.stored),
        })
        .onConflict((oc) =>
          oc
            .columns(['application_id', 'source'])
            .doUpdateSet({ data: JSON.stringify(r.stored), fetched_at: new Date() })
            .where('evidence.fetched_at', '<', new Date(Date.now() - maxAgeMs)),
        )
        .execute();
      have.set(source, r.stored);
    }
    if (waitingFor.length > 0) return { ok: false, waitingFor, detail: details.join('; ') };

    const all = [...have.values()];
    const register = have.get('population-register')?.register ?? {
      members: [],
      municipalityCode: '',
      protectedIdentity: false,
    };
    return {
      ok: true,
      evidence: {
        register,
        incomes: all.flatMap((s) => s.incomes),
        arbetsformedlingen: all.flatMap((s) => s.registered),
        studying: all.flatMap((s) => s.studying),
        vehiclesOre: all.flatMap((s) => s.vehicles),
        pendingBenefits: all.flatMap((s) => s.pending),
        partialSources: [...have.entries()].filter(([, s]) => s.partial).map(([source]) => source),
      },
    };
  };
}
