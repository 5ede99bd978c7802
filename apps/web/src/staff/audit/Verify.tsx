/** Verifying the audit log's hash chain: whole, or where it breaks (by id only when it is the municipality's entry). */
import { Alert, BodyLong, BodyShort, Button, Heading, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { formatDateTime, problemText } from '../../components';
import { Section } from '../section';
import { NS } from './texts';
import type { ChainVerification } from './types';

export function VerifyChain({ municipality }: { municipality: string }) {
  const { t } = useTranslation(NS);
  const [result, setResult] = useState<ChainVerification>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);

  async function verify() {
    setBusy(true);
    setProblem(undefined);
    setResult(undefined);
    try {
      setResult(await api<ChainVerification>(`/api/v1/municipalities/${municipality}/audit-log/verification`));
    } catch (e) {
      setProblem(problemText(e, t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section id="audit-verify" title={t('verify.heading')}>
      <VStack gap="space-16">
        <BodyLong>{t('verify.help')}</BodyLong>
        <div>
          <Button type="button" variant="secondary" loading={busy} onClick={() => void verify()}>
            {t('verify.button')}
          </Button>
        </div>
        <div aria-live="polite">
          {problem ? <Alert variant="error">{problem}</Alert> : null}
          {result?.ok ? (
            <Alert variant="success">
              <Heading level="3" size="small" spacing>
                {t('verify.ok')}
              </Heading>
              <BodyShort spacing>{t('verify.checked', { count: result.checked })}</BodyShort>
              {result.head ? (
                <BodyShort>
                  {t('verify.head', { id: result.head.id, at: formatDateTime(result.head.at) })}{' '}
                  <code style={{ wordBreak: 'break-all' }}>{result.head.hash}</code>
                </BodyShort>
              ) : null}
            </Alert>
          ) : null}
          {result && !result.ok ? (
            <Alert variant="error">
              <Heading level="3" size="small" spacing>
                {t('verify.broken')}
              </Heading>
              <BodyShort spacing>
                {result.firstBroken?.where === 'own'
                  ? t('verify.brokenOwn', { id: result.firstBroken.id, reason: result.firstBroken.reason })
                  : t('verify.brokenElsewhere')}
              </BodyShort>
              <BodyShort>{t('verify.checkedBefore', { count: result.checked })}</BodyShort>
            </Alert>
          ) : null}
        </div>
      </VStack>
    </Section>
  );
}
