/**
 * Scenario files as data (OpenFisca-style tests): each YAML file under scenarios/ gives an input,
 * optional municipal guidelines, and the expected totals and explanation lines, or the expected
 * error. See scenarios/README.md for the format.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import * as z from 'zod';
import { CalculationError, calculate, compileGuidelines, parseCalculationInput, replay } from '../src/index.ts';
import { loadRuleBook } from '../src/node.ts';

const dir = join(import.meta.dirname, 'scenarios');
const rb = loadRuleBook();

const expectedLine = z.strictObject({
  rule: z.string(),
  amount: z.number().optional(),
  person: z.string().optional(),
  item: z.string().optional(),
  flags: z.array(z.string()).optional(),
  parameters: z.array(z.string()).optional(),
  textSv: z.string().optional(),
  textEn: z.string().optional(),
});

const scenarioSchema = z.strictObject({
  name: z.string(),
  description: z.string().optional(),
  input: z.unknown(),
  guidelines: z.unknown().optional(),
  expect: z
    .strictObject({
      norm: z.number(),
      costs: z.number(),
      income: z.number(),
      amount: z.number(),
      surplus: z.number(),
      status: z.enum(['verified', 'secondary', 'derived']).optional(),
      lines: z.array(expectedLine).optional(),
      warnings: z.array(z.string()).optional(),
    })
    .optional(),
  expectError: z
    .strictObject({
      kind: z.enum(['input', 'missing-parameters']),
      fields: z.array(z.string()).min(1),
      parameters: z.array(z.string()).optional(),
    })
    .optional(),
});

function files(d: string): string[] {
  return readdirSync(d).flatMap((f) => {
    const p = join(d, f);
    if (statSync(p).isDirectory()) return files(p);
    return f.endsWith('.yaml') ? [p] : [];
  });
}

const all = files(dir).sort();

describe('scenarios', () => {
  it('there are at least 60 scenario files', () => {
    expect(all.length).toBeGreaterThanOrEqual(60);
  });

  for (const file of all) {
    const s = scenarioSchema.parse(parse(readFileSync(file, 'utf8')));
    it(`${relative(dir, file)}: ${s.name}`, () => {
      expect(s.expect === undefined).not.toBe(s.expectError === undefined); // exactly one
      const parsed = parseCalculationInput(s.input, 'en');
      if (s.expectError?.kind === 'input') {
        expect(parsed.ok).toBe(false);
        if (parsed.ok) return;
        expect(parsed.problems.map((p) => p.field).sort()).toEqual([...s.expectError.fields].sort());
        for (const p of parsed.problems) expect(p.message.length).toBeGreaterThan(5);
        return;
      }
      if (!parsed.ok) throw new Error(`unexpected input problems: ${JSON.stringify(parsed.problems)}`);
      const guidelines = s.guidelines === undefined ? undefined : compileGuidelines(rb, s.guidelines);
      if (s.expectError?.kind === 'missing-parameters') {
        let error: unknown;
        try {
          calculate(rb, parsed.input, guidelines ? { guidelines } : {});
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(CalculationError);
        const ce = error as CalculationError;
        expect([...new Set(ce.problems.map((p) => p.field))].sort()).toEqual([...s.expectError.fields].sort());
        if (s.expectError.parameters) {
          const named = ce.problems.map((p) => (p as { parameter?: string }).parameter).filter(Boolean);
          expect(named.sort()).toEqual([...s.expectError.parameters].sort());
        }
        return;
      }
      const e = s.expect!;
      const r = calculate(rb, parsed.input, guidelines ? { guidelines } : {});
      expect({ norm: r.norm, costs: r.costs, income: r.income, amount: r.amount, surplus: r.surplus }).toEqual({
        norm: e.norm,
        costs: e.costs,
        income: e.income,
        amount: e.amount,
        surplus: e.surplus,
      });
      if (e.status) expect(r.status).toBe(e.status);
      if (e.warnings) expect(r.warnings.map((w) => w.code).sort()).toEqual([...e.warnings].sort());
      if (e.lines) {
        // Expected lines appear in this order among the result's lines (others may come between).
        let from = 0;
        for (const want of e.lines) {
          const i = r.lines.findIndex((l, k) => {
            if (k < from || l.rule !== want.rule) return false;
            if (want.amount !== undefined && l.amount !== want.amount) return false;
            if (want.person !== undefined && l.person !== want.person) return false;
            if (want.item !== undefined && l.item !== want.item) return false;
            if (want.flags !== undefined && [...l.flags].sort().join() !== [...want.flags].sort().join()) return false;
            if (want.parameters !== undefined && l.parameters.map((p) => p.id).join() !== want.parameters.join())
              return false;
            if (want.textSv !== undefined && !l.text.sv.includes(want.textSv)) return false;
            if (want.textEn !== undefined && !l.text.en.includes(want.textEn)) return false;
            return true;
          });
          expect(
            i,
            `no line after #${from} matches ${JSON.stringify(want)}; lines: ${JSON.stringify(r.lines.map((l) => [l.rule, l.amount, l.person, l.item, l.flags, l.text.en]))}`,
          ).toBeGreaterThanOrEqual(0);
          from = i + 1;
        }
      }
      // Every line is explained and referenced, and the receipt replays.
      for (const l of r.lines) {
        expect(l.text.sv.length).toBeGreaterThan(10);
        expect(l.text.en.length).toBeGreaterThan(10);
        expect(l.references.length).toBeGreaterThan(0);
      }
      expect(replay(JSON.parse(JSON.stringify(r.receipt)), rb).ok).toBe(true);
    });
  }
});
