/** The authorization matrix's rows for routes/labour-market.ts. */
import type { Row } from './row.ts';

export const ROWS: readonly Row[] = [];
