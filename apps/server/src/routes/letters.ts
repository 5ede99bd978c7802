/**
 * Letters over HTTP: the applicant's inbox for an application (list, and each letter as accessible
 * HTML or PDF, in Swedish or, on request, in one of the translations), and the same for staff of
 * the case. Every read is in the audit log first; tenant (municipality) in every path.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { LETTER_LANGUAGES } from '@tillit/letters';
import { withAuditedRead } from '../audit.ts';
import { requireRole } from '../auth/plugin.ts';
import type { LetterDeps, LetterRow } from '../letters/service.ts';
import { ensureLetter } from '../letters/service.ts';
import { problemSchema } from '../problems.ts';
import { applicationParams, handledBy, maySeeCase, notFound } from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

export interface LetterRoutesOptions extends CaseRoutesOptions {
  readonly letters: LetterDeps;
}

const letterParams = applicationParams.extend({ letterId: z.uuid() });
const letterQuery = z.strictObject({
  format: z.enum(['html', 'pdf']).default('html'),
  lang: z
    .enum(LETTER_LANGUAGES)
    .optional()
    .meta({ description: 'The letter in this language (rendered from the same decision when first asked for).' }),
});

const letterSummary = z.object({
  id: z.string(),
  kind: z.string(),
  lang: z.string(),
  title: z.string(),
  createdAt: z.string(),
  readAt: z.string().nullable(),
});

/** A letter's HTML may show nothing but itself: no scripts, no network. */
const LETTER_CSP = "default-src 'none'; style-src 'unsafe-inline'; font-src data:; img-src data:";

const summary = (l: LetterRow) => ({
  id: l.id,
  kind: l.kind,
  lang: l.lang,
  title: l.title,
  createdAt: new Date(l.created_at).toISOString(),
  readAt: l.read_at ? new Date(l.read_at).toISOString() : null,
});

export async function letterRoutes(app: FastifyInstance, opts: LetterRoutesOptions): Promise<void> {
  const { db, letters } = opts;
  const known = (m: string) => opts.municipalities().has(m);

  /** The application, if the caller may see it: its applicant, or staff of the case. */
  async function visible(req: FastifyRequest, staff: boolean): Promise<boolean> {
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    if (!known(municipality)) return false;
    let q = db
      .selectFrom('application')
      .select(['protected_identity', 'status'])
      .where('id', '=', id)
      .where('municipality_id', '=', municipality);
    if (!staff) q = q.where('applicant', '=', req.principal!.personnummer!);
    const row = await q.executeTakeFirst();
    if (!row) return false;
    return !staff || (row.status !== 'draft' && maySeeCase(req.principal!, row.protected_identity));
  }

  const audit = (req: FastifyRequest, objectType: string, objectId: string, purpose: string) => {
    const p = req.principal!;
    const { municipality } = req.params as { municipality: string };
    return {
      actor: p.subject,
      role: p.roles.join(','),
      municipalityId: municipality,
      objectType,
      objectId,
      purpose,
    };
  };

  const list = (staff: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(await visible(req, staff))) return notFound(req, reply);
    const { municipality, id } = req.params as z.infer<typeof applicationParams>;
    return withAuditedRead(db, audit(req, 'application', id, staff ? 'case-letters' : 'own-letters'), async () => {
      const rows = await db
        .selectFrom('letter')
        .selectAll()
        .where('municipality_id', '=', municipality)
        .where('application_id', '=', id)
        // The Swedish letter (the decision) and, beside it, the one in the applicant's chosen language.
        .where((eb) =>
          eb.or([
            eb('lang', '=', 'sv'),
            eb(
              'lang',
              '=',
              eb
                .selectFrom('application')
                .select('application.lang')
                .where('application.id', '=', id)
                .where('application.municipality_id', '=', municipality),
            ),
          ]),
        )
        .orderBy('created_at')
        .orderBy('lang', 'desc')
        .execute();
      return { letters: rows.map(summary) };
    });
  };

  const one = (staff: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!(await visible(req, staff))) return notFound(req, reply);
    const { municipality, id, letterId } = req.params as z.infer<typeof letterParams>;
    const { format, lang } = req.query as z.infer<typeof letterQuery>;
    const original = await db
      .selectFrom('letter')
      .selectAll()
      .where('id', '=', letterId)
      .where('application_id', '=', id)
      .where('municipality_id', '=', municipality)
      .executeTakeFirst();
    if (!original) return notFound(req, reply);
    const letter =
      lang === undefined || lang === original.lang
        ? original
        : await ensureLetter(letters, { municipality, kind: original.kind, sourceId: original.source_id, lang });
    if (!letter || letter === 'not-ready') return notFound(req, reply);
    return withAuditedRead(db, audit(req, 'letter', letter.id, staff ? 'case-letter' : 'own-letter'), async () => {
      if (!staff && letter.read_at === null)
        await db.updateTable('letter').set({ read_at: new Date() }).where('id', '=', letter.id).execute();
      if (format === 'pdf')
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="${letter.kind}-${letter.lang}.pdf"`)
          .send(Buffer.from(letter.pdf));
      return reply.type('text/html; charset=utf-8').header('content-security-policy', LETTER_CSP).send(letter.html);
    });
  };

  const listSchema = (tags: string[], summaryText: string) => ({
    tags,
    summary: summaryText,
    params: applicationParams,
    response: { 200: z.object({ letters: z.array(letterSummary) }), 404: problemSchema },
  });
  const oneSchema = (tags: string[], summaryText: string) => ({
    tags,
    summary: summaryText,
    description: 'text/html by default; application/pdf with format=pdf.',
    params: letterParams,
    querystring: letterQuery,
    response: { 404: problemSchema },
  });

  app.get(
    '/api/v1/municipalities/:municipality/applications/:id/letters',
    {
      preValidation: requireRole('applicant'),
      schema: listSchema(['letters'], "The applicant's letters for the application"),
    },
    list(false),
  );
  app.get(
    '/api/v1/municipalities/:municipality/applications/:id/letters/:letterId',
    {
      preValidation: requireRole('applicant'),
      schema: oneSchema(['letters'], 'A letter as HTML or PDF, in Swedish or a translation'),
    },
    one(false),
  );
  const staff = [handledBy(opts.municipalities), requireRole('caseworker', 'auditor')];
  app.get(
    '/api/v1/municipalities/:municipality/cases/:id/letters',
    { preValidation: staff, schema: listSchema(['cases', 'letters'], "The case's letters") },
    list(true),
  );
  app.get(
    '/api/v1/municipalities/:municipality/cases/:id/letters/:letterId',
    { preValidation: staff, schema: oneSchema(['cases', 'letters'], "A case's letter as HTML or PDF") },
    one(true),
  );
}
