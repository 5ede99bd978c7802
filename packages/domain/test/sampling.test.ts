/**
 * Sample checks (stickprov): the draw is reproducible from its seed and verifiable, and over many
 * draws (fixed seeds, so the test cannot flake) the selection rate per stratum matches the
 * settings within computed bounds; the Wilson interval has its known values and coverage.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  SAMPLING_METHOD,
  SamplingError,
  drawSample,
  drawTicket,
  eligibleListHash,
  sampleCheckDocuments,
  sampleStrata,
  stratifiedErrorRate,
  stratumOf,
  ticketFraction,
  ticketSelected,
  verifyDraw,
  wilsonInterval,
} from '../src/index.ts';
import type { EligibleDecision, Stratum } from '../src/index.ts';

/** A fixed seed per label: SHA-256 of it. */
const seedOf = (label: string) => createHash('sha256').update(label).digest('hex');
/** A deterministic, UUID-shaped decision id. */
const idOf = (n: number) => {
  const h = createHash('sha256').update(`decision-${n}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
};
/** Decisions with amounts spread evenly from 0 to 29 999 kronor. */
const decisions = (n: number, offset = 0): EligibleDecision[] =>
  Array.from({ length: n }, (_, i) => ({ id: idOf(offset + i), amountOre: ((offset + i) * 7919) % 3_000_000 }));

const SINGLE = sampleStrata(500);
const BANDED = sampleStrata(500, [
  { fromKronor: 0, rateBasisPoints: 500 },
  { fromKronor: 8_000, rateBasisPoints: 1500 },
  { fromKronor: 20_000, rateBasisPoints: 10_000 },
  { fromKronor: 25_000, rateBasisPoints: 0 },
]);

describe('the draw', () => {
  it('is the same for the same seed and list, in any order; another seed draws another sample', () => {
    const list = decisions(2000);
    const seed = seedOf('same-seed');
    const a = drawSample({ seed, strata: BANDED, eligible: list });
    const b = drawSample({ seed, strata: BANDED, eligible: [...list].reverse() });
    expect(b).toEqual(a);
    expect(a.method).toBe(SAMPLING_METHOD);
    expect(a.selected.length).toBeGreaterThan(0);
    expect(a.eligibleHash).toBe(eligibleListHash([...list].reverse()));
    const c = drawSample({ seed: seedOf('another-seed'), strata: BANDED, eligible: list });
    expect(c.selected).not.toEqual(a.selected);
  });

  it('selects each decision on its own: adding decisions to the list changes no one else', () => {
    const seed = seedOf('poisson');
    const small = drawSample({ seed, strata: SINGLE, eligible: decisions(1000) });
    const large = drawSample({ seed, strata: SINGLE, eligible: decisions(3000) });
    const firstThousand = new Set(decisions(1000).map((d) => d.id));
    expect(large.selected.filter((id) => firstThousand.has(id))).toEqual(small.selected);
  });

  it('is HMAC-SHA-256(seed, decision id): anyone can recompute a ticket with another implementation', () => {
    const seed = 'a'.repeat(64);
    const id = '3f2b8c1e-0000-4000-8000-000000000001';
    expect(drawTicket(seed, id).toString(16)).toBe('451f6c09302317f6');
    for (let n = 0; n < 50; n++) {
      const s = seedOf(`cross-${n}`);
      const mac = createHmac('sha256', Buffer.from(s, 'hex')).update(idOf(n), 'utf8').digest();
      expect(drawTicket(s, idOf(n))).toBe(mac.readBigUInt64BE(0));
    }
    const drawn = drawSample({ seed, strata: SINGLE, eligible: [{ id, amountOre: 100 }] });
    expect(drawn.items[0]!.ticket).toBe('451f6c09302317f6');
    expect(ticketFraction(0x451f6c09302317f6n)).toBeCloseTo(0.27, 3);
  });

  it('compares tickets with rates exactly, in integers', () => {
    const half = 1n << 63n;
    expect(ticketSelected(half - 1n, 5000)).toBe(true);
    expect(ticketSelected(half, 5000)).toBe(false);
    expect(ticketSelected(0n, 0)).toBe(false);
    expect(ticketSelected((1n << 64n) - 1n, 10_000)).toBe(true);
    // 5 %: the threshold is 2^64 / 20.
    const t = (1n << 64n) / 20n;
    expect(ticketSelected(t - 1n, 500)).toBe(true);
    expect(ticketSelected(t + 1n, 500)).toBe(false);
  });

  it('refuses a bad seed, a repeated decision, strata that overlap', () => {
    expect(() => drawSample({ seed: 'ABC', strata: SINGLE, eligible: [] })).toThrow(SamplingError);
    expect(() => drawSample({ seed: 'A'.repeat(64), strata: SINGLE, eligible: [] })).toThrow(/seed/);
    const d = decisions(1);
    expect(() => drawSample({ seed: seedOf('x'), strata: SINGLE, eligible: [...d, ...d] })).toThrow(/twice/);
    expect(() => drawSample({ seed: seedOf('x'), strata: [], eligible: d })).toThrow(/first band/);
    expect(() =>
      sampleStrata(500, [
        { fromKronor: 100, rateBasisPoints: 1 },
        { fromKronor: 100, rateBasisPoints: 2 },
      ]),
    ).toThrow(/two bands/);
    expect(() => sampleStrata(10_001)).toThrow(SamplingError);
  });
});

describe('strata', () => {
  it('come from the settings in öre, ascending, the single rate below the first band', () => {
    expect(sampleStrata(500)).toEqual([{ fromOre: 0, rateBasisPoints: 500 }]);
    expect(
      sampleStrata(700, [
        { fromKronor: 15_000, rateBasisPoints: 1500 },
        { fromKronor: 5_000, rateBasisPoints: 300 },
      ]),
    ).toEqual([
      { fromOre: 0, rateBasisPoints: 700 },
      { fromOre: 500_000, rateBasisPoints: 300 },
      { fromOre: 1_500_000, rateBasisPoints: 1500 },
    ]);
  });

  it('put an amount in the band that starts at or below it', () => {
    const s: Stratum[] = [
      { fromOre: 0, rateBasisPoints: 1 },
      { fromOre: 1_500_000, rateBasisPoints: 2 },
    ];
    expect(stratumOf(s, 0)).toBe(0);
    expect(stratumOf(s, 1_499_999)).toBe(0);
    expect(stratumOf(s, 1_500_000)).toBe(1);
    expect(stratumOf(s, 9_999_999)).toBe(1);
  });
});

describe('over many draws (fixed seeds)', () => {
  const DRAWS = 200;
  const PER_DRAW = 1000;
  const draws = Array.from({ length: DRAWS }, (_, i) =>
    drawSample({ seed: seedOf(`many-${i}`), strata: BANDED, eligible: decisions(PER_DRAW, i * PER_DRAW) }),
  );

  it("selects each stratum at its rate, within four standard deviations of the binomial's mean", () => {
    const rows = BANDED.map((s, h) => {
      const n = draws.reduce((sum, d) => sum + d.perStratum[h]!.eligible, 0);
      const x = draws.reduce((sum, d) => sum + d.perStratum[h]!.selected, 0);
      const p = s.rateBasisPoints / 10_000;
      const sd = Math.sqrt(n * p * (1 - p));
      return { stratum: h, rate: p, n, selected: x, expected: n * p, sd, z: sd === 0 ? 0 : (x - n * p) / sd };
    });
    console.log('stickprov selection per stratum over %d draws:\n%s', DRAWS, JSON.stringify(rows, null, 1));
    for (const r of rows) {
      expect(r.n).toBeGreaterThan(20_000);
      if (r.rate === 0) expect(r.selected).toBe(0);
      else if (r.rate === 1) expect(r.selected).toBe(r.n);
      else expect(Math.abs(r.selected - r.expected)).toBeLessThan(4 * r.sd);
    }
  });

  it('varies between draws as a binomial does (dispersion test)', () => {
    // Stratum 0 per draw: counts x_i of n_i at p; Σ (x_i − n_i p)² / (n_i p (1−p)) is χ² with DRAWS degrees of freedom.
    const p = 0.05;
    const chi2 = draws.reduce((sum, d) => {
      const { eligible: n, selected: x } = d.perStratum[0]!;
      return sum + (x - n * p) ** 2 / (n * p * (1 - p));
    }, 0);
    const bound = 4 * Math.sqrt(2 * DRAWS);
    console.log(
      'dispersion: chi2 = %s with %d degrees of freedom (bounds ±%s)',
      chi2.toFixed(1),
      DRAWS,
      bound.toFixed(1),
    );
    expect(Math.abs(chi2 - DRAWS)).toBeLessThan(bound);
  });

  it('gives uniform tickets (Kolmogorov–Smirnov) and independent samples for different seeds', () => {
    const seed = seedOf('uniform');
    const n = 20_000;
    const u = decisions(n)
      .map((d) => ticketFraction(drawTicket(seed, d.id)))
      .sort((a, b) => a - b);
    let dmax = 0;
    u.forEach((x, i) => (dmax = Math.max(dmax, (i + 1) / n - x, x - i / n)));
    const critical = 1.949 / Math.sqrt(n); // α = 0.001
    console.log('KS: D = %s, critical %s (n = %d)', dmax.toFixed(5), critical.toFixed(5), n);
    expect(dmax).toBeLessThan(critical);

    // Two seeds over the same 20 000 decisions at 5 %: the overlap is binomial(n, 0.05²).
    const list = decisions(n);
    const a = new Set(drawSample({ seed: seedOf('pair-a'), strata: SINGLE, eligible: list }).selected);
    const b = drawSample({ seed: seedOf('pair-b'), strata: SINGLE, eligible: list }).selected;
    const overlap = b.filter((id) => a.has(id)).length;
    const q = 0.05 * 0.05;
    expect(Math.abs(overlap - n * q)).toBeLessThan(4 * Math.sqrt(n * q * (1 - q)));
  });
});

describe('verifying a draw', () => {
  const list = decisions(500);
  const seed = seedOf('verify');
  const drawn = drawSample({ seed, strata: BANDED, eligible: list });
  const recorded = {
    method: drawn.method,
    seed,
    strata: BANDED,
    eligibleHash: drawn.eligibleHash,
    selected: drawn.selected,
  };

  it('confirms the recorded draw', () => {
    expect(verifyDraw(recorded, [...list].reverse())).toMatchObject({
      ok: true,
      eligibleHashMatches: true,
      selectionMatches: true,
      missing: [],
      unexpected: [],
    });
  });

  it('finds a selection that was changed, a list that was changed, an unknown method', () => {
    const dropped = drawn.selected[0]!;
    const notDrawn = list.find((d) => !drawn.selected.includes(d.id))!.id;
    const tampered = verifyDraw({ ...recorded, selected: [...drawn.selected.slice(1), notDrawn] }, list);
    expect(tampered).toMatchObject({
      ok: false,
      eligibleHashMatches: true,
      missing: [dropped],
      unexpected: [notDrawn],
    });

    const changed = list.map((d, i) => (i === 0 ? { ...d, amountOre: d.amountOre + 1 } : d));
    expect(verifyDraw(recorded, changed)).toMatchObject({ ok: false, eligibleHashMatches: false });
    expect(verifyDraw(recorded, list.slice(1))).toMatchObject({ ok: false, eligibleHashMatches: false });
    expect(verifyDraw({ ...recorded, method: 'dice-v0' }, list)).toMatchObject({ ok: false, methodKnown: false });
  });
});

describe('the error rate', () => {
  it('has the known Wilson 95 % intervals', () => {
    const w = wilsonInterval(1, 20)!;
    expect(w.estimate).toBe(0.05);
    expect(w.lower).toBeCloseTo(0.00889, 4);
    expect(w.upper).toBeCloseTo(0.23613, 4);
    expect(wilsonInterval(0, 10)).toEqual({ estimate: 0, lower: 0, upper: expect.closeTo(0.27753, 4) });
    expect(wilsonInterval(10, 10)).toEqual({ estimate: 1, lower: expect.closeTo(0.72247, 4), upper: 1 });
    const big = wilsonInterval(50, 1000)!;
    expect(big.lower).toBeCloseTo(0.03813, 4);
    expect(big.upper).toBeCloseTo(0.06531, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
    expect(() => wilsonInterval(3, 2)).toThrow(SamplingError);
  });

  it('covers the true rate about 95 % of the time (exact binomial sums, no randomness)', () => {
    const logChoose = (n: number, k: number) => {
      let s = 0;
      for (let i = 1; i <= k; i++) s += Math.log((n - k + i) / i);
      return s;
    };
    for (const [n, p] of [
      [30, 0.05],
      [100, 0.05],
      [100, 0.2],
      [400, 0.02],
    ] as const) {
      let coverage = 0;
      for (let k = 0; k <= n; k++) {
        const w = wilsonInterval(k, n)!;
        if (w.lower <= p && p <= w.upper)
          coverage += Math.exp(logChoose(n, k) + k * Math.log(p) + (n - k) * Math.log(1 - p));
      }
      expect(coverage, `n=${n} p=${p}`).toBeGreaterThan(0.92);
      expect(coverage, `n=${n} p=${p}`).toBeLessThan(0.99);
    }
  });

  it('weights strata by their share of the decisions', () => {
    expect(stratifiedErrorRate([{ eligible: 100, concluded: 20, discrepancies: 1 }])).toEqual(wilsonInterval(1, 20));
    const r = stratifiedErrorRate([
      { eligible: 900, concluded: 45, discrepancies: 0 },
      { eligible: 100, concluded: 15, discrepancies: 3 },
    ])!;
    expect(r.estimate).toBeCloseTo(0.1 * 0.2, 10);
    expect(r.lower).toBeLessThanOrEqual(r.estimate);
    expect(r.upper).toBeGreaterThan(r.estimate);
    expect(stratifiedErrorRate([{ eligible: 10, concluded: 0, discrepancies: 0 }])).toBeNull();
    expect(stratifiedErrorRate([])).toBeNull();
  });
});

describe('the documents asked for', () => {
  it('are bank statements and one document per kind of cost and income, each once', () => {
    const docs = sampleCheckDocuments({
      costs: [{ type: 'rent' }, { type: 'medicine' }, { type: 'glasses' }],
      incomes: [{ type: 'salary' }, { type: 'childAllowance' }, { type: 'pension' }],
    });
    expect(docs.map((d) => d.code)).toEqual([
      'bank-statements',
      'rent-notice',
      'care-receipts',
      'payslips',
      'income-statements',
    ]);
    expect(docs[1]).toMatchObject({ sv: expect.stringContaining('Hyresavi'), en: expect.stringContaining('Rent') });
    expect(sampleCheckDocuments({}).map((d) => d.code)).toEqual(['bank-statements']);
  });
});
