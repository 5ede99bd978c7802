/** Messages between applicant and caseworker, and appeals. */
import type { FastifyInstance } from 'fastify';
import type { CaseRoutesOptions } from './common.ts';

export async function conversationRoutes(_app: FastifyInstance, _opts: CaseRoutesOptions): Promise<void> {}
