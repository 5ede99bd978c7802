/**
 * Response schemas for the OpenAPI document. Requests are validated by the rule package's own
 * schema (calculationInputSchema), so the document and the validation cannot drift apart.
 */
import * as z from 'zod';
import { calculationInputSchema, guidelinesSourceSchema } from '@tillit/rules';

/** Arrays in responses are read-only: the engine hands out immutable results. */
const arr = <T extends z.ZodType>(t: T) => z.array(t).readonly();

const msg = z.object({ sv: z.string(), en: z.string() });
const status = z.enum(['verified', 'secondary', 'derived']);

export const parameterValueSchema = z
  .object({
    id: z.string(),
    unit: z.enum(['ore', 'basisPoints']),
    amount: z.int().meta({ description: 'In öre, or in basis points (1/10 000) for rates.' }),
    from: z.iso.date(),
    until: z.iso.date().nullable(),
    status,
    source: z.string(),
    method: z.string().optional().meta({ description: 'How a derived value was calculated.' }),
    note: z.string().optional(),
  })
  .meta({ id: 'ParameterValue' });

export const legalReferenceSchema = z
  .object({
    source: z.string(),
    act: z.string(),
    provision: z.string(),
    url: z.string(),
    known: z.boolean().meta({ description: 'false when the exact provision is not yet known; `note` says so.' }),
    note: z.string().optional(),
  })
  .meta({ id: 'LegalReference' });

export const lineSchema = z
  .object({
    n: z.int(),
    rule: z.string(),
    section: z.enum(['norm', 'costs', 'income', 'result']),
    person: z.string().optional(),
    item: z.string().optional(),
    amountOre: z.int(),
    amount: z.number().meta({ description: 'Kronor.' }),
    parameters: arr(parameterValueSchema),
    inputs: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
    references: arr(legalReferenceSchema),
    text: msg,
    flags: arr(z.enum(['capped', 'needsAssessment', 'proRata', 'share', 'extended', 'roundedUp'])),
  })
  .meta({ id: 'Line' });

const totalsSchema = z
  .object({ norm: z.int(), costs: z.int(), income: z.int(), amount: z.int(), surplus: z.int() })
  .meta({ id: 'TotalsOre', description: 'Totals in öre.' });

export const receiptSchema = z
  .object({
    format: z.literal('tillit-receipt/1'),
    engine: z.object({ name: z.literal('@tillit/rules'), version: z.string() }),
    rulebook: z.object({ id: z.string(), version: z.string(), hash: z.string() }),
    input: calculationInputSchema,
    guidelines: guidelinesSourceSchema,
    lines: arr(lineSchema),
    totals: totalsSchema,
    status,
  })
  .meta({ id: 'Receipt' });

export const calculationResultSchema = z
  .object({
    month: z.string(),
    municipality: z.string().optional(),
    norm: z.number(),
    costs: z.number(),
    income: z.number(),
    amount: z.number().meta({ description: 'Försörjningsstöd to pay, kronor, never below 0.' }),
    surplus: z.number().meta({ description: 'Normöverskott: income above the need, kronor.' }),
    status: status.meta({ description: 'The weakest verification status of the rule-book parameters used.' }),
    lines: arr(lineSchema),
    warnings: arr(
      z.object({
        code: z.enum(['needs-assessment', 'parameters-not-verified', 'rule-not-in-force']),
        line: z.int().optional(),
        text: msg,
      }),
    ),
    receipt: receiptSchema,
  })
  .meta({ id: 'CalculationResult' });

export const rulebookResponseSchema = z
  .object({
    id: z.string(),
    version: z.string(),
    hash: z.string(),
    engineVersion: z.string(),
    title: msg,
    rounding: msg,
    sources: z.record(
      z.string(),
      z.object({
        kind: z.string(),
        act: z.string(),
        url: z.string(),
        validUntil: z.string().optional(),
        note: z.string().optional(),
      }),
    ),
    parameters: arr(
      z.object({
        id: z.string(),
        unit: z.enum(['ore', 'basisPoints']),
        per: z.enum(['month', 'year']),
        open: z.boolean(),
        label: msg,
        values: arr(parameterValueSchema),
      }),
    ),
    rules: arr(
      z.object({
        id: z.string(),
        title: msg,
        description: msg,
        periods: arr(
          z.object({ from: z.string(), until: z.string().nullable(), references: arr(legalReferenceSchema) }),
        ),
      }),
    ),
  })
  .meta({ id: 'RuleBook' });
