/**
 * Benchmark of the case pipeline: `npm run bench:pipeline` (see docs/benchmarks.md).
 * Needs a PostgreSQL server: DATABASE_URL=postgres://… (a role that may CREATE DATABASE).
 *
 * The whole pipeline, as in production: applications are created, saved and submitted through the
 * repository functions (createDraft, saveDraft, submit — the HTTP layer and its tokens are left
 * out), and worker processes run `runWorker` loops that claim jobs from PostgreSQL, ask the
 * authority simulator (a child process of its own, 50 ms latency per call) through the resilient
 * client, run the checks and the rule book and decide or hand the case to a person.
 *
 * 1. Sweep: for each worker configuration (P processes × C loops, pool size), a backlog of
 *    `--sweep-n` submitted applications is processed; cases/s is measured.
 * 2. Throughput (a): the best configuration processes a backlog of `--n` applications submitted
 *    at once.
 * 3. Latency (b): applications arrive at steady rates below capacity (`--rate=a,b,…`, default
 *    25, 50 and 75 % of the steady cases/s of 2), 15 s each (`--arrival-seconds`), with workers
 *    1×32 (`--latency-workers`: enough loops that concurrency never limits at these rates,
 *    whichever configuration won the sweep by a noise margin); time from submission to decision,
 *    split into queue, collection and assessment from the application's status events.
 *
 * A fresh database is created for the run and dropped afterwards; between phases the case tables
 * are emptied. CPU time of every process (workers, simulator, PostgreSQL, this process) comes from
 * /proc; statements per case are counted in the workers' pg client.
 *
 *   npm run bench:pipeline                  # --n=20000
 *   npm run bench:pipeline -- --n=2000      # a quick run
 *   npm run bench:pipeline -- --sweep=1x32 --n=5000 --cpu-prof   # profile the workers
 *
 * Options: --n=, --sweep=PxC[pS],… (P processes, C loops each, pool size S, default max(10, C/2)),
 * --sweep-n=, --mix= (share of the realistic mix, default 0.2), --rate= (arrivals/s, comma-separated),
 * --arrival-seconds=, --latency-workers=PxC[pS], --cpu-prof (workers write .cpuprofile files to
 * /tmp/tillit-bench-prof).
 */
import { execFileSync, fork, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, release, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import pg from 'pg';
import * as prettier from 'prettier';
import { generatePopulation, isCleanRenewal, paymentsFor } from '@tillit/authority-sim';
import type { Population, SimHousehold, SimPerson } from '@tillit/authority-sim';
import { previousMonth } from '@tillit/domain';
import type { ApplicationContentIn, ApplicationKind } from '@tillit/domain';
import { loadRuleBook } from '@tillit/rules/node';
import { authorityCollector } from '../apps/server/src/authorities/collector.ts';
import { ResilientClient } from '../apps/server/src/authorities/resilient-client.ts';
import { migrate, openDatabase } from '../apps/server/src/db/database.ts';
import type { Database } from '../apps/server/src/db/schema.ts';
import { readMunicipalities, readMunicipalityFile, seedMunicipalities } from '../apps/server/src/municipalities.ts';
import { createDraft, saveDraft, submit } from '../apps/server/src/pipeline/applications.ts';
import { runWorker } from '../apps/server/src/pipeline/worker.ts';
import { mulberry32 } from './random.ts';
import type { Rng } from './random.ts';

// ---------------------------------------------------------------------------------------------
// Configuration.

const here = dirname(fileURLToPath(import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const ROOT = join(here, '..');
const SIM_MAIN = join(ROOT, 'apps', 'authority-sim', 'src', 'main.ts');
const RESULTS_FILE = join(here, 'results', 'pipeline.json');
const PROFILE_DIR = '/tmp/tillit-bench-prof';

/** The simulator's clock is fixed, so that the run does not depend on the day it is made. */
const SIM_NOW = '2026-11-23T12:00:00+01:00';
const REFERENCE_MONTH = '2026-11';
/** Authority latency per call (every source, every person). */
const LATENCY_MS = 50;
/**
 * Months a clean household re-applies for: M−1 and M−2 must lie in the simulator's 24-month
 * window (2024-12 … 2026-11), so 2025-02 … 2026-11.
 */
const RENEWAL_MONTHS = monthsBetween('2025-02', REFERENCE_MONTH);
/** Born before this day: 18 by the first renewal month. */
const ADULT_IN_FIRST_MONTH = '2007-02-01';
/** The bench confirms these years' derived amounts (the test does 2026), as two administrators would. */
const CONFIRMED_YEARS = [2025, 2026];
/** Households of Ekby that fit the clean criterion below (measured: about 4 %), for sizing the population. */
const CLEAN_SHARE_ESTIMATE = 0.035;
const SUBMIT_CONCURRENCY = 16;
const POLL_MS = 200;
/** Arrivals of the first seconds of the latency phase are left out of its percentiles (cold JIT). */
const LATENCY_WARMUP_MS = 2_000;
/** Arrival rates of the latency phase, as shares of the backlog's steady cases/s. */
const LOAD_SHARES = [0.25, 0.5, 0.75];
const GOALS = { decisionsPerSecond: 1_000, p99Ms: 1_000 } as const;
const SEED = 20261123;

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=', 2);
    return [k!, v ?? 'true'] as const;
  }),
);

function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = to; m >= from; m = previousMonth(m)) out.unshift(m);
  return out;
}

function intArg(name: string, fallback: number): number {
  const v = args.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Small helpers.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

/** 1234567.8 → "1 234 568". */
function fmt(n: number, digits = 0): string {
  const [i, d] = round(n, digits).toFixed(digits).split('.');
  return i!.replace(/\B(?=(\d{3})+(?!\d))/g, ' ') + (d ? `.${d}` : '');
}

// ---------------------------------------------------------------------------------------------
// CPU and memory of processes, from /proc (Linux).

const CLK_TCK = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

function procStat(pid: number): { comm: string; ms: number; childrenMs: number } | undefined {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const comm = s.slice(s.indexOf('(') + 1, s.lastIndexOf(')'));
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    const tick = 1000 / CLK_TCK;
    return { comm, ms: (Number(f[11]) + Number(f[12])) * tick, childrenMs: (Number(f[13]) + Number(f[14])) * tick };
  } catch {
    return undefined; // gone
  }
}

/** Peak resident set (VmHWM) of a live process, MB. */
function peakRssMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? round(Number(m[1]) / 1024) : NaN;
  } catch {
    return NaN;
  }
}

/**
 * CPU ms of PostgreSQL for this database: its client backends (the database name is in their
 * command line) and the server's own processes (WAL writer, checkpointer, autovacuum, …), which
 * all databases share. Backends of other databases (tests running on the same server) are left
 * out; they show as "other" CPU.
 */
function postgresCpuMs(database: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const s = procStat(Number(name));
    if (!s || !s.comm.startsWith('postgres')) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').replaceAll('\0', ' ');
    } catch {
      continue;
    }
    const backend = /^postgres: [^:]+: (\S+) (\S+) (\S+\(\d+\)|\[local\])/.exec(cmdline);
    if (!backend || backend[2] === database) out.set(Number(name), s.ms);
  }
  return out;
}

/**
 * CPU ms between two readings, process by process: a backend that started in between counts
 * from zero; one that ended in between (an idle pooled connection closed) is left out.
 */
function cpuDelta(a: ReadonlyMap<number, number>, b: ReadonlyMap<number, number>): number {
  let ms = 0;
  for (const [pid, v] of b) ms += v - (a.get(pid) ?? 0);
  return ms;
}

/** Busy, stolen (by the hypervisor for other guests) and total CPU ms of the machine (all cores). */
function machineCpuMs(): { busy: number; steal: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  const total = v.slice(0, 8).reduce((s, x) => s + x, 0);
  const idle = v[3]! + v[4]!;
  const steal = v[7]!;
  const tick = 1000 / CLK_TCK;
  return { busy: (total - idle - steal) * tick, steal: steal * tick, total: total * tick };
}

interface CpuSnapshot {
  readonly at: number;
  readonly workers: number;
  readonly sim: number;
  readonly postgres: ReadonlyMap<number, number>;
  readonly bench: number;
  readonly machine: { busy: number; steal: number; total: number };
}

function cpuSnapshot(workerPids: readonly number[], simPid: number, database: string): CpuSnapshot {
  const u = process.cpuUsage();
  return {
    at: performance.now(),
    workers: workerPids.reduce((s, p) => s + (procStat(p)?.ms ?? 0), 0),
    sim: procStat(simPid)?.ms ?? 0,
    postgres: postgresCpuMs(database),
    bench: (u.user + u.system) / 1000,
    machine: machineCpuMs(),
  };
}

/** CPU used between two snapshots, in cores (1 = one core busy all the time). */
function cpuSplit(a: CpuSnapshot, b: CpuSnapshot) {
  const wall = b.at - a.at;
  const cores = (x: number) => round(x / wall, 2);
  const workers = b.workers - a.workers;
  const sim = b.sim - a.sim;
  const postgres = cpuDelta(a.postgres, b.postgres);
  const bench = b.bench - a.bench;
  const busy = b.machine.busy - a.machine.busy;
  return {
    wallMs: round(wall),
    cores: {
      workers: cores(workers),
      simulator: cores(sim),
      postgres: cores(postgres),
      benchProcess: cores(bench),
      other: cores(Math.max(0, busy - workers - sim - postgres - bench)),
      machineBusy: cores(busy),
      stolen: cores(b.machine.steal - a.machine.steal),
      machineTotal: round((b.machine.total - a.machine.total) / wall, 2),
    },
    cpuMs: { workers: round(workers), simulator: round(sim), postgres: round(postgres), benchProcess: round(bench) },
  };
}

// ---------------------------------------------------------------------------------------------
// The worker process (`--role=worker`): runWorker loops, as a deployment would run them.

interface WorkerConfig {
  readonly dbUrl: string;
  readonly simUrl: string;
  readonly loops: number;
  readonly poolSize: number;
  readonly name: string;
}

type ToWorker = { type: 'go' } | { type: 'stop' };
type FromWorker =
  | { type: 'ready' }
  | {
      type: 'stats';
      cpuUserMs: number;
      cpuSystemMs: number;
      queries: number;
      calls: number;
      statements: Record<string, number>;
      errors: number;
      errorSamples: string[];
      maxRssMb: number;
    };

/** "insert evidence", "update job", "select application", "begin", … */
function statementKind(text: string): string {
  const t = text.slice(0, 120).trim().toLowerCase().replace(/\s+/g, ' ');
  const verb = /^(\w+)/.exec(t)?.[1] ?? '?';
  const table =
    verb === 'select'
      ? /\bfrom "?(\w+)"?/.exec(t)?.[1]
      : verb === 'insert'
        ? /^insert into "?(\w+)"?/.exec(t)?.[1]
        : verb === 'update'
          ? /^update "?(\w+)"?/.exec(t)?.[1]
          : undefined;
  return table ? `${verb} ${table}` : verb;
}

async function workerMain(): Promise<void> {
  const cfg = JSON.parse(process.env.BENCH_WORKER ?? '') as WorkerConfig;
  // Count every statement sent to PostgreSQL (BEGIN and COMMIT included).
  let queries = 0;
  let statements = new Map<string, number>();
  const proto = pg.Client.prototype as unknown as { query: (...a: unknown[]) => unknown };
  const original = proto.query;
  proto.query = function (this: unknown, ...a: unknown[]) {
    queries++;
    const text = typeof a[0] === 'string' ? a[0] : ((a[0] as { text?: string } | undefined)?.text ?? '');
    const kind = statementKind(text);
    statements.set(kind, (statements.get(kind) ?? 0) + 1);
    return original.apply(this, a);
  };
  // And every HTTP call to the authorities.
  let calls = 0;
  const fetch0 = globalThis.fetch;
  globalThis.fetch = (...a: Parameters<typeof fetch>) => {
    calls++;
    return fetch0(...a);
  };
  const rulebook = loadRuleBook();
  const store = await openDatabase({ url: cfg.dbUrl, poolSize: cfg.poolSize });
  const municipalities = await readMunicipalities(store.db, rulebook);
  const client = new ResilientClient(cfg.simUrl);
  const stop = new AbortController();
  let errors = 0;
  const errorSamples: string[] = [];
  let loops: Promise<void>[] = [];
  let cpu0 = process.cpuUsage();
  const send = (m: FromWorker) => process.send!(m);
  process.on('message', (m: ToWorker) => {
    if (m.type === 'go') {
      cpu0 = process.cpuUsage();
      queries = 0;
      calls = 0;
      statements = new Map();
      loops = Array.from({ length: cfg.loops }, (_, i) =>
        runWorker(
          {
            db: store.db,
            rulebook: () => rulebook,
            municipalities: () => municipalities,
            collect: authorityCollector(store.db, client),
            workerId: `${cfg.name}-${i}`,
          },
          {
            signal: stop.signal,
            onError: (e) => {
              errors++;
              if (errorSamples.length < 5) errorSamples.push(String((e as Error).message).slice(0, 300));
            },
          },
        ),
      );
    } else if (m.type === 'stop') {
      stop.abort();
      void Promise.all(loops).then(async () => {
        send({
          type: 'stats',
          cpuUserMs: round(process.cpuUsage(cpu0).user / 1000),
          cpuSystemMs: round(process.cpuUsage(cpu0).system / 1000),
          queries,
          calls,
          statements: Object.fromEntries(statements),
          errors,
          errorSamples,
          maxRssMb: round(process.resourceUsage().maxRSS / 1024),
        });
        await store.close();
        process.disconnect();
      });
    }
  });
  send({ type: 'ready' });
}

// ---------------------------------------------------------------------------------------------
// The applications: clean renewals and a realistic mix, from the simulated population.

interface Spec {
  readonly municipality: string;
  readonly applicant: string;
  readonly kind: ApplicationKind;
  readonly month: string;
  readonly draft: ApplicationContentIn;
  readonly group: 'clean' | 'mix';
}

/**
 * The test's clean renewal (nothing for a check to flag), and, since the household re-applies for
 * many months, no income stream and no studies at all, and an adult already in the first of
 * those months.
 */
function clean(h: SimHousehold): boolean {
  const p = h.members[0]!;
  return (
    h.municipalityCode === '9901' &&
    isCleanRenewal(h) &&
    p.incomes.length === 0 &&
    p.studies.length === 0 &&
    p.birthDate < ADULT_IN_FIRST_MONTH
  );
}

const PAYMENT = { clearing: '8327', account: '9412345678' };
const ATTESTATION = { truthful: true, informedAboutChecks: true } as const;

function cleanDraft(h: SimHousehold): ApplicationContentIn {
  return {
    household: { adults: [{ personnummer: h.members[0]!.personnummer }], children: [] },
    residence: { type: 'rental' },
    costs: [{ type: 'rent', amount: 6200 }],
    labourMarket: [{ person: 'a0', situation: 'jobseeker', registeredAtArbetsformedlingen: true }],
    paymentAccount: PAYMENT,
    attestation: ATTESTATION,
  };
}

type IncomeSource = Parameters<typeof paymentsFor>[1];
const INCOME_SOURCES: readonly IncomeSource[] = [
  'income-register',
  'forsakringskassan',
  'csn',
  'arbetsformedlingen',
  'unemployment-fund',
  'pensionsmyndigheten',
];
const monthIndex = (m: string) => Number(m.slice(0, 4)) * 12 + Number(m.slice(5, 7)) - 1;

/**
 * An honest applicant from any household: everyone registered at the address, the incomes the
 * authorities paid in the control month (as the collector asks: children at the income register
 * only), a rent of 4 000–10 000 kr, sometimes electricity, and the labour-market situation.
 */
function honestDraft(h: SimHousehold, month: string, rng: Rng): ApplicationContentIn {
  const adults = h.members.filter((m) => m.role === 'adult').slice(0, 2);
  const children = h.members.filter((m) => m.role === 'child');
  const control = monthIndex(previousMonth(month));
  const today = SIM_NOW.slice(0, 10);
  const incomes: { type: string; person: string; amount: number }[] = [];
  const declare = (p: SimPerson, id: string, sources: readonly IncomeSource[]) => {
    const byType = new Map<string, number>();
    for (const s of sources)
      for (const pay of paymentsFor(p, s, control, today))
        byType.set(pay.type, (byType.get(pay.type) ?? 0) + pay.netOre);
    for (const [type, ore] of byType) if (ore > 0) incomes.push({ type, person: id, amount: ore / 100 });
  };
  adults.forEach((p, i) => declare(p, `a${i}`, INCOME_SOURCES));
  children.forEach((p, i) => declare(p, `c${i}`, ['income-register']));
  const costs = [{ type: 'rent', amount: 4_000 + Math.floor(rng() * 6_000) }];
  if (rng() < 0.3) costs.push({ type: 'electricity', amount: 250 + Math.floor(rng() * 650) });
  return {
    household: {
      adults: adults.map((p) => ({ personnummer: p.personnummer })),
      children: children.map((p) => ({ personnummer: p.personnummer })),
    },
    residence: { type: 'rental' },
    incomes: incomes as ApplicationContentIn['incomes'],
    costs: costs as ApplicationContentIn['costs'],
    labourMarket: adults.map((p, i) => {
      const salary = incomes.some((x) => x.person === `a${i}` && x.type === 'salary');
      return p.registration.registered
        ? { person: `a${i}`, situation: 'jobseeker' as const, registeredAtArbetsformedlingen: true }
        : {
            person: `a${i}`,
            situation: salary ? ('employed' as const) : ('other' as const),
            registeredAtArbetsformedlingen: false,
          };
    }),
    paymentAccount: PAYMENT,
    attestation: ATTESTATION,
  };
}

/**
 * `size` distinct applications (one per household and month), shuffled: a share `1 − mix` of
 * clean renewals (households re-applying month after month), the rest the realistic mix (any
 * household of Ekby or Lövsala for the reference month, one in ten a new application).
 */
function buildSpecs(population: Population, size: number, mix: number, codeToId: ReadonlyMap<string, string>): Spec[] {
  const rng = mulberry32(SEED);
  const cleanHouseholds = population.households.filter(clean);
  const nClean = Math.round(size * (1 - mix));
  const needed = Math.ceil(nClean / RENEWAL_MONTHS.length);
  if (cleanHouseholds.length < needed)
    throw new Error(`the population has ${cleanHouseholds.length} clean households; ${needed} needed`);
  const specs: Spec[] = [];
  for (const h of cleanHouseholds.slice(0, needed))
    for (const month of RENEWAL_MONTHS)
      if (specs.length < nClean)
        specs.push({
          municipality: codeToId.get(h.municipalityCode)!,
          applicant: h.members[0]!.personnummer,
          kind: 'renewal',
          month,
          draft: cleanDraft(h),
          group: 'clean',
        });
  const used = new Set(cleanHouseholds.slice(0, needed));
  const others = population.households.filter((h) => !used.has(h) && h.members[0]!.role === 'adult');
  for (let i = others.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  const nMix = size - specs.length;
  if (others.length < nMix) throw new Error(`the population has ${others.length} other households; ${nMix} needed`);
  for (const h of others.slice(0, nMix))
    specs.push({
      municipality: codeToId.get(h.municipalityCode)!,
      applicant: h.members[0]!.personnummer,
      kind: rng() < 0.1 ? 'new' : 'renewal',
      month: REFERENCE_MONTH,
      draft: honestDraft(h, REFERENCE_MONTH, rng),
      group: 'mix',
    });
  for (let i = specs.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [specs[i], specs[j]] = [specs[j]!, specs[i]!];
  }
  return specs;
}

// ---------------------------------------------------------------------------------------------
// Database.

async function createDatabase(adminUrl: string): Promise<{ name: string; url: string }> {
  const name = `tillit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

async function dropDatabase(adminUrl: string, name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${name} with (force)`);
  await admin.end();
}

/** Empties the case tables between phases: applications and everything that refers to them. */
async function emptyCaseTables(db: Kysely<Database>): Promise<void> {
  await sql`truncate application cascade`.execute(db);
}

async function submitOne(db: Kysely<Database>, spec: Spec, key: string): Promise<void> {
  const id = await createDraft(db, {
    municipality: spec.municipality,
    applicant: spec.applicant,
    kind: spec.kind,
    month: spec.month,
    draft: {},
  });
  const scope = { municipality: spec.municipality, applicant: spec.applicant };
  if (!(await saveDraft(db, scope, id, spec.draft))) throw new Error('saveDraft refused');
  const r = await submit(db, scope, id, key);
  if (!r.ok) throw new Error(`submit refused: ${r.reason} ${JSON.stringify(r.issues ?? null).slice(0, 500)}`);
}

/** Submits every spec, `SUBMIT_CONCURRENCY` at a time; returns submissions per second. */
async function submitAll(db: Kysely<Database>, specs: readonly Spec[], tag: string): Promise<number> {
  const t0 = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: SUBMIT_CONCURRENCY }, async () => {
      while (next < specs.length) {
        const i = next++;
        await submitOne(db, specs[i]!, `${tag}-${i}`);
      }
    }),
  );
  return specs.length / ((performance.now() - t0) / 1000);
}

async function remainingJobs(db: Kysely<Database>): Promise<number> {
  const r = await sql<{ n: string }>`select count(*) as n from job where done_at is null`.execute(db);
  return Number(r.rows[0]!.n);
}

interface DbCounters {
  readonly xacts: number;
  readonly inserted: number;
  readonly updated: number;
  readonly walBytes: number;
}

async function dbCounters(db: Kysely<Database>): Promise<DbCounters> {
  const r = await sql<{ xacts: string; ins: string; upd: string; lsn: string }>`
    select xact_commit + xact_rollback as xacts, tup_inserted as ins, tup_updated as upd,
      pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text as lsn
    from pg_stat_database where datname = current_database()`.execute(db);
  const row = r.rows[0]!;
  return { xacts: Number(row.xacts), inserted: Number(row.ins), updated: Number(row.upd), walBytes: Number(row.lsn) };
}

interface Completed {
  readonly submittedMs: number;
  readonly doneMs: number;
  readonly status: 'decided' | 'needs-person';
  readonly outcome: string | null;
  /** When a worker took it (the status `collecting`) and when the authorities' data was in (`assessing`). */
  readonly claimedMs: number;
  readonly collectedMs: number;
}

async function completions(db: Kysely<Database>): Promise<Completed[]> {
  const r = await sql<{
    submitted_at: Date;
    done_at: Date;
    status: 'decided' | 'needs-person';
    outcome: string | null;
    claimed: Date;
    collected: Date;
  }>`
    select a.submitted_at, coalesce(d.created_at, e.at) as done_at, e.status, d.outcome,
      (select min(x.at) from application_event x where x.application_id = a.id and x.status = 'collecting') as claimed,
      (select min(x.at) from application_event x where x.application_id = a.id and x.status = 'assessing') as collected
    from application a
    join application_event e on e.application_id = a.id and e.status in ('decided', 'needs-person')
    left join decision d on d.application_id = a.id`.execute(db);
  return r.rows.map((x) => ({
    submittedMs: x.submitted_at.getTime(),
    doneMs: x.done_at.getTime(),
    status: x.status,
    outcome: x.outcome,
    claimedMs: x.claimed.getTime(),
    collectedMs: x.collected.getTime(),
  }));
}

/** Where the time from submission to decision goes: queue, collection, assessment and record. */
function stages(done: readonly Completed[]) {
  return {
    queued: latencyStats(done.map((d) => d.claimedMs - d.submittedMs)),
    collecting: latencyStats(done.map((d) => d.collectedMs - d.claimedMs)),
    assessingAndRecording: latencyStats(done.map((d) => d.doneMs - d.collectedMs)),
  };
}

/** Why cases went to a person: the checks that flagged them, or the policy's reason. */
async function routing(db: Kysely<Database>) {
  const flags = await sql<{ check_id: string; n: string }>`
    select check_id, count(distinct application_id) as n from flag group by check_id order by n desc`.execute(db);
  const policy = await sql<{ reason: string; n: string }>`
    select e.note -> 'reasons' -> 0 ->> 'en' as reason, count(*) as n
    from application_event e
    where e.status = 'needs-person' and not exists (select 1 from flag f where f.application_id = e.application_id)
    group by 1 order by n desc`.execute(db);
  const waits = await sql<{ n: string }>`
    select count(*) as n from application_event where status = 'collecting' and note is not null`.execute(db);
  const byGroup = await sql<{ municipality_id: string; kind: string; status: string; n: string }>`
    select municipality_id, kind, status, count(*) as n from application group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  return {
    flaggedByCheck: Object.fromEntries(flags.rows.map((r) => [r.check_id, Number(r.n)])),
    unflaggedReasons: Object.fromEntries(policy.rows.map((r) => [r.reason, Number(r.n)])),
    waitedForSources: Number(waits.rows[0]!.n),
    byMunicipalityKindStatus: byGroup.rows.map((r) => ({ ...r, n: Number(r.n) })),
  };
}

// ---------------------------------------------------------------------------------------------
// Child processes.

const children = new Set<ChildProcess>();

function killChildren(): void {
  for (const c of children) if (c.exitCode === null && c.pid !== undefined) c.kill('SIGTERM');
}

async function startSimulator(households: number): Promise<{ url: string; pid: number; child: ChildProcess }> {
  const child = spawn(process.execPath, ['--import', 'tsx', SIM_MAIN], {
    cwd: ROOT,
    env: {
      ...process.env,
      SIM_PORT: '0',
      LOG_LEVEL: 'silent',
      SIM_HOUSEHOLDS: String(households),
      SIM_REFERENCE_MONTH: REFERENCE_MONTH,
      SIM_NOW,
      SIM_LATENCY_MS: String(LATENCY_MS),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /authority-sim is ready: (http:\/\/127\.0\.0\.1:\d+)/.exec(buf);
      if (m) resolve(m[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the simulator exited (${code})`)));
  });
  return { url, pid: child.pid!, child };
}

interface WorkerSet {
  readonly procs: readonly ChildProcess[];
  readonly pids: readonly number[];
  go(): void;
  stop(): Promise<Extract<FromWorker, { type: 'stats' }>[]>;
}

async function startWorkers(
  config: WorkerConfigSpec,
  dbUrl: string,
  simUrl: string,
  cpuProfile: boolean,
): Promise<WorkerSet> {
  const procs: ChildProcess[] = [];
  const ready: Promise<void>[] = [];
  const stats: Promise<Extract<FromWorker, { type: 'stats' }>>[] = [];
  for (let p = 0; p < config.processes; p++) {
    const cfg: WorkerConfig = { dbUrl, simUrl, loops: config.loops, poolSize: config.poolSize, name: `w${p}` };
    const execArgv = ['--import', 'tsx', ...(cpuProfile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [])];
    const child = fork(SELF, ['--role=worker'], {
      cwd: ROOT,
      execArgv,
      env: { ...process.env, BENCH_WORKER: JSON.stringify(cfg) },
    });
    children.add(child);
    procs.push(child);
    ready.push(
      new Promise((resolve, reject) => {
        child.on('message', (m: FromWorker) => m.type === 'ready' && resolve());
        child.once('exit', (code) => reject(new Error(`worker exited early (${code})`)));
      }),
    );
    stats.push(new Promise((resolve) => child.on('message', (m: FromWorker) => m.type === 'stats' && resolve(m))));
  }
  await Promise.all(ready);
  return {
    procs,
    pids: procs.map((c) => c.pid!),
    go: () => procs.forEach((c) => c.send({ type: 'go' } satisfies ToWorker)),
    async stop() {
      procs.forEach((c) => c.send({ type: 'stop' } satisfies ToWorker));
      const all = await Promise.all(stats);
      await Promise.all(procs.map((c) => (c.exitCode !== null ? undefined : new Promise((r) => c.once('exit', r)))));
      procs.forEach((c) => children.delete(c));
      return all;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Phases.

interface WorkerConfigSpec {
  readonly label: string;
  readonly processes: number;
  readonly loops: number;
  readonly poolSize: number;
}

function parseConfig(s: string): WorkerConfigSpec {
  const m = /^(\d+)x(\d+)(?:p(\d+))?$/.exec(s);
  if (!m) throw new Error(`worker configuration "${s}": write PxC or PxCpS (processes × loops, pool size)`);
  const processes = Number(m[1]);
  const loops = Number(m[2]);
  const poolSize = m[3] !== undefined ? Number(m[3]) : Math.max(10, Math.ceil(loops / 2));
  return { label: `${processes}×${loops} pool ${poolSize}`, processes, loops, poolSize };
}

interface Context {
  readonly db: Kysely<Database>;
  readonly dbName: string;
  readonly dbUrl: string;
  readonly sim: { url: string; pid: number };
  readonly cpuProfile: boolean;
}

function latencyStats(ms: readonly number[]) {
  const s = [...ms].sort((a, b) => a - b);
  return {
    count: s.length,
    p50: round(percentile(s, 50)),
    p95: round(percentile(s, 95)),
    p99: round(percentile(s, 99)),
    max: round(s.at(-1) ?? NaN),
    mean: round(s.reduce((a, b) => a + b, 0) / Math.max(1, s.length)),
  };
}

/** Runs the workers until no job is left; returns what happened. */
async function runUntilDone(
  ctx: Context,
  config: WorkerConfigSpec,
  feed?: (t0: number) => Promise<{ arrivals: number; seconds: number; lagMsMax: number }>,
) {
  const workers = await startWorkers(config, ctx.dbUrl, ctx.sim.url, ctx.cpuProfile);
  const counters0 = await dbCounters(ctx.db);
  const cpu0 = cpuSnapshot(workers.pids, ctx.sim.pid, ctx.dbName);
  const goWall = Date.now();
  workers.go();
  const fed = feed ? await feed(goWall) : undefined;
  const deadline = Date.now() + 600_000;
  while ((await remainingJobs(ctx.db)) > 0) {
    if (Date.now() > deadline) throw new Error('the workers did not finish within 10 minutes');
    await sleep(POLL_MS);
  }
  const cpu1 = cpuSnapshot(workers.pids, ctx.sim.pid, ctx.dbName);
  const rss = { workers: workers.pids.map(peakRssMb), simulator: peakRssMb(ctx.sim.pid) };
  const stats = await workers.stop();
  await sleep(1_200); // PostgreSQL's statistics reach pg_stat_database within a second
  const counters1 = await dbCounters(ctx.db);
  const done = await completions(ctx.db);
  const decided = done.filter((d) => d.status === 'decided').length;
  const handedOver = done.length - decided;
  const lastMs = Math.max(...done.map((d) => d.doneMs));
  const seconds = (lastMs - goWall) / 1000;
  const sortedDone = done.map((d) => d.doneMs).sort((a, b) => a - b);
  // Steady rate: the middle 80 % of completions, away from the start and the tail.
  const t10 = percentile(sortedDone, 10);
  const t90 = percentile(sortedDone, 90);
  const steadyCasesPerSecond = (0.8 * done.length) / Math.max(0.001, (t90 - t10) / 1000);
  const queries = stats.reduce((s, x) => s + x.queries, 0);
  const calls = stats.reduce((s, x) => s + x.calls, 0);
  const kinds = new Map<string, number>();
  for (const x of stats) for (const [k, v] of Object.entries(x.statements)) kinds.set(k, (kinds.get(k) ?? 0) + v);
  const errors = stats.reduce((s, x) => s + x.errors, 0);
  return {
    config,
    cases: done.length,
    decided,
    handedOver,
    outcomes: done.reduce<Record<string, number>>((o, d) => {
      const k = d.outcome ?? 'needs-person';
      o[k] = (o[k] ?? 0) + 1;
      return o;
    }, {}),
    seconds: round(seconds, 2),
    casesPerSecond: round(done.length / seconds, 1),
    decisionsPerSecond: round(decided / seconds, 1),
    handOversPerSecond: round(handedOver / seconds, 1),
    steadyCasesPerSecond: round(steadyCasesPerSecond, 1),
    done,
    goWall,
    fed,
    cpu: cpuSplit(cpu0, cpu1),
    cpuMsPerCase: {
      workers: round((cpu1.workers - cpu0.workers) / done.length, 2),
      simulator: round((cpu1.sim - cpu0.sim) / done.length, 2),
      postgres: round(cpuDelta(cpu0.postgres, cpu1.postgres) / done.length, 2),
    },
    peakRssMb: { workers: rss.workers, simulator: rss.simulator },
    perCase: {
      statements: round(queries / done.length, 1),
      authorityCalls: round(calls / done.length, 2),
      statementsByKind: Object.fromEntries(
        [...kinds].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, round(v / done.length, 2)]),
      ),
      transactions: round((counters1.xacts - counters0.xacts) / done.length, 1),
      rowsInserted: round((counters1.inserted - counters0.inserted) / done.length, 1),
      rowsUpdated: round((counters1.updated - counters0.updated) / done.length, 1),
      walKb: round((counters1.walBytes - counters0.walBytes) / done.length / 1024, 1),
    },
    errors,
    errorSamples: stats.flatMap((s) => s.errorSamples).slice(0, 5),
    workerMaxRssMb: stats.map((s) => s.maxRssMb),
    /** Share of the workers' CPU time spent in the kernel (socket writes and reads, timers). */
    workerSystemShare: round(
      stats.reduce((s, x) => s + x.cpuSystemMs, 0) / stats.reduce((s, x) => s + x.cpuSystemMs + x.cpuUserMs, 0),
      2,
    ),
  };
}

/**
 * What one authority call and one SQL statement cost on this machine, each on its own: CPU µs
 * per operation in the caller (this process) and in the server (the simulator or PostgreSQL).
 */
async function calibrate(ctx: Context, applicant: string) {
  const measure = async (
    label: string,
    count: number,
    concurrency: number,
    server: () => ReadonlyMap<number, number>,
    op: (i: number) => Promise<unknown>,
  ) => {
    for (let i = 0; i < Math.min(200, count); i++) await op(i); // warm-up
    const cpu0 = process.cpuUsage();
    const s0 = server();
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < count) await op(next++);
      }),
    );
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return {
      label,
      count,
      concurrency,
      perSecond: round(count / (ms / 1000)),
      clientUsPerOp: round(((cpu.user + cpu.system) / count) * 1, 0),
      serverUsPerOp: round((cpuDelta(s0, server()) * 1000) / count),
    };
  };
  const client = new ResilientClient(ctx.sim.url);
  const simCpu = () => new Map([[ctx.sim.pid, procStat(ctx.sim.pid)?.ms ?? 0]]);
  const pgCpu = () => postgresCpuMs(ctx.dbName);
  const http = await measure('authority call (ResilientClient.post, 50 ms latency)', 3_000, 64, simCpu, async () => {
    const r = await client.post(
      'population-register',
      '/v1/population-register',
      { personnummer: applicant },
      (d) => d,
    );
    if (!r.ok) throw new Error(r.detail);
  });
  const select = await measure('SQL: one-row select (Kysely, pool)', 5_000, 8, pgCpu, () =>
    ctx.db.selectFrom('municipality').select(['id', 'code']).where('id', '=', 'ekby').executeTakeFirst(),
  );
  await sql`create table bench_scratch (id bigint generated always as identity primary key, data jsonb not null)`.execute(
    ctx.db,
  );
  const doc = JSON.stringify({
    partial: false,
    incomes: [],
    registered: [{ personnummer: applicant, registered: true }],
  });
  const insert = await measure('SQL: one-row insert, own commit (Kysely, pool)', 3_000, 8, pgCpu, () =>
    sql`insert into bench_scratch (data) values (${doc}::jsonb)`.execute(ctx.db),
  );
  await sql`drop table bench_scratch`.execute(ctx.db);
  return { http, select, insert };
}

type RunResult = Awaited<ReturnType<typeof runUntilDone>>;

/** Time from submission to decision (or to a person), arrivals of the first seconds left out. */
function latencyOf(r: RunResult) {
  const warm = r.done.filter((d) => d.submittedMs - r.goWall >= LATENCY_WARMUP_MS);
  return {
    all: latencyStats(warm.map((d) => d.doneMs - d.submittedMs)),
    decided: latencyStats(warm.filter((d) => d.status === 'decided').map((d) => d.doneMs - d.submittedMs)),
    stages: stages(warm),
  };
}

function summary(r: RunResult) {
  const { done: _done, goWall: _goWall, ...rest } = r;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// The run.

async function main(): Promise<void> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl?.startsWith('postgres')) {
    console.error('Set DATABASE_URL=postgres://… (a role that may create databases); see .ci/postgres.sh.');
    process.exit(2);
  }
  const n = intArg('n', 20_000);
  const sweepN = intArg('sweep-n', Math.min(n, 600));
  const mix = Number(args.get('mix') ?? 0.2);
  if (!(mix >= 0 && mix <= 1)) throw new Error('--mix must be in [0, 1]');
  const arrivalSeconds = intArg('arrival-seconds', 15);
  const cpuProfile = args.has('cpu-prof');
  const latencyWorkers = parseConfig(args.get('latency-workers') ?? '1x32');
  const sweep = (args.get('sweep') ?? '1x8,1x32,1x64,2x8,2x32').split(',').map(parseConfig);
  const poolSize = Math.max(n, sweepN);
  const started = performance.now();
  if (cpuProfile) mkdirSync(PROFILE_DIR, { recursive: true });

  const cpu = cpus();
  const env = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${platform()} ${release()} ${arch()}`,
    cpu: cpu[0]?.model.trim() ?? 'unknown',
    logicalCpus: cpu.length,
    memoryGb: round(totalmem() / 2 ** 30, 1),
    loadAverageAtStart: round(loadavg()[0]!, 2),
    loadAverageAtEnd: 0,
    postgres: '',
  };

  const { name: dbName, url: dbUrl } = await createDatabase(adminUrl);
  console.log(`Database ${dbName}.`);
  const store = await openDatabase({ url: dbUrl, poolSize: SUBMIT_CONCURRENCY + 4 });
  const cleanup = async () => {
    killChildren();
    await store.close().catch(() => undefined);
    await dropDatabase(adminUrl, dbName);
  };
  process.on('SIGINT', () => void cleanup().finally(() => process.exit(130)));
  try {
    const db = store.db;
    await migrate(db);
    const records = readMunicipalityFile();
    await seedMunicipalities(db, records);
    const rulebook = loadRuleBook();
    for (const year of CONFIRMED_YEARS)
      await db
        .insertInto('rulebook_confirmation')
        .values({
          year,
          rulebook_hash: rulebook.hash,
          confirmed_by: 'bench-admin',
          second_by: 'bench-admin-2',
          note: `bench: derived ${year} amounts confirmed for automated decisions`,
        })
        .execute();
    env.postgres = (await sql<{ v: string }>`show server_version`.execute(db)).rows[0]!.v;
    const codeToId = new Map(records.map((r) => [r.code, r.id]));

    // The simulator (its own process) and the same population here, to pick applicants from.
    const nCleanHouseholds = Math.ceil((poolSize * (1 - mix)) / RENEWAL_MONTHS.length);
    const households = Math.max(3_000, Math.ceil((nCleanHouseholds / CLEAN_SHARE_ESTIMATE) * 1.1));
    console.log(`Simulator: ${fmt(households)} households per municipality, ${LATENCY_MS} ms per call…`);
    const simStarting = startSimulator(households);
    const population = generatePopulation({ householdsPerMunicipality: households, referenceMonth: REFERENCE_MONTH });
    const specs = buildSpecs(population, poolSize, mix, codeToId);
    const sim = await simStarting;
    const ctx: Context = { db, dbName, dbUrl, sim, cpuProfile };
    console.log('Calibrating: one authority call, one SQL statement…');
    const calibration = await calibrate(ctx, specs.find((s) => s.group === 'clean')!.applicant);
    for (const c of Object.values(calibration))
      console.log(
        `  ${c.label}: ${fmt(c.perSecond)}/s at ${c.concurrency} concurrent; CPU ${c.clientUsPerOp} µs here + ${c.serverUsPerOp} µs in the server`,
      );
    const mixOf = (xs: readonly Spec[]) => ({
      clean: xs.filter((s) => s.group === 'clean').length,
      mix: xs.filter((s) => s.group === 'mix').length,
    });

    // 1. Sweep.
    const sweepResults: RunResult[] = [];
    if (sweep.length > 1 || args.has('sweep')) {
      for (const config of sweep) {
        await emptyCaseTables(db);
        await submitAll(db, specs.slice(0, sweepN), `sweep-${config.label}`);
        await sql`analyze`.execute(db);
        process.stdout.write(`Sweep ${config.label}: `);
        const r = await runUntilDone(ctx, config);
        sweepResults.push(r);
        console.log(
          `${fmt(r.casesPerSecond)} cases/s (${fmt(r.decisionsPerSecond)} decisions/s), ` +
            `CPU workers ${r.cpu.cores.workers} + simulator ${r.cpu.cores.simulator} + PostgreSQL ${r.cpu.cores.postgres} cores`,
        );
      }
    }
    const best =
      sweepResults.length > 0
        ? [...sweepResults].sort((a, b) => b.steadyCasesPerSecond - a.steadyCasesPerSecond)[0]!.config
        : sweep[0]!;

    // 2. Throughput (a): a backlog of n submitted at once.
    await emptyCaseTables(db);
    console.log(`Submitting ${fmt(n)} applications…`);
    const backlogSpecs = specs.slice(0, n);
    const submitPerSecond = await submitAll(db, backlogSpecs, 'backlog');
    await sql`analyze`.execute(db);
    console.log(`  ${fmt(submitPerSecond)} submissions/s. Workers ${best.label}…`);
    const backlog = await runUntilDone(ctx, best);
    const fromStart = latencyStats(backlog.done.map((d) => d.doneMs - backlog.goWall));
    const backlogRouting = await routing(db);
    console.log(
      `  ${fmt(backlog.cases)} cases in ${backlog.seconds} s: ${fmt(backlog.decisionsPerSecond)} decisions/s, ` +
        `${fmt(backlog.handOversPerSecond)} hand-overs/s (steady ${fmt(backlog.steadyCasesPerSecond)} cases/s).`,
    );

    // 3. Latency (b): steady arrivals below capacity, at several rates.
    const rates = args.has('rate')
      ? String(args.get('rate'))
          .split(',')
          .map((r) => Number(r))
      : LOAD_SHARES.map((x) => round(x * backlog.steadyCasesPerSecond));
    const steadyRuns: { rate: number; run: RunResult; arrivalsSpecs: readonly Spec[] }[] = [];
    for (const rate of rates) {
      if (!(rate > 0)) throw new Error('--rate must be positive arrivals/s');
      const arrivals = Math.min(specs.length, Math.round(rate * arrivalSeconds));
      await emptyCaseTables(db);
      process.stdout.write(
        `Latency: ${fmt(arrivals)} arrivals at ${fmt(rate)}/s with workers ${latencyWorkers.label}: `,
      );
      const arrivalsSpecs = specs.slice(0, arrivals);
      const run = await runUntilDone(ctx, latencyWorkers, async () => {
        const t0 = performance.now();
        const inFlight = new Set<Promise<void>>();
        let lagMsMax = 0;
        for (let i = 0; i < arrivals; i++) {
          const due = t0 + (i * 1000) / rate;
          const wait = due - performance.now();
          if (wait > 0) await sleep(wait);
          else lagMsMax = Math.max(lagMsMax, -wait);
          const p = submitOne(db, arrivalsSpecs[i]!, `steady-${rate}-${i}`).finally(() => inFlight.delete(p));
          inFlight.add(p);
        }
        await Promise.all(inFlight);
        return { arrivals, seconds: round((performance.now() - t0) / 1000, 2), lagMsMax: round(lagMsMax) };
      });
      steadyRuns.push({ rate, run, arrivalsSpecs });
      const l = latencyOf(run);
      console.log(`p50 ${fmt(l.all.p50)} ms, p95 ${fmt(l.all.p95)} ms, p99 ${fmt(l.all.p99)} ms.`);
    }

    // Report.
    const goalsMet = {
      decisionsPerSecond: backlog.decisionsPerSecond >= GOALS.decisionsPerSecond,
      p99AtEveryRate: steadyRuns.every((r) => latencyOf(r.run).all.p99 <= GOALS.p99Ms),
    };
    console.log('');
    console.log(
      '| Phase | Workers | Cases | Decided / to a person | Decisions/s | Hand-overs/s | Cases/s (steady) | CPU cores: workers / sim / PG / other (busy; stolen) |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
    const line = (phase: string, r: RunResult) =>
      console.log(
        `| ${phase} | ${r.config.label} | ${fmt(r.cases)} | ${fmt(r.decided)} / ${fmt(r.handedOver)} | ${fmt(r.decisionsPerSecond)} | ` +
          `${fmt(r.handOversPerSecond)} | ${fmt(r.casesPerSecond)} (${fmt(r.steadyCasesPerSecond)}) | ` +
          `${r.cpu.cores.workers} / ${r.cpu.cores.simulator} / ${r.cpu.cores.postgres} / ${round(r.cpu.cores.benchProcess + r.cpu.cores.other, 2)} (${r.cpu.cores.machineBusy}; ${r.cpu.cores.stolen}) |`,
      );
    for (const r of sweepResults) line('sweep', r);
    line('(a) backlog', backlog);
    for (const r of steadyRuns) line(`(b) ${fmt(r.rate)}/s`, r.run);
    console.log('');
    console.log(
      '| Arrivals/s | Cases | p50 ms | p95 ms | p99 ms | max ms | queued p50 / p99 | collecting p50 / p99 | assessing p50 / p99 |',
    );
    console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const r of steadyRuns) {
      const l = latencyOf(r.run);
      const st = (x: ReturnType<typeof latencyStats>) => `${fmt(x.p50)} / ${fmt(x.p99)}`;
      console.log(
        `| ${fmt(r.rate)} | ${fmt(l.all.count)} | ${fmt(l.all.p50)} | ${fmt(l.all.p95)} | ${fmt(l.all.p99)} | ${fmt(l.all.max)} | ` +
          `${st(l.stages.queued)} | ${st(l.stages.collecting)} | ${st(l.stages.assessingAndRecording)} |`,
      );
    }
    console.log('');
    console.log(
      `Per case (backlog): ${backlog.perCase.authorityCalls} authority calls, ${backlog.perCase.statements} statements ` +
        `(${Object.entries(backlog.perCase.statementsByKind)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}), ${backlog.perCase.transactions} transactions, ` +
        `${backlog.perCase.walKb} kB WAL; CPU ms per case: workers ${backlog.cpuMsPerCase.workers}, ` +
        `simulator ${backlog.cpuMsPerCase.simulator}, PostgreSQL ${backlog.cpuMsPerCase.postgres}.`,
    );
    console.log(
      `Peak RSS: workers ${backlog.peakRssMb.workers.join(', ')} MB, simulator ${backlog.peakRssMb.simulator} MB, ` +
        `this process ${round(process.resourceUsage().maxRSS / 1024)} MB. Whole run ${round((performance.now() - started) / 1000)} s.`,
    );
    env.loadAverageAtEnd = round(loadavg()[0]!, 2);
    const disturbed = [...sweepResults, backlog, ...steadyRuns.map((r) => r.run)].filter(
      (r) => r.cpu.cores.other > 0.15,
    );
    if (disturbed.length > 0)
      console.log(
        `Other work took CPU during ${disturbed.length} phase(s) (other > 0.15 cores; load average ` +
          `${env.loadAverageAtStart} → ${env.loadAverageAtEnd}): the figures are low; run again on a quiet machine.`,
      );
    const errors = [backlog, ...steadyRuns.map((r) => r.run)].flatMap((r) => r.errorSamples);
    if (errors.length > 0) console.log(`Worker errors: ${errors.join(' | ')}`);

    const report = {
      benchmark: 'pipeline',
      timestamp: new Date().toISOString(),
      environment: env,
      method: {
        n,
        sweepN,
        applications: {
          backlog: mixOf(backlogSpecs),
          sweep: mixOf(specs.slice(0, sweepN)),
          steady: steadyRuns.map((r) => ({ rate: r.rate, ...mixOf(r.arrivalsSpecs) })),
          renewalMonths: [RENEWAL_MONTHS[0], RENEWAL_MONTHS.at(-1)],
          mixShare: mix,
        },
        simulator: {
          process: 'child process (apps/authority-sim/src/main.ts)',
          householdsPerMunicipality: households,
          latencyMs: LATENCY_MS,
          clock: SIM_NOW,
        },
        submission: 'repository functions createDraft + saveDraft + submit, in this process (no HTTP)',
        submitConcurrency: SUBMIT_CONCURRENCY,
        resilience: 'DEFAULT_RESILIENCE (2 s timeout, 3 attempts)',
        confirmedYears: CONFIRMED_YEARS,
        latencyWarmupMs: LATENCY_WARMUP_MS,
        arrivalSeconds,
        rates,
      },
      sweep: sweepResults.map(summary),
      calibration,
      best: best.label,
      latencyWorkers: latencyWorkers.label,
      backlog: {
        ...summary(backlog),
        submitPerSecond: round(submitPerSecond),
        timeFromWorkerStartMs: fromStart,
        stagesMs: stages(backlog.done),
        routing: backlogRouting,
      },
      steady: steadyRuns.map((r) => ({ rate: r.rate, ...summary(r.run), latencyMs: latencyOf(r.run) })),
      goals: GOALS,
      goalsMet,
      wholeRunSeconds: round((performance.now() - started) / 1000),
      benchProcessPeakRssMb: round(process.resourceUsage().maxRSS / 1024),
    };
    mkdirSync(dirname(RESULTS_FILE), { recursive: true });
    const prettierOptions = (await prettier.resolveConfig(RESULTS_FILE)) ?? {};
    writeFileSync(RESULTS_FILE, await prettier.format(JSON.stringify(report), { ...prettierOptions, parser: 'json' }));
    console.log(`Results written to ${relative(process.cwd(), RESULTS_FILE)}.`);
  } finally {
    await cleanup();
  }
}

if (args.get('role') === 'worker') await workerMain();
else await main();
