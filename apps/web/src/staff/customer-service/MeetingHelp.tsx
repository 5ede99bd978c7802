/**
 * Help to book a meeting: the three free times with a labour-market coach offered for the person's
 * application, booked (or the booking moved) on the person's behalf. A retry of the same choice
 * sends the same Idempotency-Key, so it never books twice.
 */
import { Alert, BodyShort, Button, Radio, RadioGroup, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, idempotencyKey } from '../../api';
import { FormErrors, formatDate, problemText } from '../../components';
import { NS } from './texts';
import type { Booking, Offer } from './types';
import { useSlotLabel } from './format';

export function MeetingHelp({
  municipality,
  applicationId,
  booked,
  onBooked,
}: {
  municipality: string;
  applicationId: string;
  booked: Booking | null;
  onBooked: (b: Booking) => void;
}) {
  const { t } = useTranslation(NS);
  const slotLabel = useSlotLabel();
  const base = `/api/v1/municipalities/${municipality}/customer-service/applications/${applicationId}`;
  const [offer, setOffer] = useState<Offer>();
  const [chosen, setChosen] = useState('');
  const [error, setError] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  const fieldId = `cs-slot-${applicationId}`;

  async function open() {
    setProblem(undefined);
    setBusy(true);
    try {
      setOffer(await api<Offer>(`${base}/meeting-slots`));
    } catch (e) {
      setProblem(problemText(e, t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }

  async function book() {
    if (!chosen) {
      setError(t('meeting.choose'));
      return;
    }
    setError(undefined);
    setProblem(undefined);
    setBusy(true);
    try {
      const b = await api<Booking>(`${base}/meeting`, {
        method: booked ? 'PUT' : 'POST',
        body: { slotId: chosen },
        headers: { 'idempotency-key': key },
      });
      setKey(idempotencyKey());
      setOffer(undefined);
      setChosen('');
      onBooked(b);
    } catch (e) {
      if (e instanceof ApiError && e.status === 409) {
        setProblem(problemText(e, t('meeting.taken')));
        setChosen('');
        setKey(idempotencyKey());
        setOffer(await api<Offer>(`${base}/meeting-slots`).catch(() => undefined));
      } else setProblem(problemText(e, t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }

  if (!offer)
    return (
      <VStack gap="space-8">
        {problem ? <Alert variant="warning">{problem}</Alert> : null}
        <div>
          <Button type="button" size="small" variant="secondary" loading={busy} onClick={() => void open()}>
            {booked ? t('meeting.move') : t('meeting.help')}
          </Button>
        </div>
      </VStack>
    );
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void book();
      }}
    >
      <VStack gap="space-12">
        {problem ? <Alert variant="warning">{problem}</Alert> : null}
        <FormErrors errors={error ? [{ id: fieldId, message: error }] : []} heading={t('errorsHeading')} />
        {offer.slots.length === 0 ? (
          <Alert variant="info">{t('meeting.none')}</Alert>
        ) : (
          <RadioGroup
            id={fieldId}
            legend={t('meeting.legend', { date: formatDate(`${offer.date}T12:00:00Z`) })}
            description={offer.filledFromLaterDays ? t('meeting.later') : undefined}
            value={chosen}
            error={error}
            onChange={(v: string) => setChosen(v)}
          >
            {offer.slots.map((s) => (
              <Radio key={s.id} value={s.id}>
                {slotLabel(s)}
              </Radio>
            ))}
          </RadioGroup>
        )}
        {offer.slots.length > 0 ? <BodyShort size="small">{t('meeting.tell')}</BodyShort> : null}
        <div className="row-actions">
          {offer.slots.length > 0 ? (
            <Button type="submit" size="small" loading={busy}>
              {booked ? t('meeting.moveTo') : t('meeting.book')}
            </Button>
          ) : null}
          <Button type="button" size="small" variant="tertiary" onClick={() => setOffer(undefined)}>
            {t('meeting.cancel')}
          </Button>
        </div>
      </VStack>
    </form>
  );
}
