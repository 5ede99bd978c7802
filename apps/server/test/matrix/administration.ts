/** The authorization matrix's rows for routes/administration.ts: administrators change, auditors read. */
import type { Role } from '../../src/auth/claims.ts';
import { M } from './row.ts';
import type { Row } from './row.ts';

const ADMIN: readonly Role[] = ['admin'];
const ADMIN_AUD: readonly Role[] = ['admin', 'auditor'];
const A = `${M}/administration`;

export const ROWS: readonly Row[] = [
  { method: 'GET', path: `${A}/settings`, guard: ADMIN_AUD, reaches: true },
  {
    method: 'PUT',
    path: `${A}/settings`,
    guard: ADMIN,
    // An old version: allowed callers get 409 (nothing changes), the others 403 or 404.
    body: { expectedVersion: 999, reason: 'The authorization matrix.', settings: {}, guidelines: [], host: null },
  },
  { method: 'GET', path: `${A}/rulebook`, guard: ADMIN_AUD, reaches: true },
  {
    method: 'POST',
    path: `${A}/rulebook/changes`,
    guard: ADMIN,
    idempotent: true,
    body: { kind: 'confirmation', year: 2026, note: 'The authorization matrix.' },
  },
  ...(['confirm', 'reject', 'withdraw'] as const).map((outcome): Row => ({
    method: 'POST',
    path: `${A}/rulebook/changes/:changeId/${outcome}`,
    guard: ADMIN,
    body: {},
    params: { changeId: '999999' },
  })),
];
