/** Small pieces every page uses: the page title and heading, money and dates in the chosen language, form errors. */
import { ErrorSummary, Heading } from '@navikt/ds-react';
import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from './api';
import type { FieldError } from './api';
import { currentLanguage } from './i18n';

/** The locale for numbers and dates: Dari with Persian digits would surprise; use Latin digits everywhere. */
function locale(): string {
  const lang = currentLanguage();
  return lang === 'prs' ? 'fa-AF-u-nu-latn' : lang === 'ar' ? 'ar-u-nu-latn' : lang;
}

export function formatKronor(amount: number): string {
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'SEK', maximumFractionDigits: 2 }).format(
    amount,
  );
}

export function formatDate(iso: string): string {
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long', timeZone: 'Europe/Stockholm' }).format(new Date(iso));
}

export function formatDateTime(iso: string): string {
  return new Intl.DateTimeFormat(locale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: 'Europe/Stockholm',
  }).format(new Date(iso));
}

export function formatMonth(month: string): string {
  return new Intl.DateTimeFormat(locale(), { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );
}

export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const { t } = useTranslation();
  useEffect(() => {
    document.title = `${title} – ${t('layout.brand')}`;
  }, [title, t]);
  return (
    <Heading level="1" size="xlarge" spacing>
      {children}
    </Heading>
  );
}

/** A form error: where it is (the field's element id) and what is wrong, in the chosen language. */
export interface ShownError {
  readonly id: string;
  readonly message: string;
}

/** The message for a server-side field error: ours by code where we have one, else the server's. */
export function useFieldMessage(): (e: FieldError) => string {
  const { t, i18n } = useTranslation();
  return (e) => {
    const key = `fieldCodes.${e.code}`;
    return i18n.exists(key) ? t(key) : e.message;
  };
}

/** The error summary at the top of a form: focused when it appears, links to each field. */
export function FormErrors({ errors, heading }: { errors: readonly ShownError[]; heading?: string }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLDivElement>(null);
  // Focus when the errors change, not on every render; after the page's own focus move on navigation.
  const key = errors.map((e) => `${e.id}:${e.message}`).join('|');
  useEffect(() => {
    if (key === '') return;
    const timer = window.setTimeout(() => ref.current?.focus(), 0);
    return () => window.clearTimeout(timer);
  }, [key]);
  if (errors.length === 0) return null;
  return (
    <ErrorSummary ref={ref} heading={heading ?? t('errors.summary')}>
      {errors.map((e) => (
        <ErrorSummary.Item key={e.id + e.message} href={`#${e.id}`} onClick={(ev) => focusField(ev, e.id)}>
          {e.message}
        </ErrorSummary.Item>
      ))}
    </ErrorSummary>
  );
}

/** A summary link to a group of radios or checkboxes focuses its first control (a fieldset cannot take focus). */
function focusField(ev: React.MouseEvent, id: string): void {
  const target = document.getElementById(id);
  const control = target?.matches('input, select, textarea')
    ? target
    : target?.querySelector<HTMLElement>('input, select, textarea');
  if (!control) return;
  ev.preventDefault();
  control.focus();
  control.scrollIntoView({ block: 'center' });
}

/** A problem from the API as one sentence for an alert. */
export function problemText(err: unknown, fallback: string): string {
  return err instanceof ApiError && err.problem.detail ? err.problem.detail : fallback;
}
