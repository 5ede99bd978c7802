/**
 * The caseworker's queues (/personal): cases that need a person, proposals to approve, cases
 * waiting for the applicant, late ones; oldest first, with why. Keyboard: j/k move between
 * cases, Enter opens.
 */
import { Alert, BodyShort, Loader, Table, Tabs, Tag, VStack } from '@navikt/ds-react';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { api } from '../api';
import { PageHeading, formatKronor, formatMonth, problemText } from '../components';
import { RequireStaff, pick } from './gate';
import { STAFF_NS } from './texts';

const QUEUES = ['needs-person', 'proposals', 'waiting-applicant', 'late'] as const;

interface Item {
  readonly id: string;
  readonly municipality: string;
  readonly kind: string;
  readonly month: string;
  readonly flags: readonly { check: string; text: unknown }[];
  readonly proposal: { outcome: string; amount: number } | null;
  readonly assignedTo: { name: string | null } | null;
}

function QueueTable({ municipality, queue }: { municipality: string; queue: string }) {
  const { t, i18n } = useTranslation([STAFF_NS, 'translation']);
  const [items, setItems] = useState<readonly Item[]>();
  const [problem, setProblem] = useState<string>();
  const table = useRef<HTMLTableElement>(null);
  useEffect(() => {
    api<{ items: Item[] }>(`/api/v1/municipalities/${municipality}/queues/${queue}`)
      .then((r) => setItems(r.items))
      .catch((e: unknown) => setProblem(problemText(e, '…')));
  }, [municipality, queue]);

  // j / k move focus between the cases' links.
  function onKeyDown(e: React.KeyboardEvent) {
    if (e.key !== 'j' && e.key !== 'k') return;
    const links = [...(table.current?.querySelectorAll<HTMLAnchorElement>('a[data-case]') ?? [])];
    const at = links.indexOf(document.activeElement as HTMLAnchorElement);
    const next = links[Math.max(0, Math.min(links.length - 1, at + (e.key === 'j' ? 1 : -1)))];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  }

  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!items) return <Loader title="…" />;
  if (items.length === 0) return <BodyShort>{t('queueEmpty')}</BodyShort>;
  return (
    <div onKeyDown={onKeyDown}>
      <BodyShort size="small" spacing>
        {t('shortcuts')}
      </BodyShort>
      <Table ref={table} size="small">
        <caption className="visually-hidden">{t(`queues.${queue}`)}</caption>
        <Table.Header>
          <Table.Row>
            <Table.HeaderCell scope="col">{t('col.case')}</Table.HeaderCell>
            <Table.HeaderCell scope="col">{t('col.why')}</Table.HeaderCell>
            <Table.HeaderCell scope="col" align="right">
              {t('col.proposal')}
            </Table.HeaderCell>
            <Table.HeaderCell scope="col">{t('col.assigned')}</Table.HeaderCell>
          </Table.Row>
        </Table.Header>
        <Table.Body>
          {items.map((it, n) => (
            <Table.Row key={it.id}>
              <Table.DataCell>
                <Link
                  href={`/personal/arende/${it.municipality}/${it.id}`}
                  data-case=""
                  aria-label={t('open', { n: n + 1 })}
                >
                  {t('month', { kind: t(`translation:kind.${it.kind}`), month: formatMonth(it.month) })}
                </Link>
              </Table.DataCell>
              <Table.DataCell>
                {it.flags.map((f) => {
                  const p = pick(f.text, i18n.language);
                  return (
                    <Tag key={f.check} variant="warning" size="xsmall" lang={p.lang} style={{ marginInlineEnd: 4 }}>
                      {p.text}
                    </Tag>
                  );
                })}
              </Table.DataCell>
              <Table.DataCell align="right" className="amount">
                {it.proposal ? formatKronor(it.proposal.amount) : '–'}
              </Table.DataCell>
              <Table.DataCell>{it.assignedTo ? (it.assignedTo.name ?? '–') : t('unassigned')}</Table.DataCell>
            </Table.Row>
          ))}
        </Table.Body>
      </Table>
    </div>
  );
}

export default function Queues() {
  const { t } = useTranslation(STAFF_NS);
  const [queue, setQueue] = useState<string>('needs-person');
  return (
    <RequireStaff>
      {(s) => (
        <VStack gap="space-24">
          <PageHeading title={t('title')}>{t('title')}</PageHeading>
          <Tabs value={queue} onChange={setQueue}>
            <Tabs.List>
              {QUEUES.map((q) => (
                <Tabs.Tab key={q} value={q} label={t(`queues.${q}`)} />
              ))}
            </Tabs.List>
            {QUEUES.map((q) => (
              <Tabs.Panel key={q} value={q}>
                {q === queue ? <QueueTable municipality={s.municipality} queue={q} /> : null}
              </Tabs.Panel>
            ))}
          </Tabs>
        </VStack>
      )}
    </RequireStaff>
  );
}
