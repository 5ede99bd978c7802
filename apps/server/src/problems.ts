/**
 * RFC 9457 problem details. Every error the API returns has this shape, with the field-level
 * `errors` extension for validation problems, in the caller's language.
 */
import * as z from 'zod';
import type { FieldProblem, Lang } from '@tillit/rules';

export const PROBLEM_TYPES = {
  'invalid-input': {
    status: 400,
    title: { sv: 'Uppgifterna är inte giltiga', en: 'The request is not valid' },
  },
  'invalid-json': {
    status: 400,
    title: { sv: 'Förfrågan är inte giltig JSON', en: 'The request body is not valid JSON' },
  },
  'missing-parameters': {
    status: 422,
    title: { sv: 'Regelboken saknar belopp för månaden', en: 'The rule book has no amounts for the month' },
  },
  'not-found': { status: 404, title: { sv: 'Sidan finns inte', en: 'Not found' } },
  unauthorized: { status: 401, title: { sv: 'Du behöver logga in', en: 'Authentication required' } },
  forbidden: { status: 403, title: { sv: 'Du saknar behörighet', en: 'You do not have access' } },
  'auth-unavailable': {
    status: 503,
    title: { sv: 'Inloggningen går inte att kontrollera just nu', en: 'Sign-in cannot be checked right now' },
  },
  'payload-too-large': { status: 413, title: { sv: 'Förfrågan är för stor', en: 'The request is too large' } },
  'unsupported-media-type': {
    status: 415,
    title: { sv: 'Skicka JSON (application/json)', en: 'Send JSON (application/json)' },
  },
  conflict: {
    status: 409,
    title: { sv: 'Ärendet tillåter inte det just nu', en: 'The case does not allow that now' },
  },
  'rate-limited': { status: 429, title: { sv: 'För många förfrågningar', en: 'Too many requests' } },
  internal: { status: 500, title: { sv: 'Något gick fel hos oss', en: 'Something went wrong on our side' } },
} as const;
export type ProblemType = keyof typeof PROBLEM_TYPES;

export const problemSchema = z
  .object({
    type: z.string().meta({ description: 'A URI reference identifying the problem type; see docs/api/README.md.' }),
    title: z.string(),
    status: z.int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z
      .array(
        z.object({
          pointer: z.string().meta({ description: 'JSON Pointer (RFC 6901) to the field in the request body.' }),
          field: z.string().meta({ description: 'The same path in dotted form.' }),
          code: z.string(),
          message: z.string(),
        }),
      )
      .optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
export type Problem = z.infer<typeof problemSchema>;

export function problem(type: ProblemType, lang: Lang, detail?: string, errors?: readonly FieldProblem[]): Problem {
  const t = PROBLEM_TYPES[type];
  return {
    type: `/problems/${type}`,
    title: t.title[lang],
    status: t.status,
    ...(detail !== undefined ? { detail } : {}),
    ...(errors !== undefined
      ? { errors: errors.map(({ pointer, field, code, message }) => ({ pointer, field, code, message })) }
      : {}),
  };
}

/** The caller's language from Accept-Language (Swedish unless English is preferred). */
export function negotiateLang(header: string | undefined): Lang {
  if (!header) return 'sv';
  const prefs = header
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.find((p) => p.trim().startsWith('q='));
      return { tag: tag.trim(), q: q ? Number(q.trim().slice(2)) : 1 };
    })
    .filter((p) => Number.isFinite(p.q) && p.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const p of prefs) {
    if (p.tag === 'sv' || p.tag.startsWith('sv-')) return 'sv';
    if (p.tag === 'en' || p.tag.startsWith('en-')) return 'en';
  }
  return 'sv';
}

/** 400 invalid-input naming every field; the detail says how many (or what the caller passes). */
export function invalidInput(lang: Lang, errors: readonly FieldProblem[], detail?: string): Problem {
  const n = errors.length;
  return problem(
    'invalid-input',
    lang,
    detail ??
      (lang === 'sv' ? `${n} fält behöver rättas.` : `${n} ${n === 1 ? 'field needs' : 'fields need'} correcting.`),
    errors,
  );
}
