/** The labour-market coach: meeting notes, the labour-market plan, measures and exits (avslut). */
import type { FastifyInstance } from 'fastify';
import type { RuleBook } from '@tillit/rules';
import type { CaseRoutesOptions } from './common.ts';

export async function labourMarketRoutes(
  _app: FastifyInstance,
  _opts: CaseRoutesOptions & { readonly rulebook: RuleBook },
): Promise<void> {}
