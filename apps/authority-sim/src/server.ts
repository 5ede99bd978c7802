/**
 * The HTTP face of the simulator (Fastify). Identity numbers travel only in POST bodies, never
 * in URLs, and are never logged: request logs carry method, route pattern, status and time.
 */
import Fastify, { LogController } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyServerOptions } from 'fastify';
import * as z from 'zod';
import { buildAnswer, makePartial } from './answers.ts';
import { FaultController, faultSettingsSchema, type FaultSettings } from './faults.ts';
import { MONTH_PATTERN, swedishDate } from './months.ts';
import { isValidPersonnummer } from './personnummer.ts';
import { MUNICIPALITY_NAMES, TRAITS, type Population, type SimHousehold } from './population.ts';
import { SOURCE_IDS, type Problem, type SourceId } from './types.ts';

export interface SimServerOptions {
  readonly population: Population;
  /** Faults at start; change them later with `faults.set` or `PUT /admin/faults`. */
  readonly faults?: FaultSettings;
  /** Seed of the fault PRNG (default: the population's seed). */
  readonly faultSeed?: number | string;
  /** The clock (default: the system clock). Decides the current month and which payments are made. */
  readonly now?: () => Date;
  /** Fastify/pino logger options; default off. */
  readonly logger?: FastifyServerOptions['logger'];
}

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
}

export interface SimServer {
  readonly app: FastifyInstance;
  readonly faults: FaultController;
  /** Every route the server offers. */
  readonly routes: readonly RouteInfo[];
}

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

function problem(type: string, title: string, status: number, detail?: string, errors?: Problem['errors']): Problem {
  return {
    type: `/problems/${type}`,
    title,
    status,
    ...(detail !== undefined ? { detail } : {}),
    ...(errors !== undefined ? { errors } : {}),
  };
}

function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type(PROBLEM_JSON).send(p);
}

/** Zod issues as field problems, without the values sent. */
function fieldProblems(issues: readonly z.core.$ZodIssue[]): NonNullable<Problem['errors']> {
  return issues.map((i) => ({
    pointer: '/' + i.path.map((p) => String(p).replaceAll('~', '~0').replaceAll('/', '~1')).join('/'),
    code: i.code,
    message: i.message,
  }));
}

function invalid(reply: FastifyReply, where: 'body' | 'query', issues: readonly z.core.$ZodIssue[]): FastifyReply {
  const n = issues.length;
  return sendProblem(
    reply,
    problem(
      'invalid-input',
      'The request is not valid',
      400,
      `${n} problem${n === 1 ? '' : 's'} in the request ${where}.`,
      fieldProblems(issues),
    ),
  );
}

export const lookupRequestSchema = z.strictObject({
  personnummer: z
    .string({ error: 'personnummer is required: a string of 12 digits, YYYYMMDDNNNC' })
    .regex(/^\d{12}$/, { error: 'personnummer must be 12 digits, YYYYMMDDNNNC, without a hyphen' })
    .refine(isValidPersonnummer, { error: 'personnummer has an impossible date or a wrong check digit' }),
  months: z
    .array(z.string().regex(MONTH_PATTERN, { error: 'a month is written "YYYY-MM"' }))
    .min(1, { error: 'months, when given, lists at least one month' })
    .max(24, { error: 'at most 24 months' })
    .refine((ms) => new Set(ms).size === ms.length, { error: 'months must not repeat' })
    .optional(),
});
export type LookupRequest = z.infer<typeof lookupRequestSchema>;

export const householdsQuerySchema = z.strictObject({
  municipality: z
    .string()
    .regex(/^\d{4}$/, { error: 'a municipality code has four digits' })
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
  /** Comma-separated traits; a household must have all of them. */
  traits: z
    .string()
    .transform((s) => s.split(',').filter((t) => t !== ''))
    .pipe(z.array(z.enum(TRAITS)))
    .optional(),
});

function householdSummary(h: SimHousehold): object {
  return {
    householdId: h.householdId,
    municipalityCode: h.municipalityCode,
    municipalityName: MUNICIPALITY_NAMES[h.municipalityCode] ?? null,
    protectedIdentity: h.protectedIdentity,
    cohabiting: h.cohabiting,
    address: h.protectedIdentity ? null : h.address,
    traits: h.traits,
    members: h.members.map((m) => ({
      personnummer: m.personnummer,
      givenName: m.givenName,
      familyName: m.familyName,
      birthDate: m.birthDate,
      sex: m.sex,
      role: m.role,
    })),
  };
}

/** Waits `ms` (or for ever when `null`); false when the signal ends the wait first. */
function wait(ms: number | null, signals: readonly AbortSignal[]): Promise<boolean> {
  if (signals.some((s) => s.aborted)) return Promise.resolve(false);
  if (ms === 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      for (const s of signals) s.removeEventListener('abort', onAbort);
      resolve(false);
    };
    for (const s of signals) s.addEventListener('abort', onAbort, { once: true });
    if (ms !== null) {
      timer = setTimeout(() => {
        for (const s of signals) s.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
    }
  });
}

export function createSimServer(opts: SimServerOptions): SimServer {
  const { population } = opts;
  const now = opts.now ?? (() => new Date());
  const faults = new FaultController(opts.faults ?? {}, opts.faultSeed ?? population.seed);
  const closing = new AbortController();
  const routes: RouteInfo[] = [];

  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 16_384,
    logController: new LogController({ disableRequestLogging: true }),
    forceCloseConnections: true,
    trustProxy: false,
  });
  app.removeContentTypeParser('text/plain');

  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  app.addHook('preClose', async () => {
    closing.abort();
  });
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      {
        method: req.method,
        route: req.routeOptions.url ?? 'unmatched',
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      'request',
    );
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    // Never echo err.message for client errors: a parser message may quote the body.
    const status = err.statusCode ?? 500;
    if (status === 415) {
      return sendProblem(reply, problem('unsupported-media-type', 'Send JSON (application/json)', 415));
    }
    if (status === 413) return sendProblem(reply, problem('payload-too-large', 'The request is too large', 413));
    if (status >= 400 && status < 500) {
      return sendProblem(
        reply,
        problem('invalid-json', 'The request body is not valid JSON', 400, 'Send a JSON object as the body.'),
      );
    }
    req.log.error({ code: err.code, name: err.name }, 'internal error');
    return sendProblem(reply, problem('internal', 'Something went wrong in the simulator', 500));
  });
  app.setNotFoundHandler((_req, reply) =>
    sendProblem(reply, problem('not-found', 'Not found', 404, 'No such endpoint. Lookups are POST /v1/{source}.')),
  );

  app.get('/health', async () => {
    const d = now();
    return {
      status: 'ok',
      referenceMonth: population.referenceMonth,
      today: swedishDate(d),
      households: population.households.length,
      persons: population.personCount,
      municipalities: population.municipalities.map((code) => ({
        code,
        name: MUNICIPALITY_NAMES[code] ?? null,
        households: population.householdsPerMunicipality,
      })),
      sources: SOURCE_IDS,
    };
  });

  app.get('/v1/households', async (req, reply) => {
    const q = householdsQuerySchema.safeParse(req.query ?? {});
    if (!q.success) return invalid(reply, 'query', q.error.issues);
    const { municipality, limit, offset, traits } = q.data;
    const matching = population.households.filter(
      (h) =>
        (municipality === undefined || h.municipalityCode === municipality) &&
        (traits === undefined || traits.every((t) => h.traits.includes(t))),
    );
    return {
      total: matching.length,
      offset,
      limit,
      households: matching.slice(offset, offset + limit).map(householdSummary),
    };
  });

  const faultsView = (): object => ({
    settings: faults.get(),
    effective: Object.fromEntries(SOURCE_IDS.map((s) => [s, faults.effective(s)])),
  });
  app.get('/admin/faults', async () => faultsView());
  app.put('/admin/faults', async (req, reply) => {
    const parsed = faultSettingsSchema.safeParse(req.body ?? {});
    if (!parsed.success) return invalid(reply, 'body', parsed.error.issues);
    faults.set(parsed.data);
    req.log.info({ faults: parsed.data }, 'faults changed');
    return faultsView();
  });

  const lookup =
    (source: SourceId) => async (req: { body: unknown; log: FastifyInstance['log'] }, reply: FastifyReply) => {
      const plan = faults.plan(source);
      if (plan.down) {
        reply.header('retry-after', '30');
        return sendProblem(
          reply,
          problem('source-unavailable', 'The source is unavailable', 503, `${source} is down (simulated).`),
        );
      }
      const body = lookupRequestSchema.safeParse(req.body ?? {});
      if (!body.success) return invalid(reply, 'body', body.error.issues);

      const requestGone = new AbortController();
      reply.raw.on('close', () => requestGone.abort());
      const signals = [closing.signal, requestGone.signal];
      const abandon = (): FastifyReply => {
        reply.hijack();
        if (!reply.raw.destroyed) reply.raw.destroy();
        return reply;
      };

      if (plan.delayMs > 0 && !(await wait(plan.delayMs, signals))) return abandon();
      if (plan.hold !== undefined) {
        req.log.info({ source, fault: 'timeout', holdMs: plan.hold }, 'simulated fault');
        if (!(await wait(plan.hold, signals))) return abandon();
        return sendProblem(
          reply,
          problem('gateway-timeout', 'The source did not answer in time', 504, `${source} timed out (simulated).`),
        );
      }
      if (plan.error) {
        req.log.info({ source, fault: 'error' }, 'simulated fault');
        return sendProblem(
          reply,
          problem('source-error', 'The source failed', 500, `${source} answered with an error (simulated).`),
        );
      }

      const found = population.find(body.data.personnummer);
      if (found === undefined) {
        return sendProblem(
          reply,
          problem('person-not-found', 'Person not found', 404, `${source} has no person with that personnummer.`),
        );
      }
      const d = now();
      const answer = buildAnswer(source, found.household, found.person, body.data.months, {
        today: swedishDate(d),
        retrievedAt: d.toISOString(),
      });
      if (plan.partial) {
        req.log.info({ source, fault: 'partial' }, 'simulated fault');
        return makePartial(answer, () => faults.next());
      }
      return answer;
    };
  for (const source of SOURCE_IDS) app.post(`/v1/${source}`, lookup(source));

  return { app, faults, routes };
}
