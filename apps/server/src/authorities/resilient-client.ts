/**
 * Calling an authority over HTTP the way a production integration must: a timeout per attempt,
 * retries with exponential backoff and jitter for transient failures, and a circuit breaker per
 * source so a source that is down is not hammered (callers wait and try again later).
 */

export interface ResilienceOptions {
  /** Per attempt. */
  readonly timeoutMs: number;
  /** Attempts in one call, the first included. */
  readonly attempts: number;
  readonly backoffBaseMs: number;
  /** Consecutive failed calls that open the circuit. */
  readonly breakerThreshold: number;
  /** How long an open circuit refuses calls before one trial call is let through. */
  readonly breakerCooldownMs: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 2_000,
  attempts: 3,
  backoffBaseMs: 100,
  breakerThreshold: 5,
  breakerCooldownMs: 10_000,
};

export type CallOutcome<T> =
  | { readonly ok: true; readonly value: T }
  | {
      readonly ok: false;
      readonly kind: 'not-found' | 'unavailable' | 'circuit-open' | 'invalid';
      readonly detail: string;
    };

class CircuitBreaker {
  private failures = 0;
  private openedAt = -1;

  constructor(private readonly o: ResilienceOptions) {}

  /** May a call go through now? (An open circuit lets one trial through after the cooldown.) */
  allow(now: number): boolean {
    if (this.openedAt < 0) return true;
    if (now - this.openedAt >= this.o.breakerCooldownMs) {
      this.openedAt = now; // half-open: one trial; a failure re-opens for another cooldown
      return true;
    }
    return false;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = -1;
  }

  failure(now: number): void {
    this.failures++;
    if (this.failures >= this.o.breakerThreshold) this.openedAt = now;
  }

  get open(): boolean {
    return this.openedAt >= 0;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ResilientClient {
  private readonly breakers = new Map<string, CircuitBreaker>();

  constructor(
    private readonly baseUrl: string,
    private readonly options: ResilienceOptions = DEFAULT_RESILIENCE,
    private readonly now: () => number = Date.now,
  ) {}

  private breaker(source: string): CircuitBreaker {
    let b = this.breakers.get(source);
    if (!b) this.breakers.set(source, (b = new CircuitBreaker(this.options)));
    return b;
  }

  /** Whether the source's circuit is open (for readiness and logs). */
  isOpen(source: string): boolean {
    return this.breakers.get(source)?.open ?? false;
  }

  /** POSTs JSON to `path` for `source`; parses the JSON answer with `parse`. */
  async post<T>(source: string, path: string, body: unknown, parse: (data: unknown) => T): Promise<CallOutcome<T>> {
    const breaker = this.breaker(source);
    if (!breaker.allow(this.now())) return { ok: false, kind: 'circuit-open', detail: `${source}: circuit open` };
    let last = 'no attempt';
    for (let attempt = 1; attempt <= this.options.attempts; attempt++) {
      if (attempt > 1) {
        const backoff = this.options.backoffBaseMs * 2 ** (attempt - 2);
        await sleep(backoff + Math.random() * backoff);
      }
      try {
        const res = await fetch(new URL(path, this.baseUrl), {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.options.timeoutMs),
        });
        if (res.status === 404) {
          breaker.success(); // the source answered
          return { ok: false, kind: 'not-found', detail: `${source}: no such person` };
        }
        if (res.status >= 500 || res.status === 429) {
          last = `${source}: HTTP ${res.status}`;
          continue;
        }
        if (!res.ok) {
          breaker.success();
          return { ok: false, kind: 'invalid', detail: `${source}: HTTP ${res.status}` };
        }
        const json: unknown = await res.json();
        breaker.success();
        try {
          return { ok: true, value: parse(json) };
        } catch (e) {
          return { ok: false, kind: 'invalid', detail: `${source}: unexpected answer: ${(e as Error).message}` };
        }
      } catch (e) {
        last = `${source}: ${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message}`;
      }
    }
    breaker.failure(this.now());
    return { ok: false, kind: 'unavailable', detail: last };
  }
}
