/**
 * Follow the case (/arende/:municipality/:id): where it is (received, data collected, decided,
 * paid), what is missing and what the applicant needs to do, the decision with its letters, the
 * payments, the meeting, documents, messages with the caseworker and the appeal.
 */
import {
  Alert,
  BodyLong,
  BodyShort,
  Box,
  Heading,
  Link as AkselLink,
  Loader,
  Process,
  Table,
  VStack,
} from '@navikt/ds-react';
import i18next from 'i18next';
import { useEffect, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams, useSearch } from 'wouter';
import { api } from '../api';
import { RequireApplicant } from '../auth-gate';
import { PageHeading, formatDate, formatDateTime, formatKronor, formatMonth, problemText } from '../components';
import { BookingPanel } from './Booking';
import { AnswerForm } from './case-answer';
import { AppealPanel, MessagesPanel } from './case-conversation';
import { DocumentsPanel } from './case-documents';

export interface CaseStatus {
  readonly id: string;
  readonly municipality: string;
  readonly kind: string;
  readonly month: string;
  readonly status: string;
  readonly submittedAt: string | null;
  readonly timeline: readonly { at: string; status: string; actor: string }[];
  readonly decision: {
    outcome: string;
    amount: number;
    automated: boolean;
    decidedAt: string;
    statement: string | null;
  } | null;
  readonly completionRequest: {
    id: string;
    message: string;
    items: readonly string[];
    dueDate: string;
    answeredAt: string | null;
  } | null;
  readonly sampleCheck: { dueDate: string; answered: boolean } | null;
  readonly payments: readonly { amount: number; payOn: string; status: string; kind: string }[];
}
interface Letter {
  readonly id: string;
  readonly kind: string;
  readonly lang: string;
  readonly title: string;
  readonly createdAt: string;
}

function Section({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section aria-labelledby={id}>
      <Heading id={id} level="2" size="medium" spacing>
        {title}
      </Heading>
      {children}
    </section>
  );
}

function Timeline({ c }: { c: CaseStatus }) {
  const { t } = useTranslation();
  const at = (s: string) => c.timeline.find((e) => e.status === s)?.at;
  const collected = c.timeline.find(
    (e) => e.status === 'assessing' || e.status === 'needs-person' || e.status === 'decided',
  )?.at;
  const paid = c.payments.find((p) => p.status === 'settled' || p.status === 'exported');
  const scheduled = c.payments[0];
  const events: { key: string; done: string | undefined; text?: string }[] = [
    { key: 'received', done: at('received') ?? c.submittedAt ?? undefined },
    { key: 'collected', done: collected },
    { key: 'decided', done: c.decision?.decidedAt },
    {
      key: 'paid',
      done: paid ? `${paid.payOn}T10:00:00Z` : undefined,
      text: scheduled ? t('case.timeline.payOn', { date: formatDate(`${scheduled.payOn}T10:00:00Z`) }) : undefined,
    },
  ];
  const firstOpen = events.findIndex((e) => !e.done);
  return (
    <Process>
      {events.map((e, i) => (
        <Process.Event
          key={e.key}
          title={t(`case.timeline.${e.key}`)}
          timestamp={e.done ? formatDateTime(e.done) : undefined}
          status={e.done ? 'completed' : i === firstOpen ? 'active' : 'uncompleted'}
        >
          {e.text ? <BodyShort size="small">{e.text}</BodyShort> : null}
        </Process.Event>
      ))}
    </Process>
  );
}

function Tasks({ c, onAnswered }: { c: CaseStatus; onAnswered: () => void }) {
  const { t } = useTranslation();
  const base = `/api/v1/municipalities/${c.municipality}/applications/${c.id}`;
  const open = c.completionRequest && !c.completionRequest.answeredAt ? c.completionRequest : null;
  const sample = c.sampleCheck && !c.sampleCheck.answered ? c.sampleCheck : null;
  if (!open && !sample) return <BodyShort>{t('case.noTasks')}</BodyShort>;
  return (
    <VStack gap="space-16">
      {open ? (
        <Alert variant="warning">
          <Heading level="3" size="small" spacing>
            {t('case.completionTitle', { date: formatDate(`${open.dueDate}T12:00:00Z`) })}
          </Heading>
          <BodyLong spacing>{open.message}</BodyLong>
          <ul>
            {open.items.map((i) => (
              <li key={i}>{i}</li>
            ))}
          </ul>
          <BodyShort spacing>{t('case.completionHow')}</BodyShort>
          <AnswerForm path={`${base}/completion`} id="f-completion-answer" onAnswered={onAnswered} />
        </Alert>
      ) : null}
      {sample ? (
        <Alert variant="info">
          <Heading level="3" size="small" spacing>
            {t('case.sampleTitle', { date: formatDate(`${sample.dueDate}T12:00:00Z`) })}
          </Heading>
          <BodyShort spacing>{t('case.sampleText')}</BodyShort>
          <AnswerForm path={`${base}/sample-check/answer`} id="f-sample-answer" onAnswered={onAnswered} />
        </Alert>
      ) : null}
    </VStack>
  );
}

function Decision({ c, letters }: { c: CaseStatus; letters: readonly Letter[] }) {
  const { t, i18n } = useTranslation();
  if (!c.decision) return <BodyShort>{t('case.noDecision')}</BodyShort>;
  const d = c.decision;
  const base = `/api/v1/municipalities/${c.municipality}/applications/${c.id}/letters`;
  const decisionLetters = letters.filter((l) => l.kind === 'decision');
  return (
    <VStack gap="space-16">
      <Box padding="space-16" borderWidth="1" borderRadius="8">
        <VStack gap="space-8">
          <Heading level="3" size="small">
            {t(`case.outcome.${d.outcome}`)}
          </Heading>
          <BodyLong>
            {t('case.amount')}: <span className="amount">{formatKronor(d.amount)}</span>
          </BodyLong>
          <BodyShort size="small">
            {t('case.decidedAt', { date: formatDateTime(d.decidedAt) })} ·{' '}
            {d.automated ? t('case.automated') : t('case.byPerson')}
          </BodyShort>
          {d.statement ? <BodyLong>{d.statement}</BodyLong> : null}
        </VStack>
      </Box>
      {decisionLetters.length === 0 ? <BodyShort>{t('case.letterComing')}</BodyShort> : null}
      <ul className="slot-list" style={{ listStyle: 'none', padding: 0 }}>
        {letters.map((l) => (
          <li key={l.id}>
            <AkselLink
              href={`${base}/${l.id}`}
              target="_blank"
              rel="noopener"
              lang={l.lang === 'prs' ? 'fa-AF' : l.lang}
            >
              {l.title}
            </AkselLink>{' '}
            (
            <AkselLink href={`${base}/${l.id}?format=pdf`} aria-label={t('case.pdfOf', { title: l.title })}>
              PDF
            </AkselLink>
            )
          </li>
        ))}
      </ul>
      {i18n.language !== 'sv' && decisionLetters.length > 0 ? (
        <BodyShort size="small">{t('case.swedishIsDecision')}</BodyShort>
      ) : null}
    </VStack>
  );
}

function Payments({ c }: { c: CaseStatus }) {
  const { t } = useTranslation();
  if (c.payments.length === 0) return <BodyShort>{t('case.noPayments')}</BodyShort>;
  return (
    <Table>
      <caption className="visually-hidden">{t('case.payments')}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{t('case.payDate')}</Table.HeaderCell>
          <Table.HeaderCell scope="col" align="right">
            {t('case.amount')}
          </Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('case.paymentStatus')}</Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {c.payments.map((p, i) => (
          <Table.Row key={i}>
            <Table.DataCell>{formatDate(`${p.payOn}T10:00:00Z`)}</Table.DataCell>
            <Table.DataCell align="right" className="amount">
              {formatKronor(p.amount)}
            </Table.DataCell>
            <Table.DataCell>{t(`case.paymentStatuses.${p.status}`)}</Table.DataCell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

function CasePage() {
  const { t } = useTranslation();
  const { municipality, id } = useParams<{ municipality: string; id: string }>();
  const justSent = new URLSearchParams(useSearch()).get('skickad') === '1';
  const [c, setC] = useState<CaseStatus>();
  const [letters, setLetters] = useState<readonly Letter[]>([]);
  const [problem, setProblem] = useState<string>();
  const base = `/api/v1/municipalities/${municipality}/applications/${id}`;
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    let stop = false;
    let timer: number | undefined;
    let delay = 3000;
    const load = async (background: boolean) => {
      try {
        const view = await api<CaseStatus>(base, { background });
        if (stop) return;
        setC(view);
        const l = await api<{ letters: Letter[] }>(`${base}/letters`, { background });
        if (stop) return;
        setLetters(l.letters);
        // Until the decision and its letter are here, look again, less often each time; then stop.
        const done = view.status === 'decided' && l.letters.some((x) => x.kind === 'decision');
        if (!done && delay <= 60_000) {
          timer = window.setTimeout(() => void load(true), delay);
          delay *= 1.5;
        }
      } catch (e) {
        if (!stop) setProblem(problemText(e, i18next.t('errors.generic')));
      }
    };
    void load(false);
    return () => {
      stop = true;
      window.clearTimeout(timer);
    };
  }, [base, reloads]);
  if (problem && !c) return <Alert variant="error">{problem}</Alert>;
  if (!c) return <Loader title={t('common.loading')} />;
  const title = t('case.title', { month: formatMonth(c.month) });
  return (
    <VStack gap="space-32">
      {justSent ? <Alert variant="success">{t('case.sent')}</Alert> : null}
      <div>
        <PageHeading title={title}>{title}</PageHeading>
        <BodyShort>
          {t('case.status')}: {t(`status.${c.status}`)}
        </BodyShort>
      </div>
      <Timeline c={c} />
      <Section id="tasks" title={t('case.tasks')}>
        <Tasks c={c} onAnswered={() => setReloads((n) => n + 1)} />
      </Section>
      <Section id="decision" title={t('case.decision')}>
        <Decision c={c} letters={letters} />
      </Section>
      <Section id="payments" title={t('case.payments')}>
        <Payments c={c} />
      </Section>
      <Section id="meeting" title={t('case.meeting')}>
        <BookingPanel municipality={municipality} id={id} justApplied={false} />
      </Section>
      <Section id="documents" title={t('documents.title')}>
        <DocumentsPanel municipality={municipality} id={id} />
      </Section>
      <Section id="messages" title={t('messages.title')}>
        <MessagesPanel municipality={municipality} id={id} />
      </Section>
      {c.decision ? (
        <Section id="appeal" title={t('appeal.title')}>
          <AppealPanel municipality={municipality} id={id} />
        </Section>
      ) : null}
    </VStack>
  );
}

export default function CaseViewRoute() {
  return <RequireApplicant>{() => <CasePage />}</RequireApplicant>;
}
