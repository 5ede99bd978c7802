/**
 * Who is signed in, from the server-side session (GET /api/v1/session, polled every 30 s), and
 * the session timeout: two minutes before the idle time runs out a dialog offers to stay signed
 * in; when it has run out the page says so and what was saved is kept on the server.
 */
import { BodyLong, Button, Modal } from '@navikt/ds-react';
import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, setCsrfToken, setUnauthorizedHandler } from './api';
import { currentLanguage } from './i18n';

export interface SignedIn {
  readonly authenticated: true;
  readonly name: string | null;
  readonly roles: readonly string[];
  readonly municipality: string | null;
  readonly personnummer: string | null;
  readonly expiresAt: string;
  readonly expiresInSeconds: number;
  /** When the session ends by this browser's clock (set when the session was read). */
  readonly deadline?: number;
  readonly idleMinutes: number;
  readonly csrfToken: string;
}
export type SessionState = SignedIn | { readonly authenticated: false };

interface SessionContext {
  readonly session: SessionState | undefined;
  /** The session ended by itself (idle or absolute time) while the page was open. */
  readonly expired: boolean;
  refresh(): Promise<void>;
  logout(): Promise<void>;
}

const Ctx = createContext<SessionContext | undefined>(undefined);

export function useSession(): SessionContext {
  const ctx = useContext(Ctx);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

export function loginHref(returnTo: string = window.location.pathname + window.location.search): string {
  return `/auth/login?returnTo=${encodeURIComponent(returnTo)}&lang=${currentLanguage()}`;
}

const WARN_BEFORE_MS = 2 * 60_000;

export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<SessionState>();
  const [expired, setExpired] = useState(false);

  const refresh = useCallback(async () => {
    const read = await api<SessionState>('/api/v1/session', { background: true }).catch((): SessionState => ({
      authenticated: false,
    }));
    const s: SessionState = read.authenticated
      ? { ...read, deadline: Date.now() + read.expiresInSeconds * 1000 }
      : read;
    setCsrfToken(s.authenticated ? s.csrfToken : undefined);
    setSession((before) => {
      if (before?.authenticated && !s.authenticated) setExpired(true);
      return s;
    });
  }, []);

  useEffect(() => {
    void refresh();
    setUnauthorizedHandler(() => void refresh());
    const timer = window.setInterval(() => void refresh(), 30_000);
    return () => window.clearInterval(timer);
  }, [refresh]);

  const logout = useCallback(async () => {
    await api<undefined>('/auth/logout', { method: 'POST' });
    setCsrfToken(undefined);
    setExpired(false);
    setSession({ authenticated: false });
  }, []);

  const value = useMemo(() => ({ session, expired, refresh, logout }), [session, expired, refresh, logout]);
  return (
    <Ctx.Provider value={value}>
      {children}
      {session?.authenticated ? <TimeoutWarning session={session} onExtended={refresh} onLogout={logout} /> : null}
    </Ctx.Provider>
  );
}

function TimeoutWarning({
  session,
  onExtended,
  onLogout,
}: {
  session: SignedIn;
  onExtended: () => Promise<void>;
  onLogout: () => Promise<void>;
}) {
  const { t } = useTranslation();
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(Date.now()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  const left = (session.deadline ?? Date.parse(session.expiresAt)) - now;
  const open = left > 0 && left <= WARN_BEFORE_MS;
  const minutes = Math.max(0, Math.ceil(left / 60_000));
  return (
    <Modal
      open={open}
      // Closing is only by the buttons: the dialog also "closes" when the time has run out.
      onClose={() => undefined}
      header={{ heading: t('session.warningTitle'), closeButton: false }}
      width="small"
    >
      <Modal.Body>
        <BodyLong>{t('session.warningText', { count: minutes })}</BodyLong>
      </Modal.Body>
      <Modal.Footer>
        <Button type="button" onClick={() => void api('/api/v1/session/extend', { method: 'POST' }).then(onExtended)}>
          {t('session.stay')}
        </Button>
        <Button type="button" variant="secondary" onClick={() => void onLogout()}>
          {t('session.logout')}
        </Button>
      </Modal.Footer>
    </Modal>
  );
}
