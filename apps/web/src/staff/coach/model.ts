/** The labour-market section's data as the API answers it, and small date helpers (Swedish days). */
import { useEffect, useState } from 'react';
import { api } from '../../api';

export type TrackState = 'open' | 'exited' | 'reopened';
export type ExitState = 'voided' | 'provisional' | 'final';
export type ExitReason = 'work' | 'studies' | 'other';
export const EXIT_REASONS: readonly ExitReason[] = ['work', 'studies', 'other'];
export const MEASURE_TYPES = [
  'job-search',
  'work-preparation',
  'work-placement',
  'subsidised-employment',
  'education',
  'sfi',
  'other',
] as const;
export const MEASURE_END_REASONS = ['completed', 'interrupted', 'other'] as const;
export const MODES = ['office', 'phone', 'video'] as const;

export interface Booking {
  readonly id: string;
  readonly status: 'booked' | 'held' | 'no-show';
  readonly applicationId: string;
  readonly participantId: string | null;
  readonly applicantName: string | null;
  readonly nameHidden: boolean;
}

export interface Slot {
  readonly id: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly mode: (typeof MODES)[number];
  readonly location: string | null;
  readonly booking: Booking | null;
}

export interface SlotsAnswer {
  readonly from: string;
  readonly to: string;
  readonly today: string;
  readonly slots: readonly Slot[];
}

export interface ExitView {
  readonly id: string;
  readonly reason: ExitReason;
  readonly exitDate: string;
  readonly note: string | null;
  readonly recordedByName: string | null;
  readonly recordedBy: string;
  readonly state: ExitState;
  readonly counts: boolean;
  readonly returnedOn: string | null;
  readonly windowEnds: string;
}

export interface Summary {
  readonly id: string;
  readonly name: string | null;
  readonly track: { readonly state: TrackState; readonly returnedOn: string | null };
  readonly firstSubmittedOn: string;
  readonly latestApplication: { readonly id: string; readonly month: string; readonly submittedOn: string };
  readonly lastExit: ExitView | null;
  readonly ongoingMeasures: number;
}

export interface Activity {
  readonly what: string;
  readonly startsOn: string;
  readonly endsOn: string | null;
}

export interface Plan {
  readonly version: number;
  readonly goals: readonly string[];
  readonly activities: readonly Activity[];
  readonly createdByName: string | null;
  readonly createdBy: string;
  readonly createdAt: string;
}

export interface Measure {
  readonly id: string;
  readonly type: (typeof MEASURE_TYPES)[number];
  readonly provider: string;
  readonly startsOn: string;
  readonly plannedEndOn: string | null;
  readonly endedOn: string | null;
  readonly endReason: string | null;
}

export interface Note {
  readonly id: string;
  readonly outcome: 'held' | 'no-show' | null;
  readonly text: string;
  readonly writtenBy: string;
  readonly writtenByName: string | null;
  readonly writtenAt: string;
}

export interface Meeting {
  readonly id: string;
  readonly participantId: string;
  readonly status: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly mode: (typeof MODES)[number];
  readonly location: string | null;
  readonly coachName: string;
  readonly notes: readonly Note[];
}

export interface Participant extends Summary {
  readonly exits: readonly ExitView[];
  readonly measures: readonly Measure[];
  readonly plan: Plan | null;
  readonly planVersions: number;
  readonly meetings: readonly Meeting[];
  readonly today: string;
}

export interface MonthFigures {
  readonly counted: Readonly<Record<ExitReason, number>>;
  readonly total: number;
  readonly provisional: number;
  readonly voided: number;
  readonly workOrStudiesPercent: number | null;
}

export interface Outcomes {
  readonly from: string;
  readonly to: string;
  readonly today: string;
  readonly months: readonly (MonthFigures & { readonly month: string })[];
  readonly total: MonthFigures;
}

export const lmBase = (municipality: string) => `/api/v1/municipalities/${municipality}/labour-market`;

export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The date `days` calendar days after `date` (YYYY-MM-DD). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y!, m! - 1, d! + days)).toISOString().slice(0, 10);
}

/** The day in Sweden of an instant. */
export function swedishDay(iso: string): string {
  return new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
}

/** The time of day in Sweden of an instant, HH:MM. */
export function swedishTime(iso: string): string {
  return new Date(iso).toLocaleTimeString('sv-SE', {
    timeZone: 'Europe/Stockholm',
    hour: '2-digit',
    minute: '2-digit',
  });
}

/** A Swedish date and time as an ISO 8601 instant with the offset in force then (+01:00 or +02:00). */
export function swedishInstant(date: string, time: string): string {
  for (const offset of ['+01:00', '+02:00']) {
    const iso = `${date}T${time}:00${offset}`;
    const at = new Date(iso);
    if (Number.isNaN(at.getTime())) continue;
    if (swedishDay(iso) === date && swedishTime(iso) === time) return iso;
  }
  return `${date}T${time}:00+01:00`;
}

/** The municipality of the signed-in staff member and those it hosts (their people are handled here too). */
export function useMunicipalities(own: string): readonly { id: string; name: string; partner: boolean }[] {
  const [list, setList] = useState<readonly { id: string; name: string; partner: boolean }[]>([]);
  useEffect(() => {
    api<{ id: string; name: string; host?: string }[]>('/api/v1/municipalities')
      .then((all) =>
        setList([
          ...all.filter((m) => m.id === own).map((m) => ({ id: m.id, name: m.name, partner: false })),
          ...all.filter((m) => m.host === own).map((m) => ({ id: m.id, name: m.name, partner: true })),
        ]),
      )
      .catch(() => setList([]));
  }, [own]);
  return list;
}
