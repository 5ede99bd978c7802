/**
 * What we already know when a person applies again: the answers of their latest submitted
 * application in the municipality (without the attestation, which is given anew every time) and
 * the incomes the authorities reported for it, each with its source and when it was fetched. The
 * re-application then asks only whether something changed.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';

export interface AuthorityIncome {
  readonly source: string;
  readonly fetchedAt: string;
  /** a0, a1 (adults) or c0… (children), positional as in the application. */
  readonly person: string;
  readonly type: string;
  readonly month: string;
  readonly amount: number;
}

export interface Prefill {
  readonly fromApplication: string;
  readonly fromMonth: string;
  readonly content: Record<string, unknown>;
  readonly authorities: readonly AuthorityIncome[];
}

interface StoredIncome {
  readonly personnummer?: unknown;
  readonly type?: unknown;
  readonly month?: unknown;
  readonly amountOre?: unknown;
}

export async function prefillFor(
  db: Kysely<Database>,
  scope: { municipality: string; applicant: string },
): Promise<Prefill | undefined> {
  const last = await db
    .selectFrom('application')
    .select(['id', 'month', 'snapshot'])
    .where('municipality_id', '=', scope.municipality)
    .where('applicant', '=', scope.applicant)
    .where('snapshot', 'is not', null)
    .where('status', '!=', 'withdrawn')
    .orderBy('month', 'desc')
    .orderBy('submitted_at', 'desc')
    .executeTakeFirst();
  if (!last?.snapshot) return undefined;
  const { attestation: _attestation, ...content } = last.snapshot as Record<string, unknown>;
  const household = (content.household ?? {}) as {
    adults?: { personnummer: string }[];
    children?: { personnummer: string }[];
  };
  const who = new Map<string, string>([
    ...(household.adults ?? []).map((a, i) => [a.personnummer, `a${i}`] as const),
    ...(household.children ?? []).map((c, i) => [c.personnummer, `c${i}`] as const),
  ]);
  const evidence = await db
    .selectFrom('evidence')
    .select(['source', 'fetched_at', 'data'])
    .where('application_id', '=', last.id)
    .where('municipality_id', '=', scope.municipality)
    .orderBy('source')
    .execute();
  const authorities: AuthorityIncome[] = evidence.flatMap((e) => {
    const incomes = ((e.data as { incomes?: StoredIncome[] } | null)?.incomes ?? []) as StoredIncome[];
    return incomes.flatMap((inc) => {
      const person = typeof inc.personnummer === 'string' ? who.get(inc.personnummer) : undefined;
      if (person === undefined || typeof inc.amountOre !== 'number' || inc.amountOre <= 0) return [];
      return [
        {
          source: e.source,
          fetchedAt: new Date(e.fetched_at).toISOString(),
          person,
          type: String(inc.type),
          month: String(inc.month),
          amount: inc.amountOre / 100,
        },
      ];
    });
  });
  return { fromApplication: last.id, fromMonth: last.month, content, authorities };
}
