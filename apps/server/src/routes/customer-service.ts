/** Customer service: find a person's status, missing items and next payday; help to book a meeting. */
import type { FastifyInstance } from 'fastify';
import type { RuleBook } from '@tillit/rules';
import type { CaseRoutesOptions } from './common.ts';

export async function customerServiceRoutes(
  _app: FastifyInstance,
  _opts: CaseRoutesOptions & { readonly rulebook: RuleBook },
): Promise<void> {}
