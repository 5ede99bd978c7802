/** (letters routes: filled in by the work on issue 4.) */
import type { FastifyInstance } from 'fastify';
import type { CaseRoutesOptions } from './common.ts';

export async function letterRoutes(_app: FastifyInstance, _opts: CaseRoutesOptions): Promise<void> {}
