/** The auditor's read-only tools: the audit log (search, export, chain verification) and decision replay. */
import type { FastifyInstance } from 'fastify';
import type { RuleBook } from '@tillit/rules';
import type { CaseRoutesOptions } from './common.ts';

export async function auditRoutes(
  _app: FastifyInstance,
  _opts: CaseRoutesOptions & { readonly rulebook: RuleBook },
): Promise<void> {}
