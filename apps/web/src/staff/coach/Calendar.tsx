/**
 * The coach's calendar: the own slots day by day, two weeks at a time, each free or with its
 * meeting (the applicant's name unless it must be hidden); a link to each meeting's notes; remove
 * a free slot; add slots (one, or the same time on several working days). Applicants book the free
 * slots the next working day. The server's clock decides what "today" is.
 */
import { Alert, BodyShort, Button, HStack, Heading, Select, Table, Tag, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../../api';
import { problemText } from '../../components';
import type { ShownError } from '../../components';
import { errorsFrom } from '../case-model';
import { StaffForm, field, useIdempotencyKey } from '../forms';
import type { StaffSession } from '../gate';
import { Section } from '../section';
import { DATE, MODES, TIME, addDays, swedishDay, swedishInstant, swedishTime } from './model';
import type { Slot, SlotsAnswer } from './model';
import { MunicipalityChoice, day } from './parts';
import { NS } from './texts';

const DURATIONS = [30, 45, 60, 90] as const;

function BookingCell({ slot, municipality }: { slot: Slot; municipality: string }) {
  const { t } = useTranslation(NS);
  const b = slot.booking;
  if (!b) return <>{t('calendar.free')}</>;
  const who = b.nameHidden ? t('calendar.nameHidden') : (b.applicantName ?? t('noName'));
  return (
    <HStack gap="space-8" align="center">
      <Link href={`/mote/${municipality}/${b.id}`}>{t('calendar.meetingWith', { who })}</Link>
      {b.status !== 'booked' ? (
        <Tag variant={b.status === 'held' ? 'success' : 'warning'} size="xsmall">
          {t(`meetingStatus.${b.status}`)}
        </Tag>
      ) : null}
    </HStack>
  );
}

function AddSlots({ municipality, today, onDone }: { municipality: string; today: string; onDone: () => void }) {
  const { t } = useTranslation(NS);
  const [date, setDate] = useState(() => addDays(today, 1));
  const [time, setTime] = useState('09:00');
  const [duration, setDuration] = useState('45');
  const [mode, setMode] = useState<string>('office');
  const [location, setLocation] = useState('');
  const [repeat, setRepeat] = useState('1');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [busy, setBusy] = useState(false);
  const key = useIdempotencyKey();
  const ids = {
    startsAt: 'f-slot-date',
    time: 'f-slot-time',
    durationMinutes: 'f-slot-duration',
    mode: 'f-slot-mode',
    location: 'f-slot-location',
    repeatWorkingDays: 'f-slot-repeat',
  };
  async function submit() {
    const shown: ShownError[] = [];
    if (!DATE.test(date)) shown.push({ id: ids.startsAt, message: t('dateFormat') });
    if (!TIME.test(time)) shown.push({ id: ids.time, message: t('calendar.timeFormat') });
    const n = Number(repeat);
    if (!Number.isInteger(n) || n < 1 || n > 20)
      shown.push({ id: ids.repeatWorkingDays, message: t('calendar.repeatRange') });
    setErrors(shown);
    if (shown.length > 0) return;
    setBusy(true);
    try {
      await api(`/api/v1/municipalities/${municipality}/coach/slots`, {
        method: 'POST',
        headers: key.headers(),
        body: {
          startsAt: swedishInstant(date, time),
          durationMinutes: Number(duration),
          mode,
          ...(location.trim() ? { location: location.trim() } : {}),
          repeatWorkingDays: n,
        },
      });
      key.renew();
      onDone();
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.startsAt, t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }
  return (
    <Section id="add-slots" title={t('calendar.addTitle')}>
      <StaffForm onSubmit={submit} errors={errors} submit={t('calendar.add')} busy={busy}>
        <HStack gap="space-16" wrap>
          <TextField
            label={t('calendar.date')}
            description={t('dateHelp')}
            htmlSize={12}
            {...field(errors, ids.startsAt, date, setDate)}
          />
          <TextField
            label={t('calendar.time')}
            description={t('calendar.timeHelp')}
            htmlSize={6}
            {...field(errors, ids.time, time, setTime)}
          />
          <Select label={t('calendar.duration')} {...field(errors, ids.durationMinutes, duration, setDuration)}>
            {DURATIONS.map((d) => (
              <option key={d} value={String(d)}>
                {t('calendar.minutes', { count: d })}
              </option>
            ))}
          </Select>
          <Select label={t('calendar.mode')} {...field(errors, ids.mode, mode, setMode)}>
            {MODES.map((m) => (
              <option key={m} value={m}>
                {t(`mode.${m}`)}
              </option>
            ))}
          </Select>
        </HStack>
        <TextField
          label={t('calendar.location')}
          maxLength={200}
          {...field(errors, ids.location, location, setLocation)}
        />
        <TextField
          label={t('calendar.repeat')}
          description={t('calendar.repeatHelp')}
          inputMode="numeric"
          htmlSize={4}
          {...field(errors, ids.repeatWorkingDays, repeat, setRepeat)}
        />
      </StaffForm>
    </Section>
  );
}

export function Calendar({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const [municipality, setMunicipality] = useState(session.municipality);
  const [range, setRange] = useState<{ from: string; to: string }>();
  const [data, setData] = useState<SlotsAnswer>();
  const [problem, setProblem] = useState<string>();
  const [announcement, setAnnouncement] = useState('');
  const [reload, setReload] = useState(0);
  const query = range ? `?from=${range.from}&to=${range.to}` : '';
  useEffect(() => {
    api<SlotsAnswer>(`/api/v1/municipalities/${municipality}/coach/slots${query}`)
      .then((d) => {
        setData(d);
        setProblem(undefined);
      })
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [municipality, query, reload, t]);

  const days = useMemo(() => {
    const byDay = new Map<string, Slot[]>();
    for (const s of data?.slots ?? []) {
      const d = swedishDay(s.startsAt);
      byDay.set(d, [...(byDay.get(d) ?? []), s]);
    }
    return [...byDay.entries()];
  }, [data]);

  async function remove(slot: Slot) {
    try {
      await api(`/api/v1/municipalities/${municipality}/coach/slots/${slot.id}`, { method: 'DELETE' });
      setAnnouncement(
        t('calendar.removed', { when: `${day(swedishDay(slot.startsAt))} ${swedishTime(slot.startsAt)}` }),
      );
      setReload((r) => r + 1);
    } catch (e) {
      setAnnouncement(problemText(e, t('errorGeneric')));
    }
  }
  const shift = (n: number) => data && setRange({ from: addDays(data.from, n), to: addDays(data.to, n) });

  return (
    <VStack gap="space-24">
      <MunicipalityChoice own={session.municipality} value={municipality} onChange={setMunicipality} />
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {data ? (
        <>
          <HStack gap="space-16" align="center" wrap>
            <Button type="button" size="small" variant="secondary" onClick={() => shift(-7)}>
              {t('calendar.earlier')}
            </Button>
            <BodyShort>{t('calendar.range', { from: day(data.from), to: day(data.to) })}</BodyShort>
            <Button type="button" size="small" variant="secondary" onClick={() => shift(7)}>
              {t('calendar.later')}
            </Button>
          </HStack>
          <div role="status">{announcement ? <BodyShort size="small">{announcement}</BodyShort> : null}</div>
          {days.length === 0 ? <BodyShort>{t('calendar.empty')}</BodyShort> : null}
          {days.map(([d, slots]) => (
            <section key={d} aria-labelledby={`day-${d}`}>
              <Heading id={`day-${d}`} level="2" size="small" spacing>
                {d === data.today ? t('calendar.today', { day: day(d) }) : day(d)}
              </Heading>
              <Table size="small">
                <caption className="visually-hidden">{day(d)}</caption>
                <Table.Header>
                  <Table.Row>
                    <Table.HeaderCell scope="col">{t('calendar.col.time')}</Table.HeaderCell>
                    <Table.HeaderCell scope="col">{t('calendar.col.meeting')}</Table.HeaderCell>
                    <Table.HeaderCell scope="col">{t('calendar.col.where')}</Table.HeaderCell>
                    <Table.HeaderCell scope="col">
                      <span className="visually-hidden">{t('calendar.col.action')}</span>
                    </Table.HeaderCell>
                  </Table.Row>
                </Table.Header>
                <Table.Body>
                  {slots.map((s) => (
                    <Table.Row key={s.id}>
                      <Table.HeaderCell scope="row">
                        {swedishTime(s.startsAt)}–{swedishTime(s.endsAt)}
                      </Table.HeaderCell>
                      <Table.DataCell>
                        <BookingCell slot={s} municipality={municipality} />
                      </Table.DataCell>
                      <Table.DataCell>
                        {t(`mode.${s.mode}`)}
                        {s.location ? `, ${s.location}` : ''}
                      </Table.DataCell>
                      <Table.DataCell>
                        {s.booking === null ? (
                          <Button type="button" size="xsmall" variant="tertiary" onClick={() => void remove(s)}>
                            {t('calendar.remove')}
                            <span className="visually-hidden">
                              {' '}
                              {t('calendar.removeWhich', { when: `${day(d)} ${swedishTime(s.startsAt)}` })}
                            </span>
                          </Button>
                        ) : null}
                      </Table.DataCell>
                    </Table.Row>
                  ))}
                </Table.Body>
              </Table>
            </section>
          ))}
          <AddSlots
            key={municipality}
            municipality={municipality}
            today={data.today}
            onDone={() => {
              setAnnouncement(t('calendar.added'));
              setReload((r) => r + 1);
            }}
          />
        </>
      ) : null}
    </VStack>
  );
}
