/**
 * A participant's track (/deltagare/:municipality/:participantId): its state (open, exited,
 * reopened — a return within three months voids the exit), the meetings with their notes, the
 * labour-market plan (goals, activities with dates; every version kept), measures (enrol, end)
 * and exits (avslut) with whether each counts. Coaches change; caseworkers and auditors read.
 */
import {
  Alert,
  BodyLong,
  BodyShort,
  Button,
  Fieldset,
  HStack,
  Heading,
  Radio,
  RadioGroup,
  Select,
  Table,
  TextField,
  Textarea,
  VStack,
} from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { ApiError, api } from '../../api';
import { FormErrors, PageHeading, formatDateTime, problemText } from '../../components';
import type { ShownError } from '../../components';
import { errorAt, errorsFrom } from '../case-model';
import { StaffForm, field, useIdempotencyKey } from '../forms';
import type { StaffSession } from '../gate';
import { Section } from '../section';
import { DATE, EXIT_REASONS, MEASURE_END_REASONS, MEASURE_TYPES, lmBase } from './model';
import type { Activity, Measure, Participant, Plan } from './model';
import { ExitTag, TrackTag, day } from './parts';
import { NS } from './texts';

/** What the state means, in words. */
function TrackStatus({ p }: { p: Participant }) {
  const { t } = useTranslation(NS);
  const last = p.lastExit;
  return (
    <VStack gap="space-8">
      <div>
        <TrackTag state={p.track.state} />
      </div>
      {p.track.state === 'reopened' && last ? (
        <Alert variant="warning">
          {t('status.reopened', {
            returned: day(p.track.returnedOn!),
            exit: day(last.exitDate),
            reason: t(`reason.${last.reason}`),
          })}
        </Alert>
      ) : null}
      {p.track.state === 'exited' && last ? (
        <Alert variant="info">
          {t('status.exited', {
            exit: day(last.exitDate),
            reason: t(`reason.${last.reason}`),
            until: day(last.windowEnds),
          })}
        </Alert>
      ) : null}
      {p.track.state === 'open' && last ? (
        <BodyShort>{t('status.openAgain', { returned: day(p.track.returnedOn!), exit: day(last.exitDate) })}</BodyShort>
      ) : null}
    </VStack>
  );
}

/* ------------------------------------------------------------------ plan */

interface ActivityDraft {
  what: string;
  startsOn: string;
  endsOn: string;
}

function PlanView({ plan }: { plan: Plan }) {
  const { t } = useTranslation(NS);
  return (
    <VStack gap="space-12">
      <BodyShort size="small">
        {t('plan.version', {
          version: plan.version,
          who: plan.createdByName ?? plan.createdBy,
          when: formatDateTime(plan.createdAt),
        })}
      </BodyShort>
      <Heading level="3" size="small">
        {t('plan.goals')}
      </Heading>
      {plan.goals.length === 0 ? (
        <BodyShort>{t('plan.noGoals')}</BodyShort>
      ) : (
        <ul>
          {plan.goals.map((g, i) => (
            <li key={i}>{g}</li>
          ))}
        </ul>
      )}
      <Heading level="3" size="small">
        {t('plan.activities')}
      </Heading>
      {plan.activities.length === 0 ? (
        <BodyShort>{t('plan.noActivities')}</BodyShort>
      ) : (
        <Table size="small">
          <caption className="visually-hidden">{t('plan.activities')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('plan.what')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('plan.startsOn')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('plan.endsOn')}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {plan.activities.map((a, i) => (
              <Table.Row key={i}>
                <Table.DataCell>{a.what}</Table.DataCell>
                <Table.DataCell>{day(a.startsOn)}</Table.DataCell>
                <Table.DataCell>{a.endsOn ? day(a.endsOn) : '–'}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </VStack>
  );
}

function PlanForm({ path, plan, onDone }: { path: string; plan: Plan | null; onDone: (note: string) => void }) {
  const { t } = useTranslation(NS);
  const [goals, setGoals] = useState((plan?.goals ?? []).join('\n'));
  const [activities, setActivities] = useState<ActivityDraft[]>(
    (plan?.activities ?? []).map((a: Activity) => ({ what: a.what, startsOn: a.startsOn, endsOn: a.endsOn ?? '' })),
  );
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [busy, setBusy] = useState(false);
  const key = useIdempotencyKey();
  const change = (i: number, field: keyof ActivityDraft, value: string) =>
    setActivities((list) => list.map((a, j) => (j === i ? { ...a, [field]: value } : a)));
  async function submit() {
    const shown: ShownError[] = [];
    activities.forEach((a, i) => {
      if (a.what.trim() === '') shown.push({ id: `f-act-${i}-what`, message: t('plan.whatMissing', { n: i + 1 }) });
      if (!DATE.test(a.startsOn)) shown.push({ id: `f-act-${i}-start`, message: t('plan.dateFormat', { n: i + 1 }) });
      if (a.endsOn !== '' && !DATE.test(a.endsOn))
        shown.push({ id: `f-act-${i}-end`, message: t('plan.dateFormat', { n: i + 1 }) });
    });
    setErrors(shown);
    if (shown.length > 0) return;
    setBusy(true);
    try {
      const saved = await api<Plan>(path, {
        method: 'PUT',
        headers: key.headers(),
        body: {
          basedOnVersion: plan?.version ?? 0,
          goals: goals
            .split('\n')
            .map((g) => g.trim())
            .filter((g) => g !== ''),
          activities: activities.map((a) => ({
            what: a.what.trim(),
            startsOn: a.startsOn,
            endsOn: a.endsOn === '' ? null : a.endsOn,
          })),
        },
      });
      key.renew();
      onDone(t('plan.saved', { version: saved.version }));
    } catch (e) {
      if (e instanceof ApiError && e.problem.code === 'stale-plan') {
        setErrors([{ id: 'f-goals', message: problemText(e, t('errorGeneric')) }]);
        return;
      }
      const fields = e instanceof ApiError ? e.fieldErrors : [];
      const mapped: ShownError[] = fields.map((f) => {
        const m = /^activities\[(\d+)\]\.(\w+)/.exec(f.field);
        const part = m?.[2] === 'what' ? 'what' : m?.[2] === 'endsOn' ? 'end' : 'start';
        return { id: m ? `f-act-${m[1]}-${part}` : 'f-goals', message: f.message };
      });
      setErrors(mapped.length > 0 ? mapped : errorsFrom(e, {}, 'f-goals', t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }
  return (
    <StaffForm onSubmit={submit} errors={errors} submit={t('plan.save')} busy={busy}>
      <Textarea
        label={t('plan.goals')}
        description={t('plan.goalsHelp')}
        {...field(errors, 'f-goals', goals, setGoals)}
      />
      <Fieldset legend={t('plan.activities')}>
        <VStack gap="space-16">
          {activities.map((a, i) => (
            <HStack key={i} gap="space-16" align="end" wrap>
              <TextField
                label={t('plan.activityWhat', { n: i + 1 })}
                maxLength={300}
                {...field(errors, `f-act-${i}-what`, a.what, (v) => change(i, 'what', v))}
              />
              <TextField
                label={t('plan.activityStart', { n: i + 1 })}
                description={t('dateHelp')}
                htmlSize={12}
                {...field(errors, `f-act-${i}-start`, a.startsOn, (v) => change(i, 'startsOn', v))}
              />
              <TextField
                label={t('plan.activityEnd', { n: i + 1 })}
                description={t('plan.endOptional')}
                htmlSize={12}
                {...field(errors, `f-act-${i}-end`, a.endsOn, (v) => change(i, 'endsOn', v))}
              />
              <Button
                type="button"
                size="small"
                variant="tertiary"
                onClick={() => setActivities((list) => list.filter((_, j) => j !== i))}
              >
                {t('plan.removeActivity', { n: i + 1 })}
              </Button>
            </HStack>
          ))}
          <div>
            <Button
              type="button"
              size="small"
              variant="secondary"
              onClick={() => setActivities((list) => [...list, { what: '', startsOn: '', endsOn: '' }])}
            >
              {t('plan.addActivity')}
            </Button>
          </div>
        </VStack>
      </Fieldset>
    </StaffForm>
  );
}

/* ------------------------------------------------------------------ measures */

function EndMeasure({
  path,
  measure,
  today,
  onDone,
}: {
  path: string;
  measure: Measure;
  today: string;
  onDone: (note: string) => void;
}) {
  const { t } = useTranslation(NS);
  const [endedOn, setEndedOn] = useState(today);
  const [reason, setReason] = useState<string>('completed');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const ids = { endedOn: `f-end-${measure.id}-date`, reason: `f-end-${measure.id}-reason` };
  async function submit() {
    if (!DATE.test(endedOn)) return setErrors([{ id: ids.endedOn, message: t('dateFormat') }]);
    try {
      await api(`${path}/${measure.id}/end`, { method: 'POST', body: { endedOn, reason } });
      onDone(t('measures.ended'));
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.endedOn, t('errorGeneric')));
    }
  }
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <VStack gap="space-8">
        <FormErrors errors={errors} />
        <HStack gap="space-8" align="end" wrap>
          <TextField
            id={ids.endedOn}
            size="small"
            label={t('measures.endedOn')}
            value={endedOn}
            htmlSize={12}
            error={errorAt(errors, ids.endedOn)}
            onChange={(e) => setEndedOn(e.target.value)}
          />
          <Select
            id={ids.reason}
            size="small"
            label={t('measures.endReasonLabel')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
          >
            {MEASURE_END_REASONS.map((r) => (
              <option key={r} value={r}>
                {t(`measures.endReason.${r}`)}
              </option>
            ))}
          </Select>
          <Button type="submit" size="small" variant="secondary">
            {t('measures.end')}
            <span className="visually-hidden"> {t(`measures.type.${measure.type}`)}</span>
          </Button>
        </HStack>
      </VStack>
    </form>
  );
}

function Measures({
  path,
  p,
  coach,
  onDone,
}: {
  path: string;
  p: Participant;
  coach: boolean;
  onDone: (note: string) => void;
}) {
  const { t } = useTranslation(NS);
  const [type, setType] = useState<string>(MEASURE_TYPES[0]);
  const [provider, setProvider] = useState('');
  const [startsOn, setStartsOn] = useState(p.today);
  const [plannedEndOn, setPlannedEndOn] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const key = useIdempotencyKey();
  const ids = { type: 'f-m-type', provider: 'f-m-provider', startsOn: 'f-m-start', plannedEndOn: 'f-m-end' };
  async function enrol() {
    const shown: ShownError[] = [];
    if (provider.trim() === '') shown.push({ id: ids.provider, message: t('measures.providerMissing') });
    if (!DATE.test(startsOn)) shown.push({ id: ids.startsOn, message: t('dateFormat') });
    if (plannedEndOn !== '' && !DATE.test(plannedEndOn)) shown.push({ id: ids.plannedEndOn, message: t('dateFormat') });
    setErrors(shown);
    if (shown.length > 0) return;
    try {
      await api(path, {
        method: 'POST',
        headers: key.headers(),
        body: { type, provider: provider.trim(), startsOn, plannedEndOn: plannedEndOn === '' ? null : plannedEndOn },
      });
      key.renew();
      setProvider('');
      setPlannedEndOn('');
      onDone(t('measures.enrolled'));
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.type, t('errorGeneric')));
    }
  }
  return (
    <VStack gap="space-16">
      {p.measures.length === 0 ? (
        <BodyShort>{t('measures.none')}</BodyShort>
      ) : (
        <Table size="small">
          <caption className="visually-hidden">{t('measures.title')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('measures.col.type')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('measures.col.provider')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('measures.col.dates')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('measures.col.status')}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {p.measures.map((m) => (
              <Table.Row key={m.id}>
                <Table.HeaderCell scope="row">{t(`measures.type.${m.type}`)}</Table.HeaderCell>
                <Table.DataCell>{m.provider}</Table.DataCell>
                <Table.DataCell>
                  {day(m.startsOn)} –{' '}
                  {m.endedOn
                    ? day(m.endedOn)
                    : m.plannedEndOn
                      ? t('measures.planned', { date: day(m.plannedEndOn) })
                      : ''}
                </Table.DataCell>
                <Table.DataCell>
                  {m.endedOn ? (
                    t('measures.endedBecause', { reason: t(`measures.endReason.${m.endReason ?? 'other'}`) })
                  ) : coach ? (
                    <EndMeasure path={path} measure={m} today={p.today} onDone={onDone} />
                  ) : (
                    t('measures.ongoing')
                  )}
                </Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
      {coach && p.track.state !== 'exited' ? (
        <StaffForm
          onSubmit={enrol}
          errors={errors}
          submit={t('measures.enrol')}
          labelledBy="enrol-h"
          header={
            <Heading id="enrol-h" level="3" size="small">
              {t('measures.enrolTitle')}
            </Heading>
          }
        >
          <HStack gap="space-16" align="end" wrap>
            <Select label={t('measures.typeLabel')} {...field(errors, ids.type, type, setType)}>
              {MEASURE_TYPES.map((m) => (
                <option key={m} value={m}>
                  {t(`measures.type.${m}`)}
                </option>
              ))}
            </Select>
            <TextField
              label={t('measures.provider')}
              maxLength={200}
              {...field(errors, ids.provider, provider, setProvider)}
            />
            <TextField
              label={t('measures.startsOn')}
              description={t('dateHelp')}
              htmlSize={12}
              {...field(errors, ids.startsOn, startsOn, setStartsOn)}
            />
            <TextField
              label={t('measures.plannedEndOn')}
              description={t('plan.endOptional')}
              htmlSize={12}
              {...field(errors, ids.plannedEndOn, plannedEndOn, setPlannedEndOn)}
            />
          </HStack>
        </StaffForm>
      ) : null}
    </VStack>
  );
}

/* ------------------------------------------------------------------ exits */

function ExitForm({ path, today, onDone }: { path: string; today: string; onDone: (note: string) => void }) {
  const { t } = useTranslation(NS);
  const [reason, setReason] = useState('');
  const [exitDate, setExitDate] = useState(today);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const key = useIdempotencyKey();
  const ids = { reason: 'f-exit-reason', exitDate: 'f-exit-date', note: 'f-exit-note' };
  async function submit() {
    const shown: ShownError[] = [];
    if (reason === '') shown.push({ id: ids.reason, message: t('exits.reasonMissing') });
    if (!DATE.test(exitDate)) shown.push({ id: ids.exitDate, message: t('dateFormat') });
    setErrors(shown);
    if (shown.length > 0) return;
    try {
      await api(path, {
        method: 'POST',
        headers: key.headers(),
        body: { reason, exitDate, ...(note.trim() ? { note: note.trim() } : {}) },
      });
      key.renew();
      onDone(t('exits.recorded'));
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.reason, t('errorGeneric')));
    }
  }
  return (
    <StaffForm
      onSubmit={submit}
      errors={errors}
      submit={t('exits.record')}
      labelledBy="exit-form-h"
      header={
        <>
          <Heading id="exit-form-h" level="3" size="small">
            {t('exits.formTitle')}
          </Heading>
          <BodyLong>{t('exits.rule')}</BodyLong>
        </>
      }
    >
      <RadioGroup
        id={ids.reason}
        legend={t('exits.reason')}
        value={reason}
        error={errorAt(errors, ids.reason)}
        onChange={(v: string) => setReason(v)}
      >
        {EXIT_REASONS.map((r) => (
          <Radio key={r} value={r}>
            {t(`reason.${r}`)}
          </Radio>
        ))}
      </RadioGroup>
      <TextField
        label={t('exits.date')}
        description={t('dateHelp')}
        htmlSize={12}
        {...field(errors, ids.exitDate, exitDate, setExitDate)}
      />
      <Textarea label={t('exits.note')} maxLength={2000} {...field(errors, ids.note, note, setNote)} />
    </StaffForm>
  );
}

function Exits({ p }: { p: Participant }) {
  const { t } = useTranslation(NS);
  if (p.exits.length === 0) return <BodyShort>{t('exits.none')}</BodyShort>;
  return (
    <Table size="small">
      <caption className="visually-hidden">{t('exits.title')}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{t('exits.col.date')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('exits.col.reason')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('exits.col.counts')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('exits.col.by')}</Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {p.exits.map((e) => (
          <Table.Row key={e.id}>
            <Table.HeaderCell scope="row">{day(e.exitDate)}</Table.HeaderCell>
            <Table.DataCell>
              {t(`reason.${e.reason}`)}
              {e.note ? <BodyShort size="small">{e.note}</BodyShort> : null}
            </Table.DataCell>
            <Table.DataCell>
              <VStack gap="space-4">
                <div>
                  <ExitTag exit={e} />
                </div>
                <BodyShort size="small">
                  {e.state === 'voided'
                    ? t('exits.voidedBecause', { date: day(e.returnedOn!) })
                    : e.state === 'provisional'
                      ? t('exits.provisionalUntil', { date: day(e.windowEnds) })
                      : t('exits.finalSince', { date: day(e.windowEnds) })}
                </BodyShort>
              </VStack>
            </Table.DataCell>
            <Table.DataCell>{e.recordedByName ?? e.recordedBy}</Table.DataCell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

/* ------------------------------------------------------------------ the page */

export function ParticipantPage({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const { municipality, participantId } = useParams<{ municipality: string; participantId: string }>();
  const path = `${lmBase(municipality)}/participants/${participantId}`;
  const [p, setP] = useState<Participant>();
  const [problem, setProblem] = useState<string>();
  const [editing, setEditing] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [revision, setRevision] = useState(0);
  const coach = session.roles.includes('coach');
  const load = useCallback(() => {
    api<Participant>(path)
      .then((v) => {
        setP(v);
        setRevision((r) => r + 1);
      })
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [path, t]);
  useEffect(load, [load]);
  const done = (note: string) => {
    setAnnouncement(note);
    setEditing(false);
    load();
  };
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!p) return null;
  const name = p.name ?? t('noName');
  return (
    <VStack gap="space-32">
      <div>
        <PageHeading title={name}>{name}</PageHeading>
        <BodyShort>{t('participant.since', { date: day(p.firstSubmittedOn) })}</BodyShort>
      </div>
      <div role="status">{announcement ? <Alert variant="success">{announcement}</Alert> : null}</div>
      <Section id="status" title={t('participant.status')}>
        <TrackStatus p={p} />
      </Section>
      <Section id="meetings" title={t('participant.meetings')}>
        {p.meetings.length === 0 ? (
          <BodyShort>{t('participant.noMeetings')}</BodyShort>
        ) : (
          <ul>
            {p.meetings.map((m) => (
              <li key={m.id}>
                <Link href={`/mote/${municipality}/${m.id}`}>
                  {t('participant.meetingLink', { when: formatDateTime(m.startsAt), coach: m.coachName })}
                </Link>{' '}
                ({t(`meetingStatus.${m.status}`)}, {t('participant.noteCount', { count: m.notes.length })})
              </li>
            ))}
          </ul>
        )}
      </Section>
      <Section id="plan" title={t('plan.title')}>
        <VStack gap="space-16">
          {p.plan ? <PlanView plan={p.plan} /> : <BodyShort>{t('plan.none')}</BodyShort>}
          {coach && !editing ? (
            <div>
              <Button type="button" variant="secondary" onClick={() => setEditing(true)}>
                {p.plan ? t('plan.change') : t('plan.create')}
              </Button>
            </div>
          ) : null}
          {coach && editing ? <PlanForm key={revision} path={`${path}/plan`} plan={p.plan} onDone={done} /> : null}
        </VStack>
      </Section>
      <Section id="measures" title={t('measures.title')}>
        <Measures key={revision} path={`${path}/measures`} p={p} coach={coach} onDone={done} />
      </Section>
      <Section id="exits" title={t('exits.title')}>
        <VStack gap="space-24">
          <Exits p={p} />
          {coach && p.track.state !== 'exited' ? (
            <ExitForm key={revision} path={`${path}/exits`} today={p.today} onDone={done} />
          ) : null}
        </VStack>
      </Section>
    </VStack>
  );
}
