/**
 * What the pipeline tests share: the authority simulator, a server whose test identity provider
 * knows chosen simulated households as applicants, a worker's dependencies, and helpers to apply
 * over HTTP, run the queue and read a case's state. Everything is real: HTTP, tokens, database.
 */
import { isCleanRenewal, startAuthoritySim } from '@tillit/authority-sim';
import type { AuthoritySim, SimHousehold } from '@tillit/authority-sim';
import { authorityCollector } from '../src/authorities/collector.ts';
import { ResilientClient } from '../src/authorities/resilient-client.ts';
import type { TestUser } from '../src/auth/test-users.ts';
import { claimNext, processJob } from '../src/pipeline/worker.ts';
import type { PipelineDeps } from '../src/pipeline/worker.ts';
import { startServer } from './helpers.ts';
import type { Running } from './helpers.ts';

export const MONTH = '2026-11';
export { isCleanRenewal };

export interface ApplyOptions {
  readonly municipality?: string;
  readonly rent?: number;
  readonly month?: string;
}

export interface Harness {
  readonly sim: AuthoritySim;
  readonly server: Running;
  readonly deps: PipelineDeps;
  /** The households picked per group; the applicant of `pick[g][i]` signs in as `user(g, i)`. */
  readonly pick: Readonly<Record<string, readonly SimHousehold[]>>;
  user(group: string, index: number): string;
  /** The form a clean renewal sends (one adult, rent, registered jobseeker). */
  draft(h: SimHousehold, rent?: number): Record<string, unknown>;
  /** Creates, saves and submits an application over HTTP; returns its id. */
  apply(
    group: string,
    index: number,
    kind: 'new' | 'renewal' | 'supplementary',
    key: string,
    opts?: ApplyOptions,
  ): Promise<string>;
  /** Makes an application's waiting job due now, as if its retry time had come. */
  due(id: string): Promise<void>;
  /** Runs jobs until none is due; returns their outcomes. */
  drain(): Promise<string[]>;
  state(id: string): Promise<{
    status: string;
    decisions: Record<string, unknown>[];
    events: { status: string; note: unknown }[];
  }>;
  /** Two administrators confirm the derived 2026 amounts for automated decisions. */
  confirm2026(): Promise<void>;
  /** A signed-in call to the API as a test user; the body parsed. */
  call(
    user: string,
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** `groups` picks households per group from the simulated population (reference month MONTH). */
export async function startHarness(
  groups: (
    find: (pred: (h: SimHousehold) => boolean, n: number, code?: string) => SimHousehold[],
  ) => Record<string, SimHousehold[]>,
  options: { referenceMonth?: string; extraUsers?: readonly TestUser[] } = {},
): Promise<Harness> {
  const sim = await startAuthoritySim({
    householdsPerMunicipality: 400,
    referenceMonth: options.referenceMonth ?? MONTH,
  });
  const find = (pred: (h: SimHousehold) => boolean, n: number, code = '9901') => {
    const found = sim.population.households.filter((h) => h.municipalityCode === code && pred(h)).slice(0, n);
    if (found.length < n) throw new Error('the simulated population lacks such households');
    return found;
  };
  const pick = groups(find);
  const user = (group: string, index: number) => `sim-${group}-${index}`;
  const users: TestUser[] = Object.entries(pick).flatMap(([group, hs]) =>
    hs.map((h, i) => ({
      id: user(group, i),
      name: 'Simulerad sökande',
      roles: ['applicant'],
      personnummer: h.members[0]!.personnummer,
      protectedIdentityAccess: false,
    })),
  );
  const server = await startServer({ extraUsers: [...users, ...(options.extraUsers ?? [])] });
  const client = new ResilientClient(sim.url, {
    timeoutMs: 1_000,
    attempts: 2,
    backoffBaseMs: 10,
    breakerThreshold: 3,
    breakerCooldownMs: 200,
  });
  const deps: PipelineDeps = {
    db: server.store.db,
    rulebook: () => server.rulebooks.current(),
    municipalities: () => server.municipalities,
    collect: authorityCollector(server.store.db, client),
    workerId: 'test-worker',
    lockSeconds: 2,
    retryDelayMs: () => 60_000, // a waiting case is retried later; tests move the clock by hand (due())
  };
  const db = server.store.db;
  const tokens = new Map<string, string>();
  const tokenFor = async (u: string) => {
    if (!tokens.has(u)) tokens.set(u, await server.tokenFor(u));
    return tokens.get(u)!;
  };

  const call: Harness['call'] = async (u, method, path, body, headers = {}) => {
    const res = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${await tokenFor(u)}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> };
  };

  const draft = (h: SimHousehold, rent = 6200) => ({
    household: { adults: [{ personnummer: h.members[0]!.personnummer }], children: [] },
    residence: { type: 'rental' },
    costs: [{ type: 'rent', amount: rent }],
    labourMarket: [{ person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true }],
    paymentAccount: { clearing: '8327', account: '9412345678' },
    attestation: { truthful: true, informedAboutChecks: true },
  });

  const apply: Harness['apply'] = async (group, index, kind, key, opts = {}) => {
    const u = user(group, index);
    const base = `/api/v1/municipalities/${opts.municipality ?? 'ekby'}/applications`;
    const created = await call(u, 'POST', base, { kind, month: opts.month ?? MONTH });
    await call(u, 'PUT', `${base}/${created.body.id as string}/draft`, draft(pick[group]![index]!, opts.rent));
    const submitted = await call(u, 'POST', `${base}/${created.body.id as string}/submit`, undefined, {
      'idempotency-key': key,
    });
    if (submitted.status !== 202) throw new Error(`submit answered ${submitted.status}: ${JSON.stringify(submitted)}`);
    return created.body.id as string;
  };

  return {
    sim,
    server,
    deps,
    pick,
    user,
    draft,
    apply,
    call,
    async due(id) {
      await db
        .updateTable('job')
        .set({ run_at: new Date(0) })
        .where('application_id', '=', id)
        .execute();
    },
    async drain() {
      const outcomes: string[] = [];
      for (let job = await claimNext(deps); job; job = await claimNext(deps))
        outcomes.push(await processJob(deps, job));
      return outcomes;
    },
    async state(id) {
      const app = await db.selectFrom('application').select('status').where('id', '=', id).executeTakeFirstOrThrow();
      const decisions = await db.selectFrom('decision').selectAll().where('application_id', '=', id).execute();
      const events = await db
        .selectFrom('application_event')
        .select(['status', 'note'])
        .where('application_id', '=', id)
        .orderBy('id')
        .execute();
      return { status: app.status, decisions, events };
    },
    async confirm2026() {
      await db
        .insertInto('rulebook_confirmation')
        .values({
          year: 2026,
          rulebook_hash: server.rulebook.hash,
          confirmed_by: 'ekby-admin',
          second_by: 'ekby-admin-2',
          note: 'test: derived 2026 amounts confirmed for automated decisions',
        })
        .onConflict((oc) => oc.columns(['year', 'rulebook_hash']).doNothing())
        .execute();
    },
    async close() {
      await server.app.close();
      await sim.close();
    },
  };
}
