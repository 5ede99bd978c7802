/** "Check your answers": every answer by section with a link to change it, then the attestation. */
import { ConfirmationPanel, FormSummary, VStack } from '@navikt/ds-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { Amount, Draft, Section, Step } from '../application-model';
import { STEP_PATH, amountNumber } from '../application-model';
import type { ShownError } from '../components';
import { formatKronor } from '../components';

type Answer = { label: string; value: string };

function money(a: Amount | undefined): string {
  const n = amountNumber(a);
  return n === undefined ? String(a ?? '') : formatKronor(n);
}

function answersOf(section: Section, d: Draft, t: TFunction): Answer[] {
  const adults = d.household?.adults ?? [];
  const person = (p: string | undefined) =>
    p === 'a1'
      ? t('apply.person.coApplicant')
      : p?.startsWith('c')
        ? t('apply.household.child', { n: Number(p.slice(1)) + 1 })
        : t('apply.person.me');
  switch (section) {
    case 'household':
      return [
        {
          label: t('apply.household.coApplicant'),
          value: adults.length > 1 ? `${t('common.yes')}: ${adults[1]?.name ?? ''}` : t('common.no'),
        },
        { label: t('apply.household.children'), value: String(d.household?.children?.length ?? 0) },
      ];
    case 'housing':
      return [
        {
          label: t('apply.housing.type'),
          value: d.residence?.type ? t(`apply.housing.types.${d.residence.type}`) : '',
        },
        ...(d.costs ?? []).map((c) => ({ label: t(`costs.${c.type}`), value: money(c.amount) })),
      ];
    case 'incomes':
      return (d.incomes ?? []).length === 0
        ? [{ label: t('apply.incomes.question'), value: t('common.no') }]
        : (d.incomes ?? []).map((i) => ({
            label: `${t(`incomes.${i.type}`)} (${person(i.person)})`,
            value: money(i.amount),
          }));
    case 'assets':
      return (d.assets ?? []).length === 0
        ? [{ label: t('apply.assets.question'), value: t('common.no') }]
        : (d.assets ?? []).map((a) => ({ label: t(`assets.${a.type}`), value: money(a.value) }));
    case 'work':
      return (d.labourMarket ?? []).map((l) => ({
        label: person(l.person),
        value: `${l.situation ? t(`apply.work.situations.${l.situation}`) : ''}${l.registeredAtArbetsformedlingen ? ` · ${t('apply.work.registeredShort')}` : ''}`,
      }));
    case 'payment':
      return [
        {
          label: t('apply.payment.account'),
          value: `${d.paymentAccount?.clearing ?? ''}-${d.paymentAccount?.account ?? ''}`,
        },
      ];
  }
}

const SECTION_ORDER: Section[] = ['household', 'housing', 'incomes', 'assets', 'work', 'payment'];

export function Review({
  draft,
  steps,
  onEdit,
  onChange,
  errors,
}: {
  draft: Draft;
  steps: Step[];
  onEdit: (s: Step) => void;
  onChange: (d: Draft) => void;
  errors: readonly ShownError[];
}) {
  const { t } = useTranslation();
  const att = draft.attestation ?? {};
  const setAtt = (patch: Partial<typeof att>) => onChange({ ...draft, attestation: { ...att, ...patch } });
  const errorOf = (id: string) => errors.find((e) => e.id === id)?.message;
  return (
    <VStack gap="space-24">
      {SECTION_ORDER.map((s) => (
        <FormSummary key={s}>
          <FormSummary.Header>
            <FormSummary.Heading level="2">{t(`apply.step.${s}`)}</FormSummary.Heading>
          </FormSummary.Header>
          <FormSummary.Answers>
            {answersOf(s, draft, t).map((a, i) => (
              <FormSummary.Answer key={i}>
                <FormSummary.Label>{a.label}</FormSummary.Label>
                <FormSummary.Value>{a.value || '–'}</FormSummary.Value>
              </FormSummary.Answer>
            ))}
          </FormSummary.Answers>
          <FormSummary.Footer>
            <FormSummary.EditLink
              href={`#${STEP_PATH[s]}`}
              onClick={(e) => {
                e.preventDefault();
                // A re-application's unchanged section becomes a step when the person wants to change it.
                if (!steps.includes(s))
                  onChange({ ...draft, ui: { ...draft.ui, changed: { ...draft.ui?.changed, [s]: true } } });
                onEdit(s);
              }}
            >
              {t('apply.edit', { section: t(`apply.step.${s}`) })}
            </FormSummary.EditLink>
          </FormSummary.Footer>
        </FormSummary>
      ))}
      <ConfirmationPanel
        id="f-attestation-truthful"
        checked={att.truthful === true}
        label={t('apply.attest.truthful')}
        error={errorOf('f-attestation-truthful')}
        onChange={(e) => setAtt({ truthful: e.target.checked })}
      >
        {t('apply.attest.truthfulText')}
      </ConfirmationPanel>
      <ConfirmationPanel
        id="f-attestation-informedAboutChecks"
        checked={att.informedAboutChecks === true}
        label={t('apply.attest.informed')}
        error={errorOf('f-attestation-informedAboutChecks')}
        onChange={(e) => setAtt({ informedAboutChecks: e.target.checked })}
      >
        {t('apply.attest.informedText')}
      </ConfirmationPanel>
    </VStack>
  );
}
