/** The authorization matrix's rows for routes/audit.ts: the auditor's read-only tools. */
import { M } from './row.ts';
import type { Row } from './row.ts';
import type { Role } from '../../src/auth/claims.ts';

const AUDITOR: readonly Role[] = ['auditor'];

export const ROWS: readonly Row[] = [
  { method: 'GET', path: `${M}/audit-log`, guard: AUDITOR, reaches: true },
  { method: 'GET', path: `${M}/audit-log/export`, guard: AUDITOR, query: '?format=ndjson', reaches: true },
  { method: 'GET', path: `${M}/audit-log/verification`, guard: AUDITOR, reaches: true },
  // The matrix's decided case has an empty receipt: the replay answers 200, "does not match".
  { method: 'GET', path: `${M}/cases/:id/decision/replay`, guard: AUDITOR, reaches: true },
];
