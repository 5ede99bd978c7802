/** Anonymous service metrics of the citizen service (started, completed, time, drop-off, digital share). */
import type { FastifyInstance } from 'fastify';
import * as z from 'zod';
import { appendAudit } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import { serviceMetrics } from '../metrics/service-metrics.ts';
import { problemSchema } from '../problems.ts';
import { handledBy, municipalityParams, staffActor } from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

const day = z.iso.date();
const periodQuery = z
  .strictObject({ from: day, to: day })
  .refine((q) => q.from <= q.to, {
    path: ['to'],
    message: 'to is before from',
    params: {
      code: 'range-order',
      msg: { sv: 'Slutdatumet är före startdatumet.', en: 'The end date is before the start date.' },
    },
  })
  .refine((q) => Date.parse(q.to) - Date.parse(q.from) <= 366 * 86_400_000, {
    path: ['to'],
    message: 'at most a year',
    params: { code: 'range-too-long', msg: { sv: 'Välj högst ett år.', en: 'Choose at most a year.' } },
  });

const count = z.number().nullable().meta({ description: 'Null when fewer than five (suppressed).' });
const metricsView = z
  .object({
    from: z.string(),
    to: z.string(),
    started: count,
    completed: count,
    completionRate: z.number().nullable(),
    byKind: z.array(z.object({ kind: z.string(), started: count, completed: count })).readonly(),
    minutesToComplete: z.object({ median: z.number().nullable(), p90: z.number().nullable() }),
    dropOff: z.array(z.object({ step: z.string(), count })).readonly(),
    digital: z.object({ web: count, other: count, share: z.number().nullable() }),
    suppressedBelow: z.number(),
  })
  .meta({ id: 'ServiceMetrics' });

export async function serviceMetricRoutes(app: FastifyInstance, opts: CaseRoutesOptions): Promise<void> {
  app.get(
    '/api/v1/municipalities/:municipality/service-metrics',
    {
      preValidation: [handledBy(opts.municipalities), requireRole('admin', 'auditor')],
      schema: {
        tags: ['service-metrics'],
        summary: 'Anonymous metrics of the citizen service for a period (counts under five suppressed)',
        params: municipalityParams,
        querystring: periodQuery,
        response: { 200: metricsView, 400: problemSchema, 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const period = req.query as z.infer<typeof periodQuery>;
      await appendAudit(opts.db, {
        ...staffActor(req),
        municipalityId: municipality,
        action: 'read',
        objectType: 'service-metrics',
        objectId: `${period.from}/${period.to}`,
        purpose: 'service-follow-up',
      });
      return serviceMetrics(opts.db, municipality, period);
    },
  );
}
