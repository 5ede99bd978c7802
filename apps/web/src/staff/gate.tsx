/**
 * The staff workspace's frame: a sign-in for anyone without one of a page's roles (never the
 * content: the server refuses their requests anyway), and the sections the signed-in person's
 * roles open. Every action is authorized on the server by role and municipality; the navigation
 * only spares people links that would be refused.
 */
import { Alert, Button, Loader, VStack } from '@navikt/ds-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'wouter';
import { PageHeading } from '../components';
import { loginHref, useSession } from '../session';
import type { SignedIn } from '../session';
import { STAFF_NS } from './texts';

export type StaffRole = 'caseworker' | 'coach' | 'customer-service' | 'auditor' | 'admin';
export type StaffSession = SignedIn & { municipality: string };

/** The workspace's sections, and who may open each. */
export const SECTIONS: readonly {
  readonly path: string;
  readonly key: string;
  readonly roles: readonly StaffRole[];
}[] = [
  { path: '/personal', key: 'queues', roles: ['caseworker', 'auditor'] },
  { path: '/personal/coach', key: 'coach', roles: ['coach'] },
  { path: '/personal/kundtjanst', key: 'customerService', roles: ['customer-service'] },
  { path: '/personal/granskning', key: 'audit', roles: ['auditor'] },
  { path: '/personal/admin', key: 'admin', roles: ['admin'] },
];

function StaffNav({ session }: { session: StaffSession }) {
  const { t } = useTranslation(STAFF_NS);
  // Subscribes to navigation; the path is read whole, as sections nest their own routes.
  useLocation();
  const location = window.location.pathname;
  const mine = SECTIONS.filter((s) => s.roles.some((r) => session.roles.includes(r)));
  if (mine.length < 2) return null;
  // The longest section path that the current location is in.
  const current = [...mine]
    .sort((a, b) => b.path.length - a.path.length)
    .find((s) => location === s.path || location.startsWith(`${s.path}/`));
  return (
    <nav aria-label={t('nav.label')} className="staff-nav">
      <ul>
        {mine.map((s) => (
          <li key={s.path}>
            {/* '~' makes the path absolute from inside a section's nested routes. */}
            <Link href={`~${s.path}`} aria-current={current?.path === s.path ? 'page' : undefined}>
              {t(`nav.${s.key}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

export function RequireStaff({
  roles = ['caseworker', 'auditor'],
  children,
}: {
  /** Who may use the page; anyone else is asked to sign in as staff. */
  roles?: readonly StaffRole[];
  children: (session: StaffSession) => ReactNode;
}) {
  const { t } = useTranslation(STAFF_NS);
  const { session } = useSession();
  if (!session) return <Loader title="…" />;
  const staff =
    session.authenticated && session.municipality !== null && session.roles.some((r) => roles.includes(r as StaffRole));
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
  const s = session as StaffSession;
  return (
    <>
      <StaffNav session={s} />
      {children(s)}
    </>
  );
}

/** A text in the language of the page from a {sv, en} object, with its language for the lang attribute. */
export function pick(text: unknown, lang: string): { text: string; lang: 'sv' | 'en' } {
  const o = (text ?? {}) as { sv?: string; en?: string };
  const l = lang === 'sv' ? 'sv' : 'en';
  return { text: o[l] ?? o.sv ?? '', lang: o[l] !== undefined ? l : 'sv' };
}
