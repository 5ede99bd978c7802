/**
 * A case for the caseworker (/personal/arende/:municipality/:id), top to bottom: who has it and
 * whether it is late; each check that fired and why (acknowledged with what was checked); the
 * application as submitted; the authorities' data with source and time; the calculation versions
 * with legal references, adjustments and four eyes; the decision (or approving the proposal); a
 * completion request; kommunicering before an adverse decision; the messages with the applicant;
 * the letters; the appeal and sample check, if any; and the history. An auditor reads the same
 * page without the forms; the server authorizes every action anyway.
 */
import { Alert, BodyLong, BodyShort, Button, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'wouter';
import { api } from '../api';
import { PageHeading, formatDate, formatDateTime, formatKronor, formatMonth, problemText } from '../components';
import { CompletionRequestForm, Decide, KommuniceringForm } from './case-actions';
import { AdjustForm, AdjustmentMade, Adjustments, Calculations } from './case-calculations';
import { EvidenceList, Snapshot } from './case-facts';
import { Flags } from './case-flags';
import { AppealPanel, SampleCheckPanel } from './case-followups';
import { History } from './case-history';
import { Letters, Messages } from './case-messages';
import type { Actor, Adjustment, CaseView } from './case-model';
import { RequireStaff } from './gate';
import { Section } from './section';
import type { StaffSession } from './gate';
import { STAFF_NS } from './texts';

function CasePage({ session }: { session: StaffSession }) {
  const { t } = useTranslation([STAFF_NS, 'translation']);
  const { municipality, id } = useParams<{ municipality: string; id: string }>();
  const base = `/api/v1/municipalities/${municipality}/cases/${id}`;
  const [c, setC] = useState<CaseView & { viewer?: { subject: string } }>();
  const [adjustments, setAdjustments] = useState<{ threshold: number; adjustments: Adjustment[] }>();
  const [problem, setProblem] = useState<string>();
  const [assignProblem, setAssignProblem] = useState<string>();
  const [revision, setRevision] = useState(0);
  const [made, setMade] = useState<Adjustment>();
  const load = useCallback(() => {
    api<CaseView & { viewer?: { subject: string } }>(base)
      .then((v) => {
        setC(v);
        setRevision((r) => r + 1);
      })
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
    api<{ threshold: number; adjustments: Adjustment[] }>(`${base}/adjustments`)
      .then(setAdjustments)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [base, t]);
  useEffect(load, [load]);

  async function assign(to: 'me' | null) {
    try {
      await api(`${base}/assignment`, { method: 'POST', body: { to, takeOver: true } });
      setAssignProblem(undefined);
      load();
    } catch (e) {
      setAssignProblem(problemText(e, t('errorGeneric')));
    }
  }

  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!c) return null;
  const actor: Actor = {
    subject: c.viewer?.subject,
    name: session.name,
    caseworker: session.roles.includes('caseworker'),
  };
  const latest = c.calculations.at(-1);
  const waitsForPerson = c.status === 'needs-person' && !c.decision;
  const canAct = actor.caseworker && waitsForPerson;
  const latestAdjustment = adjustments?.adjustments.find((a) => a.calculationVersion === latest?.version);
  const pendingSecond = latestAdjustment?.status === 'awaiting-second' && !latestAdjustment.superseded;
  const mine = c.assignedTo !== null && c.assignedTo.subject === actor.subject;
  const title = t('case.title', { month: formatMonth(c.month) });
  const openRequest = c.completionRequest && c.completionRequest.answeredAt === null ? c.completionRequest : null;

  return (
    <VStack gap="space-32">
      <div>
        <Link href="/personal">{t('case.back')}</Link>
        <PageHeading title={title}>{title}</PageHeading>
        <BodyShort>
          {t(`translation:kind.${c.kind}`)} · {t('case.status', { status: t(`history.status.${c.status}`) })}
          {c.submittedAt ? ` · ${t('case.submitted', { date: formatDateTime(c.submittedAt) })}` : ''}
        </BodyShort>
        {municipality !== session.municipality ? (
          <BodyShort size="small">{t('case.partnerCase', { municipality })}</BodyShort>
        ) : null}
      </div>
      {c.late ? <Alert variant="warning">{t('case.late', { date: formatDateTime(c.late.since) })}</Alert> : null}
      {actor.caseworker && !c.decision ? (
        <VStack gap="space-8">
          {assignProblem ? <Alert variant="error">{assignProblem}</Alert> : null}
          <div className="row-actions">
            {c.assignedTo === null ? (
              <>
                <BodyShort>{t('case.inQueue')}</BodyShort>
                <Button type="button" variant="secondary" size="small" onClick={() => void assign('me')}>
                  {t('case.take')}
                </Button>
              </>
            ) : mine ? (
              <>
                <BodyShort>{t('case.taken')}</BodyShort>
                <Button type="button" variant="tertiary" size="small" onClick={() => void assign(null)}>
                  {t('case.release')}
                </Button>
              </>
            ) : (
              <>
                <BodyShort>{t('case.takenBy', { name: c.assignedTo.name ?? c.assignedTo.subject })}</BodyShort>
                <Button type="button" variant="secondary" size="small" onClick={() => void assign('me')}>
                  {t('case.takeOver')}
                </Button>
              </>
            )}
          </div>
        </VStack>
      ) : c.assignedTo ? (
        <BodyShort>{t('case.takenBy', { name: c.assignedTo.name ?? c.assignedTo.subject })}</BodyShort>
      ) : null}

      <Section id="flags" title={t('case.flags')}>
        <Flags flags={c.flags} base={base} canAct={actor.caseworker && waitsForPerson} onDone={load} />
      </Section>

      <Section id="snapshot" title={t('facts.submitted')}>
        <Snapshot snapshot={c.snapshot} current={c.content} />
      </Section>

      <Section id="evidence" title={t('case.evidence')}>
        <EvidenceList evidence={c.evidence} content={c.content ?? c.snapshot} />
      </Section>

      <Section id="calc" title={latest ? t('case.calculation', { version: latest.version }) : t('calc.title')}>
        <VStack gap="space-24">
          <Calculations calculations={c.calculations} />
          <Section id="adjustments" level="3" title={t('adjust.title')}>
            <div role="status">{made ? <AdjustmentMade made={made} /> : null}</div>
            {adjustments ? (
              <Adjustments
                adjustments={adjustments.adjustments}
                base={base}
                actor={actor}
                onDone={() => {
                  setMade(undefined);
                  load();
                }}
              />
            ) : null}
          </Section>
          {canAct && latest && adjustments && !pendingSecond ? (
            <Section id="adjust" level="3" title={t('adjust.formTitle')}>
              <AdjustForm
                base={base}
                version={latest.version}
                threshold={adjustments.threshold}
                content={c.content ?? c.snapshot}
                onDone={(a) => {
                  setMade(a);
                  load();
                }}
              />
            </Section>
          ) : null}
        </VStack>
      </Section>

      <Section id="decide" title={t('case.decide')}>
        {c.decision ? (
          <VStack gap="space-8">
            <Alert variant="success">
              {t('case.decided', {
                outcome: t(`case.outcomes.${c.decision.outcome}`),
                amount: formatKronor(c.decision.amount),
              })}
            </Alert>
            <BodyShort>
              {c.decision.automated
                ? t('decide.automated', { date: formatDateTime(c.decision.decidedAt) })
                : t('decide.by', { who: c.decision.decidedBy, date: formatDateTime(c.decision.decidedAt) })}
            </BodyShort>
            {c.decision.statement ? (
              <BodyLong style={{ whiteSpace: 'pre-wrap' }}>{c.decision.statement}</BodyLong>
            ) : null}
          </VStack>
        ) : canAct ? (
          pendingSecond ? (
            <Alert variant="info">{t('decide.awaitingSecond')}</Alert>
          ) : (
            <Decide key={latest?.version} c={c} base={base} onDone={load} />
          )
        ) : (
          <BodyShort>{t('decide.notNow', { status: t(`history.status.${c.status}`) })}</BodyShort>
        )}
      </Section>

      {canAct || c.completionRequest ? (
        <Section id="completion" title={t('completion.title')}>
          <VStack gap="space-16">
            {c.completionRequest ? (
              <VStack gap="space-4">
                <BodyShort weight="semibold">
                  {openRequest
                    ? t('completion.open', {
                        date: formatDate(c.completionRequest.requestedAt),
                        due: formatDate(`${c.completionRequest.dueDate}T12:00:00Z`),
                      })
                    : t('completion.answered', {
                        date: formatDate(c.completionRequest.requestedAt),
                        answered: formatDateTime(c.completionRequest.answeredAt!),
                      })}
                </BodyShort>
                <BodyLong style={{ whiteSpace: 'pre-wrap' }}>{c.completionRequest.message}</BodyLong>
                <ul style={{ margin: 0 }}>
                  {c.completionRequest.items.map((i) => (
                    <li key={i}>{i}</li>
                  ))}
                </ul>
              </VStack>
            ) : null}
            {canAct ? <CompletionRequestForm base={base} onDone={load} /> : null}
          </VStack>
        </Section>
      ) : null}

      {canAct || c.kommuniceringar.length > 0 ? (
        <Section id="kommunicering" title={t('kommunicering.title')}>
          <KommuniceringForm c={c} base={base} onDone={load} readOnly={!canAct} />
        </Section>
      ) : null}

      <Section id="messages" title={t('messages.title')}>
        <Messages base={base} canWrite={actor.caseworker} />
      </Section>

      <Section id="letters" title={t('letters.title')}>
        <Letters base={base} version={revision} />
      </Section>

      {c.appeal ? (
        <Section id="appeal" title={t('appeal.title')}>
          <AppealPanel
            base={base}
            appealsBase={`/api/v1/municipalities/${municipality}/appeals`}
            canAct={actor.caseworker}
          />
        </Section>
      ) : null}

      {c.sampleCheck ? (
        <Section id="sample-check" title={t('sampleCheck.title')}>
          <SampleCheckPanel
            url={`/api/v1/municipalities/${municipality}/sample-checks/${c.sampleCheck.id}`}
            canAct={actor.caseworker}
          />
        </Section>
      ) : null}

      <Section id="history" title={t('history.title')}>
        <History timeline={c.timeline} />
      </Section>
    </VStack>
  );
}

export default function StaffCase() {
  return <RequireStaff>{(s) => <CasePage session={s} />}</RequireStaff>;
}
