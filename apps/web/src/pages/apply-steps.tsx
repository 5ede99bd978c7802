/** The fields of each step of the application, and what each step checks before going on. */
import {
  BodyLong,
  BodyShort,
  Button,
  Checkbox,
  Fieldset,
  GuidePanel,
  Heading,
  Radio,
  RadioGroup,
  Select,
  Table,
  TextField,
  VStack,
} from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { api } from '../api';
import { formatDate, formatKronor, formatMonth } from '../components';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  ASSET_TYPES,
  COST_TYPES,
  INCOME_TYPES,
  RESIDENCE_TYPES,
  SECTIONS,
  SITUATIONS,
  amountText,
  normalizePersonnummer,
  parseAmount,
} from '../application-model';
import { withoutChild, withoutCoApplicant } from '../application-model';
import type { Amount, Draft, Section, Step } from '../application-model';
import type { ShownError } from '../components';

interface StepProps {
  readonly municipality: string;
  readonly draft: Draft;
  readonly onChange: (d: Draft) => void;
  readonly errors: readonly ShownError[];
}

const errorOf = (errors: readonly ShownError[], id: string) => errors.find((e) => e.id === id)?.message;
/** The main costs asked for directly; the rest are added as rows. */
const MAIN_COSTS = ['rent', 'electricity', 'homeInsurance'] as const;

function yesNo(t: TFunction, value: boolean | undefined): string | undefined {
  return value === undefined ? undefined : value ? 'yes' : 'no';
}

function AmountField({
  id,
  label,
  value,
  onChange,
  error,
  description,
}: {
  id: string;
  label: string;
  value: Amount | undefined;
  onChange: (a: Amount | undefined) => void;
  error: string | undefined;
  description?: string;
}) {
  return (
    <TextField
      id={id}
      label={label}
      description={description}
      inputMode="decimal"
      autoComplete="off"
      htmlSize={12}
      value={amountText(value)}
      error={error}
      onChange={(e) => onChange(e.target.value)}
    />
  );
}

function Household({ draft, onChange, errors }: StepProps) {
  const { t } = useTranslation();
  const adults = draft.household?.adults ?? [{}];
  const children = draft.household?.children ?? [];
  const coApplicant = draft.ui?.coApplicant ?? (adults.length > 1 ? true : undefined);
  const set = (h: Partial<NonNullable<Draft['household']>>, ui?: Partial<NonNullable<Draft['ui']>>) =>
    onChange({ ...draft, household: { ...draft.household, adults, children, ...h }, ui: { ...draft.ui, ...ui } });
  return (
    <VStack gap="space-24">
      <RadioGroup
        id="f-ui-coApplicant"
        legend={t('apply.household.coApplicant')}
        description={t('apply.household.coApplicantHelp')}
        value={yesNo(t, coApplicant) ?? ''}
        error={errorOf(errors, 'f-ui-coApplicant')}
        onChange={(v: string) => {
          if (v === 'yes') set({ adults: [adults[0]!, adults[1] ?? {}] }, { coApplicant: true });
          else onChange(withoutCoApplicant({ ...draft, ui: { ...draft.ui, coApplicant: false } }));
        }}
      >
        <Radio value="yes">{t('common.yes')}</Radio>
        <Radio value="no">{t('common.no')}</Radio>
      </RadioGroup>
      {coApplicant ? (
        <Fieldset legend={t('apply.household.coApplicantTitle')}>
          <TextField
            id="f-household-adults-1-name"
            label={t('apply.household.name')}
            autoComplete="off"
            value={adults[1]?.name ?? ''}
            error={errorOf(errors, 'f-household-adults-1-name')}
            onChange={(e) => set({ adults: [adults[0]!, { ...adults[1], name: e.target.value }] })}
          />
          <TextField
            id="f-household-adults-1-personnummer"
            label={t('apply.household.personnummer')}
            description={t('apply.household.personnummerHelp')}
            inputMode="numeric"
            autoComplete="off"
            htmlSize={16}
            value={adults[1]?.personnummer ?? ''}
            error={errorOf(errors, 'f-household-adults-1-personnummer')}
            onChange={(e) => set({ adults: [adults[0]!, { ...adults[1], personnummer: e.target.value }] })}
          />
        </Fieldset>
      ) : null}
      <Fieldset legend={t('apply.household.children')} description={t('apply.household.childrenHelp')}>
        <VStack gap="space-16">
          {children.map((c, i) => (
            <Fieldset key={i} legend={t('apply.household.child', { n: i + 1 })}>
              <TextField
                id={`f-household-children-${i}-personnummer`}
                label={t('apply.household.personnummer')}
                description={t('apply.household.personnummerHelp')}
                inputMode="numeric"
                autoComplete="off"
                htmlSize={16}
                value={c.personnummer ?? ''}
                error={errorOf(errors, `f-household-children-${i}-personnummer`)}
                onChange={(e) =>
                  set({ children: children.map((x, j) => (j === i ? { ...x, personnummer: e.target.value } : x)) })
                }
              />
              <Checkbox
                checked={c.lunchAtHome === false}
                onChange={(e) =>
                  set({ children: children.map((x, j) => (j === i ? { ...x, lunchAtHome: !e.target.checked } : x)) })
                }
              >
                {t('apply.household.lunchAtSchool')}
              </Checkbox>
              <Button type="button" variant="tertiary" size="small" onClick={() => onChange(withoutChild(draft, i))}>
                {t('apply.household.removeChild', { n: i + 1 })}
              </Button>
            </Fieldset>
          ))}
          <div>
            <Button
              type="button"
              variant="secondary"
              size="small"
              onClick={() => set({ children: [...children, { lunchAtHome: true }] })}
            >
              {t('apply.household.addChild')}
            </Button>
          </div>
        </VStack>
      </Fieldset>
    </VStack>
  );
}

function Housing({ draft, onChange, errors }: StepProps) {
  const { t } = useTranslation();
  const costs = draft.costs ?? [];
  const setCost = (type: string, amount: Amount | undefined) => {
    const rest = costs.filter((c) => c.type !== type);
    // An emptied main cost is no cost; an added one keeps its field until removed.
    onChange({
      ...draft,
      costs:
        amount === undefined
          ? rest
          : [...rest, { type, amount }].sort(
              (a, b) => COST_TYPES.indexOf(a.type as never) - COST_TYPES.indexOf(b.type as never),
            ),
    });
  };
  const costIndex = (type: string) => costs.findIndex((c) => c.type === type);
  return (
    <VStack gap="space-24">
      <RadioGroup
        id="f-residence-type"
        legend={t('apply.housing.type')}
        value={draft.residence?.type ?? ''}
        error={errorOf(errors, 'f-residence-type')}
        onChange={(v: string) => onChange({ ...draft, residence: { ...draft.residence, type: v } })}
      >
        {RESIDENCE_TYPES.map((r) => (
          <Radio key={r} value={r}>
            {t(`apply.housing.types.${r}`)}
          </Radio>
        ))}
      </RadioGroup>
      <Fieldset legend={t('apply.housing.costs')} description={t('apply.housing.costsHelp')}>
        <VStack gap="space-16">
          {COST_TYPES.map((type) => {
            const i = costIndex(type);
            const shown = (MAIN_COSTS as readonly string[]).includes(type) || i >= 0;
            if (!shown) return null;
            const id = i >= 0 ? `f-costs-${i}-amount` : `f-cost-${type}`;
            return (
              <AmountField
                key={type}
                id={id}
                label={t(`costs.${type}`)}
                value={i >= 0 ? costs[i]!.amount : undefined}
                error={errorOf(errors, id)}
                onChange={(a) => setCost(type, a)}
              />
            );
          })}
          <Select
            label={t('apply.housing.addCost')}
            value=""
            onChange={(e) => {
              if (e.target.value) setCost(e.target.value, '');
            }}
          >
            <option value="">{t('apply.housing.chooseCost')}</option>
            {COST_TYPES.filter((c) => costIndex(c) < 0 && !(MAIN_COSTS as readonly string[]).includes(c)).map((c) => (
              <option key={c} value={c}>
                {t(`costs.${c}`)}
              </option>
            ))}
          </Select>
        </VStack>
      </Fieldset>
    </VStack>
  );
}

function personOptions(t: TFunction, draft: Draft): { value: string; label: string }[] {
  const adults = draft.household?.adults ?? [{}];
  const children = draft.household?.children ?? [];
  return [
    { value: 'a0', label: t('apply.person.me') },
    ...(adults.length > 1 ? [{ value: 'a1', label: t('apply.person.coApplicant') }] : []),
    ...children.map((_, i) => ({ value: `c${i}`, label: t('apply.household.child', { n: i + 1 }) })),
  ];
}

function Rows({ kind, draft, onChange, errors }: StepProps & { kind: 'incomes' | 'assets' }) {
  const { t } = useTranslation();
  const rows = (kind === 'incomes' ? draft.incomes : draft.assets) ?? [];
  const types = kind === 'incomes' ? INCOME_TYPES : ASSET_TYPES;
  const flag = kind === 'incomes' ? 'hasIncome' : 'hasAssets';
  const has = draft.ui?.[flag] ?? (rows.length > 0 ? true : undefined);
  const setRows = (next: typeof rows, ui?: Partial<NonNullable<Draft['ui']>>) =>
    onChange({ ...draft, [kind]: next, ui: { ...draft.ui, ...ui } });
  const amountKey = kind === 'incomes' ? 'amount' : 'value';
  return (
    <VStack gap="space-24">
      <RadioGroup
        id={`f-ui-${flag}`}
        legend={t(`apply.${kind}.question`)}
        description={t(`apply.${kind}.help`)}
        value={yesNo(t, has) ?? ''}
        error={errorOf(errors, `f-ui-${flag}`)}
        onChange={(v: string) =>
          setRows(
            v === 'yes'
              ? rows.length
                ? rows
                : ([
                    kind === 'incomes' ? { type: '', person: 'a0', amount: '' } : { type: '', value: '' },
                  ] as typeof rows)
              : [],
            { [flag]: v === 'yes' },
          )
        }
      >
        <Radio value="yes">{t('common.yes')}</Radio>
        <Radio value="no">{t('common.no')}</Radio>
      </RadioGroup>
      {has
        ? rows.map((row, i) => {
            const r = row as { type: string; person?: string; amount?: Amount; value?: Amount };
            const update = (patch: Partial<typeof r>) =>
              setRows(rows.map((x, j) => (j === i ? { ...x, ...patch } : x)) as typeof rows);
            return (
              <Fieldset key={i} legend={t(`apply.${kind}.row`, { n: i + 1 })}>
                <VStack gap="space-12">
                  <Select
                    id={`f-${kind}-${i}-type`}
                    label={t(`apply.${kind}.type`)}
                    value={r.type}
                    error={errorOf(errors, `f-${kind}-${i}-type`)}
                    onChange={(e) => update({ type: e.target.value })}
                  >
                    <option value="">{t('apply.choose')}</option>
                    {types.map((ty) => (
                      <option key={ty} value={ty}>
                        {t(`${kind}.${ty}`)}
                      </option>
                    ))}
                  </Select>
                  {kind === 'incomes' ? (
                    <Select
                      id={`f-incomes-${i}-person`}
                      label={t('apply.incomes.whose')}
                      value={r.person ?? 'a0'}
                      onChange={(e) => update({ person: e.target.value })}
                    >
                      {personOptions(t, draft).map((p) => (
                        <option key={p.value} value={p.value}>
                          {p.label}
                        </option>
                      ))}
                    </Select>
                  ) : null}
                  <AmountField
                    id={`f-${kind}-${i}-${amountKey}`}
                    label={t(`apply.${kind}.amount`)}
                    value={r[amountKey]}
                    error={errorOf(errors, `f-${kind}-${i}-${amountKey}`)}
                    onChange={(a) => update({ [amountKey]: a ?? '' })}
                  />
                  <div>
                    <Button
                      type="button"
                      variant="tertiary"
                      size="small"
                      onClick={() => setRows(rows.filter((_, j) => j !== i) as typeof rows)}
                    >
                      {t(`apply.${kind}.remove`, { n: i + 1 })}
                    </Button>
                  </div>
                </VStack>
              </Fieldset>
            );
          })
        : null}
      {has ? (
        <div>
          <Button
            type="button"
            variant="secondary"
            size="small"
            onClick={() =>
              setRows([
                ...rows,
                kind === 'incomes' ? { type: '', person: 'a0', amount: '' } : { type: '', value: '' },
              ] as typeof rows)
            }
          >
            {t(`apply.${kind}.add`)}
          </Button>
        </div>
      ) : null}
    </VStack>
  );
}

function Work({ draft, onChange, errors }: StepProps) {
  const { t } = useTranslation();
  const adults = draft.household?.adults ?? [{}];
  const rows = adults.map((_, i) => draft.labourMarket?.find((l) => l.person === `a${i}`) ?? { person: `a${i}` });
  const update = (i: number, patch: Partial<(typeof rows)[number]>) =>
    onChange({ ...draft, labourMarket: rows.map((r, j) => (j === i ? { ...r, ...patch } : r)) });
  return (
    <VStack gap="space-32">
      {rows.map((r, i) => (
        <Fieldset
          key={r.person}
          legend={i === 0 ? t('apply.work.me') : t('apply.work.coApplicant')}
          hideLegend={adults.length === 1}
        >
          <VStack gap="space-16">
            <RadioGroup
              id={`f-labourMarket-${i}-situation`}
              legend={t('apply.work.situation')}
              value={r.situation ?? ''}
              error={errorOf(errors, `f-labourMarket-${i}-situation`)}
              onChange={(v: string) => update(i, { situation: v })}
            >
              {SITUATIONS.map((s) => (
                <Radio key={s} value={s}>
                  {t(`apply.work.situations.${s}`)}
                </Radio>
              ))}
            </RadioGroup>
            <RadioGroup
              id={`f-labourMarket-${i}-registeredAtArbetsformedlingen`}
              legend={t('apply.work.registered')}
              value={yesNo(t, r.registeredAtArbetsformedlingen) ?? ''}
              error={errorOf(errors, `f-labourMarket-${i}-registeredAtArbetsformedlingen`)}
              onChange={(v: string) => update(i, { registeredAtArbetsformedlingen: v === 'yes' })}
            >
              <Radio value="yes">{t('common.yes')}</Radio>
              <Radio value="no">{t('common.no')}</Radio>
            </RadioGroup>
          </VStack>
        </Fieldset>
      ))}
    </VStack>
  );
}

function Payment({ draft, onChange, errors }: StepProps) {
  const { t } = useTranslation();
  const account = draft.paymentAccount ?? {};
  const set = (patch: Partial<typeof account>) => onChange({ ...draft, paymentAccount: { ...account, ...patch } });
  const two = (draft.household?.adults?.length ?? 1) > 1;
  return (
    <VStack gap="space-16">
      <TextField
        id="f-paymentAccount-clearing"
        label={t('apply.payment.clearing')}
        description={t('apply.payment.clearingHelp')}
        inputMode="numeric"
        autoComplete="off"
        htmlSize={8}
        value={account.clearing ?? ''}
        error={errorOf(errors, 'f-paymentAccount-clearing')}
        onChange={(e) => set({ clearing: e.target.value.replace(/[\s-]/g, '') })}
      />
      <TextField
        id="f-paymentAccount-account"
        label={t('apply.payment.account')}
        inputMode="numeric"
        autoComplete="off"
        htmlSize={16}
        value={account.account ?? ''}
        error={errorOf(errors, 'f-paymentAccount-account')}
        onChange={(e) => set({ account: e.target.value.replace(/[\s-]/g, '') })}
      />
      {two ? (
        <RadioGroup
          id="f-paymentAccount-holder"
          legend={t('apply.payment.holder')}
          value={account.holder ?? 'a0'}
          error={errorOf(errors, 'f-paymentAccount-holder')}
          onChange={(v: 'a0' | 'a1') => set({ holder: v })}
        >
          <Radio value="a0">{t('apply.person.me')}</Radio>
          <Radio value="a1">{t('apply.person.coApplicant')}</Radio>
        </RadioGroup>
      ) : null}
    </VStack>
  );
}

interface AuthorityIncome {
  readonly source: string;
  readonly fetchedAt: string;
  readonly person: string;
  readonly type: string;
  readonly month: string;
  readonly amount: number;
}

/** What the authorities reported for the last application, each with its source and when it was fetched. */
function KnownFromAuthorities({ municipality }: { municipality: string }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<readonly AuthorityIncome[]>();
  useEffect(() => {
    api<{ authorities: AuthorityIncome[] }>(`/api/v1/municipalities/${municipality}/applications/prefill`)
      .then((p) => setRows(p.authorities))
      .catch(() => setRows([]));
  }, [municipality]);
  if (!rows) return null;
  return (
    <GuidePanel>
      <Heading level="2" size="small" spacing>
        {t('apply.known.title')}
      </Heading>
      <BodyLong spacing>{t('apply.known.lead')}</BodyLong>
      {rows.length === 0 ? (
        <BodyShort>{t('apply.known.none')}</BodyShort>
      ) : (
        <Table size="small">
          <caption className="visually-hidden">{t('apply.known.title')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('apply.known.source')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('apply.known.what')}</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">
                {t('case.amount')}
              </Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {rows.map((r, i) => (
              <Table.Row key={i}>
                <Table.DataCell>
                  {t(`sources.${r.source}`)}
                  <BodyShort size="small">{t('apply.known.fetched', { date: formatDate(r.fetchedAt) })}</BodyShort>
                </Table.DataCell>
                <Table.DataCell>
                  {t(`incomes.${r.type}`)}, {formatMonth(r.month)}
                </Table.DataCell>
                <Table.DataCell align="right" className="amount">
                  {formatKronor(r.amount)}
                </Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </GuidePanel>
  );
}

/** A re-application: what we already know, then one question per section, whether it changed since last time. */
function Changes({ draft, onChange, errors, municipality }: StepProps) {
  const { t } = useTranslation();
  const changed = draft.ui?.changed ?? {};
  return (
    <VStack gap="space-24">
      <KnownFromAuthorities municipality={municipality} />
      {SECTIONS.map((s) => (
        <RadioGroup
          key={s}
          id={`f-ui-changed-${s}`}
          legend={t(`apply.changes.${s}`)}
          value={changed[s] === undefined ? '' : changed[s] ? 'yes' : 'no'}
          error={errorOf(errors, `f-ui-changed-${s}`)}
          onChange={(v: string) =>
            onChange({ ...draft, ui: { ...draft.ui, changed: { ...changed, [s]: v === 'yes' } } })
          }
        >
          <Radio value="no">{t('apply.changes.same')}</Radio>
          <Radio value="yes">{t('apply.changes.changed')}</Radio>
        </RadioGroup>
      ))}
    </VStack>
  );
}

export function StepFields({ step, ...props }: StepProps & { step: Exclude<Step, 'review'> }) {
  switch (step) {
    case 'changes':
      return <Changes {...props} />;
    case 'household':
      return <Household {...props} />;
    case 'housing':
      return <Housing {...props} />;
    case 'incomes':
      return <Rows kind="incomes" {...props} />;
    case 'assets':
      return <Rows kind="assets" {...props} />;
    case 'work':
      return <Work {...props} />;
    case 'payment':
      return <Payment {...props} />;
  }
}

function amountError(t: TFunction, value: Amount | undefined, id: string, out: ShownError[]) {
  if (typeof value === 'number') return;
  const p = parseAmount(value ?? '');
  if (!p.ok) out.push({ id, message: t(`errors.amount.${p.problem}`) });
}

/** What a step checks before going on; the messages name the field in the chosen language. */
export function validateStep(step: Step, draft: Draft, t: TFunction): ShownError[] {
  const out: ShownError[] = [];
  const adults = draft.household?.adults ?? [];
  switch (step) {
    case 'changes':
      for (const s of SECTIONS as readonly Section[])
        if (draft.ui?.changed?.[s] === undefined)
          out.push({ id: `f-ui-changed-${s}`, message: t('errors.answer', { question: t(`apply.changes.${s}`) }) });
      break;
    case 'household': {
      if (draft.ui?.coApplicant === undefined && adults.length < 2)
        out.push({
          id: 'f-ui-coApplicant',
          message: t('errors.answer', { question: t('apply.household.coApplicant') }),
        });
      if (adults.length > 1) {
        if (!adults[1]?.name?.trim())
          out.push({ id: 'f-household-adults-1-name', message: t('errors.coApplicantName') });
        if (!normalizePersonnummer(adults[1]?.personnummer ?? ''))
          out.push({ id: 'f-household-adults-1-personnummer', message: t('errors.personnummer') });
      }
      (draft.household?.children ?? []).forEach((c, i) => {
        if (!normalizePersonnummer(c.personnummer ?? ''))
          out.push({
            id: `f-household-children-${i}-personnummer`,
            message: t('errors.childPersonnummer', { n: i + 1 }),
          });
      });
      break;
    }
    case 'housing':
      if (!draft.residence?.type) out.push({ id: 'f-residence-type', message: t('errors.residence') });
      (draft.costs ?? []).forEach((c, i) => amountError(t, c.amount, `f-costs-${i}-amount`, out));
      break;
    case 'incomes':
    case 'assets': {
      const rows = (step === 'incomes' ? draft.incomes : draft.assets) ?? [];
      const flag = step === 'incomes' ? 'hasIncome' : 'hasAssets';
      if ((draft.ui?.[flag] ?? (rows.length > 0 ? true : undefined)) === undefined)
        out.push({ id: `f-ui-${flag}`, message: t('errors.answer', { question: t(`apply.${step}.question`) }) });
      rows.forEach((r, i) => {
        if (!r.type) out.push({ id: `f-${step}-${i}-type`, message: t('errors.rowType', { n: i + 1 }) });
        const key = step === 'incomes' ? 'amount' : 'value';
        amountError(t, (r as Record<string, Amount>)[key], `f-${step}-${i}-${key}`, out);
      });
      break;
    }
    case 'work':
      adults.forEach((_, i) => {
        const r = draft.labourMarket?.find((l) => l.person === `a${i}`);
        if (!r?.situation) out.push({ id: `f-labourMarket-${i}-situation`, message: t('errors.situation') });
        if (r?.registeredAtArbetsformedlingen === undefined)
          out.push({ id: `f-labourMarket-${i}-registeredAtArbetsformedlingen`, message: t('errors.registered') });
      });
      break;
    case 'payment':
      if (!/^\d{4,5}$/.test(draft.paymentAccount?.clearing ?? ''))
        out.push({ id: 'f-paymentAccount-clearing', message: t('errors.clearing') });
      if (!/^\d{6,12}$/.test(draft.paymentAccount?.account ?? ''))
        out.push({ id: 'f-paymentAccount-account', message: t('errors.account') });
      break;
    case 'review':
      if (draft.attestation?.truthful !== true)
        out.push({ id: 'f-attestation-truthful', message: t('errors.truthful') });
      if (draft.attestation?.informedAboutChecks !== true)
        out.push({ id: 'f-attestation-informedAboutChecks', message: t('errors.informed') });
      break;
  }
  return out;
}
