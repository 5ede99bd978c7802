/**
 * What follows a decision, on the case: the appeal (överklagande) with its deadline and what the
 * municipality did with it (omprövning, forwarded to the förvaltningsrätt, rejected as late), and
 * the sample check (stickprov) with the documents asked for, the applicant's answer and its
 * outcome. Each is read through its own route (logged) and recorded once.
 */
import { Alert, BodyLong, BodyShort, Radio, RadioGroup, TextField, Textarea, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { parseAmount } from '../application-model';
import { formatDate, formatDateTime, formatKronor, problemText } from '../components';
import type { ShownError } from '../components';
import { errorAt, errorsFrom } from './case-model';
import { StaffForm, field } from './forms';
import { STAFF_NS } from './texts';

interface Appeal {
  readonly id: string;
  readonly status: string;
  readonly lodgedAt: string;
  readonly deadline: string;
  readonly withinDeadline: boolean;
  readonly reasons: string;
  readonly requestedChange: string | null;
  readonly handledBy: string | null;
  readonly handledAt: string | null;
  readonly note: string | null;
}

const day = (d: string) => formatDate(`${d}T12:00:00Z`);

export function AppealPanel({ base, appealsBase, canAct }: { base: string; appealsBase: string; canAct: boolean }) {
  const { t } = useTranslation(STAFF_NS);
  const [a, setA] = useState<Appeal>();
  const [problem, setProblem] = useState<string>();
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const load = useCallback(() => {
    api<Appeal>(`${base}/appeal`)
      .then(setA)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [base, t]);
  useEffect(load, [load]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!a) return null;
  const ids = { outcome: 'f-appeal-outcome', note: 'f-appeal-note' };
  async function record() {
    const shown: ShownError[] = [];
    if (outcome === '') shown.push({ id: ids.outcome, message: t('appeal.outcomeMissing') });
    if (note.trim() === '') shown.push({ id: ids.note, message: t('appeal.noteMissing') });
    setErrors(shown);
    if (shown.length > 0) return;
    try {
      setA(await api<Appeal>(`${appealsBase}/${a!.id}/outcome`, { method: 'POST', body: { outcome, note } }));
      setErrors([]);
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.outcome, t('errorGeneric')));
    }
  }
  const outcomes = ['omprövning-changed', 'forwarded', ...(a.withinDeadline ? [] : ['rejected-late'])];
  return (
    <VStack gap="space-12">
      <BodyShort>
        {t('appeal.lodged', { date: formatDateTime(a.lodgedAt), deadline: day(a.deadline) })}{' '}
        {t(a.withinDeadline ? 'appeal.inTime' : 'appeal.late')}
      </BodyShort>
      <BodyShort weight="semibold">{t(`appeal.status.${a.status}`, { defaultValue: a.status })}</BodyShort>
      <BodyLong style={{ whiteSpace: 'pre-wrap' }}>{t('appeal.reasons', { text: a.reasons })}</BodyLong>
      {a.requestedChange ? <BodyLong>{t('appeal.requested', { text: a.requestedChange })}</BodyLong> : null}
      {a.handledBy ? (
        <BodyShort size="small">
          {t('appeal.handled', { who: a.handledBy, date: a.handledAt ? formatDateTime(a.handledAt) : '–' })}: {a.note}
        </BodyShort>
      ) : null}
      {canAct && a.status === 'received' ? (
        <StaffForm onSubmit={record} errors={errors} submit={t('appeal.submit')} variant="secondary" gap="space-12">
          <RadioGroup
            id={ids.outcome}
            legend={t('appeal.outcome')}
            value={outcome}
            error={errorAt(errors, ids.outcome)}
            onChange={(v: string) => setOutcome(v)}
          >
            {outcomes.map((o) => (
              <Radio key={o} value={o}>
                {t(`appeal.status.${o}`)}
              </Radio>
            ))}
          </RadioGroup>
          <Textarea label={t('appeal.note')} maxLength={4000} {...field(errors, ids.note, note, setNote)} />
        </StaffForm>
      ) : null}
    </VStack>
  );
}

interface SampleCheck {
  readonly id: string;
  readonly period: string;
  readonly decisionAmount: number;
  readonly documents: readonly { code: string; sv: string; en: string }[];
  readonly dueDate: string;
  readonly status: string;
  readonly answer: { at: string; message: string; documentsSent: readonly string[] } | null;
  readonly outcome: { outcome: string; amount: number | null; note: string; by: string; at: string } | null;
}

export function SampleCheckPanel({ url, canAct }: { url: string; canAct: boolean }) {
  const { t, i18n } = useTranslation(STAFF_NS);
  const [c, setC] = useState<SampleCheck>();
  const [problem, setProblem] = useState<string>();
  const [outcome, setOutcome] = useState('');
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  useEffect(() => {
    api<SampleCheck>(url)
      .then(setC)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [url, t]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!c) return null;
  const ids = { outcome: 'f-sc-outcome', amount: 'f-sc-amount', note: 'f-sc-note' };
  const lang = i18n.language === 'sv' ? 'sv' : 'en';
  async function record() {
    const shown: ShownError[] = [];
    if (outcome === '') shown.push({ id: ids.outcome, message: t('sampleCheck.outcomeMissing') });
    const parsed = outcome === 'discrepancy' ? parseAmount(amount) : undefined;
    if (parsed && !parsed.ok) shown.push({ id: ids.amount, message: t('adjust.amountInvalid') });
    if (note.trim().length < 3) shown.push({ id: ids.note, message: t('sampleCheck.noteMissing') });
    setErrors(shown);
    if (shown.length > 0) return;
    try {
      setC(
        await api<SampleCheck>(`${url}/outcome`, {
          method: 'POST',
          body: { outcome, note, ...(parsed?.ok ? { amount: parsed.value } : {}) },
        }),
      );
      setErrors([]);
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.outcome, t('errorGeneric')));
    }
  }
  return (
    <VStack gap="space-12">
      <BodyShort>
        {t('sampleCheck.summary', {
          period: c.period,
          amount: formatKronor(c.decisionAmount),
          due: day(c.dueDate),
        })}
      </BodyShort>
      <BodyShort weight="semibold">{t(`sampleCheck.status.${c.status}`, { defaultValue: c.status })}</BodyShort>
      <ul style={{ margin: 0 }}>
        {c.documents.map((d) => (
          <li key={d.code}>
            <BodyShort>
              {d[lang]}
              {c.answer?.documentsSent.includes(d.code) ? ` · ${t('sampleCheck.sent')}` : ''}
            </BodyShort>
          </li>
        ))}
      </ul>
      {c.answer ? (
        <BodyLong style={{ whiteSpace: 'pre-wrap' }}>
          {t('sampleCheck.answer', { date: formatDateTime(c.answer.at), text: c.answer.message })}
        </BodyLong>
      ) : null}
      {c.outcome ? (
        <BodyShort>
          {t(`sampleCheck.outcome.${c.outcome.outcome}`)}
          {c.outcome.amount !== null ? `, ${formatKronor(c.outcome.amount)}` : ''} ·{' '}
          {t('sampleCheck.by', { who: c.outcome.by, date: formatDateTime(c.outcome.at) })}: {c.outcome.note}
        </BodyShort>
      ) : null}
      {canAct && !c.outcome ? (
        <StaffForm
          onSubmit={record}
          errors={errors}
          submit={t('sampleCheck.submit')}
          variant="secondary"
          gap="space-12"
        >
          <RadioGroup
            id={ids.outcome}
            legend={t('sampleCheck.outcomeLegend')}
            value={outcome}
            error={errorAt(errors, ids.outcome)}
            onChange={(v: string) => setOutcome(v)}
          >
            {['confirmed', 'discrepancy', 'no-answer'].map((o) => (
              <Radio key={o} value={o}>
                {t(`sampleCheck.outcome.${o}`)}
              </Radio>
            ))}
          </RadioGroup>
          {outcome === 'discrepancy' ? (
            <TextField
              label={t('sampleCheck.amount')}
              inputMode="decimal"
              autoComplete="off"
              htmlSize={12}
              {...field(errors, ids.amount, amount, setAmount)}
            />
          ) : null}
          <Textarea label={t('sampleCheck.note')} maxLength={4000} {...field(errors, ids.note, note, setNote)} />
        </StaffForm>
      ) : null}
    </VStack>
  );
}
