/**
 * Customer service (/personal/kundtjanst): find a person by personnummer and tell them, in plain
 * words, how their applications stand, what is missing, when the money comes and when their
 * meeting is; help them book or move a meeting with a coach. Nothing secret is shown, and a person
 * with protected identity gets the same "no information" answer as someone unknown — the server
 * decides both. The personnummer is sent in a request body, never put in the address.
 */
import { Alert, BodyLong, Button, HStack, Heading, Select, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api';
import { FormErrors, PageHeading, problemText } from '../../components';
import { RequireStaff } from '../gate';
import type { StaffSession } from '../gate';
import { PersonResult } from './PersonResult';
import { NS } from './texts';
import type { Person } from './types';

/** Only digits, an optional hyphen or plus, 10 or 12 digits: the rest the server checks (Luhn, date). */
const PERSONNUMMER = /^(\d{6}|\d{8})[-+]?\d{4}$/;

function Search({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const [partners, setPartners] = useState<readonly { id: string; name: string }[]>([]);
  const [own, setOwn] = useState<string>();
  const [municipality, setMunicipality] = useState(session.municipality);
  const [pnr, setPnr] = useState('');
  const [error, setError] = useState<string>();
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ person: Person; municipality: string; n: number }>();
  const searches = useRef(0);
  const resultHeading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    // The municipalities this one hosts: their applicants are served here too (the data stays theirs).
    api<{ id: string; name: string; host?: string }[]>('/api/v1/municipalities')
      .then((all) => {
        setOwn(all.find((m) => m.id === session.municipality)?.name);
        setPartners(all.filter((m) => m.host === session.municipality));
      })
      .catch(() => setPartners([]));
  }, [session.municipality]);

  useEffect(() => {
    if (result) resultHeading.current?.focus();
  }, [result]);

  async function search() {
    setProblem(undefined);
    setResult(undefined);
    const value = pnr.trim();
    if (value === '') return setError(t('search.required'));
    if (!PERSONNUMMER.test(value)) return setError(t('search.format'));
    setError(undefined);
    setBusy(true);
    try {
      const person = await api<Person>(`/api/v1/municipalities/${municipality}/customer-service/person-lookups`, {
        method: 'POST',
        body: { personnummer: value },
      });
      setResult({ person, municipality, n: ++searches.current });
    } catch (e) {
      const field = e instanceof ApiError ? e.fieldErrors.find((f) => f.field === 'personnummer') : undefined;
      // The server's own words for this field: they say what a personnummer looks like.
      if (field) setError(field.message);
      else setProblem(problemText(e, t('errorGeneric')));
    } finally {
      setBusy(false);
    }
  }

  return (
    <VStack gap="space-24">
      <form
        noValidate
        role="search"
        aria-label={t('search.label')}
        onSubmit={(e) => {
          e.preventDefault();
          void search();
        }}
      >
        <VStack gap="space-16">
          <FormErrors errors={error ? [{ id: 'cs-personnummer', message: error }] : []} heading={t('errorsHeading')} />
          {partners.length > 0 ? (
            <Select
              label={t('search.municipality')}
              value={municipality}
              onChange={(e) => {
                setMunicipality(e.target.value);
                setResult(undefined);
              }}
            >
              <option value={session.municipality}>{own ?? session.municipality}</option>
              {partners.map((p) => (
                <option key={p.id} value={p.id}>
                  {t('search.partner', { name: p.name })}
                </option>
              ))}
            </Select>
          ) : null}
          <TextField
            id="cs-personnummer"
            label={t('search.personnummer')}
            description={t('search.hint')}
            autoComplete="off"
            spellCheck={false}
            value={pnr}
            error={error}
            onChange={(e) => {
              setPnr(e.target.value);
              setResult(undefined);
            }}
          />
          <HStack>
            <Button type="submit" loading={busy}>
              {t('search.submit')}
            </Button>
          </HStack>
        </VStack>
      </form>
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {result ? (
        <section aria-labelledby="cs-result">
          <VStack gap="space-16">
            <Heading level="2" size="medium" id="cs-result" ref={resultHeading} tabIndex={-1}>
              {result.person.applications.length > 0 ? t('result.title') : t('result.noneTitle')}
            </Heading>
            <PersonResult key={result.n} municipality={result.municipality} person={result.person} />
          </VStack>
        </section>
      ) : null}
    </VStack>
  );
}

export default function CustomerService() {
  const { t } = useTranslation(NS);
  return (
    <RequireStaff roles={['customer-service']}>
      {(session) => (
        <VStack gap="space-24">
          <PageHeading title={t('title')}>{t('title')}</PageHeading>
          <BodyLong>{t('lead')}</BodyLong>
          <Search session={session} />
        </VStack>
      )}
    </RequireStaff>
  );
}
