/**
 * Book a meeting with a labour-market coach (/ansokan/:municipality/:id/boka): right after a new
 * application, three free times the next working day; the booking can be moved or cancelled.
 * Also reached from the case page.
 */
import { Alert, BodyLong, Box, Button, Heading, Loader, Radio, RadioGroup, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearch } from 'wouter';
import { ApiError, api, idempotencyKey } from '../api';
import { RequireApplicant } from '../auth-gate';
import { FormErrors, PageHeading, formatDate, formatDateTime, problemText } from '../components';

interface Slot {
  readonly id: string;
  readonly startsAt: string;
  readonly endsAt: string;
  readonly mode: 'office' | 'phone' | 'video';
  readonly location: string | null;
  readonly coachName: string;
}
interface Booking extends Slot {
  readonly status: string;
}

function slotLabel(t: TFunction, s: Slot): string {
  const time = new Intl.DateTimeFormat(undefined, { timeStyle: 'short', timeZone: 'Europe/Stockholm' });
  return t('booking.slot', {
    when: formatDateTime(s.startsAt),
    until: time.format(new Date(s.endsAt)),
    mode: t(`booking.mode.${s.mode}`),
    coach: s.coachName,
  });
}

export function BookingPanel({
  municipality,
  id,
  justApplied,
}: {
  municipality: string;
  id: string;
  justApplied: boolean;
}) {
  const { t } = useTranslation();
  const base = `/api/v1/municipalities/${municipality}/applications/${id}`;
  const [booking, setBooking] = useState<Booking | null>();
  const [offer, setOffer] = useState<{ date: string; slots: Slot[] }>();
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [moving, setMoving] = useState(false);
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);

  const load = useCallback(async () => {
    try {
      setBooking(await api<Booking>(`${base}/meeting`));
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) setBooking(null);
      else setProblem(problemText(e, t('errors.generic')));
    }
  }, [base, t]);
  useEffect(() => void load(), [load]);
  useEffect(() => {
    if (booking === null || moving)
      api<{ date: string; slots: Slot[] }>(`${base}/meeting-slots`)
        .then(setOffer)
        .catch((e: unknown) => setProblem(problemText(e, t('booking.noSlots'))));
  }, [booking, moving, base, t]);

  async function book() {
    if (!chosen) {
      setError(t('booking.choose'));
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      const b = await api<Booking>(`${base}/meeting`, {
        method: moving ? 'PUT' : 'POST',
        body: { slotId: chosen },
        headers: { 'idempotency-key': key },
      });
      setBooking(b);
      setMoving(false);
      setKey(idempotencyKey());
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setProblem(t('booking.taken'));
        setChosen('');
        setOffer(await api<{ date: string; slots: Slot[] }>(`${base}/meeting-slots`).catch(() => undefined));
      } else setProblem(problemText(e, t('errors.generic')));
    } finally {
      setBusy(false);
    }
  }

  async function cancel() {
    setBusy(true);
    try {
      await api(`${base}/meeting`, { method: 'DELETE' });
      setBooking(null);
    } catch (e) {
      setProblem(problemText(e, t('errors.generic')));
    } finally {
      setBusy(false);
    }
  }

  if (booking === undefined && !problem) return <Loader title={t('common.loading')} />;
  return (
    <VStack gap="space-16">
      {problem ? <Alert variant="warning">{problem}</Alert> : null}
      {booking && !moving ? (
        <Box padding="space-16" borderWidth="1" borderRadius="8" background="success-soft">
          <VStack gap="space-12">
            <Heading level="2" size="small">
              {t('booking.booked')}
            </Heading>
            <BodyLong>{slotLabel(t, booking)}</BodyLong>
            {booking.location ? <BodyLong>{booking.location}</BodyLong> : null}
            <div className="row-actions">
              <Button type="button" variant="secondary" size="small" onClick={() => setMoving(true)}>
                {t('booking.move')}
              </Button>
              <Button type="button" variant="tertiary" size="small" loading={busy} onClick={() => void cancel()}>
                {t('booking.cancel')}
              </Button>
            </div>
          </VStack>
        </Box>
      ) : null}
      {(booking === null || moving) && offer ? (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void book();
          }}
        >
          <VStack gap="space-16">
            <FormErrors errors={error ? [{ id: 'f-slot', message: error }] : []} />
            {offer.slots.length === 0 ? (
              <Alert variant="info">{t('booking.noSlots')}</Alert>
            ) : (
              <RadioGroup
                id="f-slot"
                legend={t('booking.legend', { date: formatDate(`${offer.date}T12:00:00Z`) })}
                description={justApplied ? t('booking.why') : undefined}
                value={chosen}
                error={error}
                onChange={(v: string) => setChosen(v)}
              >
                {offer.slots.map((s) => (
                  <Radio key={s.id} value={s.id}>
                    {slotLabel(t, s)}
                  </Radio>
                ))}
              </RadioGroup>
            )}
            {offer.slots.length > 0 ? (
              <div className="row-actions">
                <Button type="submit" loading={busy}>
                  {t('booking.book')}
                </Button>
                {moving ? (
                  <Button type="button" variant="secondary" onClick={() => setMoving(false)}>
                    {t('booking.keep')}
                  </Button>
                ) : null}
              </div>
            ) : null}
          </VStack>
        </form>
      ) : null}
    </VStack>
  );
}

function BookingPage() {
  const { t } = useTranslation();
  const { municipality, id } = useParams<{ municipality: string; id: string }>();
  const justApplied = new URLSearchParams(useSearch()).get('ny') !== '0';
  return (
    <VStack gap="space-24">
      <Alert variant="success">{t('booking.received')}</Alert>
      <PageHeading title={t('booking.title')}>{t('booking.title')}</PageHeading>
      <BodyLong>{t('booking.lead')}</BodyLong>
      <BookingPanel municipality={municipality} id={id} justApplied={justApplied} />
      <Link href={`/arende/${municipality}/${id}`}>{t('booking.toCase')}</Link>
    </VStack>
  );
}

export default function BookingRoute() {
  return <RequireApplicant>{() => <BookingPage />}</RequireApplicant>;
}
