/**
 * Administration (/personal/admin): the municipality's settings and the rule book's yearly
 * values. Administrators change them; auditors read them; the server authorizes every request.
 */
import { VStack } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { PageHeading } from '../../components';
import { RequireStaff } from '../gate';
import { RuleBook } from './RuleBook';
import { Settings } from './Settings';
import { NS } from './texts';

function SubNav() {
  const { t } = useTranslation(NS);
  const [location] = useLocation();
  return (
    <nav aria-label={t('subnav')} className="staff-nav">
      <ul>
        <li>
          <Link href="/" aria-current={location === '/' ? 'page' : undefined}>
            {t('settings.title')}
          </Link>
        </li>
        <li>
          <Link href="/regelbok" aria-current={location === '/regelbok' ? 'page' : undefined}>
            {t('rulebook.title')}
          </Link>
        </li>
      </ul>
    </nav>
  );
}

export default function Admin() {
  const { t } = useTranslation(NS);
  return (
    <RequireStaff roles={['admin', 'auditor']}>
      {(s) => (
        <VStack gap="space-24">
          <Switch>
            <Route path="/regelbok">
              <PageHeading title={t('rulebook.title')}>{t('rulebook.title')}</PageHeading>
              <SubNav />
              <RuleBook session={s} municipality={s.municipality} />
            </Route>
            <Route>
              <PageHeading title={t('settings.title')}>{t('settings.title')}</PageHeading>
              <SubNav />
              <Settings session={s} municipality={s.municipality} />
            </Route>
          </Switch>
        </VStack>
      )}
    </RequireStaff>
  );
}
