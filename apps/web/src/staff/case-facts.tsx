/**
 * The facts of a case, readable: the applicant's answers as submitted (and the corrected form, if
 * the applicant sent one), and the authorities' data with source and time, each person named as
 * in the form (the applicant, the co-applicant, child 2) rather than by identity number.
 */
import { BodyShort, Heading, Table, VStack } from '@navikt/ds-react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatKronor, formatMonth } from '../components';
import { personLabel } from './case-model';
import type { Content, Evidence } from './case-model';
import { STAFF_NS } from './texts';

type Row = { readonly key: string; readonly label: string; readonly value: string };

function FactTable({ caption, rows }: { caption: string; rows: readonly Row[] }) {
  const { t } = useTranslation(STAFF_NS);
  return (
    <Table size="small">
      <caption className="visually-hidden">{caption}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{t('facts.what')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('facts.value')}</Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {rows.map((r) => (
          <Table.Row key={r.key}>
            <Table.HeaderCell scope="row">{r.label}</Table.HeaderCell>
            <Table.DataCell>{r.value}</Table.DataCell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

function answers(c: Content, t: TFunction): Row[] {
  const adults = c.household?.adults ?? [];
  const children = c.household?.children ?? [];
  const yesNo = (b: boolean | undefined) => t(b ? 'staff:facts.yes' : 'staff:facts.no');
  return [
    ...adults.map((a, i) => ({
      key: `adult-${i}`,
      label: personLabel(t, `a${i}`),
      value: [a.name, a.personnummer].filter(Boolean).join(', '),
    })),
    ...children.map((ch, i) => ({
      key: `child-${i}`,
      label: personLabel(t, `c${i}`),
      value: `${ch.personnummer ?? ''}${ch.lunchAtHome === false ? ` · ${t('staff:facts.lunchAtSchool')}` : ''}`,
    })),
    {
      key: 'residence',
      label: t('staff:facts.residence'),
      value: c.residence?.type ? t(`translation:apply.housing.types.${c.residence.type}`) : '–',
    },
    ...(c.costs ?? []).map((x, i) => ({
      key: `cost-${i}`,
      label: t('staff:facts.cost', { type: t(`translation:costs.${x.type}`) }),
      value: formatKronor(x.amount),
    })),
    ...((c.incomes ?? []).length === 0
      ? [{ key: 'incomes', label: t('staff:facts.incomes'), value: t('staff:facts.none') }]
      : (c.incomes ?? []).map((x, i) => ({
          key: `income-${i}`,
          label: t('staff:facts.income', {
            type: t(`translation:incomes.${x.type}`),
            person: personLabel(t, x.person),
          }),
          value: formatKronor(x.amount),
        }))),
    ...((c.assets ?? []).length === 0
      ? [{ key: 'assets', label: t('staff:facts.assets'), value: t('staff:facts.none') }]
      : (c.assets ?? []).map((x, i) => ({
          key: `asset-${i}`,
          label: t('staff:facts.asset', { type: t(`translation:assets.${x.type}`) }),
          value: formatKronor(x.value),
        }))),
    ...(c.labourMarket ?? []).map((l, i) => ({
      key: `work-${i}`,
      label: t('staff:facts.work', { person: personLabel(t, l.person) }),
      value: `${l.situation ? t(`translation:apply.work.situations.${l.situation}`) : '–'} · ${t(
        'staff:facts.registered',
        { answer: yesNo(l.registeredAtArbetsformedlingen) },
      )}`,
    })),
    {
      key: 'account',
      label: t('staff:facts.account'),
      value: `${c.paymentAccount?.clearing ?? ''}-${c.paymentAccount?.account ?? ''}`,
    },
  ];
}

/** The answers as submitted; the corrected form beside them when the applicant sent one. */
export function Snapshot({ snapshot, current }: { snapshot: Content | null; current: Content | null }) {
  const { t } = useTranslation([STAFF_NS, 'translation']);
  if (!snapshot) return <BodyShort>–</BodyShort>;
  const corrected = current !== null && JSON.stringify(current) !== JSON.stringify(snapshot);
  return (
    <VStack gap="space-16">
      <FactTable caption={t('facts.submitted')} rows={answers(snapshot, t)} />
      {corrected && current ? (
        <>
          <Heading level="3" size="small">
            {t('facts.corrected')}
          </Heading>
          <FactTable caption={t('facts.corrected')} rows={answers(current, t)} />
        </>
      ) : null}
    </VStack>
  );
}

/** Who an identity number is, in the form's words; someone only in the register is said so. */
function whoIn(content: Content | null, t: TFunction): (personnummer: string) => string {
  const adults = content?.household?.adults ?? [];
  const children = content?.household?.children ?? [];
  return (pnr) => {
    const a = adults.findIndex((x) => x.personnummer === pnr);
    if (a >= 0) return personLabel(t, `a${a}`);
    const c = children.findIndex((x) => x.personnummer === pnr);
    if (c >= 0) return personLabel(t, `c${c}`);
    return t('staff:facts.notInForm');
  };
}

function evidenceRows(e: Evidence, who: (p: string) => string, t: TFunction): Row[] {
  const d = e.data;
  const yesNo = (b: boolean) => t(b ? 'staff:facts.yes' : 'staff:facts.no');
  return [
    ...(d.register
      ? [
          {
            key: 'members',
            label: t('staff:facts.registeredAtAddress'),
            value: d.register.members.map((m) => who(m.personnummer)).join(', ') || '–',
          },
          { key: 'code', label: t('staff:facts.municipalityCode'), value: d.register.municipalityCode || '–' },
          { key: 'protected', label: t('staff:facts.protectedIdentity'), value: yesNo(d.register.protectedIdentity) },
        ]
      : []),
    ...(d.incomes ?? []).map((x, i) => ({
      key: `income-${i}`,
      label: t('staff:facts.evidenceIncome', {
        type: t(`translation:incomes.${x.type}`),
        person: who(x.personnummer),
        month: formatMonth(x.month),
      }),
      value: formatKronor(x.amountOre / 100),
    })),
    ...(d.registered ?? []).map((x, i) => ({
      key: `af-${i}`,
      label: t('staff:facts.jobseeker', { person: who(x.personnummer) }),
      value: yesNo(x.registered),
    })),
    ...(d.studying ?? []).map((p, i) => ({
      key: `study-${i}`,
      label: t('staff:facts.studying', { person: who(p) }),
      value: t('staff:facts.yes'),
    })),
    ...(d.vehicles ?? []).map((x, i) => ({
      key: `vehicle-${i}`,
      label: t('staff:facts.vehicle', { person: who(x.personnummer) }),
      value: formatKronor(x.valueOre / 100),
    })),
    ...(d.pending ?? []).map((x, i) => ({
      key: `pending-${i}`,
      label: t('staff:facts.pending', { person: who(x.personnummer) }),
      value: x.type,
    })),
  ];
}

/** The authorities' data, one source at a time, with when it was fetched. */
export function EvidenceList({ evidence, content }: { evidence: readonly Evidence[]; content: Content | null }) {
  const { t } = useTranslation([STAFF_NS, 'translation']);
  const who = whoIn(content, t);
  if (evidence.length === 0) return <BodyShort>{t('facts.noEvidence')}</BodyShort>;
  return (
    <VStack gap="space-16">
      {evidence.map((e) => {
        const rows = evidenceRows(e, who, t);
        const title = t('case.fetched', {
          source: t(`translation:sources.${e.source}`),
          date: formatDateTime(e.fetchedAt),
        });
        return (
          <VStack gap="space-4" key={e.source}>
            <Heading level="3" size="xsmall">
              {title}
            </Heading>
            {e.data.partial ? <BodyShort>{t('facts.partial')}</BodyShort> : null}
            {rows.length === 0 ? (
              <BodyShort>{t('facts.nothingReported')}</BodyShort>
            ) : (
              <FactTable caption={title} rows={rows} />
            )}
          </VStack>
        );
      })}
    </VStack>
  );
}
