/** Pages for a signed-in applicant: a sign-in button for anyone else, never the content. */
import { Alert, Button, Loader, VStack } from '@navikt/ds-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from './components';
import { loginHref, useSession } from './session';
import type { SignedIn } from './session';

export function RequireApplicant({ children }: { children: (session: SignedIn) => ReactNode }) {
  const { t } = useTranslation();
  const { session, expired } = useSession();
  if (!session) return <Loader title={t('common.loading')} />;
  if (!session.authenticated || !session.roles.includes('applicant'))
    return (
      <VStack gap="space-24">
        <PageHeading title={t('login.needed')}>{t('login.needed')}</PageHeading>
        {expired ? <Alert variant="warning">{t('session.expired')}</Alert> : null}
        <div>
          <Button as="a" href={loginHref()}>
            {t('layout.login')}
          </Button>
        </div>
      </VStack>
    );
  return <>{children(session)}</>;
}
