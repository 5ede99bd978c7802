/**
 * Searching the audit log: filters, the entries newest first (older ones on request), the same
 * selection as a file (CSV or NDJSON), and a link to replay the decision of any entry about a case.
 */
import {
  BodyShort,
  Button,
  HStack,
  Heading,
  Link as AkselLink,
  Select,
  Table,
  TextField,
  VStack,
} from '@navikt/ds-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { ApiError, api } from '../../api';
import { FormErrors, formatDateTime, problemText, useFieldMessage } from '../../components';
import type { ShownError } from '../../components';
import { Section } from '../section';
import { NS } from './texts';
import { FILTERS, caseOf, filterQuery } from './types';
import type { AuditEntry, AuditPage, Filters } from './types';

const ROLES = ['caseworker', 'coach', 'customer-service', 'auditor', 'admin', 'applicant', 'system'] as const;
const fieldId = (f: string) => `audit-${f}`;
const BREAK = { wordBreak: 'break-all' } as const;

function Entries({
  municipality,
  entries,
  onMore,
  more,
}: {
  municipality: string;
  entries: readonly AuditEntry[];
  onMore?: () => void;
  more: boolean;
}) {
  const { t } = useTranslation(NS);
  const role = (r: string) =>
    r
      .split(',')
      .map((x) => t(`roles.${x}`, { defaultValue: x }))
      .join(', ');
  if (entries.length === 0) return <BodyShort>{t('results.none')}</BodyShort>;
  return (
    <VStack gap="space-12">
      <BodyShort>{t('results.count', { count: entries.length })}</BodyShort>
      {/* Wide on a phone: the table scrolls sideways, and the keyboard can scroll it too. */}
      <div style={{ overflowX: 'auto' }} tabIndex={0} role="region" aria-label={t('results.caption')}>
        <Table size="small">
          <caption className="visually-hidden">{t('results.caption')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('results.at')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('results.who')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('results.action')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('results.object')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('results.purpose')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('results.details')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('results.decision')}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {entries.map((e) => {
              const caseId = caseOf(e);
              return (
                <Table.Row key={e.id}>
                  <Table.DataCell>{formatDateTime(e.at)}</Table.DataCell>
                  <Table.DataCell>
                    <code>{e.actor}</code>
                    <br />
                    {role(e.role)}
                  </Table.DataCell>
                  <Table.DataCell>{t(`actions.${e.action}`)}</Table.DataCell>
                  <Table.DataCell>
                    {e.objectType}
                    {e.objectId ? (
                      <>
                        <br />
                        <code style={BREAK}>{e.objectId}</code>
                      </>
                    ) : null}
                  </Table.DataCell>
                  <Table.DataCell>{e.purpose}</Table.DataCell>
                  <Table.DataCell>
                    <code style={BREAK}>{JSON.stringify(e.details)}</code>
                  </Table.DataCell>
                  <Table.DataCell>
                    {caseId ? <Link href={`/beslut/${municipality}/${caseId}`}>{t('results.replayLink')}</Link> : '–'}
                  </Table.DataCell>
                </Table.Row>
              );
            })}
          </Table.Body>
        </Table>
      </div>
      {more && onMore ? (
        <div>
          <Button type="button" variant="secondary" size="small" onClick={onMore}>
            {t('results.more')}
          </Button>
        </div>
      ) : null}
    </VStack>
  );
}

export function AuditSearch({ municipality }: { municipality: string }) {
  const { t } = useTranslation(NS);
  const fieldMessage = useFieldMessage();
  const [filters, setFilters] = useState<Filters>({});
  const [applied, setApplied] = useState<Filters>();
  const [entries, setEntries] = useState<readonly AuditEntry[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [busy, setBusy] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const [searches, setSearches] = useState(0);
  const base = `/api/v1/municipalities/${municipality}/audit-log`;

  useEffect(() => {
    if (searches > 0) heading.current?.focus();
  }, [searches]);

  async function load(f: Filters, before?: string) {
    setBusy(true);
    try {
      const page = await api<AuditPage>(`${base}${filterQuery(f, before ? { before } : {})}`);
      setErrors([]);
      setEntries((old) => (before ? [...old, ...page.entries] : page.entries));
      setNext(page.next);
      if (!before) {
        setApplied(f);
        setSearches((n) => n + 1);
      }
    } catch (e) {
      const fields = e instanceof ApiError ? e.fieldErrors : [];
      setErrors(
        fields.length > 0
          ? fields.map((f) => ({ id: fieldId(f.field), message: fieldMessage(f) }))
          : [{ id: fieldId('from'), message: problemText(e, t('errorGeneric')) }],
      );
    } finally {
      setBusy(false);
    }
  }

  const set = (name: keyof Filters) => (e: { target: { value: string } }) =>
    setFilters((old) => ({ ...old, [name]: e.target.value }));
  const errorOf = (name: string) => errors.find((e) => e.id === fieldId(name))?.message;
  const text = (name: (typeof FILTERS)[number], help?: string) => (
    <TextField
      id={fieldId(name)}
      label={t(`search.${name}`)}
      description={help}
      value={filters[name] ?? ''}
      error={errorOf(name)}
      onChange={set(name)}
      autoComplete="off"
      spellCheck={false}
    />
  );

  return (
    <VStack gap="space-24">
      <Section id="audit-search" title={t('search.heading')}>
        <form
          noValidate
          role="search"
          aria-label={t('search.label')}
          onSubmit={(e) => {
            e.preventDefault();
            void load(filters);
          }}
        >
          <VStack gap="space-16">
            <FormErrors errors={errors} />
            {text('caseId', t('search.caseIdHelp'))}
            <HStack gap="space-16" wrap>
              {text('from', t('search.dateHelp'))}
              {text('to', t('search.dateHelp'))}
            </HStack>
            <HStack gap="space-16" wrap>
              {text('actor')}
              <Select id={fieldId('role')} label={t('search.role')} value={filters.role ?? ''} onChange={set('role')}>
                <option value="">{t('search.any')}</option>
                {ROLES.map((r) => (
                  <option key={r} value={r}>
                    {t(`roles.${r}`)}
                  </option>
                ))}
              </Select>
              <Select
                id={fieldId('action')}
                label={t('search.action')}
                value={filters.action ?? ''}
                onChange={set('action')}
              >
                <option value="">{t('search.any')}</option>
                <option value="read">{t('actions.read')}</option>
                <option value="write">{t('actions.write')}</option>
              </Select>
            </HStack>
            <HStack gap="space-16" wrap>
              {text('objectType', t('search.objectTypeHelp'))}
              {text('objectId')}
              {text('purpose', t('search.purposeHelp'))}
            </HStack>
            <HStack gap="space-8">
              <Button type="submit" loading={busy}>
                {t('search.submit')}
              </Button>
              <Button
                type="button"
                variant="tertiary"
                onClick={() => {
                  setFilters({});
                  setErrors([]);
                }}
              >
                {t('search.clear')}
              </Button>
            </HStack>
          </VStack>
        </form>
      </Section>
      {applied ? (
        <section aria-labelledby="audit-results-h">
          <Heading id="audit-results-h" ref={heading} tabIndex={-1} level="2" size="medium" spacing>
            {t('results.heading')}
          </Heading>
          <VStack gap="space-16">
            <Entries
              municipality={municipality}
              entries={entries}
              more={next !== null}
              onMore={() => void load(applied, next ?? undefined)}
            />
            <Section id="audit-export" level="3" title={t('export.heading')}>
              <BodyShort spacing>{t('export.help')}</BodyShort>
              <HStack gap="space-16">
                <AkselLink href={`${base}/export${filterQuery(applied, { format: 'csv' })}`} download>
                  {t('export.csv')}
                </AkselLink>
                <AkselLink href={`${base}/export${filterQuery(applied, { format: 'ndjson' })}`} download>
                  {t('export.ndjson')}
                </AkselLink>
              </HStack>
            </Section>
          </VStack>
        </section>
      ) : null}
    </VStack>
  );
}
