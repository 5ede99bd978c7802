/**
 * The rule book's yearly values (/personal/admin/regelbok): last, this and next year, whether each
 * year's automated decisions are on, and the changes. One administrator enters a year's values
 * with the act they come from (or proposes to confirm a year's unverified values); a second
 * administrator confirms or rejects; whoever entered it may withdraw it.
 */
import { Alert, BodyShort, Button, Heading, Table, Tag, TextField, Textarea, VStack } from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api, idempotencyKey } from '../../api';
import { FormErrors, formatDateTime, formatKronor, problemText } from '../../components';
import type { ShownError } from '../../components';
import { field } from '../forms';
import { pick } from '../gate';
import type { StaffSession } from '../gate';
import { Section } from '../section';
import { NS } from './texts';

interface Parameter {
  id: string;
  label: { sv: string; en: string };
  amount: number | null;
  status: 'verified' | 'secondary' | 'derived' | null;
  source: string | null;
  previous: number | null;
}
interface Group {
  group: string;
  status: 'verified' | 'secondary' | 'derived' | 'missing' | 'partial';
  parameters: Parameter[];
}
interface Year {
  year: number;
  automated: boolean;
  confirmation: { confirmedBy: string; secondBy: string; at: string; note: string } | null;
  groups: Group[];
}
interface Change {
  id: string;
  kind: 'values' | 'confirmation';
  year: number;
  group: string | null;
  amounts: Record<string, number> | null;
  source: { act: string; url: string } | null;
  note: string;
  status: 'pending' | 'confirmed' | 'rejected' | 'withdrawn';
  enteredBy: { name: string | null };
  enteredAt: string;
  decidedBy: { name: string | null } | null;
  decidedAt: string | null;
  decisionNote: string | null;
  mine: boolean;
}
interface View {
  inForce: { version: string; hash: string };
  years: Year[];
  changes: Change[];
}

const num = (s: string) => Number(s.trim().replace(/\s/g, '').replace(',', '.'));

/** The form for one group's values for a year. */
function ValuesForm({ base, year, group, onDone }: { base: string; year: number; group: Group; onDone: () => void }) {
  const { t, i18n } = useTranslation(NS);
  const [values, setValues] = useState<Record<string, string>>({});
  const [act, setAct] = useState('');
  const [url, setUrl] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [key] = useState(idempotencyKey);
  const id = (field: string) => `v-${year}-${group.group}-${field.replace(/\./g, '-')}`;

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    const found: ShownError[] = [];
    const amounts: Record<string, number> = {};
    for (const p of group.parameters) {
      const n = num(values[p.id] ?? '');
      if (!(n > 0) || Math.round(n * 100) !== n * 100)
        found.push({
          id: id(p.id),
          message: t('rulebook.amountMissing', { label: pick(p.label, i18n.language).text }),
        });
      else amounts[p.id] = n;
    }
    if (act.trim().length < 5) found.push({ id: id('act'), message: t('rulebook.actMissing') });
    if (!/^https:\/\/\S+$/.test(url.trim())) found.push({ id: id('url'), message: t('rulebook.urlFormat') });
    if (note.trim().length < 10) found.push({ id: id('note'), message: t('rulebook.noteMissing') });
    setErrors(found);
    if (found.length > 0) return;
    try {
      await api(`${base}/rulebook/changes`, {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: {
          kind: 'values',
          year,
          group: group.group,
          values: amounts,
          source: { act: act.trim(), url: url.trim() },
          note: note.trim(),
        },
      });
      onDone();
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors.length > 0)
        setErrors(
          err.fieldErrors.map((f) => ({
            id: f.field.startsWith('values.')
              ? id(f.field.slice('values.'.length))
              : f.field === 'source.act'
                ? id('act')
                : f.field === 'source.url'
                  ? id('url')
                  : id('note'),
            message: f.message,
          })),
        );
      else setErrors([{ id: id('note'), message: problemText(err, t('error')) }]);
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby={`${id('form')}-h`}>
      <VStack gap="space-16">
        <Heading id={`${id('form')}-h`} level="4" size="xsmall">
          {t('rulebook.enterTitle', {
            group: t(`rulebook.groups.${group.group}`, { defaultValue: group.group }),
            year,
          })}
        </Heading>
        <BodyShort>{t('rulebook.enterLead')}</BodyShort>
        <FormErrors errors={errors} heading={t('fixErrors')} />
        {group.parameters.map((p) => {
          const l = pick(p.label, i18n.language);
          return (
            <TextField
              key={p.id}
              label={<span lang={l.lang}>{l.text}</span>}
              description={
                p.previous !== null
                  ? t('rulebook.previous', { year: year - 1, amount: formatKronor(p.previous / 100) })
                  : undefined
              }
              inputMode="decimal"
              htmlSize={10}
              {...field(errors, id(p.id), values[p.id] ?? '', (v) => setValues({ ...values, [p.id]: v }))}
            />
          );
        })}
        <TextField
          label={t('rulebook.act')}
          description={t('rulebook.actHelp')}
          {...field(errors, id('act'), act, setAct)}
        />
        <TextField label={t('rulebook.url')} {...field(errors, id('url'), url, setUrl)} />
        <Textarea label={t('rulebook.note')} minRows={2} {...field(errors, id('note'), note, setNote)} />
        <div>
          <Button type="submit">{t('rulebook.submitValues')}</Button>
        </div>
      </VStack>
    </form>
  );
}

function ProposeConfirmation({ base, year, onDone }: { base: string; year: number; onDone: () => void }) {
  const { t } = useTranslation(NS);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const [key] = useState(idempotencyKey);
  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (note.trim().length < 10) return setError(t('rulebook.noteMissing'));
    try {
      await api(`${base}/rulebook/changes`, {
        method: 'POST',
        headers: { 'idempotency-key': key },
        body: { kind: 'confirmation', year, note: note.trim() },
      });
      onDone();
    } catch (err) {
      setError(problemText(err, t('error')));
    }
  }
  return (
    <form onSubmit={(e) => void submit(e)} noValidate>
      <VStack gap="space-8">
        <Textarea
          id={`confirm-note-${year}`}
          label={t('rulebook.proposeNote', { year })}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          error={error}
          minRows={2}
        />
        <div>
          <Button type="submit" variant="secondary" size="small">
            {t('rulebook.propose', { year })}
          </Button>
        </div>
      </VStack>
    </form>
  );
}

function PendingChange({
  base,
  change,
  isAdmin,
  onDone,
}: {
  base: string;
  change: Change;
  isAdmin: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation(NS);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  async function decide(outcome: 'confirm' | 'reject' | 'withdraw') {
    if (outcome === 'reject' && note.trim() === '') return setError(t('rulebook.rejectWhy'));
    try {
      await api(`${base}/rulebook/changes/${change.id}/${outcome}`, {
        method: 'POST',
        body: note.trim() ? { note: note.trim() } : {},
      });
      onDone();
    } catch (err) {
      setError(problemText(err, t('error')));
    }
  }
  const what =
    change.kind === 'values'
      ? t('rulebook.changeValues', {
          group: t(`rulebook.groups.${change.group ?? ''}`, { defaultValue: change.group }),
          year: change.year,
        })
      : t('rulebook.changeConfirmation', { year: change.year });
  return (
    <section aria-label={what} className="pending-change">
      <VStack gap="space-8">
        <Heading level="4" size="xsmall">
          {what}
        </Heading>
        <BodyShort>
          {t('rulebook.enteredBy', { name: change.enteredBy.name ?? '–', date: formatDateTime(change.enteredAt) })}
        </BodyShort>
        {change.source ? (
          <BodyShort>
            {t('rulebook.source')}: <a href={change.source.url}>{change.source.act}</a>
          </BodyShort>
        ) : null}
        <BodyShort>{change.note}</BodyShort>
        {change.amounts ? (
          <Table size="small">
            <caption className="visually-hidden">{what}</caption>
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell scope="col">{t('rulebook.parameter')}</Table.HeaderCell>
                <Table.HeaderCell scope="col" align="right">
                  {t('rulebook.amount')}
                </Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {Object.entries(change.amounts).map(([id, ore]) => (
                <Table.Row key={id}>
                  <Table.DataCell>{id}</Table.DataCell>
                  <Table.DataCell align="right" className="amount">
                    {formatKronor(ore / 100)}
                  </Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        ) : null}
        {isAdmin ? (
          change.mine ? (
            <>
              <Alert variant="info" size="small">
                {t('rulebook.waitsForSecond')}
              </Alert>
              <div>
                <Button type="button" variant="tertiary" size="small" onClick={() => void decide('withdraw')}>
                  {t('rulebook.withdraw')}
                </Button>
              </div>
            </>
          ) : (
            <>
              <Textarea
                id={`decision-note-${change.id}`}
                label={t('rulebook.decisionNote')}
                value={note}
                onChange={(e) => setNote(e.target.value)}
                minRows={1}
              />
              <div className="row-actions">
                <Button type="button" size="small" onClick={() => void decide('confirm')}>
                  {t('rulebook.confirm')}
                </Button>
                <Button type="button" variant="secondary" size="small" onClick={() => void decide('reject')}>
                  {t('rulebook.reject')}
                </Button>
              </div>
            </>
          )
        ) : null}
        {error ? (
          <Alert variant="error" size="small">
            {error}
          </Alert>
        ) : null}
      </VStack>
    </section>
  );
}

export function RuleBook({ session, municipality }: { session: StaffSession; municipality: string }) {
  const { t, i18n } = useTranslation(NS);
  const base = `/api/v1/municipalities/${municipality}/administration`;
  const [view, setView] = useState<View>();
  const [problem, setProblem] = useState<string>();
  const [entering, setEntering] = useState<string>();
  const load = useCallback(() => {
    api<View>(`${base}/rulebook`)
      .then(setView)
      .catch((e: unknown) => setProblem(problemText(e, t('error'))));
  }, [base, t]);
  useEffect(load, [load]);
  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!view) return null;
  const isAdmin = session.roles.includes('admin');
  const done = () => {
    setEntering(undefined);
    load();
  };
  const pending = view.changes.filter((c) => c.status === 'pending');
  const decided = view.changes.filter((c) => c.status !== 'pending');

  return (
    <VStack gap="space-32">
      <BodyShort>
        {t('rulebook.lead', { version: view.inForce.version, hash: view.inForce.hash.slice(0, 12) })}
      </BodyShort>
      {view.years.map((y) => {
        const waiting = pending.filter((c) => c.year === y.year);
        const unverified = y.groups.some((g) => g.status === 'derived' || g.status === 'secondary');
        return (
          <section key={y.year} aria-labelledby={`year-${y.year}`}>
            <VStack gap="space-12">
              <Heading id={`year-${y.year}`} level="2" size="medium">
                {y.year}
              </Heading>
              <div>
                <Tag variant={y.automated ? 'success' : 'warning'} size="small">
                  {y.automated ? t('rulebook.automatedOn') : t('rulebook.automatedOff')}
                </Tag>
              </div>
              {y.confirmation ? (
                <BodyShort>
                  {t('rulebook.confirmedBy', {
                    first: y.confirmation.confirmedBy,
                    second: y.confirmation.secondBy,
                    date: formatDateTime(y.confirmation.at),
                  })}
                </BodyShort>
              ) : null}
              {y.groups.map((g) => {
                const groupName = t(`rulebook.groups.${g.group}`, { defaultValue: g.group });
                const key = `${y.year}-${g.group}`;
                const open = waiting.some((c) => c.group === g.group);
                return (
                  <div key={g.group}>
                    <Heading level="3" size="small" spacing>
                      {groupName}: {t(`rulebook.status.${g.status}`)}
                    </Heading>
                    {g.status === 'missing' ? (
                      isAdmin && !open ? (
                        entering === key ? (
                          <ValuesForm base={base} year={y.year} group={g} onDone={done} />
                        ) : (
                          <Button type="button" variant="secondary" size="small" onClick={() => setEntering(key)}>
                            {t('rulebook.enter', { group: groupName, year: y.year })}
                          </Button>
                        )
                      ) : (
                        <BodyShort>{open ? t('rulebook.pendingShort') : t('rulebook.none')}</BodyShort>
                      )
                    ) : (
                      <Table size="small">
                        <caption className="visually-hidden">
                          {groupName} {y.year}
                        </caption>
                        <Table.Header>
                          <Table.Row>
                            <Table.HeaderCell scope="col">{t('rulebook.parameter')}</Table.HeaderCell>
                            <Table.HeaderCell scope="col" align="right">
                              {t('rulebook.amount')}
                            </Table.HeaderCell>
                            <Table.HeaderCell scope="col">{t('rulebook.sourceCol')}</Table.HeaderCell>
                          </Table.Row>
                        </Table.Header>
                        <Table.Body>
                          {g.parameters.map((p) => {
                            const l = pick(p.label, i18n.language);
                            return (
                              <Table.Row key={p.id}>
                                <Table.DataCell lang={l.lang}>{l.text}</Table.DataCell>
                                <Table.DataCell align="right" className="amount">
                                  {p.amount !== null ? formatKronor(p.amount / 100) : '–'}
                                </Table.DataCell>
                                <Table.DataCell>
                                  {p.status ? `${t(`rulebook.status.${p.status}`)} · ${p.source ?? ''}` : '–'}
                                </Table.DataCell>
                              </Table.Row>
                            );
                          })}
                        </Table.Body>
                      </Table>
                    )}
                  </div>
                );
              })}
              {isAdmin &&
              unverified &&
              !y.confirmation &&
              waiting.length === 0 &&
              y.groups.every((g) => g.status !== 'missing') ? (
                <ProposeConfirmation base={base} year={y.year} onDone={done} />
              ) : null}
              {waiting.map((c) => (
                <PendingChange key={c.id} base={base} change={c} isAdmin={isAdmin} onDone={done} />
              ))}
            </VStack>
          </section>
        );
      })}
      <Section id="decided" title={t('rulebook.decided')}>
        {decided.length === 0 ? (
          <BodyShort>{t('rulebook.noDecided')}</BodyShort>
        ) : (
          <Table size="small">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell scope="col">{t('rulebook.what')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('rulebook.outcome')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('rulebook.who')}</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {decided.map((c) => (
                <Table.Row key={c.id}>
                  <Table.DataCell>
                    {c.kind === 'values'
                      ? t('rulebook.changeValues', {
                          group: t(`rulebook.groups.${c.group ?? ''}`, { defaultValue: c.group }),
                          year: c.year,
                        })
                      : t('rulebook.changeConfirmation', { year: c.year })}
                  </Table.DataCell>
                  <Table.DataCell>
                    {t(`rulebook.outcomes.${c.status}`)}
                    {c.decisionNote ? ` – ${c.decisionNote}` : ''}
                  </Table.DataCell>
                  <Table.DataCell>
                    {t('rulebook.whoLine', {
                      first: c.enteredBy.name ?? '–',
                      second: c.decidedBy?.name ?? '–',
                      date: c.decidedAt ? formatDateTime(c.decidedAt) : '',
                    })}
                  </Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        )}
      </Section>
    </VStack>
  );
}
