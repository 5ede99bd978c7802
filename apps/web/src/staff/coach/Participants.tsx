/**
 * The participants (/deltagare): everyone who has applied in the municipality (or one it hosts),
 * the latest application first, with their track — open, exited or reopened (applied again
 * within three months of the exit, which then does not count). People with protected identity
 * only for staff with the claim: the server leaves them out.
 */
import { Alert, BodyShort, HStack, Loader, Select, Table, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { api } from '../../api';
import { formatMonth, problemText } from '../../components';
import type { StaffSession } from '../gate';
import { lmBase } from './model';
import type { Summary } from './model';
import { ExitTag, MunicipalityChoice, TrackTag, day } from './parts';
import { NS } from './texts';

const FILTERS = ['all', 'open', 'exited', 'reopened'] as const;

export function Participants({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  const [params, setParams] = useSearchParams();
  const filter = (FILTERS as readonly string[]).includes(params.get('visa') ?? '') ? params.get('visa')! : 'all';
  const municipality = params.get('kommun') ?? session.municipality;
  const [data, setData] = useState<{ key: string; participants: readonly Summary[]; truncated: boolean }>();
  const [problem, setProblem] = useState<string>();
  const path = `${lmBase(municipality)}/participants${filter === 'all' ? '' : `?state=${filter}`}`;
  useEffect(() => {
    api<{ participants: Summary[]; truncated: boolean }>(path)
      .then((d) => {
        setData({ key: path, ...d });
        setProblem(undefined);
      })
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [path, t]);
  const set = (key: string, value: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set(key, value);
        return next;
      },
      { replace: true },
    );
  const rows = data?.key === path ? data.participants : undefined;
  return (
    <VStack gap="space-24">
      <HStack gap="space-16" align="end" wrap>
        <MunicipalityChoice own={session.municipality} value={municipality} onChange={(m) => set('kommun', m)} />
        <Select
          label={t('participants.show')}
          size="small"
          value={filter}
          onChange={(e) => set('visa', e.target.value)}
        >
          {FILTERS.map((f) => (
            <option key={f} value={f}>
              {t(`participants.filter.${f}`)}
            </option>
          ))}
        </Select>
      </HStack>
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {!rows && !problem ? <Loader title={t('loading')} /> : null}
      {rows && rows.length === 0 ? <BodyShort>{t('participants.empty')}</BodyShort> : null}
      {data?.truncated ? <Alert variant="info">{t('participants.truncated')}</Alert> : null}
      {rows && rows.length > 0 ? (
        <Table size="small">
          <caption className="visually-hidden">{t('participants.title')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('participants.col.name')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('participants.col.track')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('participants.col.latest')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('participants.col.lastExit')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('participants.col.measures')}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {rows.map((p) => (
              <Table.Row key={p.id}>
                <Table.HeaderCell scope="row">
                  <Link href={`/deltagare/${municipality}/${p.id}`}>{p.name ?? t('noName')}</Link>
                </Table.HeaderCell>
                <Table.DataCell>
                  <TrackTag state={p.track.state} />
                </Table.DataCell>
                <Table.DataCell>
                  {t('participants.latest', {
                    month: formatMonth(p.latestApplication.month),
                    date: day(p.latestApplication.submittedOn),
                  })}
                </Table.DataCell>
                <Table.DataCell>
                  {p.lastExit ? (
                    <HStack gap="space-8" align="center">
                      <span>
                        {t(`reason.${p.lastExit.reason}`)}, {day(p.lastExit.exitDate)}
                      </span>
                      <ExitTag exit={p.lastExit} />
                    </HStack>
                  ) : (
                    '–'
                  )}
                </Table.DataCell>
                <Table.DataCell>{p.ongoingMeasures}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      ) : null}
    </VStack>
  );
}
