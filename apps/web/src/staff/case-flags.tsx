/**
 * Each check that fired on the case and why, in the check's own words: whether it only asks a
 * person to look (flag) or stops automated handling (block), when it fired, and how it was closed
 * (acknowledged by a caseworker with what they checked, or resolved when the check passed again).
 * An open flag is acknowledged here with a note.
 */
import { BodyShort, Box, Detail, HStack, Tag, Textarea, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { formatDateTime } from '../components';
import { errorsFrom } from './case-model';
import type { Flag } from './case-model';
import { StaffForm } from './forms';
import { pick } from './gate';
import { STAFF_NS } from './texts';

function closeNoteText(note: unknown, lang: string): { text: string; lang?: 'sv' | 'en' } | undefined {
  if (note === null || typeof note !== 'object') return undefined;
  const n = note as { note?: unknown; sv?: unknown };
  if (typeof n.note === 'string') return { text: n.note };
  if (typeof n.sv === 'string') return pick(note, lang);
  return undefined;
}

function FlagRow({ flag, base, canAct, onDone }: { flag: Flag; base: string; canAct: boolean; onDone: () => void }) {
  const { t, i18n } = useTranslation(STAFF_NS);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string>();
  const p = pick(flag.text, i18n.language);
  const id = `f-flag-${flag.id}`;
  const closed = closeNoteText(flag.closeNote, i18n.language);
  async function acknowledge() {
    if (note.trim().length < 3) return setError(t('case.noteMissing'));
    try {
      await api(`${base}/flags/${flag.id}/acknowledge`, { method: 'POST', body: { note } });
      onDone();
    } catch (e) {
      setError(errorsFrom(e, {}, id, t('errorGeneric'))[0]!.message);
    }
  }
  return (
    <Box as="li" padding="space-12" borderWidth="1" borderRadius="8">
      <VStack gap="space-8">
        <HStack gap="space-8" align="center">
          <Tag size="xsmall" variant={flag.status === 'open' ? 'warning' : 'success'}>
            {t(`case.${flag.status}`)}
          </Tag>
          <Tag size="xsmall" variant="neutral">
            {t(`flags.outcome.${flag.outcome}`)}
          </Tag>
          <Detail>
            {t('flags.check', { check: flag.check })}
            {flag.createdAt ? ` · ${t('flags.firedAt', { date: formatDateTime(flag.createdAt) })}` : ''}
          </Detail>
        </HStack>
        <BodyShort weight="semibold" lang={p.lang}>
          {p.text}
        </BodyShort>
        {flag.status !== 'open' ? (
          <BodyShort size="small">
            {flag.status === 'acknowledged'
              ? t('flags.acknowledgedBy', { who: flag.closedBy ?? '–' })
              : t('flags.resolvedBySystem')}
            {flag.closedAt ? ` (${formatDateTime(flag.closedAt)})` : ''}
            {closed ? (
              <>
                {': '}
                <span lang={closed.lang}>{closed.text}</span>
              </>
            ) : null}
          </BodyShort>
        ) : null}
        {flag.status === 'open' && canAct ? (
          <StaffForm
            onSubmit={acknowledge}
            submit={t('case.acknowledge')}
            variant="secondary"
            size="small"
            gap="space-8"
          >
            <Textarea
              id={id}
              label={t('case.note', { check: flag.check })}
              value={note}
              error={error}
              maxLength={2000}
              onChange={(e) => setNote(e.target.value)}
            />
          </StaffForm>
        ) : null}
      </VStack>
    </Box>
  );
}

export function Flags({
  flags,
  base,
  canAct,
  onDone,
}: {
  flags: readonly Flag[];
  base: string;
  canAct: boolean;
  onDone: () => void;
}) {
  const { t } = useTranslation(STAFF_NS);
  if (flags.length === 0) return <BodyShort>{t('case.noFlags')}</BodyShort>;
  return (
    <VStack gap="space-8" as="ul" style={{ listStyle: 'none', padding: 0, margin: 0 }}>
      {flags.map((f) => (
        <FlagRow key={f.id} flag={f} base={base} canAct={canAct} onDone={onDone} />
      ))}
    </VStack>
  );
}
