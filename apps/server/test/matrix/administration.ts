/** The authorization matrix's rows for routes/administration.ts. */
import type { Row } from './row.ts';

export const ROWS: readonly Row[] = [];
