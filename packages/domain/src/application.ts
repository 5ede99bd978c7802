/**
 * An application for ekonomiskt bistånd as the applicant submits it: household, residence,
 * incomes, costs, assets, labour-market situation, payment account and attestation. Persons are
 * identified by personnummer (never logged, never in URLs); birth dates derive from them.
 */
import * as personnummerModule from 'personnummer';
import * as z from 'zod';
import { COST_TYPES, INCOME_TYPES } from '@tillit/rules';
import type { CalculationInputIn } from '@tillit/rules';

// The package's types declare an ES default export but it ships CommonJS (module.exports = class).
// Node gives the class as the namespace's default; the types put it one `.default` deeper.
type PersonnummerClass = typeof personnummerModule.default.default;
const Personnummer = personnummerModule.default as unknown as PersonnummerClass;

export const APPLICATION_KINDS = ['new', 'renewal', 'supplementary'] as const;
export type ApplicationKind = (typeof APPLICATION_KINDS)[number];

const msg = (sv: string, en: string) => ({ params: { msg: { sv, en }, code: 'invalid' } });

export const personnummerSchema = z
  .string()
  .refine(
    (s) => Personnummer.valid(s),
    msg('Ange ett giltigt personnummer, ÅÅÅÅMMDD-NNNN.', 'Give a valid personal identity number, YYYYMMDD-NNNN.'),
  )
  .transform((s) => Personnummer.parse(s).format(true))
  .meta({ description: 'Swedish personnummer (12 digits); never sent in URLs or logged.' });

const kronor = z
  .number()
  .min(0)
  .max(10_000_000)
  .refine(
    (n) => Math.abs(n * 100 - Math.round(n * 100)) < 1e-6,
    msg('Ange ett belopp med högst två decimaler.', 'Give an amount with at most two decimals.'),
  );

export const applicationContentSchema = z
  .strictObject({
    household: z.strictObject({
      adults: z
        .array(
          z.strictObject({
            personnummer: personnummerSchema,
            name: z.string().min(1).max(200).optional(),
          }),
        )
        .min(1)
        .max(2),
      children: z
        .array(
          z.strictObject({
            personnummer: personnummerSchema,
            lunchAtHome: z.boolean().default(true),
            daysAtHome: z.int().min(0).max(31).optional(),
          }),
        )
        .max(20)
        .default([]),
      /** Only when a single adult shares a larger household without cohabiting. */
      householdSize: z.int().min(2).max(30).optional(),
    }),
    residence: z.strictObject({
      type: z.enum(['rental', 'sublet', 'owned', 'lodger', 'homeless', 'other']),
      /** Days this month the applicant stays outside the municipality. */
      daysAway: z.int().min(0).max(31).default(0),
    }),
    incomes: z
      .array(
        z.strictObject({
          type: z.enum(INCOME_TYPES),
          /** Index into adults (a0, a1) or children (c0, …); omitted for household income. */
          person: z
            .string()
            .regex(/^[ac]\d{1,2}$/)
            .optional(),
          amount: kronor,
        }),
      )
      .max(50)
      .default([]),
    costs: z
      .array(z.strictObject({ type: z.enum(COST_TYPES), amount: kronor }))
      .max(50)
      .default([]),
    assets: z
      .array(z.strictObject({ type: z.enum(['bank', 'vehicle', 'property', 'shares', 'other']), value: kronor }))
      .max(50)
      .default([]),
    labourMarket: z
      .array(
        z.strictObject({
          person: z.string().regex(/^a\d$/),
          situation: z.enum(['jobseeker', 'employed', 'student', 'sick', 'parental-leave', 'other']),
          registeredAtArbetsformedlingen: z.boolean(),
        }),
      )
      .max(2)
      .default([]),
    paymentAccount: z.strictObject({
      clearing: z.string().regex(/^\d{4,5}$/),
      account: z.string().regex(/^\d{6,12}$/),
      /**
       * Whose account it is: the applicant's (a0, the default) or, when the household asks for it,
       * the co-applicant's (a1). Payments are made to this account in this adult's name.
       */
      holder: z
        .enum(['a0', 'a1'])
        .optional()
        .meta({ description: "Whose account: a0 (the applicant, default) or a1 (the co-applicant's, when asked)." }),
    }),
    attestation: z.strictObject({
      truthful: z.literal(true),
      informedAboutChecks: z.literal(true),
    }),
  })
  .superRefine((c, ctx) => {
    if (c.paymentAccount.holder === 'a1' && c.household.adults.length < 2)
      ctx.addIssue({
        code: 'custom',
        path: ['paymentAccount', 'holder'],
        message: 'a co-applicant account needs a second adult',
        params: {
          code: 'no-co-applicant',
          msg: {
            sv: 'Utbetalning till medsökandes konto kräver att hushållet har två vuxna.',
            en: "Payment to the co-applicant's account needs a second adult in the household.",
          },
        },
      });
  })
  .meta({ id: 'ApplicationContent' });

export type ApplicationContent = z.output<typeof applicationContentSchema>;
export type ApplicationContentIn = z.input<typeof applicationContentSchema>;

/** The birth date (YYYY-MM-DD) a personnummer carries. */
export function birthDateOf(personnummer: string): string {
  const p = Personnummer.parse(personnummer);
  return `${p.fullYear}-${p.month}-${p.day}`;
}

/**
 * The rule book's calculation input for an application, with jobbstimulans as established by
 * the case history (whoever qualifies this month). Person ids are positional (a0, a1, c0, …) so
 * that no identity number reaches the calculation, its receipt or its explanation.
 */
export function toCalculationInput(
  content: ApplicationContent,
  month: string,
  municipality: string,
  jobStimulus: ReadonlySet<string> = new Set(),
): CalculationInputIn {
  return {
    month,
    municipality,
    household: {
      adults: content.household.adults.map((a, i) => ({
        id: `a${i}`,
        birthDate: birthDateOf(a.personnummer),
        jobStimulus: jobStimulus.has(`a${i}`),
      })),
      children: content.household.children.map((c, i) => ({
        id: `c${i}`,
        birthDate: birthDateOf(c.personnummer),
        lunchAtHome: c.lunchAtHome,
        ...(c.daysAtHome !== undefined ? { daysAtHome: c.daysAtHome } : {}),
      })),
      ...(content.household.householdSize !== undefined ? { householdSize: content.household.householdSize } : {}),
    },
    costs: content.costs,
    incomes: content.incomes.map((inc) => ({
      type: inc.type,
      amount: inc.amount,
      ...(inc.person !== undefined ? { person: inc.person } : {}),
    })),
  };
}
