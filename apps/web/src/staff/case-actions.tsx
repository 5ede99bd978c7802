/**
 * What a caseworker does on a case that waits for a person: decide (or approve the system's
 * proposal) on the latest calculation version; ask the applicant to complete the application
 * (what is missing, by when); and, before an adverse decision, tell the applicant what is planned
 * and why (kommunicering, förvaltningslagen 25 §). The server checks every rule again.
 */
import { Alert, BodyLong, BodyShort, Radio, RadioGroup, TextField, Textarea, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../api';
import { formatDate, formatKronor } from '../components';
import type { ShownError } from '../components';
import { ADVERSE, OUTCOMES, errorAt, errorsFrom, swedishInDays } from './case-model';
import type { CaseView } from './case-model';
import { StaffForm, field, useIdempotencyKey } from './forms';
import { STAFF_NS } from './texts';

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function Decide({ c, base, onDone }: { c: CaseView; base: string; onDone: () => void }) {
  const { t } = useTranslation(STAFF_NS);
  const latest = c.calculations.at(-1);
  const [outcome, setOutcome] = useState<string>(latest?.proposedOutcome ?? '');
  const [statement, setStatement] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  if (!latest) return <BodyShort>{t('calc.none')}</BodyShort>;
  const adverse = (ADVERSE as readonly string[]).includes(outcome);
  async function decide() {
    if (adverse && statement.trim().length < 20)
      return setErrors([{ id: 'f-statement', message: t('decide.statementShort') }]);
    try {
      await api(`${base}/decision`, {
        method: 'POST',
        body: { outcome, calculationVersion: latest!.version, ...(statement.trim() ? { statement } : {}) },
      });
      onDone();
    } catch (e) {
      setErrors(errorsFrom(e, { outcome: 'f-outcome', statement: 'f-statement' }, 'f-outcome', t('errorGeneric')));
    }
  }
  const open = c.flags.some((f) => f.status === 'open');
  return (
    <StaffForm onSubmit={decide} errors={errors} submit={t('case.decideButton')}>
      <BodyShort>
        {t('decide.proposal', {
          outcome: t(`case.outcomes.${latest.proposedOutcome}`),
          amount: formatKronor(latest.amount),
          version: latest.version,
        })}
      </BodyShort>
      {open ? <Alert variant="info">{t('case.openFlagsFirst')}</Alert> : null}
      {adverse && c.kommuniceringar.length === 0 ? (
        <Alert variant="warning">{t('decide.kommunicerFirst')}</Alert>
      ) : null}
      <RadioGroup
        id="f-outcome"
        legend={t('case.outcome')}
        value={outcome}
        error={errorAt(errors, 'f-outcome')}
        onChange={(v: string) => setOutcome(v)}
      >
        {OUTCOMES.map((o) => (
          <Radio key={o} value={o}>
            {t(`case.outcomes.${o}`)}
          </Radio>
        ))}
      </RadioGroup>
      <Textarea
        label={t('case.statement')}
        maxLength={8000}
        {...field(errors, 'f-statement', statement, setStatement)}
      />
    </StaffForm>
  );
}

export function CompletionRequestForm({ base, onDone }: { base: string; onDone: () => void }) {
  const { t } = useTranslation(STAFF_NS);
  const [message, setMessage] = useState('');
  const [items, setItems] = useState('');
  const [dueDate, setDueDate] = useState(() => swedishInDays(14));
  const [errors, setErrors] = useState<ShownError[]>([]);
  const ids = { message: 'f-cr-message', items: 'f-cr-items', dueDate: 'f-cr-due' };
  async function submit() {
    const list = items
      .split('\n')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    const shown: ShownError[] = [];
    if (message.trim().length < 10) shown.push({ id: ids.message, message: t('completion.messageShort') });
    if (list.length === 0 || list.some((x) => x.length < 3))
      shown.push({ id: ids.items, message: t('completion.itemsMissing') });
    if (!DATE.test(dueDate)) shown.push({ id: ids.dueDate, message: t('dateFormat') });
    setErrors(shown);
    if (shown.length > 0) return;
    try {
      await api(`${base}/completion-request`, { method: 'POST', body: { message, items: list, dueDate } });
      onDone();
    } catch (e) {
      setErrors(errorsFrom(e, ids, ids.message, t('errorGeneric')));
    }
  }
  return (
    <StaffForm onSubmit={submit} errors={errors} submit={t('completion.submit')} variant="secondary">
      <BodyLong>{t('completion.lead')}</BodyLong>
      <Textarea label={t('completion.message')} maxLength={4000} {...field(errors, ids.message, message, setMessage)} />
      <Textarea
        label={t('completion.items')}
        description={t('completion.itemsHelp')}
        minRows={3}
        {...field(errors, ids.items, items, setItems)}
      />
      <TextField
        label={t('completion.dueDate')}
        description={t('dateHelp')}
        autoComplete="off"
        htmlSize={12}
        {...field(errors, ids.dueDate, dueDate, setDueDate)}
      />
    </StaffForm>
  );
}

export function KommuniceringForm({
  c,
  base,
  onDone,
  readOnly = false,
}: {
  c: CaseView;
  base: string;
  onDone: () => void;
  /** Only what was sent, no form (an auditor, or a case no longer waiting for a person). */
  readOnly?: boolean;
}) {
  const { t } = useTranslation(STAFF_NS);
  const [planned, setPlanned] = useState<string>('');
  const [reasons, setReasons] = useState('');
  const [dueDate, setDueDate] = useState(() => swedishInDays(7));
  const [errors, setErrors] = useState<ShownError[]>([]);
  const key = useIdempotencyKey();
  const ids = { plannedOutcome: 'f-k-outcome', reasons: 'f-k-reasons', dueDate: 'f-k-due' };
  async function submit() {
    const shown: ShownError[] = [];
    if (planned === '') shown.push({ id: ids.plannedOutcome, message: t('kommunicering.outcomeMissing') });
    if (reasons.trim().length < 20) shown.push({ id: ids.reasons, message: t('kommunicering.reasonsShort') });
    if (!DATE.test(dueDate)) shown.push({ id: ids.dueDate, message: t('dateFormat') });
    setErrors(shown);
    if (shown.length > 0) return;
    try {
      await api(`${base}/kommunicering`, {
        method: 'POST',
        headers: key.headers(),
        body: { plannedOutcome: planned, reasons, dueDate },
      });
      key.renew();
      setPlanned('');
      setReasons('');
      onDone();
    } catch (e) {
      if (e instanceof ApiError) key.renew();
      setErrors(errorsFrom(e, ids, ids.plannedOutcome, t('errorGeneric')));
    }
  }
  return (
    <VStack gap="space-16">
      {c.kommuniceringar.length > 0 ? (
        <VStack gap="space-8" as="ul" style={{ paddingInlineStart: '1.25rem', margin: 0 }}>
          {c.kommuniceringar.map((k) => (
            <li key={k.id}>
              <BodyShort>
                {t('kommunicering.sent', {
                  outcome: t(`case.outcomes.${k.plannedOutcome}`),
                  date: formatDate(k.sentAt),
                  due: formatDate(`${k.dueDate}T12:00:00Z`),
                  who: k.sentBy,
                })}
              </BodyShort>
              <BodyLong size="small" style={{ whiteSpace: 'pre-wrap' }}>
                {k.reasons}
              </BodyLong>
            </li>
          ))}
        </VStack>
      ) : null}
      {readOnly ? null : (
        <StaffForm onSubmit={submit} errors={errors} submit={t('kommunicering.submit')} variant="secondary">
          <BodyLong>{t('kommunicering.lead')}</BodyLong>
          <RadioGroup
            id={ids.plannedOutcome}
            legend={t('kommunicering.planned')}
            value={planned}
            error={errorAt(errors, ids.plannedOutcome)}
            onChange={(v: string) => setPlanned(v)}
          >
            {ADVERSE.map((o) => (
              <Radio key={o} value={o}>
                {t(`case.outcomes.${o}`)}
              </Radio>
            ))}
          </RadioGroup>
          <Textarea
            label={t('kommunicering.reasons')}
            description={t('kommunicering.reasonsHelp')}
            maxLength={8000}
            {...field(errors, ids.reasons, reasons, setReasons)}
          />
          <TextField
            label={t('kommunicering.dueDate')}
            description={t('dateHelp')}
            autoComplete="off"
            htmlSize={12}
            {...field(errors, ids.dueDate, dueDate, setDueDate)}
          />
        </StaffForm>
      )}
    </VStack>
  );
}
