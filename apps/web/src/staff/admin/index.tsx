/** The staff workspace's Administration section (/personal/…), nested routes of its own. */
import { VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../../components';
import { RequireStaff } from '../gate';
import { NS } from './texts';

export default function Admin() {
  const { t } = useTranslation(NS);
  return (
    <RequireStaff roles={['admin']}>
      {() => (
        <VStack gap="space-24">
          <PageHeading title={t('title')}>{t('title')}</PageHeading>
        </VStack>
      )}
    </RequireStaff>
  );
}
