/** Start options from environment variables, validated (for main.ts and the lead's `npm start`). */
import * as z from 'zod';
import type { AuthoritySimOptions } from './index.ts';
import { faultSettingsSchema, type FaultRule, type FaultSettings } from './faults.ts';
import { MONTH_PATTERN } from './months.ts';
import { SOURCE_IDS, type SourceId } from './types.ts';

const rate = z.coerce.number().min(0).max(1);
const ms = z.coerce.number().int().min(0).max(3_600_000);

const envSchema = z.object({
  SIM_PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  PORT: z.coerce.number().int().min(0).max(65_535).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SIM_SEED: z.string().min(1).optional(),
  SIM_MUNICIPALITIES: z
    .string()
    .regex(/^\d{4}(,\d{4})*$/, { error: 'comma-separated four-digit codes' })
    .optional(),
  SIM_HOUSEHOLDS: z.coerce.number().int().min(0).max(1_000_000).optional(),
  SIM_REFERENCE_MONTH: z.string().regex(MONTH_PATTERN).optional(),
  /** A fixed clock (ISO 8601), for reproducible demos. */
  SIM_NOW: z.iso.datetime({ offset: true }).optional(),
  SIM_LATENCY_MS: ms.optional(),
  SIM_JITTER_MS: ms.optional(),
  SIM_ERROR_RATE: rate.optional(),
  SIM_TIMEOUT_RATE: rate.optional(),
  /** Milliseconds, or "never". */
  SIM_TIMEOUT_MS: z.union([z.literal('never'), ms]).optional(),
  SIM_PARTIAL_RATE: rate.optional(),
  /** "all", or comma-separated source ids. */
  SIM_DOWN: z
    .string()
    .transform((s) => s.split(',').filter((x) => x !== ''))
    .pipe(z.array(z.enum(['all', ...SOURCE_IDS])))
    .optional(),
  /** A whole fault configuration as JSON (the PUT /admin/faults body); applied over the variables above. */
  SIM_FAULTS: z.string().optional(),
  SIM_FAULT_SEED: z.string().min(1).optional(),
});

function seedValue(s: string): number | string {
  return /^\d{1,9}$/.test(s) ? Number(s) : s;
}

/** Reads the SIM_* variables (and PORT, LOG_LEVEL); throws with every problem named. */
export function readSimEnv(env: Readonly<Record<string, string | undefined>>): AuthoritySimOptions {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const r = envSchema.safeParse(cleaned);
  if (!r.success) {
    throw new Error(
      `invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const e = r.data;
  const all: FaultRule = {
    ...(e.SIM_LATENCY_MS !== undefined ? { latencyMs: e.SIM_LATENCY_MS } : {}),
    ...(e.SIM_JITTER_MS !== undefined ? { jitterMs: e.SIM_JITTER_MS } : {}),
    ...(e.SIM_ERROR_RATE !== undefined ? { errorRate: e.SIM_ERROR_RATE } : {}),
    ...(e.SIM_TIMEOUT_RATE !== undefined ? { timeoutRate: e.SIM_TIMEOUT_RATE } : {}),
    ...(e.SIM_TIMEOUT_MS !== undefined ? { timeoutMs: e.SIM_TIMEOUT_MS === 'never' ? null : e.SIM_TIMEOUT_MS } : {}),
    ...(e.SIM_PARTIAL_RATE !== undefined ? { partialRate: e.SIM_PARTIAL_RATE } : {}),
  };
  const sources: Partial<Record<SourceId, FaultRule>> = {};
  if (e.SIM_DOWN?.includes('all')) all.down = true;
  for (const s of e.SIM_DOWN ?? []) if (s !== 'all') sources[s] = { down: true };
  let faults: FaultSettings = { all, sources };
  if (e.SIM_FAULTS !== undefined) {
    let json: unknown;
    try {
      json = JSON.parse(e.SIM_FAULTS);
    } catch {
      throw new Error('invalid environment: SIM_FAULTS is not valid JSON');
    }
    const f = faultSettingsSchema.safeParse(json);
    if (!f.success) throw new Error(`invalid environment: SIM_FAULTS: ${z.prettifyError(f.error)}`);
    faults = {
      all: { ...faults.all, ...f.data.all },
      sources: { ...faults.sources, ...f.data.sources },
      ...(f.data.seed !== undefined ? { seed: f.data.seed } : {}),
    };
  }
  const fixedNow = e.SIM_NOW !== undefined ? new Date(e.SIM_NOW) : undefined;
  return {
    port: e.SIM_PORT ?? e.PORT ?? 3100,
    logger: { level: e.LOG_LEVEL },
    faults,
    ...(e.SIM_SEED !== undefined ? { seed: seedValue(e.SIM_SEED) } : {}),
    ...(e.SIM_MUNICIPALITIES !== undefined ? { municipalities: e.SIM_MUNICIPALITIES.split(',') } : {}),
    ...(e.SIM_HOUSEHOLDS !== undefined ? { householdsPerMunicipality: e.SIM_HOUSEHOLDS } : {}),
    ...(e.SIM_REFERENCE_MONTH !== undefined ? { referenceMonth: e.SIM_REFERENCE_MONTH } : {}),
    ...(fixedNow !== undefined ? { now: () => new Date(fixedNow) } : {}),
    ...(e.SIM_FAULT_SEED !== undefined ? { faultSeed: seedValue(e.SIM_FAULT_SEED) } : {}),
  };
}
