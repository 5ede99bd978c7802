/**
 * A meeting with a participant (/mote/:municipality/:meetingId): when, where, with whom, the
 * notes written so far (kept as written), and a new note, perhaps with how it went (held or
 * no-show; only once the meeting has begun — the server checks).
 */
import { Alert, BodyLong, BodyShort, Radio, RadioGroup, Tag, Textarea, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api } from '../../api';
import { PageHeading, formatDateTime, problemText } from '../../components';
import type { ShownError } from '../../components';
import { errorAt, errorsFrom } from '../case-model';
import { StaffForm, field, useIdempotencyKey } from '../forms';
import type { StaffSession } from '../gate';
import { Section } from '../section';
import { lmBase, swedishTime } from './model';
import type { Meeting } from './model';
import { NS } from './texts';

export function Notes({ meeting }: { meeting: Meeting }) {
  const { t } = useTranslation(NS);
  if (meeting.notes.length === 0) return <BodyShort>{t('meeting.noNotes')}</BodyShort>;
  return (
    <ol>
      {meeting.notes.map((n) => (
        <li key={n.id}>
          <BodyShort size="small" weight="semibold">
            {formatDateTime(n.writtenAt)}, {n.writtenByName ?? n.writtenBy}
            {n.outcome ? (
              <>
                {' '}
                <Tag variant={n.outcome === 'held' ? 'success' : 'warning'} size="xsmall">
                  {t(`meetingStatus.${n.outcome}`)}
                </Tag>
              </>
            ) : null}
          </BodyShort>
          <BodyLong spacing style={{ whiteSpace: 'pre-wrap' }}>
            {n.text}
          </BodyLong>
        </li>
      ))}
    </ol>
  );
}

function NoteForm({ path, onDone }: { path: string; onDone: () => void }) {
  const { t } = useTranslation(NS);
  const [outcome, setOutcome] = useState('none');
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [busy, setBusy] = useState(false);
  const key = useIdempotencyKey();
  const ids = { outcome: 'f-note-outcome', text: 'f-note-text' };
  async function submit() {
    if (text.trim() === '') return setErrors([{ id: ids.text, message: t('meeting.textMissing') }]);
    setErrors([]);
    setBusy(true);
    try {
      await api(path, {
        method: 'POST',
        headers: key.headers(),
        body: { text, ...(outcome !== 'none' ? { outcome } : {}) },
      });
      key.renew();
      setText('');
      setOutcome('none');
      onDone();
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.text, t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }
  return (
    <StaffForm onSubmit={submit} errors={errors} submit={t('meeting.save')} busy={busy}>
      <RadioGroup
        id={ids.outcome}
        legend={t('meeting.outcome')}
        value={outcome}
        error={errorAt(errors, ids.outcome)}
        onChange={(v: string) => setOutcome(v)}
      >
        <Radio value="none">{t('meeting.outcomeNone')}</Radio>
        <Radio value="held">{t('meeting.outcomeHeld')}</Radio>
        <Radio value="no-show">{t('meeting.outcomeNoShow')}</Radio>
      </RadioGroup>
      <Textarea
        label={t('meeting.text')}
        description={t('meeting.textHelp')}
        maxLength={4000}
        {...field(errors, ids.text, text, setText)}
      />
    </StaffForm>
  );
}

export function MeetingPage({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const { municipality, meetingId } = useParams<{ municipality: string; meetingId: string }>();
  const path = `${lmBase(municipality)}/meetings/${meetingId}`;
  const [m, setM] = useState<Meeting & { name: string | null }>();
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  const load = useCallback(() => {
    api<Meeting & { name: string | null }>(path)
      .then(setM)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [path, t]);
  useEffect(load, [load]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!m) return null;
  const who = m.name ?? t('noName');
  return (
    <VStack gap="space-24">
      <PageHeading title={t('meeting.title', { who })}>{t('meeting.title', { who })}</PageHeading>
      <BodyShort>
        {t('meeting.when', {
          when: formatDateTime(m.startsAt),
          end: swedishTime(m.endsAt),
          mode: t(`mode.${m.mode}`),
          coach: m.coachName,
        })}
        {m.location ? `, ${m.location}` : ''}
      </BodyShort>
      {m.status !== 'booked' ? (
        <div>
          <Tag variant={m.status === 'held' ? 'success' : 'warning'} size="small">
            {t(`meetingStatus.${m.status}`)}
          </Tag>
        </div>
      ) : null}
      <BodyShort>
        <Link href={`/deltagare/${municipality}/${m.participantId}`}>{t('meeting.participantLink', { who })}</Link>
      </BodyShort>
      <Section id="notes" title={t('meeting.notes')}>
        <Notes meeting={m} />
      </Section>
      {session.roles.includes('coach') ? (
        <Section id="new-note" title={t('meeting.newNote')}>
          <div role="status">{saved ? <BodyShort>{t('meeting.saved')}</BodyShort> : null}</div>
          <NoteForm
            path={`${path}/notes`}
            onDone={() => {
              setSaved(true);
              load();
            }}
          />
        </Section>
      ) : null}
    </VStack>
  );
}
