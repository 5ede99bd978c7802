/** The authorization matrix's rows for routes/customer-service.ts. */
import type { Row } from './row.ts';

export const ROWS: readonly Row[] = [];
