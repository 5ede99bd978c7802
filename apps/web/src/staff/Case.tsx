/**
 * A case for the caseworker (/personal/arende/:municipality/:id): who has it, each flag and why it
 * fired (acknowledged with what was checked), the authorities' data with source and time, the
 * latest calculation line by line with legal references (from the receipt), and the decision.
 */
import {
  Alert,
  BodyLong,
  BodyShort,
  Box,
  Button,
  Heading,
  Radio,
  RadioGroup,
  Tag,
  Textarea,
  VStack,
} from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { AmountsTable, referencesText } from '../amounts-table';
import { ApiError, api } from '../api';
import { FormErrors, PageHeading, formatDateTime, formatKronor, formatMonth, problemText } from '../components';
import type { ShownError } from '../components';
import type { SignedIn } from '../session';
import { RequireStaff, pick } from './gate';
import { STAFF_NS } from './texts';

interface Flag {
  readonly id: string;
  readonly check: string;
  readonly text: unknown;
  readonly status: 'open' | 'acknowledged' | 'resolved';
  readonly closedBy: string | null;
}
interface Line {
  readonly n: number;
  readonly amountOre: number;
  readonly text: { sv: string; en: string };
  readonly references?: readonly { act: string; provision?: string }[];
}
interface CaseView {
  readonly id: string;
  readonly month: string;
  readonly status: string;
  readonly flags: readonly Flag[];
  readonly evidence: readonly { source: string; fetchedAt: string }[];
  readonly calculations: readonly {
    version: number;
    amount: number;
    proposedOutcome: string;
    receipt: { lines?: Line[] };
  }[];
  readonly decision: { outcome: string; amount: number } | null;
}
const OUTCOMES = ['bifall', 'delavslag', 'avslag', 'avvisning'] as const;

function FlagRow({ flag, base, onDone }: { flag: Flag; base: string; onDone: () => void }) {
  const { t, i18n } = useTranslation(STAFF_NS);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const p = pick(flag.text, i18n.language);
  const id = `f-flag-${flag.id}`;
  async function acknowledge() {
    if (note.trim() === '') return setError(t('case.noteMissing'));
    try {
      await api(`${base}/flags/${flag.id}/acknowledge`, { method: 'POST', body: { note } });
      onDone();
    } catch (e) {
      setError(problemText(e, '…'));
    }
  }
  return (
    <Box as="li" padding="space-12" borderWidth="1" borderRadius="8">
      <VStack gap="space-8">
        <BodyShort weight="semibold" lang={p.lang}>
          {p.text}{' '}
          <Tag size="xsmall" variant={flag.status === 'open' ? 'warning' : 'success'}>
            {t(`case.${flag.status}`)}
          </Tag>
        </BodyShort>
        {flag.status === 'open' ? (
          <form
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              void acknowledge();
            }}
          >
            <VStack gap="space-8">
              <Textarea
                id={id}
                label={t('case.note', { check: flag.check })}
                value={note}
                error={error}
                maxLength={2000}
                onChange={(e) => setNote(e.target.value)}
              />
              <div>
                <Button type="submit" size="small" variant="secondary">
                  {t('case.acknowledge')}
                </Button>
              </div>
            </VStack>
          </form>
        ) : null}
      </VStack>
    </Box>
  );
}

function Decide({ c, base, onDone }: { c: CaseView; base: string; onDone: () => void }) {
  const { t } = useTranslation(STAFF_NS);
  const latest = c.calculations.at(-1);
  const [outcome, setOutcome] = useState<string>(latest?.proposedOutcome ?? '');
  const [statement, setStatement] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  if (!latest) return null;
  async function decide() {
    try {
      await api(`${base}/decision`, {
        method: 'POST',
        body: { outcome, calculationVersion: latest!.version, ...(statement.trim() ? { statement } : {}) },
      });
      onDone();
    } catch (e) {
      const fields = e instanceof ApiError ? e.fieldErrors : [];
      setErrors(
        fields.length > 0
          ? fields.map((f) => ({ id: f.field === 'statement' ? 'f-statement' : 'f-outcome', message: f.message }))
          : [{ id: 'f-outcome', message: problemText(e, '…') }],
      );
    }
  }
  const open = c.flags.some((f) => f.status === 'open');
  return (
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void decide();
      }}
    >
      <VStack gap="space-16">
        <FormErrors errors={errors} />
        {open ? <Alert variant="info">{t('case.openFlagsFirst')}</Alert> : null}
        <RadioGroup id="f-outcome" legend={t('case.outcome')} value={outcome} onChange={(v: string) => setOutcome(v)}>
          {OUTCOMES.map((o) => (
            <Radio key={o} value={o}>
              {t(`case.outcomes.${o}`)}
            </Radio>
          ))}
        </RadioGroup>
        <Textarea
          id="f-statement"
          label={t('case.statement')}
          value={statement}
          maxLength={4000}
          onChange={(e) => setStatement(e.target.value)}
        />
        <div>
          <Button type="submit">{t('case.decideButton')}</Button>
        </div>
      </VStack>
    </form>
  );
}

function CasePage({ session }: { session: SignedIn }) {
  const { t, i18n } = useTranslation([STAFF_NS, 'translation']);
  const { municipality, id } = useParams<{ municipality: string; id: string }>();
  const base = `/api/v1/municipalities/${municipality}/cases/${id}`;
  const [c, setC] = useState<CaseView>();
  const [assigned, setAssigned] = useState<{ subject: string; name: string | null } | null>(null);
  const [problem, setProblem] = useState<string>();
  const load = useCallback(() => {
    api<CaseView>(base)
      .then(setC)
      .catch((e: unknown) => setProblem(problemText(e, '…')));
  }, [base]);
  useEffect(load, [load]);
  async function assign(to: 'me' | null) {
    const r = await api<{ assignedTo: { subject: string; name: string | null } | null }>(`${base}/assignment`, {
      method: 'POST',
      body: { to, takeOver: true },
    });
    setAssigned(r.assignedTo);
  }
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!c) return null;
  const latest = c.calculations.at(-1);
  const lang = i18n.language === 'sv' ? 'sv' : 'en';
  const title = t('case.title', { month: formatMonth(c.month) });
  return (
    <VStack gap="space-32">
      <div>
        <Link href="/personal">{t('case.back')}</Link>
        <PageHeading title={title}>{title}</PageHeading>
        <BodyShort>{t('case.status', { status: t(`translation:status.${c.status}`) })}</BodyShort>
      </div>
      {session.roles.includes('caseworker') && !c.decision ? (
        <div className="row-actions">
          {assigned?.subject === undefined ? (
            <Button type="button" variant="secondary" size="small" onClick={() => void assign('me')}>
              {t('case.take')}
            </Button>
          ) : (
            <>
              <BodyShort>{t('case.taken')}</BodyShort>
              <Button type="button" variant="tertiary" size="small" onClick={() => void assign(null)}>
                {t('case.release')}
              </Button>
            </>
          )}
        </div>
      ) : null}
      <section aria-labelledby="flags-h">
        <Heading id="flags-h" level="2" size="medium" spacing>
          {t('case.flags')}
        </Heading>
        {c.flags.length === 0 ? <BodyShort>{t('case.noFlags')}</BodyShort> : null}
        <VStack gap="space-8" as="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
          {c.flags.map((f) => (
            <FlagRow key={f.id} flag={f} base={base} onDone={load} />
          ))}
        </VStack>
      </section>
      <section aria-labelledby="evidence-h">
        <Heading id="evidence-h" level="2" size="medium" spacing>
          {t('case.evidence')}
        </Heading>
        <ul>
          {c.evidence.map((e) => (
            <li key={e.source}>
              {t('case.fetched', { source: t(`translation:sources.${e.source}`), date: formatDateTime(e.fetchedAt) })}
            </li>
          ))}
        </ul>
      </section>
      {latest ? (
        <section aria-labelledby="calc-h">
          <Heading id="calc-h" level="2" size="medium" spacing>
            {t('case.calculation', { version: latest.version })}
          </Heading>
          <AmountsTable
            caption={t('case.calculation', { version: latest.version })}
            what={t('case.line')}
            amount={t('case.amount')}
            rows={(latest.receipt.lines ?? []).map((l) => ({
              key: l.n,
              text: l.text[lang],
              lang,
              references: referencesText(l.references),
              kronor: l.amountOre / 100,
            }))}
            total={{ label: t('case.total'), kronor: latest.amount }}
          />
        </section>
      ) : null}
      <section aria-labelledby="decide-h">
        <Heading id="decide-h" level="2" size="medium" spacing>
          {t('case.decide')}
        </Heading>
        {c.decision ? (
          <Alert variant="success">
            {t('case.decided', {
              outcome: t(`case.outcomes.${c.decision.outcome}`),
              amount: formatKronor(c.decision.amount),
            })}
          </Alert>
        ) : session.roles.includes('caseworker') ? (
          <Decide c={c} base={base} onDone={load} />
        ) : (
          <BodyLong>–</BodyLong>
        )}
      </section>
    </VStack>
  );
}

export default function StaffCase() {
  return <RequireStaff>{(s) => <CasePage session={s} />}</RequireStaff>;
}
