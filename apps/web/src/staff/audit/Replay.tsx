/**
 * Replaying a decision: a form that takes a case id, and the page (/beslut/:municipality/:id) that
 * shows whether the decision's receipt reproduces — "Stämmer" or "Stämmer inte" — with the stored
 * and recalculated amounts, the rule book, and the lines that differ.
 */
import { Alert, BodyLong, BodyShort, Heading, Table, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation, useParams, useRouter } from 'wouter';
import { api } from '../../api';
import { PageHeading, formatDateTime, formatKronor, problemText } from '../../components';
import { StaffForm } from '../forms';
import { Section } from '../section';
import { NS } from './texts';
import { isUuid } from './types';
import type { DecisionReplay, Totals } from './types';

export function ReplayForm({ municipality }: { municipality: string }) {
  const { t } = useTranslation(NS);
  const [, navigate] = useLocation();
  const [caseId, setCaseId] = useState('');
  const [error, setError] = useState<string>();
  return (
    <Section id="audit-replay" title={t('replayForm.heading')}>
      <StaffForm
        submit={t('replayForm.submit')}
        variant="secondary"
        onSubmit={() => {
          const id = caseId.trim().toLowerCase();
          if (id === '') return setError(t('replayForm.required'));
          if (!isUuid(id)) return setError(t('replayForm.format'));
          setError(undefined);
          navigate(`/beslut/${municipality}/${id}`);
        }}
      >
        <BodyLong>{t('replayForm.help')}</BodyLong>
        <TextField
          id="audit-replay-case"
          label={t('replayForm.caseId')}
          value={caseId}
          error={error}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => setCaseId(e.target.value)}
        />
      </StaffForm>
    </Section>
  );
}

const PARTS = ['norm', 'costs', 'income', 'amount', 'surplus'] as const;
const money = (v: number | null | undefined) => (v === null || v === undefined ? '–' : formatKronor(v));

function TotalsTable({ stored, replayed }: { stored: Totals | null; replayed: Totals | null }) {
  const { t } = useTranslation(NS);
  return (
    <Table size="small">
      <caption className="visually-hidden">{t('replay.totals.caption')}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{t('replay.totals.what')}</Table.HeaderCell>
          <Table.HeaderCell scope="col" align="right">
            {t('replay.totals.stored')}
          </Table.HeaderCell>
          <Table.HeaderCell scope="col" align="right">
            {t('replay.totals.replayed')}
          </Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {PARTS.map((p) => (
          <Table.Row key={p}>
            <Table.HeaderCell scope="row">{t(`replay.totals.${p}`)}</Table.HeaderCell>
            <Table.DataCell align="right" className="amount">
              {money(stored?.[p])}
            </Table.DataCell>
            <Table.DataCell align="right" className="amount">
              {money(replayed?.[p])}
            </Table.DataCell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

function ReplayResult({ r }: { r: DecisionReplay }) {
  const { t } = useTranslation(NS);
  return (
    <VStack gap="space-24">
      {r.matches ? (
        <Alert variant="success">
          <Heading level="2" size="medium" spacing>
            {t('replay.matches')}
          </Heading>
          <BodyLong>{t('replay.matchesText')}</BodyLong>
        </Alert>
      ) : (
        <Alert variant="error">
          <Heading level="2" size="medium" spacing>
            {t('replay.differs')}
          </Heading>
          <BodyLong>{r.reason ? t(`replay.reasons.${r.reason}`) : null}</BodyLong>
        </Alert>
      )}
      <VStack gap="space-4">
        <BodyShort>
          {t('replay.decision', {
            outcome: t(`outcomes.${r.decision.outcome}`, { defaultValue: r.decision.outcome }),
            amount: formatKronor(r.decision.amount),
            date: formatDateTime(r.decision.decidedAt),
          })}{' '}
          {r.decision.automated ? t('replay.automated') : t('replay.byPerson')}{' '}
          {r.decision.calculationVersion !== null
            ? t('replay.calculationVersion', { version: r.decision.calculationVersion })
            : null}
        </BodyShort>
        {r.rulebook.version ? <BodyShort>{t('replay.rulebook', { version: r.rulebook.version })}</BodyShort> : null}
        {r.engine ? <BodyShort>{t('replay.engine', { version: r.engine })}</BodyShort> : null}
        {r.rulebook.hash ? (
          <BodyShort>
            {t('replay.rulebookHash')} <code style={{ wordBreak: 'break-all' }}>{r.rulebook.hash}</code>
          </BodyShort>
        ) : null}
      </VStack>
      <Section id="replay-totals" title={t('replay.totals.heading')}>
        <TotalsTable stored={r.stored} replayed={r.replayed} />
      </Section>
      {r.lines.length > 0 ? (
        <Section id="replay-lines" title={t('replay.lines.heading')}>
          <Table size="small">
            <caption className="visually-hidden">{t('replay.lines.caption')}</caption>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell scope="col">{t('replay.lines.n')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('replay.lines.rule')}</Table.HeaderCell>
                <Table.HeaderCell scope="col" align="right">
                  {t('replay.lines.stored')}
                </Table.HeaderCell>
                <Table.HeaderCell scope="col" align="right">
                  {t('replay.lines.replayed')}
                </Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {r.lines.map((l) => (
                <Table.Row key={l.n}>
                  <Table.DataCell>{l.n}</Table.DataCell>
                  <Table.DataCell>
                    <code>{l.rule ?? '–'}</code>
                  </Table.DataCell>
                  <Table.DataCell align="right" className="amount">
                    {money(l.stored)}
                  </Table.DataCell>
                  <Table.DataCell align="right" className="amount">
                    {money(l.replayed)}
                  </Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        </Section>
      ) : null}
      {r.differences.length > 0 ? (
        <div>
          <BodyShort spacing>{t('replay.differences')}</BodyShort>
          <ul>
            {r.differences.map((d) => (
              <li key={d}>
                <code>{d}</code>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </VStack>
  );
}

export function ReplayPage() {
  const { t } = useTranslation(NS);
  const { municipality, id } = useParams<{ municipality: string; id: string }>();
  // The section's own address (its base), without a trailing slash.
  const { base } = useRouter();
  const [result, setResult] = useState<DecisionReplay>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    setResult(undefined);
    setProblem(undefined);
    api<DecisionReplay>(`/api/v1/municipalities/${municipality}/cases/${id}/decision/replay`)
      .then(setResult)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [municipality, id, t]);
  return (
    <VStack gap="space-24">
      <div>
        <Link href={`~${base}`}>{t('replay.back')}</Link>
        <PageHeading title={t('replay.title')}>{t('replay.title')}</PageHeading>
        <BodyShort>
          <Link href={`~/personal/arende/${municipality}/${id}`}>{t('replay.openCase')}</Link>
        </BodyShort>
      </div>
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {!result && !problem ? <BodyShort>{t('loading')}</BodyShort> : null}
      {result ? <ReplayResult r={result} /> : null}
    </VStack>
  );
}
