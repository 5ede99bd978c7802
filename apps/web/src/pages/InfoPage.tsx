/** Public information pages: contact, and the accessibility statement (lagen (2018:1937) om tillgänglighet till digital offentlig service). */
import { BodyLong, Heading, List, VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../components';

export default function InfoPage({ page }: { page: 'contact' | 'accessibility' }) {
  const { t } = useTranslation();
  if (page === 'contact')
    return (
      <VStack gap="space-16">
        <PageHeading title={t('contact.title')}>{t('contact.title')}</PageHeading>
        <BodyLong>{t('contact.lead')}</BodyLong>
        <Heading level="2" size="medium">
          {t('contact.phoneTitle')}
        </Heading>
        <BodyLong>{t('contact.phone')}</BodyLong>
        <Heading level="2" size="medium">
          {t('contact.visitTitle')}
        </Heading>
        <BodyLong>{t('contact.visit')}</BodyLong>
        <Heading level="2" size="medium">
          {t('contact.urgentTitle')}
        </Heading>
        <BodyLong>{t('contact.urgent')}</BodyLong>
      </VStack>
    );
  return (
    <VStack gap="space-16">
      <PageHeading title={t('a11y.title')}>{t('a11y.title')}</PageHeading>
      <BodyLong>{t('a11y.lead')}</BodyLong>
      <Heading level="2" size="medium">
        {t('a11y.statusTitle')}
      </Heading>
      <BodyLong>{t('a11y.status')}</BodyLong>
      <Heading level="2" size="medium">
        {t('a11y.limitsTitle')}
      </Heading>
      <List>
        <List.Item>{t('a11y.limit1')}</List.Item>
        <List.Item>{t('a11y.limit2')}</List.Item>
      </List>
      <Heading level="2" size="medium">
        {t('a11y.reportTitle')}
      </Heading>
      <BodyLong>{t('a11y.report')}</BodyLong>
      <Heading level="2" size="medium">
        {t('a11y.supervisionTitle')}
      </Heading>
      <BodyLong>{t('a11y.supervision')}</BodyLong>
      <BodyLong size="small">{t('a11y.tested')}</BodyLong>
    </VStack>
  );
}
