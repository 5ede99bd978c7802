/**
 * The authorization matrix's rows for routes/labour-market.ts: coaches write; coaches,
 * caseworkers and auditors read; the outcome figures (counts only) also administrators.
 */
import type { Role } from '../../src/auth/claims.ts';
import { COACH, M } from './row.ts';
import type { Row } from './row.ts';

const READERS: readonly Role[] = ['coach', 'caseworker', 'auditor'];
const FIGURES: readonly Role[] = ['coach', 'caseworker', 'auditor', 'admin'];
const LM = `${M}/labour-market`;
const params = {
  participantId: '00000000-0000-4000-8000-00000000a001',
  measureId: '00000000-0000-4000-8000-00000000a002',
  meetingId: '00000000-0000-4000-8000-00000000a003',
};

export const ROWS: readonly Row[] = [
  { method: 'GET', path: `${LM}/participants`, guard: READERS, reaches: true },
  { method: 'GET', path: `${LM}/participants/:participantId`, guard: READERS, params },
  { method: 'GET', path: `${LM}/participants/:participantId/plan`, guard: READERS, params },
  {
    method: 'PUT',
    path: `${LM}/participants/:participantId/plan`,
    guard: COACH,
    body: { basedOnVersion: 0, goals: ['Arbete'], activities: [] },
    idempotent: true,
    params,
  },
  {
    method: 'POST',
    path: `${LM}/participants/:participantId/measures`,
    guard: COACH,
    body: { type: 'job-search', provider: 'Jobbcentrum', startsOn: '2026-11-02' },
    idempotent: true,
    params,
  },
  {
    method: 'POST',
    path: `${LM}/participants/:participantId/measures/:measureId/end`,
    guard: COACH,
    body: { endedOn: '2026-11-30', reason: 'completed' },
    params,
  },
  {
    method: 'POST',
    path: `${LM}/participants/:participantId/exits`,
    guard: COACH,
    body: { reason: 'work', exitDate: '2026-11-30' },
    idempotent: true,
    params,
  },
  { method: 'GET', path: `${LM}/meetings/:meetingId`, guard: READERS, params },
  {
    method: 'POST',
    path: `${LM}/meetings/:meetingId/notes`,
    guard: COACH,
    body: { text: 'Mötet hölls.' },
    idempotent: true,
    params,
  },
  { method: 'GET', path: `${LM}/outcomes`, guard: FIGURES, reaches: true },
];
