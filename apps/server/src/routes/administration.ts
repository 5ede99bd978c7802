/**
 * Administration, tenant (municipality) in every path: the municipality's settings, local
 * guidelines and host (administrators change them; every change on record), and the rule book's
 * yearly values (one administrator enters a year's values with their source or proposes to
 * confirm a year's unverified values; a second administrator confirms or rejects). Auditors read
 * all of it. Staff of the municipality or of its host; anyone else gets 404. The rules:
 * docs/administration.md.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import * as z from 'zod';
import { kronorToOre, MAX_KRONOR } from '@tillit/rules';
import type { FieldProblem, Lang } from '@tillit/rules';
import { requireRole } from '../auth/plugin.ts';
import { decideChange, enterChange, listRulebookChanges, yearsView } from '../administration/rulebook-changes.ts';
import type { ChangeResult, DecideOutcome, RulebookChangeView } from '../administration/rulebook-changes.ts';
import { changeSettings, listChanges, readState, settingsChangeBody } from '../administration/settings.ts';
import type { Actor } from '../administration/settings.ts';
import { invalidInput, problem, problemSchema } from '../problems.ts';
import type { RuleBookRegistry } from '../rulebook-registry.ts';
import { swedishDate } from '../swedish-time.ts';
import {
  handledBy,
  idempotencyHeaders,
  idempotencyKey,
  municipalityParams,
  notFound,
  requestLang,
  sendProblem,
  staffActor,
  staffRead,
} from './common.ts';
import type { CaseRoutesOptions } from './common.ts';

export interface AdministrationRoutesOptions extends CaseRoutesOptions {
  readonly rulebooks: RuleBookRegistry;
}

const text = z.object({ sv: z.string(), en: z.string() });

const settingsView = z.object({
  municipality: z.object({ id: z.string(), name: z.string(), code: z.string(), host: z.string().nullable() }),
  version: z.int(),
  settings: z.record(z.string(), z.unknown()),
  guidelines: z.array(z.unknown()),
  /** Whether the caller may change the host (only the municipality's own administrators). */
  mayChangeHost: z.boolean(),
  /** The rule book's open parameters: what local guidelines can set. */
  guidelineParameters: z.array(z.object({ id: z.string(), label: text })),
  changes: z.array(
    z.object({
      version: z.int(),
      changedBy: z.object({ name: z.string().nullable() }),
      changedAt: z.string(),
      reason: z.string(),
      fields: z.array(z.string()),
    }),
  ),
});

const changeView = z.object({
  id: z.string(),
  municipality: z.string(),
  kind: z.enum(['values', 'confirmation']),
  year: z.int(),
  group: z.string().nullable(),
  amounts: z.record(z.string(), z.int()).nullable().meta({ description: 'Parameter id → amount in öre.' }),
  source: z.object({ act: z.string(), url: z.string() }).nullable(),
  note: z.string(),
  status: z.enum(['pending', 'confirmed', 'rejected', 'withdrawn']),
  enteredBy: z.object({ id: z.string(), name: z.string().nullable() }),
  enteredAt: z.string(),
  decidedBy: z.object({ name: z.string().nullable() }).nullable(),
  decidedAt: z.string().nullable(),
  decisionNote: z.string().nullable(),
  resultingHash: z.string().nullable(),
  mine: z.boolean().meta({ description: 'Whether the caller entered it (then only withdrawing is open to them).' }),
});

/** A change entered or decided, with the warnings about its values (in the caller's language). */
const changeAnswer = z.object({
  change: changeView,
  warnings: z.array(z.object({ field: z.string(), changeBasisPoints: z.int(), message: z.string() })),
});

const parameterView = z.object({
  id: z.string(),
  label: text,
  amount: z.int().nullable().meta({ description: 'öre; null when the year has no value.' }),
  status: z.enum(['verified', 'secondary', 'derived']).nullable(),
  source: z.string().nullable(),
  previous: z.int().nullable().meta({ description: "The year before's amount in öre." }),
});

const rulebookView = z.object({
  inForce: z.object({ version: z.string(), hash: z.string() }),
  years: z.array(
    z.object({
      year: z.int(),
      automated: z.boolean().meta({ description: "Whether the year's automated decisions are on." }),
      confirmation: z
        .object({ confirmedBy: z.string(), secondBy: z.string(), at: z.string(), note: z.string() })
        .nullable(),
      groups: z.array(
        z.object({
          group: z.string(),
          status: z.enum(['verified', 'secondary', 'derived', 'missing', 'partial']),
          parameters: z.array(parameterView),
        }),
      ),
    }),
  ),
  changes: z.array(changeView),
});

const kronor = z
  .number()
  .positive()
  .max(MAX_KRONOR)
  .refine((v) => kronorToOre(v) !== undefined, {
    message: 'at most two decimals',
    params: { code: 'decimals', msg: { sv: 'Högst två decimaler (öre).', en: 'At most two decimals (öre).' } },
  });

const year = z.int().min(2000).max(2100);
const note = z.string().trim().min(10).max(2000);

const newChangeBody = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('values'),
    year,
    group: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9-]{0,59}$/)
      .meta({ description: 'e.g. riksnorm, prisbasbelopp.' }),
    values: z
      .record(z.string(), kronor)
      .meta({ description: 'Parameter id → amount in kronor, every one of the group.' }),
    source: z.strictObject({
      act: z.string().trim().max(500).meta({ description: 'The act, e.g. its SFS number and title.' }),
      url: z.string().trim().max(500).meta({ description: 'A link to the act (https).' }),
    }),
    note,
  }),
  z.strictObject({ kind: z.literal('confirmation'), year, note }),
]);

const decisionBody = z.strictObject({ note: z.string().trim().min(1).max(2000).optional() });
const changeParams = municipalityParams.extend({ changeId: z.string().regex(/^\d{1,18}$/) });

const WRITE_PROBLEMS = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };

function actorOf(req: FastifyRequest): Actor {
  const p = req.principal!;
  return { ...staffActor(req), name: p.name ?? null, municipality: p.municipality! };
}

function field(path: string, message: string, code = 'invalid'): FieldProblem {
  return { pointer: `/${path.split('.').join('/')}`, field: path, code, message };
}

function withMine(req: FastifyRequest, c: RulebookChangeView) {
  return { ...c, mine: c.enteredBy.id === req.principal!.subject };
}

function sendChange(req: FastifyRequest, reply: FastifyReply, out: ChangeResult, created: boolean) {
  const lang = requestLang(req);
  if (out.ok)
    return reply.code(created && !out.replay ? 201 : 200).send({
      change: withMine(req, out.change),
      warnings: out.warnings.map((w) => ({
        field: w.field,
        changeBasisPoints: w.changeBasisPoints,
        message: w.message[lang],
      })),
    });
  if (out.kind === 'not-found') return notFound(req, reply);
  if (out.kind === 'invalid') {
    // Amount fields are named as the API takes them: values.<parameter id>.
    const errors = out.problems.map((p) => ({
      pointer: `/${p.field.split('.')[0]}${p.field.includes('.') ? `/${p.field.slice(p.field.indexOf('.') + 1)}` : ''}`,
      field: p.field,
      code: 'invalid',
      message: p.message[lang],
    }));
    return sendProblem(reply, invalidInput(lang, errors));
  }
  return sendProblem(reply, problem('conflict', lang, out.message[lang]));
}

export async function administrationRoutes(app: FastifyInstance, opts: AdministrationRoutesOptions): Promise<void> {
  const { db, rulebooks } = opts;
  const staff = handledBy(opts.municipalities);
  const base = '/api/v1/municipalities/:municipality/administration';

  app.get(
    `${base}/settings`,
    {
      preValidation: [staff, requireRole('admin', 'auditor')],
      schema: {
        tags: ['administration'],
        summary: "The municipality's settings, guidelines and host, with the record of changes",
        params: municipalityParams,
        response: { 200: settingsView, 404: problemSchema },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const state = await readState(db, municipality);
      if (!state) return notFound(req, reply);
      return staffRead(
        db,
        req,
        {
          municipalityId: municipality,
          objectType: 'municipality-settings',
          objectId: municipality,
          purpose: 'settings-view',
        },
        async () => ({
          municipality: { id: state.id, name: state.name, code: state.code, host: state.host },
          version: state.version,
          settings: state.settings,
          guidelines: state.guidelines,
          mayChangeHost: req.principal!.municipality === municipality && req.principal!.roles.includes('admin'),
          guidelineParameters: [...rulebooks.current().parameters.values()]
            .filter((p) => p.open)
            .map((p) => ({ id: p.id, label: p.label })),
          changes: await listChanges(db, municipality),
        }),
      );
    },
  );

  app.put(
    `${base}/settings`,
    {
      preValidation: [staff, requireRole('admin')],
      schema: {
        tags: ['administration'],
        summary: "Change the municipality's settings, guidelines or host, with a reason on record",
        description:
          'The whole record as it should be, and the version it was read at: a change made meanwhile by someone ' +
          'else answers 409, so nothing is overwritten unseen. A body equal to the record is no change (200, same ' +
          'version), so a retry is harmless. Guidelines are checked against the rule book. Only the municipality’s ' +
          'own administrators change its host.',
        params: municipalityParams,
        body: settingsChangeBody,
        response: {
          200: z.object({ version: z.int(), changed: z.boolean() }),
          ...WRITE_PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const lang: Lang = requestLang(req);
      const body = req.body as z.infer<typeof settingsChangeBody>;
      const out = await changeSettings(db, rulebooks.current(), municipality, actorOf(req), body);
      if (!out.ok) {
        switch (out.kind) {
          case 'not-found':
            return notFound(req, reply);
          case 'stale':
            return sendProblem(
              reply,
              problem(
                'conflict',
                lang,
                lang === 'sv'
                  ? `Någon annan har ändrat inställningarna (nu version ${out.version}). Läs om dem och gör ändringen igen.`
                  : `Someone else has changed the settings (now version ${out.version}). Read them again and redo the change.`,
              ),
            );
          case 'host-not-yours':
            return sendProblem(
              reply,
              problem(
                'forbidden',
                lang,
                lang === 'sv'
                  ? 'Bara kommunens egna administratörer kan ändra dess värdkommun.'
                  : "Only the municipality's own administrators can change its host.",
              ),
            );
          case 'invalid':
            return sendProblem(reply, invalidInput(lang, [field(out.field, out.message[lang])]));
        }
      }
      if (out.changed) await app.tenants.reload();
      return { version: out.state.version, changed: out.changed };
    },
  );

  app.get(
    `${base}/rulebook`,
    {
      preValidation: [staff, requireRole('admin', 'auditor')],
      schema: {
        tags: ['administration'],
        summary:
          "The rule book's yearly values for last, this and next year, whether each year is automated, and the changes",
        params: municipalityParams,
        response: { 200: rulebookView, 404: problemSchema },
      },
    },
    async (req) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const rulebook = rulebooks.current();
      return staffRead(
        db,
        req,
        {
          municipalityId: municipality,
          objectType: 'rulebook',
          objectId: null,
          purpose: 'rulebook-admin-view',
        },
        async () => {
          const years = await yearsView(db, rulebook, Number(swedishDate().slice(0, 4)));
          return {
            inForce: { version: rulebook.version, hash: rulebook.hash },
            years: years.map((y) => ({
              year: y.year,
              automated: y.automated,
              confirmation: y.confirmation,
              groups: y.groups.map((g) => ({
                group: g.group,
                status: g.status,
                parameters: g.parameters.map((p) => ({
                  id: p.id,
                  label: p.label,
                  amount: p.value?.amount ?? null,
                  status: p.value?.status ?? null,
                  source: p.value ? (rulebook.sources[p.value.source]?.act ?? p.value.source) : null,
                  previous: p.previous?.amount ?? null,
                })),
              })),
            })),
            changes: (await listRulebookChanges(db)).map((c) => withMine(req, c)),
          };
        },
      );
    },
  );

  app.post(
    `${base}/rulebook/changes`,
    {
      preValidation: [staff, requireRole('admin')],
      schema: {
        tags: ['administration'],
        summary: "Enter a year's yearly values with their source, or propose to confirm a year's unverified values",
        description:
          'The change awaits a second administrator. `values`: every parameter of the group for a year that has none ' +
          'yet, in kronor, with the act they come from; changes beyond 10 % from the year before are warned about. ' +
          '`confirmation`: a year whose values are derived or secondary may be used for automated decisions. ' +
          'Idempotent on Idempotency-Key.',
        params: municipalityParams,
        headers: idempotencyHeaders,
        body: newChangeBody,
        response: {
          201: changeAnswer,
          200: changeAnswer,
          ...WRITE_PROBLEMS,
        },
      },
    },
    async (req, reply) => {
      const { municipality } = req.params as z.infer<typeof municipalityParams>;
      const body = req.body as z.infer<typeof newChangeBody>;
      const out = await enterChange(
        db,
        rulebooks.current(),
        municipality,
        actorOf(req),
        idempotencyKey(req),
        body.kind === 'values'
          ? {
              kind: 'values',
              year: body.year,
              group: body.group,
              amounts: Object.fromEntries(Object.entries(body.values).map(([k, v]) => [k, kronorToOre(v)!])),
              source: body.source,
              note: body.note,
            }
          : { kind: 'confirmation', year: body.year, note: body.note },
      );
      return sendChange(req, reply, out, true);
    },
  );

  for (const outcome of ['confirm', 'reject', 'withdraw'] as const satisfies readonly DecideOutcome[])
    app.post(
      `${base}/rulebook/changes/:changeId/${outcome}`,
      {
        preValidation: [staff, requireRole('admin')],
        schema: {
          tags: ['administration'],
          summary: {
            confirm:
              'A second administrator confirms a change: the values join the rule book and the year is automated',
            reject: 'A second administrator rejects a change',
            withdraw: 'Whoever entered a change withdraws it',
          }[outcome],
          description: 'Idempotent: the same decision again by the same person answers the change as it stands.',
          params: changeParams,
          body: decisionBody,
          response: {
            200: changeAnswer,
            ...WRITE_PROBLEMS,
          },
        },
      },
      async (req, reply) => {
        const { municipality, changeId } = req.params as z.infer<typeof changeParams>;
        const body = req.body as z.infer<typeof decisionBody>;
        const out = await decideChange(db, rulebooks, municipality, actorOf(req), changeId, outcome, body.note ?? null);
        return sendChange(req, reply, out, false);
      },
    );
}
