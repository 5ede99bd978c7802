/**
 * The case's history: every change of status, time-stamped, who made it, and what the event
 * records (why the system handed it to a person, a completion request, a kommunicering, the
 * decision), newest last as it happened.
 */
import { BodyShort, Detail, VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime, formatKronor } from '../components';
import type { TimelineEvent } from './case-model';
import { pick } from './gate';
import { STAFF_NS } from './texts';

interface Note {
  readonly reasons?: readonly unknown[];
  readonly completionRequest?: string;
  readonly correctedForm?: boolean;
  readonly kommunicering?: string;
  readonly dueDate?: string;
  readonly outcome?: string;
  readonly amountOre?: number;
  readonly event?: string;
  readonly meeting?: string;
  readonly documentsAdded?: readonly string[];
  readonly waitingFor?: readonly string[];
}

/** What happened: an event that leaves the status as it was, or the status the case came to. */
function headline(e: TimelineEvent): { key: string; fallback: string } {
  const n = noteOf(e.note);
  if (n.kommunicering !== undefined) return { key: 'history.event.kommunicering', fallback: 'kommunicering' };
  if (n.event !== undefined) return { key: `history.event.${n.event}`, fallback: n.event };
  if (n.meeting !== undefined) return { key: `history.event.meeting-${n.meeting}`, fallback: n.meeting };
  if (n.documentsAdded !== undefined) return { key: 'history.event.documents', fallback: 'documents' };
  return { key: `history.status.${e.status}`, fallback: e.status };
}

function noteOf(note: unknown): Note {
  return note !== null && typeof note === 'object' ? (note as Note) : {};
}

function EventDetails({ e }: { e: TimelineEvent }) {
  const { t, i18n } = useTranslation(STAFF_NS);
  const n = noteOf(e.note);
  const parts: string[] = [];
  if (n.kommunicering !== undefined && n.dueDate)
    parts.push(t('history.commentBy', { due: formatDate(`${n.dueDate}T12:00:00Z`) }));
  else if (n.completionRequest !== undefined)
    parts.push(
      e.status === 'waiting-applicant'
        ? t('history.completionRequested')
        : t(n.correctedForm ? 'history.answeredWithForm' : 'history.answered'),
    );
  if (n.outcome !== undefined)
    parts.push(
      t('history.decided', {
        outcome: t(`case.outcomes.${n.outcome}`),
        amount: n.amountOre !== undefined ? formatKronor(n.amountOre / 100) : '–',
      }),
    );
  if (n.waitingFor !== undefined && n.waitingFor.length > 0)
    parts.push(t('history.waitingFor', { sources: n.waitingFor.join(', ') }));
  const reasons = (n.reasons ?? []).map((r) => pick(r, i18n.language));
  return (
    <>
      {parts.map((p) => (
        <BodyShort key={p} size="small">
          {p}
        </BodyShort>
      ))}
      {reasons.length > 0 ? (
        <ul style={{ margin: 0 }}>
          {reasons.map((r, i) => (
            <li key={i} lang={r.lang}>
              <BodyShort size="small">{r.text}</BodyShort>
            </li>
          ))}
        </ul>
      ) : null}
    </>
  );
}

export function History({ timeline }: { timeline: readonly TimelineEvent[] }) {
  const { t } = useTranslation(STAFF_NS);
  if (timeline.length === 0) return <BodyShort>–</BodyShort>;
  return (
    <VStack gap="space-12" as="ol" style={{ paddingInlineStart: '1.25rem', margin: 0 }}>
      {timeline.map((e, i) => {
        const h = headline(e);
        return (
          <li key={`${e.at}-${i}`}>
            <BodyShort weight="semibold">{t(h.key, { defaultValue: h.fallback })}</BodyShort>
            <Detail>
              {formatDateTime(e.at)} ·{' '}
              {e.actor === 'system' ? t('history.system') : e.actor === 'applicant' ? t('history.applicant') : e.actor}
            </Detail>
            <EventDetails e={e} />
          </li>
        );
      })}
    </VStack>
  );
}
