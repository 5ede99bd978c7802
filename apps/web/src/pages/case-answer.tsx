/**
 * Answering the municipality from the case page: a request to complete the application, or a
 * sample check (stickprov). A message, with the documents uploaded below; the answer sends the
 * case on (a completion answer puts it through the assessment again).
 */
import { Button, Textarea, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, idempotencyKey } from '../api';
import { FormErrors, problemText } from '../components';

export function AnswerForm({ path, id, onAnswered }: { path: string; id: string; onAnswered: () => void }) {
  const { t } = useTranslation();
  const [text, setText] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [key] = useState(idempotencyKey);
  async function send() {
    if (text.trim() === '') {
      setError(t('case.answerEmpty'));
      return;
    }
    setError(undefined);
    setBusy(true);
    try {
      await api(path, { method: 'POST', body: { message: text }, headers: { 'idempotency-key': key } });
      onAnswered();
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
        void send();
      }}
    >
      <VStack gap="space-12">
        <FormErrors errors={error ? [{ id, message: error }] : []} />
        <Textarea
          id={id}
          label={t('case.answerLabel')}
          description={t('case.answerHelp')}
          maxLength={4000}
          value={text}
          error={error}
          onChange={(e) => setText(e.target.value)}
        />
        <div>
          <Button type="submit" loading={busy}>
            {t('case.answerSend')}
          </Button>
        </div>
      </VStack>
    </form>
  );
}
