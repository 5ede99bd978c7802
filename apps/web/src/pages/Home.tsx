/** The start page: what ekonomiskt bistånd is, how applying works, and the ways in. Public, the initial route. */
import { Alert, BodyLong, Button, GuidePanel, Heading, List, VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { Link, useSearch } from 'wouter';
import { PageHeading } from '../components';
import { loginHref, useSession } from '../session';

export function Home() {
  const { t } = useTranslation();
  const { session, expired } = useSession();
  const loggedOut = new URLSearchParams(useSearch()).get('utloggad') === '1';
  return (
    <VStack gap="space-24">
      {loggedOut && !expired ? <Alert variant="success">{t('home.loggedOut')}</Alert> : null}
      {expired ? <Alert variant="warning">{t('session.expired')}</Alert> : null}
      <div>
        <PageHeading title={t('home.title')}>{t('home.title')}</PageHeading>
        <BodyLong size="large">{t('home.lead')}</BodyLong>
      </div>
      <GuidePanel poster>
        <Heading level="2" size="small" spacing>
          {t('home.howTitle')}
        </Heading>
        <List as="ol">
          <List.Item>{t('home.step1')}</List.Item>
          <List.Item>{t('home.step2')}</List.Item>
          <List.Item>{t('home.step3')}</List.Item>
          <List.Item>{t('home.step4')}</List.Item>
        </List>
      </GuidePanel>
      <div className="row-actions">
        {session?.authenticated ? (
          <Button as={Link} href="/mina-sidor">
            {t('home.toMyPages')}
          </Button>
        ) : (
          <Button as="a" href={loginHref('/mina-sidor')}>
            {t('home.apply')}
          </Button>
        )}
        <Button as={Link} href="/kan-jag-fa-bistand" variant="secondary">
          {t('home.selfCheck')}
        </Button>
      </div>
      <BodyLong>{t('home.trust')}</BodyLong>
      <BodyLong>{t('home.help')}</BodyLong>
    </VStack>
  );
}
