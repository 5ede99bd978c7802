/** Documents the applicant uploads. */
import type { FastifyInstance } from 'fastify';
import type { CaseRoutesOptions } from './common.ts';

export async function documentRoutes(_app: FastifyInstance, _opts: CaseRoutesOptions): Promise<void> {}
