/**
 * The calculation input: one zod schema that validates requests (library, CLI, HTTP) and from
 * which the OpenAPI document is generated. Amounts are kronor with at most two decimals.
 */
import * as z from 'zod';
import { ageOn, isMonth, parseMonth } from './dates.ts';
import { MAX_KRONOR, kronorToOre } from './money.ts';
import { COST_TYPES, INCOME_TYPES } from './catalogue.ts';

export { COST_TYPES, EMPLOYMENT_INCOME, INCOME_TYPES, LIVSFORING_TYPES } from './catalogue.ts';
export type { CostType, IncomeType } from './catalogue.ts';

/** A message in every language the API answers in. */
export interface Msg {
  readonly sv: string;
  readonly en: string;
}

function custom(ctx: z.core.$RefinementCtx, path: PropertyKey[], msg: Msg, code = 'invalid'): void {
  ctx.addIssue({ code: 'custom', path, message: msg.en, params: { msg, code } });
}

const dateSchema = z.iso.date();
const isDate = (s: string): boolean => dateSchema.safeParse(s).success;

const kronor = z
  .number()
  .refine((n) => Number.isFinite(n) && n >= 0 && n <= MAX_KRONOR && kronorToOre(n) !== undefined, {
    params: {
      code: 'amount',
      msg: {
        sv: `Ange ett belopp i kronor mellan 0 och ${MAX_KRONOR.toLocaleString('sv-SE')} med högst två decimaler.`,
        en: `Give an amount in kronor between 0 and ${MAX_KRONOR.toLocaleString('en-GB')} with at most two decimals.`,
      },
    },
  });

const personId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,40}$/)
  .meta({ description: 'An id for the person within this household (not an identity number).' });

export const adultSchema = z
  .strictObject({
    id: personId,
    birthDate: z.iso.date(),
    jobStimulus: z.boolean().default(false).meta({
      description: 'The adult qualifies for jobbstimulans this month (six consecutive months of försörjningsstöd).',
    }),
  })
  .meta({ id: 'Adult' });

export const childSchema = z
  .strictObject({
    id: personId,
    birthDate: z.iso.date(),
    lunchAtHome: z
      .boolean()
      .default(true)
      .meta({ description: 'For children up to six: eats lunch at home on weekdays (no preschool lunch).' }),
    daysAtHome: z
      .int()
      .min(0)
      .max(31)
      .optional()
      .meta({ description: 'Days this month the child lives in the household; omitted means the whole month.' }),
    earlierEarningsThisYear: kronor
      .default(0)
      .meta({ description: "The child's earnings from work in earlier months of the same calendar year, in kronor." }),
  })
  .meta({ id: 'Child' });

export const costSchema = z
  .strictObject({ type: z.enum(COST_TYPES), amount: kronor.meta({ description: 'Kronor per month.' }) })
  .meta({ id: 'Cost' });

export const incomeSchema = z
  .strictObject({
    type: z.enum(INCOME_TYPES),
    person: personId.optional().meta({ description: 'Whose income; omitted for income of the household as a whole.' }),
    amount: kronor.meta({ description: 'Kronor per month.' }),
  })
  .meta({ id: 'Income' });

export const calculationInputSchema = z
  .strictObject({
    month: z.string().refine(isMonth, {
      params: {
        code: 'month',
        msg: {
          sv: 'Ange en månad som ÅÅÅÅ-MM, till exempel 2026-03.',
          en: 'Give a month as YYYY-MM, for example 2026-03.',
        },
      },
    }),
    municipality: z
      .string()
      .regex(/^[a-z0-9-]{1,60}$/)
      .optional()
      .meta({ description: 'The id of the municipality (tenant) whose guidelines apply.' }),
    household: z.strictObject({
      adults: z
        .array(adultSchema)
        .min(1)
        .max(2)
        .meta({ description: 'One adult, or two adults who are a cohabiting couple.' }),
      children: z.array(childSchema).max(30).default([]),
      householdSize: z.int().min(2).max(30).optional().meta({
        description:
          'Only when a single adult shares a larger household without cohabiting: the number of persons in the whole household.',
      }),
    }),
    costs: z.array(costSchema).max(100).default([]),
    incomes: z.array(incomeSchema).max(100).default([]),
  })
  .superRefine((input, ctx) => {
    // Zod runs this refinement even when a field failed a format check (a non-aborting issue);
    // cross-field checks only look at fields that passed their own check, so a field never gets
    // a second, misleading message.
    if (!isMonth(input.month)) return;
    const m = parseMonth(input.month);
    const ids = new Set<string>();
    const dup = (id: string, path: PropertyKey[]) => {
      if (ids.has(id))
        custom(
          ctx,
          path,
          { sv: `Id:t ${id} används för mer än en person.`, en: `The id ${id} is used for more than one person.` },
          'duplicate',
        );
      ids.add(id);
    };
    input.household.adults.forEach((a, i) => {
      dup(a.id, ['household', 'adults', i, 'id']);
      if (!isDate(a.birthDate)) return;
      if (a.birthDate > m.firstDay) {
        custom(
          ctx,
          ['household', 'adults', i, 'birthDate'],
          {
            sv: 'Födelsedatumet ligger efter månadens första dag.',
            en: 'The birth date is after the first day of the month.',
          },
          'date',
        );
      } else if (ageOn(a.birthDate, m.firstDay) < 18) {
        custom(
          ctx,
          ['household', 'adults', i, 'birthDate'],
          {
            sv: 'En vuxen ska vara minst 18 år den första dagen i månaden. Ange yngre personer som barn.',
            en: 'An adult must be at least 18 on the first day of the month. Enter younger persons as children.',
          },
          'age',
        );
      }
    });
    input.household.children.forEach((c, i) => {
      dup(c.id, ['household', 'children', i, 'id']);
      if (!isDate(c.birthDate)) {
        // no age checks on a date that does not exist
      } else if (c.birthDate > m.lastDay) {
        custom(
          ctx,
          ['household', 'children', i, 'birthDate'],
          {
            sv: 'Barnet är fött efter månaden.',
            en: 'The child is born after the month.',
          },
          'date',
        );
      } else if (c.birthDate <= m.firstDay && ageOn(c.birthDate, m.firstDay) > 20) {
        custom(
          ctx,
          ['household', 'children', i, 'birthDate'],
          {
            sv: 'Ett barn eller en skolungdom ska vara under 21 år den första dagen i månaden.',
            en: 'A child or pupil must be under 21 on the first day of the month.',
          },
          'age',
        );
      }
      if (c.daysAtHome !== undefined && Number.isInteger(c.daysAtHome) && c.daysAtHome <= 31 && c.daysAtHome > m.days) {
        custom(
          ctx,
          ['household', 'children', i, 'daysAtHome'],
          {
            sv: `Månaden har bara ${m.days} dagar.`,
            en: `The month has only ${m.days} days.`,
          },
          'days',
        );
      }
    });
    const persons = input.household.adults.length + input.household.children.length;
    const size = input.household.householdSize;
    if (size !== undefined && Number.isInteger(size) && size >= 2 && size <= 30) {
      if (input.household.adults.length !== 1) {
        custom(
          ctx,
          ['household', 'householdSize'],
          {
            sv: 'Hushållets storlek anges bara när en ensam vuxen delar hushåll med andra utan att vara sambo.',
            en: 'The household size is given only when a single adult shares a household with others without cohabiting.',
          },
          'householdSize',
        );
      } else if (size <= persons) {
        custom(
          ctx,
          ['household', 'householdSize'],
          {
            sv: `Hushållets storlek ska vara större än de ${persons} personer som söker.`,
            en: `The household size must be larger than the ${persons} persons applying.`,
          },
          'householdSize',
        );
      }
    }
    input.incomes.forEach((inc, i) => {
      if (inc.person !== undefined && !ids.has(inc.person)) {
        custom(
          ctx,
          ['incomes', i, 'person'],
          {
            sv: `Personen ${inc.person} finns inte i hushållet.`,
            en: `The person ${inc.person} is not in the household.`,
          },
          'person',
        );
      }
    });
  })
  .meta({ id: 'CalculationInput' });

/** Input as accepted (defaults may be omitted). */
export type CalculationInputIn = z.input<typeof calculationInputSchema>;
/** Input after validation (defaults filled in). */
export type CalculationInput = z.output<typeof calculationInputSchema>;

/** One thing wrong with a request, at one field (RFC 9457 extension member `errors`). */
export interface FieldProblem {
  /** JSON Pointer (RFC 6901) to the field, e.g. `/household/adults/0/birthDate`. */
  readonly pointer: string;
  /** The same path in dotted form, e.g. `household.adults[0].birthDate`. */
  readonly field: string;
  readonly code: string;
  readonly message: string;
}

export type Lang = 'sv' | 'en';

function pointerOf(path: readonly PropertyKey[]): string {
  return path.map((p) => '/' + String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
export function fieldOf(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : (s ? '.' : '') + String(p);
  return s;
}

function describe(issue: z.core.$ZodIssue, lang: Lang): { code: string; message: string } {
  const sv = lang === 'sv';
  const params = (issue as { params?: { msg?: Msg; code?: string } }).params;
  if (params?.msg) return { code: params.code ?? 'invalid', message: params.msg[lang] };
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined)
        return { code: 'required', message: sv ? 'Fältet måste fyllas i.' : 'This field is required.' };
      if (issue.expected === 'int')
        return { code: 'integer', message: sv ? 'Ange ett heltal.' : 'Give a whole number.' };
      return {
        code: 'type',
        message: sv
          ? `Fel typ av värde: ska vara ${typeSv(issue.expected)}.`
          : `Wrong kind of value: expected ${issue.expected}.`,
      };
    case 'invalid_value':
      return {
        code: 'enum',
        message: sv
          ? `Okänt värde. Tillåtna värden: ${issue.values.map(String).join(', ')}.`
          : `Unknown value. Allowed values: ${issue.values.map(String).join(', ')}.`,
      };
    case 'unrecognized_keys':
      return {
        code: 'unknown-field',
        message: sv ? `Okänt fält: ${issue.keys.join(', ')}.` : `Unknown field: ${issue.keys.join(', ')}.`,
      };
    case 'invalid_format':
      if (issue.format === 'regex') {
        const key = issue.path[issue.path.length - 1];
        if (key === 'municipality')
          return {
            code: 'format',
            message: sv
              ? 'Ange kommunens id med små bokstäver, siffror och bindestreck, till exempel ekby.'
              : "Give the municipality's id in lower-case letters, digits and hyphens, for example ekby.",
          };
        return {
          code: 'format',
          message: sv
            ? 'Ange ett id med 1–40 tecken: bokstäver a–z, siffror, - eller _ (inget personnummer).'
            : 'Give an id of 1–40 characters: letters a–z, digits, - or _ (not an identity number).',
        };
      }
      if (issue.format === 'date')
        return {
          code: 'date',
          message: sv ? 'Ange ett datum som finns, som ÅÅÅÅ-MM-DD.' : 'Give a date that exists, as YYYY-MM-DD.',
        };
      return { code: 'format', message: sv ? 'Fel format.' : 'Wrong format.' };
    case 'too_small':
      if (issue.origin === 'array')
        return { code: 'too-few', message: sv ? `Ange minst ${issue.minimum}.` : `Give at least ${issue.minimum}.` };
      if (issue.origin === 'string')
        return {
          code: 'too-short',
          message: sv ? `Ange minst ${issue.minimum} tecken.` : `Give at least ${issue.minimum} characters.`,
        };
      return {
        code: 'too-small',
        message: sv ? `Värdet ska vara minst ${issue.minimum}.` : `The value must be at least ${issue.minimum}.`,
      };
    case 'too_big':
      if (issue.origin === 'array')
        return { code: 'too-many', message: sv ? `Ange högst ${issue.maximum}.` : `Give at most ${issue.maximum}.` };
      if (issue.origin === 'string')
        return {
          code: 'too-long',
          message: sv ? `Ange högst ${issue.maximum} tecken.` : `Give at most ${issue.maximum} characters.`,
        };
      return {
        code: 'too-big',
        message: sv ? `Värdet får vara högst ${issue.maximum}.` : `The value must be at most ${issue.maximum}.`,
      };
    case 'not_multiple_of':
      return { code: 'integer', message: sv ? 'Ange ett heltal.' : 'Give a whole number.' };
    default:
      return { code: 'invalid', message: sv ? 'Ogiltigt värde.' : 'Invalid value.' };
  }
}

function typeSv(expected: string): string {
  const m: Record<string, string> = {
    number: 'ett tal',
    int: 'ett heltal',
    string: 'en text',
    boolean: 'sant eller falskt',
    array: 'en lista',
    object: 'ett objekt',
  };
  return m[expected] ?? expected;
}

/** Turns zod issues into field problems in the given language. */
export function toFieldProblems(issues: readonly z.core.$ZodIssue[], lang: Lang): FieldProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((k) => {
        const path = [...issue.path, k];
        return {
          pointer: pointerOf(path),
          field: fieldOf(path),
          code: 'unknown-field',
          message: lang === 'sv' ? 'Okänt fält.' : 'Unknown field.',
        };
      });
    }
    const { code, message } = describe(issue, lang);
    return [{ pointer: pointerOf(issue.path), field: fieldOf(issue.path), code, message }];
  });
}

export type ParseResult =
  { readonly ok: true; readonly input: CalculationInput } | { readonly ok: false; readonly problems: FieldProblem[] };

/** Validates unknown data as a calculation input; problems name each field, in `lang`. */
export function parseCalculationInput(data: unknown, lang: Lang = 'sv'): ParseResult {
  // reportInput lets a problem tell a missing field from a wrong type; inputs are never logged.
  const r = calculationInputSchema.safeParse(data, { reportInput: true });
  return r.success ? { ok: true, input: r.data } : { ok: false, problems: toFieldProblems(r.error.issues, lang) };
}
