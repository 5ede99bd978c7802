/**
 * The municipality's settings (/personal/admin): decision policy, payday, sample rate, time
 * limits, four-eyes threshold, the host, and local guidelines (a new period from a date, with the
 * committee's decision); every change with a reason, and the record of changes. The server checks
 * everything again and refuses a change made on an old version.
 */
import {
  Alert,
  BodyShort,
  Button,
  Radio,
  RadioGroup,
  Select,
  Table,
  TextField,
  Textarea,
  VStack,
} from '@navikt/ds-react';
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../../api';
import { FormErrors, formatDate, formatDateTime, formatKronor, problemText } from '../../components';
import type { ShownError } from '../../components';
import { field } from '../forms';
import { pick } from '../gate';
import type { StaffSession } from '../gate';
import { Section } from '../section';
import { NS } from './texts';

interface GuidelinePeriod {
  from: string;
  until?: string;
  decision: { act: string; url: string };
  values: Record<string, number>;
}

export interface SettingsView {
  municipality: { id: string; name: string; code: string; host: string | null };
  version: number;
  settings: Record<string, unknown> & {
    decisionPolicy: string;
    payday: number;
    sampleRateBasisPoints: number;
    incomeChangeThresholdBasisPoints: number;
    fourEyesThresholdKronor: number;
    decisionTimeLimitHours: number;
  };
  guidelines: GuidelinePeriod[];
  mayChangeHost: boolean;
  guidelineParameters: { id: string; label: { sv: string; en: string } }[];
  changes: {
    version: number;
    changedBy: { name: string | null };
    changedAt: string;
    reason: string;
    fields: string[];
  }[];
}

const POLICIES = ['automated', 'automated-grants', 'proposal'] as const;

/** Numbers as people type them (comma or point), to the number or NaN. */
const num = (s: string) => Number(s.trim().replace(/\s/g, '').replace(',', '.'));
const percent = (bp: number) => String(bp / 100).replace('.', ',');

export function Settings({ session, municipality }: { session: StaffSession; municipality: string }) {
  const { t, i18n } = useTranslation(NS);
  const path = `/api/v1/municipalities/${municipality}/administration/settings`;
  const [view, setView] = useState<SettingsView>();
  const [others, setOthers] = useState<{ id: string; name: string; host?: string }[]>([]);
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState<string>();
  const [errors, setErrors] = useState<ShownError[]>([]);
  // The form, as typed.
  const [policy, setPolicy] = useState('');
  const [payday, setPayday] = useState('');
  const [sampleRate, setSampleRate] = useState('');
  const [incomeChange, setIncomeChange] = useState('');
  const [fourEyes, setFourEyes] = useState('');
  const [timeLimit, setTimeLimit] = useState('');
  const [host, setHost] = useState('');
  const [reason, setReason] = useState('');
  const [newPeriod, setNewPeriod] = useState<{
    from: string;
    act: string;
    url: string;
    values: Record<string, string>;
  }>();

  const load = useCallback(() => {
    api<SettingsView>(path)
      .then((v) => {
        setView(v);
        setPolicy(v.settings.decisionPolicy);
        setPayday(String(v.settings.payday));
        setSampleRate(percent(v.settings.sampleRateBasisPoints));
        setIncomeChange(percent(v.settings.incomeChangeThresholdBasisPoints));
        setFourEyes(String(v.settings.fourEyesThresholdKronor));
        setTimeLimit(String(v.settings.decisionTimeLimitHours));
        setHost(v.municipality.host ?? '');
      })
      .catch((e: unknown) => setProblem(problemText(e, t('error'))));
  }, [path, t]);
  useEffect(load, [load]);
  useEffect(() => {
    api<{ id: string; name: string; host?: string }[]>('/api/v1/municipalities')
      .then(setOthers)
      .catch(() => setOthers([]));
  }, []);

  if (problem) return <Alert variant="error">{problem}</Alert>;
  if (!view) return null;
  const isAdmin = session.roles.includes('admin');
  const latest = view.guidelines.at(-1);

  function startPeriod() {
    setNewPeriod({
      from: '',
      act: '',
      url: '',
      values: Object.fromEntries(
        view!.guidelineParameters.map((p) => [
          p.id,
          latest?.values[p.id] !== undefined ? String(latest.values[p.id]! / 100) : '',
        ]),
      ),
    });
  }

  async function save(e: React.FormEvent) {
    e.preventDefault();
    setSaved(undefined);
    const found: ShownError[] = [];
    const whole = (id: string, s: string, min: number, max: number) => {
      const n = num(s);
      if (!Number.isInteger(n) || n < min || n > max) found.push({ id, message: t('settings.range', { min, max }) });
      return n;
    };
    const pct = (id: string, s: string) => {
      const n = Math.round(num(s) * 100);
      if (!Number.isFinite(n) || n < 0 || n > 10_000) found.push({ id, message: t('settings.percentRange') });
      return n;
    };
    const settings = {
      ...view!.settings,
      decisionPolicy: policy,
      payday: whole('payday', payday, 1, 28),
      sampleRateBasisPoints: pct('sampleRate', sampleRate),
      incomeChangeThresholdBasisPoints: pct('incomeChange', incomeChange),
      fourEyesThresholdKronor: whole('fourEyes', fourEyes, 0, 1_000_000),
      decisionTimeLimitHours: whole('timeLimit', timeLimit, 1, 720),
    };
    let guidelines = view!.guidelines;
    if (newPeriod) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(newPeriod.from))
        found.push({ id: 'period-from', message: t('settings.fromFormat') });
      if (newPeriod.act.trim().length < 5) found.push({ id: 'period-act', message: t('settings.actMissing') });
      if (!/^https:\/\/\S+$/.test(newPeriod.url.trim()))
        found.push({ id: 'period-url', message: t('settings.urlFormat') });
      const values: Record<string, number> = {};
      for (const [id, s] of Object.entries(newPeriod.values)) {
        if (s.trim() === '') continue;
        const n = Math.round(num(s) * 100);
        if (!Number.isFinite(n) || n < 0) found.push({ id: `period-${id}`, message: t('settings.amountFormat') });
        else values[id] = n;
      }
      // The period before ends the day before the new one begins.
      const dayBefore = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
      guidelines = [
        ...view!.guidelines.map((g, i) =>
          i === view!.guidelines.length - 1 && g.until === undefined && /^\d{4}-\d{2}-\d{2}$/.test(newPeriod.from)
            ? { ...g, until: dayBefore(newPeriod.from) }
            : g,
        ),
        { from: newPeriod.from, decision: { act: newPeriod.act.trim(), url: newPeriod.url.trim() }, values },
      ];
    }
    if (reason.trim().length < 10) found.push({ id: 'reason', message: t('settings.reasonMissing') });
    setErrors(found);
    if (found.length > 0) return;
    try {
      const r = await api<{ version: number; changed: boolean }>(path, {
        method: 'PUT',
        body: {
          expectedVersion: view!.version,
          reason: reason.trim(),
          settings,
          guidelines,
          host: host === '' ? null : host,
        },
      });
      setSaved(r.changed ? t('settings.saved', { version: r.version }) : t('settings.unchanged'));
      setReason('');
      setNewPeriod(undefined);
      load();
    } catch (err) {
      if (err instanceof ApiError && err.fieldErrors.length > 0) {
        const ids: Record<string, string> = {
          'settings.payday': 'payday',
          'settings.sampleRateBasisPoints': 'sampleRate',
          'settings.incomeChangeThresholdBasisPoints': 'incomeChange',
          'settings.fourEyesThresholdKronor': 'fourEyes',
          'settings.decisionTimeLimitHours': 'timeLimit',
          reason: 'reason',
          host: 'host',
          guidelines: newPeriod ? 'period-from' : 'reason',
        };
        setErrors(err.fieldErrors.map((f) => ({ id: ids[f.field] ?? 'reason', message: f.message })));
      } else setErrors([{ id: 'reason', message: problemText(err, t('error')) }]);
    }
  }

  const lang = i18n.language;
  return (
    <VStack gap="space-32">
      <BodyShort>{t('settings.lead', { name: view.municipality.name, version: view.version })}</BodyShort>
      <form onSubmit={(e) => void save(e)} noValidate>
        <VStack gap="space-24">
          <FormErrors errors={errors} heading={t('fixErrors')} />
          {saved ? <Alert variant="success">{saved}</Alert> : null}
          <RadioGroup legend={t('settings.policy')} value={policy} onChange={setPolicy} readOnly={!isAdmin}>
            {POLICIES.map((p) => (
              <Radio key={p} value={p} description={t(`settings.policies.${p}.description`)}>
                {t(`settings.policies.${p}.label`)}
              </Radio>
            ))}
          </RadioGroup>
          <TextField
            label={t('settings.payday')}
            description={t('settings.paydayHelp')}
            inputMode="numeric"
            {...field(errors, 'payday', payday, setPayday)}
            readOnly={!isAdmin}
            htmlSize={4}
          />
          <TextField
            label={t('settings.sampleRate')}
            description={t('settings.sampleRateHelp')}
            inputMode="decimal"
            {...field(errors, 'sampleRate', sampleRate, setSampleRate)}
            readOnly={!isAdmin}
            htmlSize={6}
          />
          <TextField
            label={t('settings.incomeChange')}
            description={t('settings.incomeChangeHelp')}
            inputMode="decimal"
            {...field(errors, 'incomeChange', incomeChange, setIncomeChange)}
            readOnly={!isAdmin}
            htmlSize={6}
          />
          <TextField
            label={t('settings.fourEyes')}
            description={t('settings.fourEyesHelp')}
            inputMode="numeric"
            {...field(errors, 'fourEyes', fourEyes, setFourEyes)}
            readOnly={!isAdmin}
            htmlSize={8}
          />
          <TextField
            label={t('settings.timeLimit')}
            description={t('settings.timeLimitHelp')}
            inputMode="numeric"
            {...field(errors, 'timeLimit', timeLimit, setTimeLimit)}
            readOnly={!isAdmin}
            htmlSize={5}
          />
          <Select
            label={t('settings.host')}
            description={view.mayChangeHost ? t('settings.hostHelp') : t('settings.hostNotYours')}
            {...field(errors, 'host', host, setHost)}
            readOnly={!view.mayChangeHost}
          >
            <option value="">{t('settings.noHost')}</option>
            {others
              .filter((m) => m.id !== municipality)
              .map((m) => (
                <option key={m.id} value={m.id}>
                  {m.name}
                </option>
              ))}
          </Select>

          <Section id="guidelines" title={t('settings.guidelines')}>
            <BodyShort spacing>{t('settings.guidelinesLead')}</BodyShort>
            {view.guidelines.map((g) => (
              <Table key={g.from} size="small" className="guideline-table">
                <caption>
                  {g.until
                    ? t('settings.period', { from: formatDate(g.from), until: formatDate(g.until) })
                    : t('settings.periodOpen', { from: formatDate(g.from) })}
                  {' · '}
                  <a href={g.decision.url}>{g.decision.act}</a>
                </caption>
                <Table.Header>
                  <Table.Row>
                    <Table.HeaderCell scope="col">{t('settings.parameter')}</Table.HeaderCell>
                    <Table.HeaderCell scope="col" align="right">
                      {t('settings.amount')}
                    </Table.HeaderCell>
                  </Table.Row>
                </Table.Header>
                <Table.Body>
                  {Object.entries(g.values).map(([id, ore]) => {
                    const label = view.guidelineParameters.find((p) => p.id === id)?.label;
                    const l = pick(label, lang);
                    return (
                      <Table.Row key={id}>
                        <Table.DataCell lang={l.lang}>{l.text || id}</Table.DataCell>
                        <Table.DataCell align="right" className="amount">
                          {formatKronor(ore / 100)}
                        </Table.DataCell>
                      </Table.Row>
                    );
                  })}
                </Table.Body>
              </Table>
            ))}
            {isAdmin && !newPeriod ? (
              <Button type="button" variant="secondary" size="small" onClick={startPeriod}>
                {t('settings.addPeriod')}
              </Button>
            ) : null}
            {newPeriod ? (
              <fieldset className="plain-fieldset">
                <legend>{t('settings.newPeriod')}</legend>
                <VStack gap="space-16">
                  <TextField
                    label={t('settings.from')}
                    description={t('settings.fromHelp')}
                    {...field(errors, 'period-from', newPeriod.from, (v) => setNewPeriod({ ...newPeriod, from: v }))}
                    htmlSize={12}
                  />
                  <TextField
                    label={t('settings.act')}
                    {...field(errors, 'period-act', newPeriod.act, (v) => setNewPeriod({ ...newPeriod, act: v }))}
                  />
                  <TextField
                    label={t('settings.url')}
                    {...field(errors, 'period-url', newPeriod.url, (v) => setNewPeriod({ ...newPeriod, url: v }))}
                  />
                  {view.guidelineParameters.map((p) => {
                    const l = pick(p.label, lang);
                    return (
                      <TextField
                        key={p.id}
                        label={<span lang={l.lang}>{l.text}</span>}
                        description={t('settings.amountHelp')}
                        inputMode="decimal"
                        {...field(errors, `period-${p.id}`, newPeriod.values[p.id] ?? '', (v) =>
                          setNewPeriod({ ...newPeriod, values: { ...newPeriod.values, [p.id]: v } }),
                        )}
                        htmlSize={10}
                      />
                    );
                  })}
                  <div>
                    <Button type="button" variant="tertiary" size="small" onClick={() => setNewPeriod(undefined)}>
                      {t('settings.cancelPeriod')}
                    </Button>
                  </div>
                </VStack>
              </fieldset>
            ) : null}
          </Section>

          {isAdmin ? (
            <>
              <Textarea
                label={t('settings.reason')}
                description={t('settings.reasonHelp')}
                {...field(errors, 'reason', reason, setReason)}
                minRows={2}
              />
              <div>
                <Button type="submit">{t('settings.save')}</Button>
              </div>
            </>
          ) : null}
        </VStack>
      </form>

      <Section id="changes" title={t('settings.changes')}>
        {view.changes.length === 0 ? (
          <BodyShort>{t('settings.noChanges')}</BodyShort>
        ) : (
          <Table size="small">
            <Table.Header>
              <Table.Row>
                <Table.HeaderCell scope="col">{t('settings.version')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('settings.when')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('settings.who')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('settings.what')}</Table.HeaderCell>
                <Table.HeaderCell scope="col">{t('settings.why')}</Table.HeaderCell>
              </Table.Row>
            </Table.Header>
            <Table.Body>
              {view.changes.map((c) => (
                <Table.Row key={c.version}>
                  <Table.DataCell>{c.version}</Table.DataCell>
                  <Table.DataCell>{formatDateTime(c.changedAt)}</Table.DataCell>
                  <Table.DataCell>{c.changedBy.name ?? '–'}</Table.DataCell>
                  <Table.DataCell>
                    {c.fields
                      .map((f) => t(`settings.fields.${f.replace('settings.', '')}`, { defaultValue: f }))
                      .join(', ')}
                  </Table.DataCell>
                  <Table.DataCell>{c.reason}</Table.DataCell>
                </Table.Row>
              ))}
            </Table.Body>
          </Table>
        )}
      </Section>
    </VStack>
  );
}
