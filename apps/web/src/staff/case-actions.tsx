/**
 * What a caseworker does on a case that waits for a person: decide (or approve the system's
 * proposal) on the latest calculation version; ask the applicant to complete the application
 * (what is missing, by when); and, before an adverse decision, tell the applicant what is planned
 * and why (kommunicering, förvaltningslagen 25 §). The server checks every rule again.
 */
import { Alert, BodyLong, BodyShort, Button, Radio, RadioGroup, TextField, Textarea, VStack } from '@navikt/ds-react';
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, idempotencyKey } from '../api';
import { FormErrors, formatDate, formatKronor } from '../components';
import type { ShownError } from '../components';
import { ADVERSE, OUTCOMES, errorAt, errorsFrom, swedishInDays } from './case-model';
import type { CaseView } from './case-model';
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
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void decide();
      }}
    >
      <VStack gap="space-16">
        <FormErrors errors={errors} />
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
          id="f-statement"
          label={t('case.statement')}
          value={statement}
          maxLength={8000}
          error={errorAt(errors, 'f-statement')}
          onChange={(e) => setStatement(e.target.value)}
        />
        <div>
          <Button type="submit">{t('case.decideButton')}</Button>
        </div>
      </VStack>
    </form>
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
    <form
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <VStack gap="space-16">
        <FormErrors errors={errors} />
        <BodyLong>{t('completion.lead')}</BodyLong>
        <Textarea
          id={ids.message}
          label={t('completion.message')}
          value={message}
          maxLength={4000}
          error={errorAt(errors, ids.message)}
          onChange={(e) => setMessage(e.target.value)}
        />
        <Textarea
          id={ids.items}
          label={t('completion.items')}
          description={t('completion.itemsHelp')}
          value={items}
          minRows={3}
          error={errorAt(errors, ids.items)}
          onChange={(e) => setItems(e.target.value)}
        />
        <TextField
          id={ids.dueDate}
          label={t('completion.dueDate')}
          description={t('dateHelp')}
          value={dueDate}
          autoComplete="off"
          htmlSize={12}
          error={errorAt(errors, ids.dueDate)}
          onChange={(e) => setDueDate(e.target.value)}
        />
        <div>
          <Button type="submit" variant="secondary">
            {t('completion.submit')}
          </Button>
        </div>
      </VStack>
    </form>
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
  const key = useRef(idempotencyKey());
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
        headers: { 'idempotency-key': key.current },
        body: { plannedOutcome: planned, reasons, dueDate },
      });
      key.current = idempotencyKey();
      setPlanned('');
      setReasons('');
      onDone();
    } catch (e) {
      if (e instanceof ApiError) key.current = idempotencyKey();
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
        <form
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <VStack gap="space-16">
            <FormErrors errors={errors} />
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
              id={ids.reasons}
              label={t('kommunicering.reasons')}
              description={t('kommunicering.reasonsHelp')}
              value={reasons}
              maxLength={8000}
              error={errorAt(errors, ids.reasons)}
              onChange={(e) => setReasons(e.target.value)}
            />
            <TextField
              id={ids.dueDate}
              label={t('kommunicering.dueDate')}
              description={t('dateHelp')}
              value={dueDate}
              autoComplete="off"
              htmlSize={12}
              error={errorAt(errors, ids.dueDate)}
              onChange={(e) => setDueDate(e.target.value)}
            />
            <div>
              <Button type="submit" variant="secondary">
                {t('kommunicering.submit')}
              </Button>
            </div>
          </VStack>
        </form>
      )}
    </VStack>
  );
}
