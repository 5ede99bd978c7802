/**
 * The citizen web's frame: skip link, header with the language choice and sign-in, the routes,
 * footer. On every navigation the page title changes and focus moves to the main content, so a
 * screen reader hears the new page.
 */
import { Button, Loader, Provider, Select } from '@navikt/ds-react';
import { en as akselEnglish } from '@navikt/ds-react/locales';
import { Suspense, lazy, useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { LANGUAGES, isLang, setLanguage } from './i18n';
import { Home } from './pages/Home';
import { SessionProvider, loginHref, useSession } from './session';

const SelfCheck = lazy(() => import('./pages/SelfCheck'));
const Rules = lazy(() => import('./pages/Rules'));
const InfoPage = lazy(() => import('./pages/InfoPage'));
const LoginProblem = lazy(() => import('./pages/LoginProblem'));
const MyPages = lazy(() => import('./pages/MyPages'));
const Apply = lazy(() => import('./pages/Apply'));
const Booking = lazy(() => import('./pages/Booking'));
const CaseView = lazy(() => import('./pages/CaseView'));
const NotFound = lazy(() => import('./pages/NotFound'));
const StaffQueues = lazy(() => import('./staff/pages').then((m) => ({ default: m.Queues })));
const StaffCase = lazy(() => import('./staff/pages').then((m) => ({ default: m.Case })));
const StaffCoach = lazy(() => import('./staff/pages').then((m) => ({ default: m.Coach })));
const StaffCustomerService = lazy(() => import('./staff/pages').then((m) => ({ default: m.CustomerService })));
const StaffAudit = lazy(() => import('./staff/pages').then((m) => ({ default: m.Audit })));
const StaffAdmin = lazy(() => import('./staff/pages').then((m) => ({ default: m.Admin })));

function LanguageChoice() {
  const { t, i18n } = useTranslation();
  return (
    <Select
      className="lang-select"
      label={t('layout.language')}
      size="small"
      value={i18n.language}
      onChange={(e) => {
        if (isLang(e.target.value)) void setLanguage(e.target.value);
      }}
    >
      {LANGUAGES.map((l) => (
        <option key={l.code} value={l.code} lang={l.code === 'prs' ? 'fa-AF' : l.code}>
          {l.name}
        </option>
      ))}
    </Select>
  );
}

function SignInOut() {
  const { t } = useTranslation();
  const { session, logout } = useSession();
  const [, navigate] = useLocation();
  if (!session) return null;
  if (!session.authenticated)
    return (
      <Button as="a" href={loginHref('/mina-sidor')} size="small" variant="secondary">
        {t('layout.login')}
      </Button>
    );
  return (
    <Button
      type="button"
      size="small"
      variant="secondary"
      onClick={() => void logout().then(() => navigate('/?utloggad=1'))}
    >
      {t('layout.logout')}
    </Button>
  );
}

/** Moves focus to the main content after a navigation (not on the first load). */
function useFocusOnNavigate(main: React.RefObject<HTMLElement | null>) {
  const [location] = useLocation();
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    main.current?.focus();
    window.scrollTo(0, 0);
  }, [location, main]);
}

function Frame({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const main = useRef<HTMLElement>(null);
  useFocusOnNavigate(main);
  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skip')}
      </a>
      <header className="site-header">
        <div className="site-header__inner">
          <Link href="/" className="site-header__brand">
            {t('layout.brand')}
          </Link>
          <div className="row-actions">
            <LanguageChoice />
            <SignInOut />
          </div>
        </div>
      </header>
      <main id="main" className="site-main" ref={main} tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <nav className="site-footer__inner" aria-label={t('layout.footerNav')}>
          <ul>
            <li>
              <Link href="/kan-jag-fa-bistand">{t('layout.selfCheck')}</Link>
            </li>
            <li>
              <Link href="/sa-raknar-vi/regler">{t('layout.rulebook')}</Link>
            </li>
            <li>
              <Link href="/kontakt">{t('layout.contact')}</Link>
            </li>
            <li>
              <Link href="/tillganglighet">{t('layout.accessibility')}</Link>
            </li>
          </ul>
        </nav>
      </footer>
    </>
  );
}

export function App() {
  const { i18n } = useTranslation();
  // Aksel's own texts (alert names, counters, buttons) in the chosen language, from our locale files.
  const aksel = i18n.getResource(i18n.language, 'translation', 'aksel') as Record<string, unknown> | undefined;
  return (
    <Provider locale={akselEnglish} translations={aksel ?? {}}>
      <AppContent />
    </Provider>
  );
}

function AppContent() {
  const { t } = useTranslation();
  return (
    <SessionProvider>
      <Frame>
        <Suspense fallback={<Loader title={t('common.loading')} />}>
          <Switch>
            <Route path="/" component={Home} />
            <Route path="/kan-jag-fa-bistand" component={SelfCheck} />
            <Route path="/sa-raknar-vi/regler" component={Rules} />
            <Route path="/kontakt">{() => <InfoPage page="contact" />}</Route>
            <Route path="/tillganglighet">{() => <InfoPage page="accessibility" />}</Route>
            <Route path="/logga-in" component={LoginProblem} />
            <Route path="/mina-sidor" component={MyPages} />
            <Route path="/ansokan/:municipality/:id/boka" component={Booking} />
            <Route path="/ansokan/:municipality/:id/:step?" component={Apply} />
            <Route path="/arende/:municipality/:id" component={CaseView} />
            <Route path="/personal" component={StaffQueues} />
            <Route path="/personal/arende/:municipality/:id" component={StaffCase} />
            {/* Each section routes its own sub-pages (paths relative to the section). */}
            <Route path="/personal/coach" nest component={StaffCoach} />
            <Route path="/personal/kundtjanst" nest component={StaffCustomerService} />
            <Route path="/personal/granskning" nest component={StaffAudit} />
            <Route path="/personal/admin" nest component={StaffAdmin} />
            <Route component={NotFound} />
          </Switch>
        </Suspense>
      </Frame>
    </SessionProvider>
  );
}
