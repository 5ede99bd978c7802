/**
 * Latency and faults, per source or for all sources, changeable at runtime. Every random choice
 * comes from one seeded stream, so a test with rates of 0 or 1 (or a fixed seed and request order)
 * is deterministic.
 */
import * as z from 'zod';
import { Rng, seedOf } from './random.ts';
import { SOURCE_IDS, type SourceId } from './types.ts';

const rate = z.number().min(0).max(1);
const ms = z.int().min(0).max(3_600_000);

export const faultRuleSchema = z.strictObject({
  /** Fixed delay before answering, ms. */
  latencyMs: ms.optional(),
  /** Extra random delay in [0, jitterMs), ms. */
  jitterMs: ms.optional(),
  /** Share of requests answered 500. */
  errorRate: rate.optional(),
  /** Share of requests held `timeoutMs` and then answered 504. */
  timeoutRate: rate.optional(),
  /** How long a timed-out request is held; `null` = never answered until the client gives up. */
  timeoutMs: ms.nullable().optional(),
  /** Share of answers with some months or fields missing (`partial: true`). */
  partialRate: rate.optional(),
  /** Every request answered 503 at once. */
  down: z.boolean().optional(),
});
export type FaultRule = z.infer<typeof faultRuleSchema>;

export const faultSettingsSchema = z.strictObject({
  /** Applies to every source; a source's own rule overrides it field by field. */
  all: faultRuleSchema.optional(),
  sources: z.partialRecord(z.enum(SOURCE_IDS), faultRuleSchema).optional(),
  /** Restart the fault PRNG from this seed. */
  seed: z.union([z.int(), z.string().max(200)]).optional(),
});
export type FaultSettings = z.infer<typeof faultSettingsSchema>;

export interface EffectiveFaults {
  readonly latencyMs: number;
  readonly jitterMs: number;
  readonly errorRate: number;
  readonly timeoutRate: number;
  readonly timeoutMs: number | null;
  readonly partialRate: number;
  readonly down: boolean;
}

export const NO_FAULTS: EffectiveFaults = {
  latencyMs: 0,
  jitterMs: 0,
  errorRate: 0,
  timeoutRate: 0,
  timeoutMs: 30_000,
  partialRate: 0,
  down: false,
};

function defined<T extends object>(o: T | undefined): Partial<T> {
  if (o === undefined) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export function effectiveFaults(settings: FaultSettings, source: SourceId): EffectiveFaults {
  return { ...NO_FAULTS, ...defined(settings.all), ...defined(settings.sources?.[source]) };
}

/** What happens to one request, decided before it is answered. */
export interface FaultPlan {
  readonly down: boolean;
  readonly delayMs: number;
  /** Hold the request: ms, or `null` for never answering. `undefined` = no timeout. */
  readonly hold: number | null | undefined;
  readonly error: boolean;
  readonly partial: boolean;
}

export class FaultController {
  private settings: FaultSettings;
  private rng: Rng;

  constructor(initial: FaultSettings = {}, seed: number | string = 1) {
    this.settings = faultSettingsSchema.parse(initial);
    this.rng = new Rng(seedOf(initial.seed ?? seed));
  }

  /** Replaces the whole configuration (and restarts the PRNG when it has a seed). */
  set(settings: FaultSettings): void {
    this.settings = faultSettingsSchema.parse(settings);
    if (this.settings.seed !== undefined) this.rng = new Rng(seedOf(this.settings.seed));
  }

  get(): FaultSettings {
    return this.settings;
  }

  effective(source: SourceId): EffectiveFaults {
    return effectiveFaults(this.settings, source);
  }

  /** A draw in [0, 1) from the fault stream (also used to choose what a partial answer lacks). */
  next(): number {
    return this.rng.next();
  }

  private roll(p: number): boolean {
    if (p <= 0) return false;
    if (p >= 1) return true;
    return this.rng.next() < p;
  }

  plan(source: SourceId): FaultPlan {
    const f = this.effective(source);
    if (f.down) return { down: true, delayMs: 0, hold: undefined, error: false, partial: false };
    const delayMs = f.latencyMs + (f.jitterMs > 0 ? Math.floor(this.rng.next() * f.jitterMs) : 0);
    const timedOut = this.roll(f.timeoutRate);
    const error = !timedOut && this.roll(f.errorRate);
    const partial = !timedOut && !error && this.roll(f.partialRate);
    return { down: false, delayMs, hold: timedOut ? f.timeoutMs : undefined, error, partial };
  }
}
