/** What the application and case routes share: path parameters, 404s, and who handles a municipality's cases. */
import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Kysely } from 'kysely';
import * as z from 'zod';
import { withAuditedRead } from '../audit.ts';
import type { AuditEntry } from '../audit.ts';
import { requireMunicipality } from '../auth/plugin.ts';
import type { Principal } from '../auth/plugin.ts';
import type { Database } from '../db/schema.ts';
import type { Municipalities } from '../municipalities.ts';
import type { Lang } from '@tillit/rules';
import type { Conflict } from '../pipeline/manual.ts';
import { invalidInput, negotiateLang, problem } from '../problems.ts';
import type { Problem } from '../problems.ts';

export const PROBLEM_JSON = 'application/problem+json; charset=utf-8';

export interface CaseRoutesOptions {
  readonly db: Kysely<Database>;
  readonly municipalities: () => Municipalities;
}

export const municipalityParams = z.object({ municipality: z.string().regex(/^[a-z0-9-]{1,60}$/) });
export const applicationParams = municipalityParams.extend({ id: z.uuid() });
export const idempotencyHeaders = z.object({ 'idempotency-key': z.string().trim().min(8).max(200) }).loose();

/** The caller's language, from Accept-Language. */
export function requestLang(req: FastifyRequest): Lang {
  return negotiateLang(req.headers['accept-language']);
}

/** The Idempotency-Key of a write (the route's `idempotencyHeaders` schema has required it). */
export function idempotencyKey(req: FastifyRequest): string {
  return (req.headers['idempotency-key'] as string).trim();
}

export function notFound(req: FastifyRequest, reply: FastifyReply) {
  return reply
    .code(404)
    .type(PROBLEM_JSON)
    .send(problem('not-found', negotiateLang(req.headers['accept-language'])));
}

export function sendProblem(reply: FastifyReply, p: Problem) {
  return reply.code(p.status).type(PROBLEM_JSON).send(p);
}

/** 400 naming one field of the body (pointer `/<field>`), with a stable code and the message in the caller's language. */
export function fieldProblem(lang: Lang, field: string, code: string, message: string): Problem {
  return invalidInput(lang, [{ pointer: `/${field}`, field, code, message }]);
}

/** 409 with a stable `code`, the same value as `conflict` (as the case routes' conflicts carry it). */
export function codedConflict<C extends string>(
  lang: Lang,
  code: C,
  detail?: string,
): Problem & { readonly code: C; readonly conflict: C } {
  return { ...problem('conflict', lang, detail), code, conflict: code };
}

/**
 * A route hook (preValidation): staff of the municipality, or of its host municipality (the Trelleborg–Svedala
 * model: the host handles the partner's applicants; the data stays the partner's and every
 * access is logged as the partner's). Anyone else: 404.
 */
export function handledBy(municipalities: () => Municipalities): preValidationAsyncHookHandler {
  const sameMunicipality = requireMunicipality('municipality');
  return async function handledByHandler(req, reply) {
    const m = (req.params as { municipality?: string }).municipality;
    const host = m !== undefined ? municipalities().get(m)?.host : undefined;
    if (host !== undefined && req.principal?.municipality === host) return;
    return sameMunicipality.call(this, req, reply);
  };
}

/**
 * Whether staff may see a case at all: a household with protected identity (skyddade
 * personuppgifter) only by specially authorized staff, and, fail-closed, also while the register
 * has not yet said (null).
 */
export function maySeeCase(principal: Principal, protectedIdentity: boolean | null): boolean {
  return protectedIdentity === false || principal.protectedIdentityAccess;
}

/** The signed-in staff member as the audit log names them: subject and roles. */
export function staffActor(req: FastifyRequest): { actor: string; role: string } {
  return { actor: req.principal!.subject, role: req.principal!.roles.join(',') };
}

/**
 * "A read that cannot be logged is not served", by the signed-in staff member: the read entry
 * (actor and roles from the request) is in the audit log before `read` runs.
 */
export function staffRead<T>(
  db: Kysely<Database>,
  req: FastifyRequest,
  entry: Omit<AuditEntry, 'actor' | 'role' | 'action'>,
  read: () => T | Promise<T>,
): Promise<T> {
  return withAuditedRead(db, { ...staffActor(req), ...entry }, read);
}

/**
 * Whether the caller may see the case in the path (`:municipality`, `:id`): submitted (a draft is
 * the applicant's own) and, with protected identity, only with the claim. Otherwise answers 404.
 */
export async function visibleCase(db: Kysely<Database>, req: FastifyRequest, reply: FastifyReply): Promise<boolean> {
  const { municipality, id } = req.params as { municipality: string; id: string };
  const row = await db
    .selectFrom('application')
    .select(['protected_identity', 'status'])
    .where('id', '=', id)
    .where('municipality_id', '=', municipality)
    .executeTakeFirst();
  if (!row || row.status === 'draft' || !maySeeCase(req.principal!, row.protected_identity)) {
    await notFound(req, reply);
    return false;
  }
  return true;
}

/** 409 conflict saying, in the caller's language, what stands in the way. */
export function conflictProblem(c: Conflict, lang: Lang): Problem & { conflict: string } {
  const detail: Record<Lang, string> = (() => {
    switch (c.conflict) {
      case 'not-awaiting-person':
        return {
          sv: `Ärendet väntar inte på en handläggare (status: ${c.status}).`,
          en: `The case is not waiting for a caseworker (status: ${c.status}).`,
        };
      case 'already-decided':
        return { sv: 'Ärendet är redan beslutat.', en: 'The case has already been decided.' };
      case 'open-flags':
        return {
          sv: `Kvittera först varje öppen markering: ${c.flags.join(', ')}.`,
          en: `First acknowledge every open flag: ${c.flags.join(', ')}.`,
        };
      case 'no-calculation':
        return {
          sv: 'Ärendet har ingen beräkning att besluta om.',
          en: 'The case has no calculation to decide on.',
        };
      case 'stale-calculation':
        return {
          sv: `Det finns en nyare beräkning (version ${c.latest}). Läs den och besluta på den.`,
          en: `There is a newer calculation (version ${c.latest}). Read it and decide on it.`,
        };
      case 'not-waiting':
        return {
          sv: 'Ärendet väntar inte på en komplettering från dig.',
          en: 'The case is not waiting for you to complete it.',
        };
      case 'awaiting-second-approval':
        return {
          sv: 'Justeringen i den här beräkningen behöver godkännas av en andra handläggare först.',
          en: 'The adjustment in this calculation must first be approved by a second caseworker.',
        };
      case 'adjustment-rejected':
        return {
          sv: 'Justeringen i den här beräkningen har avslagits; besluta på den senaste beräkningen.',
          en: 'The adjustment in this calculation was rejected; decide on the latest calculation.',
        };
      case 'same-person':
        return {
          sv: 'En annan handläggare än den som gjorde justeringen behöver granska den.',
          en: 'A caseworker other than the one who made the adjustment must review it.',
        };
      case 'adjustment-reviewed':
        return {
          sv: `Justeringen är redan granskad (status: ${c.status}).`,
          en: `The adjustment has already been reviewed (status: ${c.status}).`,
        };
    }
  })();
  return { ...problem('conflict', lang, detail[lang]), conflict: c.conflict };
}
