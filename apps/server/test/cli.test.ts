/** The CLI as users run it: `npx tillit …` from the repository root, in a child process. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'node_modules', '.bin', 'tillit');
const dir = mkdtempSync(join(tmpdir(), 'tillit-cli-'));

function tillit(args: string[], stdin?: string) {
  const r = spawnSync(bin, args, { cwd: root, input: stdin, encoding: 'utf8', env: { ...process.env, LANG: 'C' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const input = {
  month: '2026-02',
  household: {
    adults: [
      { id: 'a1', birthDate: '1980-04-01' },
      { id: 'a2', birthDate: '1982-09-12' },
    ],
    children: [{ id: 'c1', birthDate: '2019-02-01', lunchAtHome: false }],
  },
  costs: [{ type: 'rent', amount: 7450.5 }],
  incomes: [{ type: 'childAllowance', amount: 1250 }],
};

describe('npx tillit', () => {
  it('calculate FILE prints the result as JSON', () => {
    const file = join(dir, 'in.json');
    writeFileSync(file, JSON.stringify(input));
    const r = tillit(['calculate', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { norm: number; costs: number; income: number; amount: number };
    // 2026 (derived): couple 7 100 + child aged 7 on 1 Feb 2026 (no lunch variant) 3 820 + shared for 3 persons 1 790.
    expect(out).toMatchObject({ norm: 12710, costs: 7450.5, income: 1250, amount: 18910.5 });
  });

  it('calculate - reads stdin, and replay confirms the receipt', () => {
    const r = tillit(['calculate', '-', '--compact'], JSON.stringify(input));
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(1);
    const file = join(dir, 'result.json');
    writeFileSync(file, r.out);
    const replayed = tillit(['replay', file]);
    expect(replayed.code).toBe(0);
    expect(replayed.out).toContain('replay ok');

    const tampered = JSON.parse(r.out) as { receipt: { totals: { amount: number } } };
    tampered.receipt.totals.amount += 100;
    writeFileSync(file, JSON.stringify(tampered));
    const bad = tillit(['replay', file]);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('replay failed (mismatch)');
    expect(bad.err).toContain('totals.amount');
  });

  it('exits non-zero with a clear message naming the field on bad input', () => {
    const r = tillit(
      ['calculate', '-', '--lang', 'en'],
      JSON.stringify({ ...input, costs: [{ type: 'rent', amount: -5 }] }),
    );
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toContain(
      'costs[0].amount: Give an amount in kronor between 0 and 10,000,000 with at most two decimals.',
    );
    const sv = tillit(
      ['calculate', '-'],
      '{"month": "2022-01", "household": {"adults": [{"id": "a", "birthDate": "1990-01-01"}]}}',
    );
    expect(sv.code).toBe(1);
    expect(sv.err).toContain('Regelboken saknar 2 belopp för 2022-01');
    const json = tillit(['calculate', '-'], '{not json');
    expect(json.code).toBe(1);
    expect(json.err).toContain('är inte giltig JSON');
    const missing = tillit(['calculate', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('cannot read');
  });

  it('rulebook check validates the rule book and prints its hash; no command prints usage', () => {
    const r = tillit(['rulebook', 'check']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/is valid: \d+ parameters, \d+ values, 10 rules\nhash [0-9a-f]{64}\n/);
    const u = tillit([]);
    expect(u.code).toBe(2);
    expect(u.err).toContain('Usage:');
  });
});
