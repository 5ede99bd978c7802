/** Pages for the municipality's caseworkers and auditors: a sign-in for anyone else, never the content. */
import { Alert, Button, Loader, VStack } from '@navikt/ds-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { PageHeading } from '../components';
import { loginHref, useSession } from '../session';
import type { SignedIn } from '../session';
import { STAFF_NS } from './texts';

export function RequireStaff({ children }: { children: (session: SignedIn & { municipality: string }) => ReactNode }) {
  const { t } = useTranslation(STAFF_NS);
  const { session } = useSession();
  if (!session) return <Loader title="…" />;
  const staff =
    session.authenticated &&
    session.municipality !== null &&
    session.roles.some((r) => r === 'caseworker' || r === 'auditor');
  if (!staff)
    return (
      <VStack gap="space-24">
        <PageHeading title={t('needStaff')}>{t('needStaff')}</PageHeading>
        {session.authenticated ? <Alert variant="info">{t('notStaff')}</Alert> : null}
        <div>
          <Button as="a" href={loginHref()}>
            {t('needStaff')}
          </Button>
        </div>
      </VStack>
    );
  return <>{children(session as SignedIn & { municipality: string })}</>;
}

/** A text in the language of the page from a {sv, en} object, with its language for the lang attribute. */
export function pick(text: unknown, lang: string): { text: string; lang: 'sv' | 'en' } {
  const o = (text ?? {}) as { sv?: string; en?: string };
  const l = lang === 'sv' ? 'sv' : 'en';
  return { text: o[l] ?? o.sv ?? '', lang: o[l] !== undefined ? l : 'sv' };
}
