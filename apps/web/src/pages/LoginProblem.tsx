/** Where a sign-in that did not finish lands (/logga-in?fel=…): what happened and a way to try again. */
import { Alert, Button, VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { useSearch } from 'wouter';
import { PageHeading } from '../components';
import { loginHref } from '../session';

export default function LoginProblem() {
  const { t } = useTranslation();
  const params = new URLSearchParams(useSearch());
  const reason = params.get('fel');
  const returnTo = params.get('returnTo') ?? '/mina-sidor';
  const text =
    reason === 'cancelled' ? t('login.cancelled') : reason === 'expired' ? t('login.expired') : t('login.failed');
  return (
    <VStack gap="space-24">
      <PageHeading title={t('login.title')}>{t('login.title')}</PageHeading>
      <Alert variant={reason === 'cancelled' ? 'info' : 'warning'}>{text}</Alert>
      <div>
        <Button
          as="a"
          href={loginHref(returnTo.startsWith('/') && !returnTo.startsWith('//') ? returnTo : '/mina-sidor')}
        >
          {t('login.again')}
        </Button>
      </div>
    </VStack>
  );
}
