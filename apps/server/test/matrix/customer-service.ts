/** The authorization matrix's rows for routes/customer-service.ts. */
import { M } from './row.ts';
import type { Row } from './row.ts';

const CS: Row['guard'] = ['customer-service'];

export const ROWS: readonly Row[] = [
  {
    method: 'POST',
    path: `${M}/customer-service/person-lookups`,
    guard: CS,
    body: { personnummer: '198503149828' },
    reaches: true,
  },
  { method: 'GET', path: `${M}/customer-service/applications/:id/meeting-slots`, guard: CS, reaches: true },
  {
    method: 'POST',
    path: `${M}/customer-service/applications/:id/meeting`,
    guard: CS,
    body: { slotId: '00000000-0000-4000-8000-000000000000' },
    idempotent: true,
  },
  {
    method: 'PUT',
    path: `${M}/customer-service/applications/:id/meeting`,
    guard: CS,
    body: { slotId: '00000000-0000-4000-8000-000000000000' },
    idempotent: true,
  },
];
