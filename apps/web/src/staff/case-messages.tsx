/**
 * The case's conversation and paper: the messages between the applicant and the caseworkers,
 * oldest first, with a form to write to the applicant (idempotent on a key per message), and the
 * case's letters (decision, requests, kommunicering, sample checks) as HTML and PDF.
 */
import { Alert, BodyLong, BodyShort, Box, Link as AkselLink, Textarea, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api';
import { formatDateTime, problemText } from '../components';
import type { ShownError } from '../components';
import { errorsFrom } from './case-model';
import { StaffForm, field, useIdempotencyKey } from './forms';
import { STAFF_NS } from './texts';

interface Message {
  readonly id: string;
  readonly sender: 'applicant' | 'staff';
  readonly authorName: string;
  readonly body: string;
  readonly createdAt: string;
  readonly read: boolean;
}

export function Messages({ base, canWrite }: { base: string; canWrite: boolean }) {
  const { t } = useTranslation(STAFF_NS);
  const [messages, setMessages] = useState<readonly Message[]>();
  const [problem, setProblem] = useState<string>();
  const [body, setBody] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [sent, setSent] = useState(false);
  const key = useIdempotencyKey();
  const load = useCallback(() => {
    api<Message[]>(`${base}/messages`)
      .then(setMessages)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [base, t]);
  useEffect(load, [load]);

  async function send() {
    setSent(false);
    if (body.trim() === '') return setErrors([{ id: 'f-message', message: t('messages.empty') }]);
    try {
      await api(`${base}/messages`, {
        method: 'POST',
        headers: key.headers(),
        body: { body },
      });
      key.renew();
      setErrors([]);
      setBody('');
      setSent(true);
      load();
    } catch (e) {
      if (e instanceof ApiError) key.renew();
      setErrors(errorsFrom(e, { body: 'f-message' }, 'f-message', t('errorGeneric')));
    }
  }

  return (
    <VStack gap="space-16">
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {messages && messages.length === 0 ? <BodyShort>{t('messages.none')}</BodyShort> : null}
      {messages && messages.length > 0 ? (
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
                {m.sender === 'staff' ? m.authorName : t('messages.applicant')} · {formatDateTime(m.createdAt)}
                {m.sender === 'staff' ? ` · ${t(m.read ? 'messages.read' : 'messages.unread')}` : ''}
              </BodyShort>
              <BodyLong style={{ whiteSpace: 'pre-wrap' }}>{m.body}</BodyLong>
            </Box>
          ))}
        </VStack>
      ) : null}
      {canWrite ? (
        <StaffForm onSubmit={send} errors={errors} submit={t('messages.send')} variant="secondary" gap="space-8">
          {sent ? (
            <Alert variant="success" size="small" role="status">
              {t('messages.sent')}
            </Alert>
          ) : null}
          <Textarea
            label={t('messages.write')}
            description={t('messages.writeHelp')}
            maxLength={4000}
            {...field(errors, 'f-message', body, setBody)}
          />
        </StaffForm>
      ) : null}
    </VStack>
  );
}

interface Letter {
  readonly id: string;
  readonly kind: string;
  readonly lang: string;
  readonly title: string;
  readonly createdAt: string;
  readonly readAt: string | null;
}

export function Letters({ base, version }: { base: string; version: number }) {
  const { t } = useTranslation(STAFF_NS);
  const [letters, setLetters] = useState<readonly Letter[]>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    api<{ letters: Letter[] }>(`${base}/letters`)
      .then((r) => setLetters(r.letters))
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
    // `version` changes when the case does: a new letter may have come.
  }, [base, t, version]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!letters) return null;
  if (letters.length === 0) return <BodyShort>{t('letters.none')}</BodyShort>;
  return (
    <VStack gap="space-8" as="ul" style={{ paddingInlineStart: '1.25rem', margin: 0 }}>
      {letters.map((l) => (
        <li key={l.id}>
          <BodyShort lang={l.lang} id={`letter-${l.id}`}>
            {l.title}
          </BodyShort>
          <BodyShort size="small">
            {t('letters.meta', {
              kind: t(`letters.kind.${l.kind}`, { defaultValue: l.kind }),
              date: formatDateTime(l.createdAt),
              read: l.readAt ? t('letters.read', { date: formatDateTime(l.readAt) }) : t('letters.unread'),
            })}
          </BodyShort>
          <BodyShort size="small">
            <AkselLink href={`${base}/letters/${l.id}?format=pdf`} aria-describedby={`letter-${l.id}`}>
              {t('letters.pdf')}
            </AkselLink>
            {' · '}
            <AkselLink href={`${base}/letters/${l.id}`} aria-describedby={`letter-${l.id}`}>
              {t('letters.html')}
            </AkselLink>
          </BodyShort>
        </li>
      ))}
    </VStack>
  );
}
