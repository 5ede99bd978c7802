/** Meetings with a labour-market coach. */
import type { FastifyInstance } from 'fastify';
import type { CaseRoutesOptions } from './common.ts';

export async function meetingRoutes(_app: FastifyInstance, _opts: CaseRoutesOptions): Promise<void> {}
