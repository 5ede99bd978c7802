/** Messages with the caseworker, and the appeal (överklagande) of a decision, on the case page. */
import { Alert, BodyLong, BodyShort, Box, Button, Heading, TextField, Textarea, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, idempotencyKey } from '../api';
import { TextForm } from './case-answer';
import { FormErrors, formatDate, formatDateTime, problemText, useFieldMessage } from '../components';
import type { ShownError } from '../components';

interface Message {
  readonly id: string;
  readonly sender: 'applicant' | 'staff';
  readonly authorName: string | null;
  readonly body: string;
  readonly createdAt: string;
}
interface Appeal {
  readonly status: string;
  readonly lodgedAt: string;
  readonly withinDeadline: boolean;
  readonly deadline: string;
  readonly reasons: string;
}

const listOf = <T,>(r: T[] | Record<string, T[]>, key: string): T[] => (Array.isArray(r) ? r : (r[key] ?? []));

export function MessagesPanel({ municipality, id }: { municipality: string; id: string }) {
  const { t } = useTranslation();
  const path = `/api/v1/municipalities/${municipality}/applications/${id}/messages`;
  const [messages, setMessages] = useState<Message[]>([]);
  const [problem, setProblem] = useState<string>();
  const load = useCallback(async () => {
    try {
      setMessages(listOf(await api<Message[] | Record<string, Message[]>>(path), 'messages'));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) setProblem(problemText(e, t('errors.generic')));
    }
  }, [path, t]);
  useEffect(() => void load(), [load]);

  return (
    <VStack gap="space-16">
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {messages.length === 0 ? <BodyShort>{t('messages.none')}</BodyShort> : null}
      <VStack gap="space-12" as="ol" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {messages.map((m) => (
          <Box
            as="li"
            key={m.id}
            padding="space-12"
            borderWidth="1"
            borderRadius="8"
            background={m.sender === 'staff' ? 'info-soft' : 'default'}
          >
            <BodyShort size="small" weight="semibold">
              {m.sender === 'staff' ? (m.authorName ?? t('messages.caseworker')) : t('messages.you')} ·{' '}
              {formatDateTime(m.createdAt)}
            </BodyShort>
            <BodyLong style={{ whiteSpace: 'pre-wrap' }}>{m.body}</BodyLong>
          </Box>
        ))}
      </VStack>
      <TextForm
        id="f-message"
        label={t('messages.write')}
        submitLabel={t('messages.send')}
        emptyMessage={t('messages.empty')}
        send={(body, key) => api(path, { method: 'POST', body: { body }, headers: { 'idempotency-key': key } })}
        onSent={() => void load()}
      />
    </VStack>
  );
}

export function AppealPanel({ municipality, id }: { municipality: string; id: string }) {
  const { t } = useTranslation();
  const path = `/api/v1/municipalities/${municipality}/applications/${id}/appeal`;
  const [appeal, setAppeal] = useState<Appeal | null>();
  const [reasons, setReasons] = useState('');
  const [change, setChange] = useState('');
  const [receivedOn, setReceivedOn] = useState('');
  const fieldMessage = useFieldMessage();
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [problem, setProblem] = useState<string>();
  const [key] = useState(idempotencyKey);
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<Appeal>(path)
      .then(setAppeal)
      .catch((e: unknown) =>
        e instanceof ApiError && e.status === 404 ? setAppeal(null) : setProblem(problemText(e, t('errors.generic'))),
      );
  }, [path, t]);

  async function lodge() {
    const found: ShownError[] = [];
    if (reasons.trim() === '') found.push({ id: 'f-appeal-reasons', message: t('appeal.reasonsMissing') });
    const day = receivedOn.trim();
    if (day !== '' && !/^\d{4}-\d{2}-\d{2}$/.test(day))
      found.push({ id: 'f-appeal-received', message: t('appeal.receivedOnFormat') });
    else if (day !== '' && day > new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date()))
      found.push({ id: 'f-appeal-received', message: t('appeal.receivedOnFuture') });
    setErrors(found);
    if (found.length > 0) return;
    setBusy(true);
    try {
      setAppeal(
        await api<Appeal>(path, {
          method: 'POST',
          body: {
            reasons,
            ...(change.trim() ? { requestedChange: change } : {}),
            ...(receivedOn.trim() ? { receivedOn: receivedOn.trim() } : {}),
          },
          headers: { 'idempotency-key': key },
        }),
      );
    } catch (e) {
      const ids: Record<string, string> = { reasons: 'f-appeal-reasons', receivedOn: 'f-appeal-received' };
      const fields = e instanceof ApiError ? e.fieldErrors.filter((f) => ids[f.field]) : [];
      if (fields.length > 0) setErrors(fields.map((f) => ({ id: ids[f.field]!, message: fieldMessage(f) })));
      else setProblem(problemText(e, t('errors.generic')));
    } finally {
      setBusy(false);
    }
  }

  if (appeal)
    return (
      <Alert variant="info">
        <Heading level="3" size="small" spacing>
          {t('appeal.lodged', { date: formatDate(appeal.lodgedAt) })}
        </Heading>
        <BodyShort>{t(`appeal.statuses.${appeal.status}`)}</BodyShort>
        {!appeal.withinDeadline ? (
          <BodyShort>{t('appeal.late', { date: formatDate(`${appeal.deadline}T12:00:00Z`) })}</BodyShort>
        ) : null}
      </Alert>
    );
  return (
    <VStack gap="space-16">
      <BodyLong>{t('appeal.lead')}</BodyLong>
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {!open ? (
        <div>
          <Button type="button" variant="secondary" onClick={() => setOpen(true)}>
            {t('appeal.start')}
          </Button>
        </div>
      ) : (
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void lodge();
          }}
        >
          <VStack gap="space-16">
            <FormErrors errors={errors} />
            <Textarea
              id="f-appeal-reasons"
              label={t('appeal.reasons')}
              description={t('appeal.reasonsHelp')}
              maxLength={8000}
              value={reasons}
              error={errors.find((e) => e.id === 'f-appeal-reasons')?.message}
              onChange={(e) => setReasons(e.target.value)}
            />
            <Textarea
              id="f-appeal-change"
              label={t('appeal.change')}
              maxLength={8000}
              value={change}
              onChange={(e) => setChange(e.target.value)}
            />
            <TextField
              id="f-appeal-received"
              label={t('appeal.receivedOn')}
              description={t('appeal.receivedOnHelp')}
              inputMode="numeric"
              autoComplete="off"
              htmlSize={12}
              value={receivedOn}
              error={errors.find((e) => e.id === 'f-appeal-received')?.message}
              onChange={(e) => setReceivedOn(e.target.value)}
            />
            <div>
              <Button type="submit" loading={busy}>
                {t('appeal.send')}
              </Button>
            </div>
          </VStack>
        </form>
      )}
    </VStack>
  );
}
