/**
 * A text the applicant sends from the case page: a message to the caseworker, or the answer to a
 * request to complete the application or to a sample check (stickprov). Checked here (not empty,
 * at most 4 000 characters), sent once per action (an Idempotency-Key), kept when sending fails.
 */
import { Button, Textarea, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey } from '../api';
import { FormErrors, problemText } from '../components';

const MAX = 4000;

export function TextForm({
  id,
  label,
  description,
  submitLabel,
  emptyMessage,
  send,
  onSent,
}: {
  id: string;
  label: string;
  description?: string;
  submitLabel: string;
  emptyMessage: string;
  /** Sends the text with the action's key; throws (an ApiError) when it was not taken. */
  send: (text: string, key: string) => Promise<unknown>;
  onSent: () => void;
}) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [key, setKey] = useState(idempotencyKey);
  async function submit() {
    if (text.trim() === '') return setError(emptyMessage);
    if (text.length > MAX) return setError(t('messages.tooLong'));
    setError(undefined);
    setBusy(true);
    try {
      await send(text, key);
      setText('');
      setKey(idempotencyKey());
      onSent();
    } catch (e) {
      setError(problemText(e, t('errors.generic')));
    } finally {
      setBusy(false);
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
      <VStack gap="space-12">
        <FormErrors errors={error ? [{ id, message: error }] : []} />
        <Textarea
          id={id}
          label={label}
          description={description}
          maxLength={MAX}
          value={text}
          error={error}
          onChange={(e) => setText(e.target.value)}
        />
        <div>
          <Button type="submit" loading={busy}>
            {submitLabel}
          </Button>
        </div>
      </VStack>
    </form>
  );
}

/** The answer to a completion request or a sample check: `{ message }` to the task's path. */
export function AnswerForm({ path, id, onAnswered }: { path: string; id: string; onAnswered: () => void }) {
  const { t } = useTranslation();
  return (
    <TextForm
      id={id}
      label={t('case.answerLabel')}
      description={t('case.answerHelp')}
      submitLabel={t('case.answerSend')}
      emptyMessage={t('case.answerEmpty')}
      send={(message, key) => api(path, { method: 'POST', body: { message }, headers: { 'idempotency-key': key } })}
      onSent={onAnswered}
    />
  );
}
