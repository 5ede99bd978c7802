/**
 * The caseworker's queues (/personal): cases that need a person (with their flags), proposals to
 * approve, cases waiting for the applicant, late ones, appeals and sample checks; oldest first,
 * with why. Staff of a host municipality choose their own or a partner's cases. Late cases are
 * announced at the top. Keyboard (never while typing in a field): j and k move between cases,
 * Enter opens, t takes the case in focus, ? shows the shortcuts. The tab, municipality and filter
 * are in the address, so "back" returns to the same queue.
 */
import { Alert, BodyShort, Button, HStack, Loader, Modal, Select, Table, Tabs, Tag, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'wouter';
import { ApiError, api } from '../api';
import { PageHeading, formatDate, formatDateTime, formatKronor, formatMonth, problemText } from '../components';
import { RequireStaff, pick } from './gate';
import type { StaffSession } from './gate';
import { STAFF_NS } from './texts';

const CASE_QUEUES = ['needs-person', 'proposals', 'waiting-applicant', 'late'] as const;
const TABS = [...CASE_QUEUES, 'appeals', 'sample-checks'] as const;
type Tab = (typeof TABS)[number];
const ASSIGNED = ['any', 'me', 'none'] as const;

interface Item {
  readonly id: string;
  readonly municipality: string;
  readonly kind: string;
  readonly month: string;
  readonly since: string;
  readonly flags: readonly { check: string; text: unknown }[];
  readonly proposal: { outcome: string; amount: number } | null;
  readonly assignedTo: { name: string | null } | null;
  readonly dueDate: string | null;
  readonly late: boolean;
}
interface AppealItem {
  readonly id: string;
  readonly applicationId: string;
  readonly lodgedAt: string;
  readonly withinDeadline: boolean;
  readonly deadline: string;
  readonly status: string;
}
interface CheckItem {
  readonly id: string;
  readonly application: string;
  readonly period: string;
  readonly decisionAmount: number;
  readonly dueDate: string;
  readonly status: string;
}

const day = (d: string) => formatDate(`${d}T12:00:00Z`);
const caseHref = (m: string, id: string) => `/personal/arende/${m}/${id}`;

/** Whether a key press belongs to what the person is typing (or to a dialog), not to the queue. */
function typing(e: KeyboardEvent): boolean {
  const el = e.target as HTMLElement | null;
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  if (!el) return false;
  if (el.closest('input, textarea, select, [contenteditable=""], [contenteditable="true"], dialog')) return true;
  return false;
}

/** The link that opens a case: its number in the queue for the keyboard and screen readers. */
function CaseLink({ href, n, id, children }: { href: string; n: number; id?: string; children: string }) {
  const { t } = useTranslation(STAFF_NS);
  return (
    <Link href={href} data-case="" data-case-id={id}>
      <span className="visually-hidden">{t('open', { n })}: </span>
      {children}
    </Link>
  );
}

function CaseQueue({
  municipality,
  queue,
  assigned,
  reload,
}: {
  municipality: string;
  queue: Tab;
  assigned: string;
  reload: number;
}) {
  const { t, i18n } = useTranslation([STAFF_NS, 'translation']);
  // The rows with the queue they belong to: a reload (after taking a case) keeps the rows, and focus, in place.
  const [loaded, setLoaded] = useState<{ key: string; items: readonly Item[] }>();
  const [problem, setProblem] = useState<string>();
  const path = `/api/v1/municipalities/${municipality}/queues/${queue}?assigned=${assigned}`;
  useEffect(() => {
    api<{ items: Item[] }>(path)
      .then((r) => setLoaded({ key: path, items: r.items }))
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [path, reload, t]);
  const items = loaded?.key === path ? loaded.items : undefined;
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!items) return <Loader title={t('loading')} />;
  if (items.length === 0) return <BodyShort>{t('queueEmpty')}</BodyShort>;
  return (
    <Table size="small">
      <caption className="visually-hidden">{t(`queues.${queue}`)}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{t('col.case')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('col.why')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('col.since')}</Table.HeaderCell>
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
              <CaseLink href={caseHref(it.municipality, it.id)} n={n + 1} id={it.id}>
                {t('month', { kind: t(`translation:kind.${it.kind}`), month: formatMonth(it.month) })}
              </CaseLink>
            </Table.DataCell>
            <Table.DataCell>
              <HStack gap="space-4" wrap>
                {it.late ? (
                  <Tag variant="error" size="xsmall">
                    {t('lateTag')}
                  </Tag>
                ) : null}
                {it.flags.map((f) => {
                  const p = pick(f.text, i18n.language);
                  return (
                    <Tag key={f.check} variant="warning" size="xsmall" lang={p.lang}>
                      {p.text}
                    </Tag>
                  );
                })}
                {it.dueDate ? <BodyShort size="small">{t('dueDate', { date: day(it.dueDate) })}</BodyShort> : null}
              </HStack>
            </Table.DataCell>
            <Table.DataCell>{formatDateTime(it.since)}</Table.DataCell>
            <Table.DataCell align="right" className="amount">
              {it.proposal ? `${t(`case.outcomes.${it.proposal.outcome}`)}, ${formatKronor(it.proposal.amount)}` : '–'}
            </Table.DataCell>
            <Table.DataCell>{it.assignedTo ? (it.assignedTo.name ?? '–') : t('unassigned')}</Table.DataCell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

function AppealQueue({ municipality }: { municipality: string }) {
  const { t } = useTranslation(STAFF_NS);
  const [items, setItems] = useState<readonly AppealItem[]>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    api<AppealItem[]>(`/api/v1/municipalities/${municipality}/appeals?status=received`)
      .then(setItems)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [municipality, t]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!items) return <Loader title={t('loading')} />;
  if (items.length === 0) return <BodyShort>{t('queueEmpty')}</BodyShort>;
  return (
    <Table size="small">
      <caption className="visually-hidden">{t('queues.appeals')}</caption>
      <Table.Header>
        <Table.Row>
          <Table.HeaderCell scope="col">{t('col.case')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('col.deadline')}</Table.HeaderCell>
          <Table.HeaderCell scope="col">{t('col.inTime')}</Table.HeaderCell>
        </Table.Row>
      </Table.Header>
      <Table.Body>
        {items.map((a, n) => (
          <Table.Row key={a.id}>
            <Table.DataCell>
              <CaseLink href={caseHref(municipality, a.applicationId)} n={n + 1}>
                {t('appealLodged', { date: formatDateTime(a.lodgedAt) })}
              </CaseLink>
            </Table.DataCell>
            <Table.DataCell>{day(a.deadline)}</Table.DataCell>
            <Table.DataCell>
              {a.withinDeadline ? (
                t('staff:appeal.inTime')
              ) : (
                <Tag variant="error" size="xsmall">
                  {t('appeal.late')}
                </Tag>
              )}
            </Table.DataCell>
          </Table.Row>
        ))}
      </Table.Body>
    </Table>
  );
}

function SampleCheckQueue({ municipality }: { municipality: string }) {
  const { t } = useTranslation(STAFF_NS);
  const [data, setData] = useState<{ checks: CheckItem[]; hidden: number }>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    api<{ checks: CheckItem[]; hidden: number }>(`/api/v1/municipalities/${municipality}/sample-checks`)
      .then(setData)
      .catch((e: unknown) => setProblem(problemText(e, t('errorGeneric'))));
  }, [municipality, t]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!data) return <Loader title={t('loading')} />;
  // Open checks first (answered before requested: an answer waits for the caseworker), then closed.
  const order = { answered: 0, requested: 1, closed: 2 } as Record<string, number>;
  const checks = [...data.checks].sort((a, b) => (order[a.status] ?? 3) - (order[b.status] ?? 3));
  return (
    <VStack gap="space-8">
      {data.hidden > 0 ? <BodyShort size="small">{t('hiddenChecks', { count: data.hidden })}</BodyShort> : null}
      {checks.length === 0 ? (
        <BodyShort>{t('queueEmpty')}</BodyShort>
      ) : (
        <Table size="small">
          <caption className="visually-hidden">{t('queues.sample-checks')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('col.case')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('col.status')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('col.due')}</Table.HeaderCell>
              <Table.HeaderCell scope="col" align="right">
                {t('col.decisionAmount')}
              </Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {checks.map((c, n) => (
              <Table.Row key={c.id}>
                <Table.DataCell>
                  <CaseLink href={caseHref(municipality, c.application)} n={n + 1}>
                    {t('sampleOf', { period: c.period })}
                  </CaseLink>
                </Table.DataCell>
                <Table.DataCell>{t(`sampleCheck.status.${c.status}`)}</Table.DataCell>
                <Table.DataCell>{day(c.dueDate)}</Table.DataCell>
                <Table.DataCell align="right" className="amount">
                  {formatKronor(c.decisionAmount)}
                </Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
      )}
    </VStack>
  );
}

function ShortcutHelp({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation(STAFF_NS);
  return (
    <Modal open={open} onClose={onClose} header={{ heading: t('keys.title') }} width="small">
      <Modal.Body>
        <Table size="small">
          <caption className="visually-hidden">{t('keys.title')}</caption>
          <Table.Header>
            <Table.Row>
              <Table.HeaderCell scope="col">{t('keys.key')}</Table.HeaderCell>
              <Table.HeaderCell scope="col">{t('keys.does')}</Table.HeaderCell>
            </Table.Row>
          </Table.Header>
          <Table.Body>
            {(['j', 'k', 'Enter', 't', '?'] as const).map((k) => (
              <Table.Row key={k}>
                <Table.HeaderCell scope="row">
                  <kbd>{k}</kbd>
                </Table.HeaderCell>
                <Table.DataCell>{t(`keys.${k === '?' ? 'help' : k}`)}</Table.DataCell>
              </Table.Row>
            ))}
          </Table.Body>
        </Table>
        <BodyShort spacing>{t('keys.notWhileTyping')}</BodyShort>
      </Modal.Body>
      <Modal.Footer>
        <Button type="button" onClick={onClose}>
          {t('keys.close')}
        </Button>
      </Modal.Footer>
    </Modal>
  );
}

function QueuesPage({ session }: { session: StaffSession }) {
  const { t } = useTranslation(STAFF_NS);
  const [params, setParams] = useSearchParams();
  const [partners, setPartners] = useState<readonly { id: string; name: string }[]>([]);
  const [own, setOwn] = useState<string>();
  const [lateCount, setLateCount] = useState(0);
  const [help, setHelp] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [reload, setReload] = useState(0);
  const panel = useRef<HTMLDivElement>(null);

  const tab: Tab = (TABS as readonly string[]).includes(params.get('ko') ?? '') ? (params.get('ko') as Tab) : TABS[0];
  const requested = params.get('kommun');
  const municipality = requested && partners.some((p) => p.id === requested) ? requested : session.municipality;
  const assigned = (ASSIGNED as readonly string[]).includes(params.get('visa') ?? '') ? params.get('visa')! : 'any';
  const set = (key: string, value: string) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set(key, value);
        return next;
      },
      { replace: true },
    );

  useEffect(() => {
    // The municipalities this one hosts: their cases are handled here (the data stays theirs).
    api<{ id: string; name: string; host?: string }[]>('/api/v1/municipalities')
      .then((all) => {
        setOwn(all.find((m) => m.id === session.municipality)?.name);
        setPartners(all.filter((m) => m.host === session.municipality));
      })
      .catch(() => setPartners([]));
  }, [session.municipality]);

  useEffect(() => {
    api<{ items: unknown[] }>(`/api/v1/municipalities/${municipality}/queues/late`)
      .then((r) => setLateCount(r.items.length))
      .catch(() => setLateCount(0));
  }, [municipality, reload]);

  const take = useCallback(
    async (link: HTMLAnchorElement) => {
      const id = link.dataset.caseId;
      const n = link.querySelector('.visually-hidden')?.textContent?.replace(/:\s*$/, '') ?? '';
      if (!id) return setAnnouncement(t('keys.cannotTake'));
      try {
        await api(`/api/v1/municipalities/${municipality}/cases/${id}/assignment`, {
          method: 'POST',
          body: { to: 'me' },
        });
        setAnnouncement(t('keys.taken', { what: n }));
        setReload((r) => r + 1);
      } catch (e) {
        setAnnouncement(e instanceof ApiError ? problemText(e, t('errorGeneric')) : t('errorGeneric'));
      }
    },
    [municipality, t],
  );

  useEffect(() => {
    function onKey(e: KeyboardEvent) {
      if (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e)) {
        e.preventDefault();
        setHelp(true);
        return;
      }
      if (help || typing(e) || e.shiftKey || !['j', 'k', 't'].includes(e.key)) return;
      const links = [...(panel.current?.querySelectorAll<HTMLAnchorElement>('a[data-case]') ?? [])];
      if (links.length === 0) return;
      const at = links.indexOf(document.activeElement as HTMLAnchorElement);
      if (e.key === 't') {
        if (at < 0) return;
        e.preventDefault();
        void take(links[at]!);
        return;
      }
      e.preventDefault();
      const next = at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (e.key === 'j' ? 1 : -1)));
      links[next]!.focus();
    }
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [help, take]);

  return (
    <VStack gap="space-24">
      <PageHeading title={t('title')}>{t('title')}</PageHeading>
      <HStack gap="space-16" align="end" wrap>
        {partners.length > 0 ? (
          <Select
            label={t('municipality')}
            size="small"
            value={municipality}
            onChange={(e) => set('kommun', e.target.value)}
          >
            <option value={session.municipality}>{own ?? session.municipality}</option>
            {partners.map((p) => (
              <option key={p.id} value={p.id}>
                {t('partner', { name: p.name })}
              </option>
            ))}
          </Select>
        ) : null}
        <Select label={t('show')} size="small" value={assigned} onChange={(e) => set('visa', e.target.value)}>
          {ASSIGNED.map((a) => (
            <option key={a} value={a}>
              {t(`assigned.${a}`)}
            </option>
          ))}
        </Select>
        <Button type="button" size="small" variant="tertiary" onClick={() => setHelp(true)}>
          {t('keys.open')}
        </Button>
      </HStack>
      <BodyShort size="small">{t('shortcuts')}</BodyShort>
      {lateCount > 0 ? (
        <Alert variant="warning">
          {t('lateAlert', { count: lateCount })}{' '}
          {tab !== 'late' ? (
            <Button type="button" size="xsmall" variant="secondary" onClick={() => set('ko', 'late')}>
              {t('showLate')}
            </Button>
          ) : null}
        </Alert>
      ) : null}
      <div role="status">{announcement ? <BodyShort size="small">{announcement}</BodyShort> : null}</div>
      <Tabs value={tab} onChange={(v) => set('ko', v)}>
        <Tabs.List>
          {TABS.map((q) => (
            <Tabs.Tab key={q} value={q} label={t(`queues.${q}`)} />
          ))}
        </Tabs.List>
        {TABS.map((q) => (
          <Tabs.Panel key={q} value={q}>
            {q === tab ? (
              <div ref={panel} style={{ paddingBlockStart: '1rem' }}>
                {q === 'appeals' ? (
                  <AppealQueue municipality={municipality} />
                ) : q === 'sample-checks' ? (
                  <SampleCheckQueue municipality={municipality} />
                ) : (
                  <CaseQueue municipality={municipality} queue={q} assigned={assigned} reload={reload} />
                )}
              </div>
            ) : null}
          </Tabs.Panel>
        ))}
      </Tabs>
      <ShortcutHelp open={help} onClose={() => setHelp(false)} />
    </VStack>
  );
}

export default function Queues() {
  return <RequireStaff>{(s) => <QueuesPage session={s} />}</RequireStaff>;
}
