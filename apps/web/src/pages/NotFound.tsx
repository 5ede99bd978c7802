/** A page that does not exist. */
import { BodyLong, Link as AkselLink, VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { PageHeading } from '../components';

export default function NotFound() {
  const { t } = useTranslation();
  return (
    <VStack gap="space-16">
      <PageHeading title={t('notFound.title')}>{t('notFound.title')}</PageHeading>
      <BodyLong>{t('notFound.text')}</BodyLong>
      <AkselLink as={Link} href="/">
        {t('notFound.home')}
      </AkselLink>
    </VStack>
  );
}
