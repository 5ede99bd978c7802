/**
 * The case's calculation versions and adjustments: the latest version line by line with legal
 * references (from its receipt), who made it and why; earlier versions kept and readable; each
 * adjustment with its reason and whether a second caseworker must approve it (four eyes), where
 * another caseworker approves or rejects it; and the form to adjust a cost or an income with a
 * mandatory reason, which makes a new version (docs/adjustments.md).
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
  ReadMore,
  Select,
  Tag,
  TextField,
  Textarea,
  VStack,
} from '@navikt/ds-react';
import type { TFunction } from 'i18next';
import { COST_TYPES, INCOME_TYPES } from '@tillit/rules/catalogue';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AmountsTable, referencesText } from '../amounts-table';
import { ApiError, api } from '../api';
import { parseAmount } from '../application-model';
import { FormErrors, formatDateTime, formatKronor } from '../components';
import type { ShownError } from '../components';
import { errorsFrom, personLabel } from './case-model';
import type { Actor, Adjustment, Calculation, Content } from './case-model';
import { StaffForm, field, useIdempotencyKey } from './forms';
import { STAFF_NS } from './texts';

function madeBy(t: TFunction, c: Calculation): string {
  return c.createdBy === 'system'
    ? t('staff:calc.bySystem', { date: formatDateTime(c.createdAt) })
    : t('staff:calc.byPerson', { who: c.createdBy, date: formatDateTime(c.createdAt) });
}

function VersionTable({ c }: { c: Calculation }) {
  const { t, i18n } = useTranslation(STAFF_NS);
  const lang = i18n.language === 'sv' ? 'sv' : 'en';
  return (
    <AmountsTable
      caption={t('case.calculation', { version: c.version })}
      what={t('case.line')}
      amount={t('case.amount')}
      rows={(c.receipt.lines ?? []).map((l) => ({
        key: l.n,
        text: l.text[lang],
        lang,
        references: referencesText(l.references),
        kronor: l.amountOre / 100,
      }))}
      total={{ label: t('case.total'), kronor: c.amount }}
    />
  );
}

/** The latest version and, folded, every earlier one. */
export function Calculations({ calculations }: { calculations: readonly Calculation[] }) {
  const { t } = useTranslation(STAFF_NS);
  const latest = calculations.at(-1);
  if (!latest) return <BodyShort>{t('calc.none')}</BodyShort>;
  const earlier = calculations.slice(0, -1).reverse();
  return (
    <VStack gap="space-16">
      <BodyShort>
        {madeBy(t, latest)} · {t('calc.proposal', { outcome: t(`case.outcomes.${latest.proposedOutcome}`) })}
      </BodyShort>
      {latest.reason ? <BodyLong>{t('calc.reason', { reason: latest.reason })}</BodyLong> : null}
      <VersionTable c={latest} />
      {earlier.length > 0 ? (
        <VStack gap="space-8">
          <Heading level="3" size="small">
            {t('calc.earlier')}
          </Heading>
          {earlier.map((c) => (
            <ReadMore
              key={c.version}
              header={t('calc.showVersion', { version: c.version, amount: formatKronor(c.amount) })}
            >
              <VStack gap="space-8">
                <BodyShort>{madeBy(t, c)}</BodyShort>
                {c.reason ? <BodyLong>{t('calc.reason', { reason: c.reason })}</BodyLong> : null}
                <VersionTable c={c} />
              </VStack>
            </ReadMore>
          ))}
        </VStack>
      ) : null}
    </VStack>
  );
}

function AdjustmentRow({ a, base, actor, onDone }: { a: Adjustment; base: string; actor: Actor; onDone: () => void }) {
  const { t } = useTranslation([STAFF_NS, 'translation']);
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const noteId = `f-reject-${a.id}`;
  const item = t(a.kind === 'cost' ? `translation:costs.${a.type}` : `translation:incomes.${a.type}`);
  const review = async (outcome: 'approve' | 'reject') => {
    try {
      await api(`${base}/adjustments/${a.id}/${outcome}`, {
        method: 'POST',
        ...(outcome === 'reject' ? { body: { note } } : {}),
      });
      setErrors([]);
      onDone();
    } catch (e) {
      setErrors(errorsFrom(e, { note: noteId }, noteId, t('errorGeneric')));
    }
  };
  const mayReview = actor.caseworker && a.status === 'awaiting-second' && !a.superseded && a.madeBy !== actor.subject;
  return (
    <Box as="li" padding="space-12" borderWidth="1" borderRadius="8">
      <VStack gap="space-8">
        <BodyShort weight="semibold">
          {t('adjust.summary', {
            version: a.calculationVersion,
            item: a.kind === 'income' ? `${item} (${personLabel(t, a.person)})` : item,
            from: a.from === null ? '–' : formatKronor(a.from),
            to: formatKronor(a.to),
          })}{' '}
          <Tag
            size="xsmall"
            variant={a.status === 'approved' ? 'success' : a.status === 'rejected' ? 'error' : 'warning'}
          >
            {t(`adjust.status.${a.status}`)}
          </Tag>
          {a.superseded ? (
            <Tag size="xsmall" variant="neutral" style={{ marginInlineStart: 4 }}>
              {t('adjust.superseded')}
            </Tag>
          ) : null}
        </BodyShort>
        <BodyShort size="small">
          {t('adjust.amounts', { before: formatKronor(a.previousAmount), after: formatKronor(a.amount) })} ·{' '}
          {t('adjust.madeBy', { who: a.madeBy, date: formatDateTime(a.madeAt) })}
        </BodyShort>
        <BodyLong>{t('calc.reason', { reason: a.reason })}</BodyLong>
        {a.approvedBy && a.needsSecond ? (
          <BodyShort size="small">{t('adjust.approvedBy', { who: a.approvedBy })}</BodyShort>
        ) : null}
        {a.rejectedBy ? (
          <BodyShort size="small">
            {t('adjust.rejectedBy', { who: a.rejectedBy, note: a.rejectionNote ?? '' })}
          </BodyShort>
        ) : null}
        {a.status === 'awaiting-second' && !a.superseded && a.madeBy === actor.subject ? (
          <Alert variant="info" size="small" inline>
            {t('adjust.waitingForOther')}
          </Alert>
        ) : null}
        {mayReview ? (
          <VStack gap="space-8">
            <FormErrors errors={errors} />
            <div>
              <Button type="button" size="small" onClick={() => void review('approve')}>
                {t('adjust.approve')}
              </Button>
            </div>
            <StaffForm
              onSubmit={() => review('reject')}
              submit={t('adjust.reject')}
              variant="secondary"
              size="small"
              gap="space-8"
            >
              <Textarea
                label={t('adjust.rejectNote')}
                description={t('adjust.rejectNoteHelp')}
                maxLength={2000}
                {...field(errors, noteId, note, setNote)}
              />
            </StaffForm>
          </VStack>
        ) : null}
      </VStack>
    </Box>
  );
}

export function Adjustments({
  adjustments,
  base,
  actor,
  onDone,
}: {
  adjustments: readonly Adjustment[];
  base: string;
  actor: Actor;
  onDone: () => void;
}) {
  const { t } = useTranslation(STAFF_NS);
  if (adjustments.length === 0) return <BodyShort>{t('adjust.none')}</BodyShort>;
  return (
    <VStack gap="space-8" as="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {[...adjustments].reverse().map((a) => (
        <AdjustmentRow key={a.id} a={a} base={base} actor={actor} onDone={onDone} />
      ))}
    </VStack>
  );
}

const FIELD_IDS = {
  kind: 'f-adj-kind',
  type: 'f-adj-type',
  person: 'f-adj-person',
  amount: 'f-adj-amount',
  reason: 'f-adj-reason',
  basedOnVersion: 'f-adj-type',
};

/** What the adjustment just made means: a new version, and whether a second caseworker must approve it. */
export function AdjustmentMade({ made }: { made: Adjustment }) {
  const { t } = useTranslation(STAFF_NS);
  return (
    <Alert variant={made.needsSecond ? 'warning' : 'success'}>
      {made.needsSecond
        ? t('adjust.madeNeedsSecond', { version: made.calculationVersion })
        : t('adjust.made', { version: made.calculationVersion })}
    </Alert>
  );
}

/** Adjust one cost or income of the latest version, with a reason; says when four eyes apply. */
export function AdjustForm({
  base,
  version,
  threshold,
  content,
  onDone,
}: {
  base: string;
  version: number;
  threshold: number;
  content: Content | null;
  /** Called with the adjustment made (the form may then give way to the four-eyes review). */
  onDone: (made: Adjustment) => void;
}) {
  const { t } = useTranslation([STAFF_NS, 'translation']);
  const [kind, setKind] = useState<'cost' | 'income'>('cost');
  const [type, setType] = useState('');
  const [person, setPerson] = useState('');
  const [amount, setAmount] = useState('');
  const [reason, setReason] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const key = useIdempotencyKey();
  const persons = [
    ...(content?.household?.adults ?? []).map((_, i) => `a${i}`),
    ...(content?.household?.children ?? []).map((_, i) => `c${i}`),
  ];
  const types = kind === 'cost' ? COST_TYPES : INCOME_TYPES;

  async function submit() {
    const shown: ShownError[] = [];
    if (type === '') shown.push({ id: FIELD_IDS.type, message: t('adjust.typeMissing') });
    const parsed = parseAmount(amount);
    if (!parsed.ok) shown.push({ id: FIELD_IDS.amount, message: t('adjust.amountInvalid') });
    if (reason.trim().length < 20) shown.push({ id: FIELD_IDS.reason, message: t('adjust.reasonShort') });
    setErrors(shown);
    if (shown.length > 0 || !parsed.ok) return;
    try {
      const a = await api<Adjustment>(`${base}/adjustments`, {
        method: 'POST',
        headers: key.headers(),
        body: {
          kind,
          type,
          ...(kind === 'income' && person !== '' ? { person } : {}),
          amount: parsed.value,
          reason,
          basedOnVersion: version,
        },
      });
      key.renew();
      setType('');
      setAmount('');
      setReason('');
      onDone(a);
    } catch (e) {
      // A definite answer: the next try is a new request. A lost connection keeps the key.
      if (e instanceof ApiError) key.renew();
      setErrors(errorsFrom(e, FIELD_IDS, FIELD_IDS.type, t('errorGeneric')));
    }
  }

  return (
    <StaffForm onSubmit={submit} errors={errors} submit={t('adjust.submit')} variant="secondary">
      <BodyShort>{t('adjust.fourEyes', { threshold: formatKronor(threshold), version })}</BodyShort>
      <RadioGroup
        id={FIELD_IDS.kind}
        legend={t('adjust.kind')}
        value={kind}
        onChange={(v: 'cost' | 'income') => {
          setKind(v);
          setType('');
        }}
      >
        <Radio value="cost">{t('adjust.cost')}</Radio>
        <Radio value="income">{t('adjust.income')}</Radio>
      </RadioGroup>
      <Select
        label={kind === 'cost' ? t('adjust.costType') : t('adjust.incomeType')}
        {...field(errors, FIELD_IDS.type, type, setType)}
      >
        <option value="">{t('adjust.choose')}</option>
        {types.map((x) => (
          <option key={x} value={x}>
            {t(kind === 'cost' ? `translation:costs.${x}` : `translation:incomes.${x}`)}
          </option>
        ))}
      </Select>
      {kind === 'income' ? (
        <Select label={t('adjust.person')} {...field(errors, FIELD_IDS.person, person, setPerson)}>
          <option value="">{personLabel(t, null)}</option>
          {persons.map((p) => (
            <option key={p} value={p}>
              {personLabel(t, p)}
            </option>
          ))}
        </Select>
      ) : null}
      <TextField
        label={t('adjust.amount')}
        description={t('adjust.amountHelp')}
        inputMode="decimal"
        autoComplete="off"
        htmlSize={12}
        {...field(errors, FIELD_IDS.amount, amount, setAmount)}
      />
      <Textarea
        label={t('adjust.reason')}
        description={t('adjust.reasonHelp')}
        maxLength={2000}
        {...field(errors, FIELD_IDS.reason, reason, setReason)}
      />
    </StaffForm>
  );
}
