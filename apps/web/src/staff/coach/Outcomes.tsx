/**
 * The outcome figures (/utfall): exits per month by reason, as they stand today. An exit voided
 * by an application within three months does not count and is shown apart; a counted exit whose
 * three months are not over is provisional. Counts only: no one is named.
 */
import { Alert, BodyLong, BodyShort, Table, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { formatMonth, problemText } from '../../components';
import type { StaffSession } from '../gate';
import { lmBase } from './model';
import type { MonthFigures, Outcomes as OutcomesData } from './model';
import { MunicipalityChoice } from './parts';
import { NS } from './texts';

function Cells({ f }: { f: MonthFigures }) {
  const { t } = useTranslation(NS);
  return (
    <>
      <Table.DataCell align="right">{f.counted.work}</Table.DataCell>
      <Table.DataCell align="right">{f.counted.studies}</Table.DataCell>
      <Table.DataCell align="right">{f.counted.other}</Table.DataCell>
      <Table.DataCell align="right">{f.total}</Table.DataCell>
      <Table.DataCell align="right">{f.provisional}</Table.DataCell>
      <Table.DataCell align="right">{f.voided}</Table.DataCell>
      <Table.DataCell align="right">
        {f.workOrStudiesPercent === null ? '–' : t('outcomes.percent', { value: f.workOrStudiesPercent })}
      </Table.DataCell>
    </>
  );
}

export function Outcomes({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const [municipality, setMunicipality] = useState(session.municipality);
  const [data, setData] = useState<OutcomesData>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    api<OutcomesData>(`${lmBase(municipality)}/outcomes`)
      .then((d) => {
        setData(d);
        setProblem(undefined);
      })
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [municipality, t]);
  const cols = ['work', 'studies', 'other', 'total', 'provisional', 'voided', 'share'] as const;
  return (
    <VStack gap="space-24">
      <BodyLong>{t('outcomes.lead')}</BodyLong>
      <MunicipalityChoice own={session.municipality} value={municipality} onChange={setMunicipality} />
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {data ? (
        <>
          <BodyShort>{t('outcomes.range', { from: formatMonth(data.from), to: formatMonth(data.to) })}</BodyShort>
          <Table size="small">
            <caption className="visually-hidden">{t('outcomes.caption')}</caption>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell scope="col">{t('outcomes.col.month')}</Table.HeaderCell>
                {cols.map((c) => (
                  <Table.HeaderCell key={c} scope="col" align="right">
                    {t(`outcomes.col.${c}`)}
                  </Table.HeaderCell>
                ))}
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {data.months.map((m) => (
                <Table.Row key={m.month}>
                  <Table.HeaderCell scope="row">{formatMonth(m.month)}</Table.HeaderCell>
                  <Cells f={m} />
                </Table.Row>
              ))}
              <Table.Row>
                <Table.HeaderCell scope="row">{t('outcomes.total')}</Table.HeaderCell>
                <Cells f={data.total} />
              </Table.Row>
            </Table.Body>
          </Table>
        </>
      ) : null}
    </VStack>
  );
}
