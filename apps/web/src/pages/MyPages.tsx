/**
 * Mina sidor: the applicant's applications (continue a draft, follow a case) and the way to
 * apply: a new application, or, when there is one before, a re-application with what we already
 * know filled in.
 */
import {
  Alert,
  BodyShort,
  Box,
  Button,
  Heading,
  Link as AkselLink,
  Radio,
  RadioGroup,
  Select,
  Tag,
  VStack,
} from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useSearch } from 'wouter';
import { api, ApiError } from '../api';
import { RequireApplicant } from '../auth-gate';
import { PageHeading, formatMonth, problemText } from '../components';
import { createApplication } from '../application-model';

export interface OwnApplication {
  readonly id: string;
  readonly municipality: string;
  readonly kind: 'new' | 'renewal' | 'supplementary';
  readonly month: string;
  readonly status: string;
  readonly submittedAt: string | null;
  readonly createdAt: string;
}
interface Municipality {
  readonly id: string;
  readonly name: string;
}

/** This month and next, in Stockholm. */
function months(): [string, string] {
  const [y, m] = new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm', year: 'numeric', month: '2-digit' })
    .format(new Date())
    .split('-')
    .map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  return [`${y}-${String(m).padStart(2, '0')}`, next];
}

function StartApplication({ applications }: { applications: readonly OwnApplication[] }) {
  const { t } = useTranslation();
  const [, navigate] = useLocation();
  const [municipalities, setMunicipalities] = useState<readonly Municipality[]>([]);
  const lastMunicipality = applications.find((a) => a.status !== 'draft')?.municipality;
  const [municipality, setMunicipality] = useState<string>('');
  const [thisMonth, nextMonth] = months();
  const [month, setMonth] = useState(thisMonth);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api<Municipality[]>('/api/v1/municipalities').then((ms) => {
      setMunicipalities(ms);
      setMunicipality((m) => m || lastMunicipality || ms[0]?.id || '');
    });
  }, [lastMunicipality]);

  async function start() {
    setBusy(true);
    setError(undefined);
    try {
      const id = await createApplication(municipality, month);
      navigate(`/ansokan/${municipality}/${id}`);
    } catch (e) {
      setError(problemText(e, t('errors.generic')));
      setBusy(false);
    }
  }

  return (
    <Box padding="space-24" borderWidth="1" borderRadius="12" as="section" aria-labelledby="start-heading">
      <VStack gap="space-16">
        <Heading id="start-heading" level="2" size="medium">
          {t('my.startTitle')}
        </Heading>
        <Select label={t('my.municipality')} value={municipality} onChange={(e) => setMunicipality(e.target.value)}>
          {municipalities.map((m) => (
            <option key={m.id} value={m.id}>
              {m.name}
            </option>
          ))}
        </Select>
        <RadioGroup legend={t('my.month')} value={month} onChange={(v: string) => setMonth(v)}>
          <Radio value={thisMonth}>{formatMonth(thisMonth)}</Radio>
          <Radio value={nextMonth}>{formatMonth(nextMonth)}</Radio>
        </RadioGroup>
        {error ? <Alert variant="error">{error}</Alert> : null}
        <div>
          <Button type="button" onClick={() => void start()} loading={busy} disabled={!municipality}>
            {t('my.start')}
          </Button>
        </div>
      </VStack>
    </Box>
  );
}

function statusTag(t: (k: string) => string, status: string) {
  const variant =
    status === 'decided'
      ? 'success'
      : status === 'draft'
        ? 'neutral'
        : status === 'waiting-applicant'
          ? 'warning'
          : 'info';
  return (
    <Tag variant={variant} size="small">
      {t(`status.${status}`)}
    </Tag>
  );
}

function Applications({ applications }: { applications: readonly OwnApplication[] }) {
  const { t } = useTranslation();
  if (applications.length === 0) return <BodyShort>{t('my.none')}</BodyShort>;
  return (
    <VStack gap="space-12" as="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {applications.map((a) => (
        <Box as="li" key={a.id} padding="space-16" borderWidth="1" borderRadius="8">
          <VStack gap="space-8">
            <Heading level="3" size="small">
              {t(`kind.${a.kind}`)}: {formatMonth(a.month)}
            </Heading>
            <div>{statusTag(t, a.status)}</div>
            {a.status === 'draft' ? (
              <AkselLink as={Link} href={`/ansokan/${a.municipality}/${a.id}`}>
                {t('my.continue', { month: formatMonth(a.month) })}
              </AkselLink>
            ) : (
              <AkselLink as={Link} href={`/arende/${a.municipality}/${a.id}`}>
                {t('my.follow', { month: formatMonth(a.month) })}
              </AkselLink>
            )}
          </VStack>
        </Box>
      ))}
    </VStack>
  );
}

function MyPagesContent({ name }: { name: string | null }) {
  const { t } = useTranslation();
  const saved = new URLSearchParams(useSearch()).get('sparad') === '1';
  const [applications, setApplications] = useState<readonly OwnApplication[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    api<{ applications: OwnApplication[] }>('/api/v1/me/applications')
      .then((r) => setApplications(r.applications))
      .catch((e: unknown) =>
        setError(e instanceof ApiError ? problemText(e, t('errors.generic')) : t('errors.generic')),
      );
  }, [t]);
  return (
    <VStack gap="space-32">
      <div>
        <PageHeading title={t('my.title')}>{t('my.title')}</PageHeading>
        {name ? <BodyShort>{t('my.hello', { name })}</BodyShort> : null}
      </div>
      {saved ? <Alert variant="success">{t('my.saved')}</Alert> : null}
      {error ? <Alert variant="error">{error}</Alert> : null}
      {applications ? <StartApplication applications={applications} /> : null}
      <section aria-labelledby="mine-heading">
        <Heading id="mine-heading" level="2" size="medium" spacing>
          {t('my.applications')}
        </Heading>
        {applications ? <Applications applications={applications} /> : null}
      </section>
    </VStack>
  );
}

export default function MyPages() {
  return <RequireApplicant>{(s) => <MyPagesContent name={s.name} />}</RequireApplicant>;
}
