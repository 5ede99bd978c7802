/** Administration: municipality settings and the rule book's yearly values, each change confirmed and on record. */
import type { FastifyInstance } from 'fastify';
import type { RuleBook } from '@tillit/rules';
import type { CaseRoutesOptions } from './common.ts';

export async function administrationRoutes(
  _app: FastifyInstance,
  _opts: CaseRoutesOptions & { readonly rulebook: RuleBook },
): Promise<void> {}
