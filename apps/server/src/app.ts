/**
 * The HTTP application: Fastify with zod schemas, an OpenAPI 3.1 document generated from them,
 * RFC 9457 problem details for every error, and structured logs that never contain payloads.
 */
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import Fastify, { LogController } from 'fastify';
import type { FastifyError, FastifyInstance, FastifyServerOptions } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import * as z from 'zod';
import { calculationInputSchema, toFieldProblems } from '@tillit/rules';
import type { RuleBook } from '@tillit/rules';
import { calculateInput } from './calculation-service.ts';
import { readMunicipalities } from './municipalities.ts';
import type { Municipalities } from './municipalities.ts';
import type { RuleBookRegistry } from './rulebook-registry.ts';
import fastifyCookie from '@fastify/cookie';
import { authPlugin, tokenVerifier } from './auth/plugin.ts';
import type { AuthOptions } from './auth/plugin.ts';
import { webLoginRoutes, webSessions } from './auth/session.ts';
import type { WebLoginOptions } from './auth/session.ts';
import type { Database } from './db/schema.ts';
import { applicationRoutes } from './routes/applications.ts';
import { caseRoutes } from './routes/cases.ts';
import { fakeChannels } from './letters/delivery.ts';
import type { DeliveryAdapter } from './letters/delivery.ts';
import { chromiumPdfRenderer } from './letters/pdf.ts';
import type { PdfRenderer } from './letters/pdf.ts';
import type { LetterDeps } from './letters/service.ts';
import { letterRoutes } from './routes/letters.ts';
import { paymentRoutes } from './routes/payments.ts';
import { sampleCheckRoutes } from './routes/sample-checks.ts';
import { meetingRoutes } from './routes/meetings.ts';
import { documentRoutes } from './routes/documents.ts';
import { conversationRoutes } from './routes/conversations.ts';
import { adjustmentRoutes } from './routes/adjustments.ts';
import { serviceMetricRoutes } from './routes/service-metrics.ts';
import { queueRoutes } from './routes/queues.ts';
import { auditRoutes } from './routes/audit.ts';
import { customerServiceRoutes } from './routes/customer-service.ts';
import { labourMarketRoutes } from './routes/labour-market.ts';
import { administrationRoutes } from './routes/administration.ts';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { renderLandingPage, renderProblemTypePage, renderRulebookPage } from './pages.ts';
import { PROBLEM_TYPES, invalidInput, negotiateLang, problem, problemSchema } from './problems.ts';
import type { ProblemType } from './problems.ts';
import { calculationResultSchema, rulebookResponseSchema } from './schemas.ts';
import { rulebookToJson } from './rulebook-json.ts';
import { DEFAULT_WEB_ROOT, citizenWeb, sendIndex, wantsPage } from './web.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Letter printing and delivery, for the background loop in main.ts and tests. */
    letters: LetterDeps;
    /** The municipalities as they stand; reload after a change of settings (here or by another process). */
    tenants: Tenants;
    /** The rule book in force and every earlier one by hash. */
    rulebooks: RuleBookRegistry;
  }
}

export interface Tenants {
  current(): Municipalities;
  /** Reads the municipalities from the database again. */
  reload(): Promise<Municipalities>;
}

export interface AppOptions {
  /** The rule book in force (the shipped one and the confirmed yearly values); see rulebook-registry.ts. */
  readonly rulebooks: RuleBookRegistry;
  /** The municipalities at start; the app reloads them after a change (app.tenants). */
  readonly municipalities: Municipalities;
  /** OIDC bearer-token verification (issuer and audience). */
  readonly auth: AuthOptions;
  readonly db: Kysely<Database>;
  readonly logger?: FastifyServerOptions['logger'];
  /** Requests per minute and client address on public endpoints. */
  readonly rateLimitPerMinute?: number;
  /** Reverse-proxy hops to trust for the client's address (0 or absent: none). */
  readonly trustProxy?: number;
  /** How letters are printed and delivered; default: Debian's Chromium and the local fake channels. */
  readonly letters?: { readonly pdf: PdfRenderer; readonly channels: readonly DeliveryAdapter[] };
  /** The built citizen web (apps/web/dist); served at / when it exists. */
  readonly webRoot?: string;
  /** Browser sign-in (OIDC code flow, server-side sessions); without it the API takes bearer tokens only. */
  readonly web?: WebLoginOptions;
}

/** A request that failed its zod schema; the error handler turns it into problem details. */
class InputValidationError extends Error {
  readonly statusCode = 400;
  constructor(readonly issues: readonly z.core.$ZodIssue[]) {
    super('invalid input');
  }
}

const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export async function buildApp(opts: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logger ?? false,
    bodyLimit: 1_048_576,
    // Request logs carry method, route and status only: no bodies, no query strings.
    logController: new LogController({ disableRequestLogging: true }),
    // Behind a TLS proxy, its hop(s) are trusted for the client's address (rate limits per person).
    trustProxy: (_address: string, hop: number) => hop < (opts.trustProxy ?? 0),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler<z.ZodType>(({ schema }) => (data) => {
    const r = schema.safeParse(data, { reportInput: true });
    return r.success ? { value: r.data } : { error: new InputValidationError(r.error.issues) };
  });
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  // The API speaks JSON only: other media types get 415 problem details.
  app.removeContentTypeParser('text/plain');

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

  app.setErrorHandler((err: FastifyError | InputValidationError, req, reply) => {
    const lang = negotiateLang(req.headers['accept-language']);
    if (err instanceof InputValidationError) {
      return reply
        .code(400)
        .type(PROBLEM_JSON)
        .send(invalidInput(lang, toFieldProblems(err.issues, lang)));
    }
    const status = err.statusCode ?? 500;
    let type: ProblemType = 'internal';
    if (status === 413) type = 'payload-too-large';
    else if (status === 415) type = 'unsupported-media-type';
    else if (status === 429) type = 'rate-limited';
    else if (status === 404) type = 'not-found';
    else if (status === 401) type = 'unauthorized';
    else if (status === 403) type = 'forbidden';
    else if (status === 400) type = 'invalid-json';
    if (type === 'internal') req.log.error({ err: { message: err.message, stack: err.stack } }, 'unhandled error');
    const detail =
      type === 'invalid-json'
        ? lang === 'sv'
          ? 'Kontrollera att förfrågan är korrekt JSON.'
          : 'Check that the request body is well-formed JSON.'
        : type === 'rate-limited'
          ? lang === 'sv'
            ? 'Vänta en stund och försök igen.'
            : 'Wait a moment and try again.'
          : undefined;
    return reply
      .code(PROBLEM_TYPES[type].status)
      .type(PROBLEM_JSON)
      .send(problem(type, lang, detail));
  });

  app.setNotFoundHandler((req, reply) => {
    if (app.hasDecorator('webIndex') && wantsPage(req)) return sendIndex(app, reply, 404);
    const lang = negotiateLang(req.headers['accept-language']);
    return reply.code(404).type(PROBLEM_JSON).send(problem('not-found', lang));
  });

  await app.register(fastifyRateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => ({ statusCode: ctx.statusCode, message: 'rate limited' }),
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Tillit API',
        version: '1.0.0',
        description:
          'Tillit: ekonomiskt bistånd as open-source software. The calculation API computes försörjningsstöd for a ' +
          'household and month from the public rule book, with every line explained and a receipt that replays. ' +
          'Errors are RFC 9457 problem details in the language of Accept-Language (sv, en).',
        license: { name: 'EUPL-1.2', identifier: 'EUPL-1.2' },
      },
      tags: [
        { name: 'calculation', description: 'The rule book and calculations (public, no login).' },
        { name: 'applications', description: "Applicants' applications (bearer token with the applicant role)." },
        { name: 'cases', description: "Staff access to their municipality's cases." },
        { name: 'letters', description: 'Letters to the applicant: HTML and PDF, in Swedish and translations.' },
        { name: 'payments', description: 'Payments, urgent payments and ISO 20022 pain.001 batches.' },
        { name: 'sample-checks', description: 'Random sample checks (stickprov): draws, follow-ups, the report.' },
        { name: 'session', description: 'Browser sign-in: the session and its CSRF token.' },
        {
          name: 'meetings',
          description: "Meetings with a labour-market coach: coaches' slots and applicants' bookings.",
        },
        { name: 'documents', description: 'Documents the applicant uploads; metadata removed from images.' },
        { name: 'messages', description: 'Messages between the applicant and the caseworker.' },
        { name: 'appeals', description: 'Appeals (överklagande) lodged online, and their handling.' },
        { name: 'service-metrics', description: 'Anonymous metrics of the citizen service.' },
        {
          name: 'labour-market',
          description: "The labour-market coach's follow-up: participants, meeting notes, plans, measures, exits.",
        },
        {
          name: 'customer-service',
          description: "Customer service: a person's status, missing items and next payday; help to book a meeting.",
        },
        {
          name: 'audit',
          description:
            "The auditor's read-only tools: search and export the audit log, verify its chain, replay a decision.",
        },
        {
          name: 'administration',
          description:
            "Municipality settings on record, and the rule book's yearly values confirmed by two administrators.",
        },
        { name: 'operations', description: 'Health and readiness.' },
      ],
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: jsonSchemaTransformObject,
  });

  await app.register(fastifyCookie);
  const sessions = opts.web
    ? webSessions({
        db: opts.db,
        secureCookies: opts.web.publicUrl().startsWith('https:'),
        ...(opts.web.idleMinutes !== undefined ? { idleMinutes: opts.web.idleMinutes } : {}),
        ...(opts.web.absoluteHours !== undefined ? { absoluteHours: opts.web.absoluteHours } : {}),
      })
    : undefined;
  await app.register(authPlugin, { ...opts.auth, ...(sessions ? { session: sessions.resolve } : {}) });
  if (opts.web && sessions)
    await webLoginRoutes(app, { ...opts.web, sessions, db: opts.db, verify: tokenVerifier(opts.auth) });

  const { rulebooks } = opts;
  let municipalities = opts.municipalities;
  app.decorate('rulebooks', rulebooks);
  app.decorate('tenants', {
    current: () => municipalities,
    async reload() {
      municipalities = await readMunicipalities(opts.db, rulebooks.current());
      return municipalities;
    },
  });
  /** Per rule-book hash: the JSON and the pages, made once. */
  const perRuleBook = <T>(make: (rb: RuleBook) => T): (() => T) => {
    let made: { hash: string; value: T } | undefined;
    return () => {
      const rb = rulebooks.current();
      if (made?.hash !== rb.hash) made = { hash: rb.hash, value: make(rb) };
      return made.value;
    };
  };
  const rulebookJson = perRuleBook(rulebookToJson);
  const limit = { max: opts.rateLimitPerMinute ?? 600, timeWindow: '1 minute' };
  const problems = { 400: problemSchema, 422: problemSchema, 429: problemSchema };

  app.post(
    '/api/v1/calculations',
    {
      config: { rateLimit: limit },
      schema: {
        tags: ['calculation'],
        summary: 'Calculate försörjningsstöd for a household and month',
        description:
          'Public, no login. Amounts in kronor with at most two decimals. The result explains every line with its ' +
          'rule, parameters and legal reference, and carries a receipt that `tillit replay` reproduces exactly.',
        body: calculationInputSchema,
        response: { 200: calculationResultSchema, ...problems },
      },
    },
    async (req, reply) => {
      const lang = negotiateLang(req.headers['accept-language']);
      const outcome = calculateInput(rulebooks.current(), municipalities, req.body, lang);
      if (!outcome.ok) return reply.code(outcome.problem.status).type(PROBLEM_JSON).send(outcome.problem);
      return outcome.result;
    },
  );

  app.get(
    '/api/v1/rulebook',
    {
      config: { rateLimit: limit },
      schema: {
        tags: ['calculation'],
        summary: 'The rule book: every parameter with its values over time, and every rule with its legal references',
        response: { 200: rulebookResponseSchema, 429: problemSchema },
      },
    },
    async () => rulebookJson(),
  );

  app.get(
    '/api/v1/municipalities',
    {
      config: { rateLimit: limit },
      schema: {
        tags: ['calculation'],
        summary: 'Municipalities whose guidelines the calculation can apply',
        response: {
          200: z.array(z.object({ id: z.string(), name: z.string(), code: z.string(), host: z.string().optional() })),
        },
      },
    },
    async () =>
      [...municipalities.values()].map(({ id, name, code, host }) => ({ id, name, code, ...(host ? { host } : {}) })),
  );

  app.get(
    '/healthz',
    { schema: { tags: ['operations'], summary: 'Liveness', response: { 200: z.object({ status: z.literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary: 'Readiness: the rule book is loaded and the database answers',
        response: {
          200: z.object({ status: z.literal('ready'), rulebook: z.object({ version: z.string(), hash: z.string() }) }),
          503: problemSchema,
        },
      },
    },
    async (req, reply) => {
      try {
        await sql`select 1`.execute(opts.db);
      } catch {
        const lang = negotiateLang(req.headers['accept-language']);
        return reply
          .code(503)
          .type(PROBLEM_JSON)
          .send({
            ...problem('internal', lang, lang === 'sv' ? 'Databasen svarar inte.' : 'The database does not answer.'),
            status: 503,
          });
      }
      const rulebook = rulebooks.current();
      return { status: 'ready' as const, rulebook: { version: rulebook.version, hash: rulebook.hash } };
    },
  );

  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  await applicationRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await caseRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await paymentRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await sampleCheckRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await meetingRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await documentRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await conversationRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await adjustmentRoutes(app, { db: opts.db, municipalities: () => municipalities, rulebooks });
  await serviceMetricRoutes(app, { db: opts.db, municipalities: () => municipalities });
  await queueRoutes(app, { db: opts.db, municipalities: () => municipalities });
  // The staff sections' routes: `rulebook` reads the rule book in force at each use.
  const sectionOptions = {
    db: opts.db,
    municipalities: () => municipalities,
    rulebooks,
    get rulebook() {
      return rulebooks.current();
    },
  };
  await auditRoutes(app, sectionOptions);
  await customerServiceRoutes(app, sectionOptions);
  await labourMarketRoutes(app, sectionOptions);
  await administrationRoutes(app, sectionOptions);
  const letters: LetterDeps = {
    db: opts.db,
    municipalities: () => municipalities,
    pdf: opts.letters?.pdf ?? chromiumPdfRenderer(),
    channels: opts.letters?.channels ?? fakeChannels(),
  };
  if (!opts.letters) app.addHook('onClose', () => letters.pdf.close());
  app.decorate('letters', letters);
  await letterRoutes(app, { db: opts.db, municipalities: () => municipalities, letters });

  const html = 'text/html; charset=utf-8';
  const pageLang = (q: unknown) => (q === 'en' ? 'en' : 'sv');
  app.get('/om-tillit', { schema: { hide: true } }, async (req, reply) =>
    reply.type(html).send(renderLandingPage(rulebooks.current(), pageLang((req.query as { lang?: string }).lang))),
  );
  await citizenWeb(app, opts.webRoot ?? DEFAULT_WEB_ROOT);
  const rulebookPages = perRuleBook((rb) => ({ sv: renderRulebookPage(rb, 'sv'), en: renderRulebookPage(rb, 'en') }));
  app.get('/sa-raknar-vi', { schema: { hide: true } }, async (req, reply) =>
    reply.type(html).send(rulebookPages()[pageLang((req.query as { lang?: string }).lang)]),
  );
  app.get('/problems/:type', { schema: { hide: true } }, async (req, reply) => {
    const type = (req.params as { type: string }).type;
    if (!(type in PROBLEM_TYPES)) return reply.code(404).type(PROBLEM_JSON).send(problem('not-found', 'sv'));
    return reply.type(html).send(renderProblemTypePage(type as ProblemType));
  });

  return app;
}
