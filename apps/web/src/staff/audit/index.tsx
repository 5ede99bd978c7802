/**
 * The staff workspace's Audit section (/personal/granskning), for auditors: search and export the
 * audit log, verify its chain, replay a decision from its receipt (/beslut/:municipality/:id).
 * Read-only; the server authorizes every call (role auditor, the municipality or its host) and
 * logs it.
 */
import { BodyLong, Select, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Route, Switch } from 'wouter';
import { api } from '../../api';
import { PageHeading } from '../../components';
import { RequireStaff } from '../gate';
import type { StaffSession } from '../gate';
import { ReplayForm, ReplayPage } from './Replay';
import { AuditSearch } from './Search';
import { NS } from './texts';
import { VerifyChain } from './Verify';

function AuditHome({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const [municipality, setMunicipality] = useState(session.municipality);
  const [choices, setChoices] = useState<readonly { id: string; label: string }[]>([]);
  useEffect(() => {
    // A host's auditors follow up the partner municipalities' cases too (the data stays theirs).
    api<{ id: string; name: string; host?: string }[]>('/api/v1/municipalities')
      .then((all) => {
        const own = all.find((m) => m.id === session.municipality);
        const partners = all.filter((m) => m.host === session.municipality);
        setChoices([
          ...(own ? [{ id: own.id, label: own.name }] : []),
          ...partners.map((p) => ({ id: p.id, label: t('partner', { name: p.name }) })),
        ]);
      })
      .catch(() => setChoices([]));
  }, [session.municipality, t]);
  return (
    <VStack gap="space-32">
      <div>
        <PageHeading title={t('title')}>{t('title')}</PageHeading>
        <BodyLong>{t('intro')}</BodyLong>
      </div>
      {choices.length > 1 ? (
        <Select
          label={t('municipality')}
          value={municipality}
          onChange={(e) => setMunicipality(e.target.value)}
          style={{ maxWidth: '24rem' }}
        >
          {choices.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </Select>
      ) : null}
      <AuditSearch key={`search-${municipality}`} municipality={municipality} />
      <VerifyChain key={`verify-${municipality}`} municipality={municipality} />
      <ReplayForm municipality={municipality} />
    </VStack>
  );
}

export default function Audit() {
  return (
    <RequireStaff roles={['auditor']}>
      {(s) => (
        <Switch>
          <Route path="/beslut/:municipality/:id">
            <ReplayPage />
          </Route>
          {/* The section's start page, also for any other path inside it. */}
          <Route>
            <AuditHome session={s} />
          </Route>
        </Switch>
      )}
    </RequireStaff>
  );
}
