/**
 * The authorization matrix's vocabulary: a route's row says who may call it. Each section of the
 * staff workspace keeps its rows in its own file here; authorization-matrix.test.ts joins them.
 */
import type { Role } from '../../src/auth/claims.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';
export type Expectation = 'allow' | 'forbidden' | 'not-found';

export interface Row {
  readonly method: Method;
  /** Fastify style, e.g. /api/v1/municipalities/:municipality/cases/:id */
  readonly path: string;
  /** `applicant`: requireRole('applicant') only. Otherwise staff: handledBy, then requireRole(...roles). */
  readonly guard: 'applicant' | readonly Role[];
  /** A query string that passes the route's schema. */
  readonly query?: string;
  /** A body that passes the route's schema, so that the answer is about authorization. */
  readonly body?: unknown;
  readonly idempotent?: true;
  /** An allowed caller reaches a record that exists here, so its answer is not 404. */
  readonly reaches?: true;
  /** Values for path parameters beyond the shared ones (see urlFor in the matrix test). */
  readonly params?: Readonly<Record<string, string>>;
}

export const M = '/api/v1/municipalities/:municipality';
export const CW: readonly Role[] = ['caseworker'];
export const CW_AUD: readonly Role[] = ['caseworker', 'auditor'];
export const CW_ADMIN: readonly Role[] = ['caseworker', 'admin'];
export const CW_ADMIN_AUD: readonly Role[] = ['caseworker', 'admin', 'auditor'];
export const COACH: readonly Role[] = ['coach'];
export const future = '2099-12-31';
export const past = '2026-01-15';
