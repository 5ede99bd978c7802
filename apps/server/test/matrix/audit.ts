/** The authorization matrix's rows for routes/audit.ts. */
import type { Row } from './row.ts';

export const ROWS: readonly Row[] = [];
