/** Small pieces the labour-market pages share: the municipality choice, state tags, days. */
import { Select, Tag } from '@navikt/ds-react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../../components';
import type { ExitView, TrackState } from './model';
import { useMunicipalities } from './model';
import { NS } from './texts';

/** A day (YYYY-MM-DD) in words, in the chosen language. */
export const day = (d: string) => formatDate(`${d}T12:00:00Z`);

/** The own municipality or one it hosts; nothing shown when there is no choice. */
export function MunicipalityChoice({
  own,
  value,
  onChange,
}: {
  own: string;
  value: string;
  onChange: (m: string) => void;
}) {
  const { t } = useTranslation(NS);
  const list = useMunicipalities(own);
  if (list.length < 2) return null;
  return (
    <Select label={t('municipality')} size="small" value={value} onChange={(e) => onChange(e.target.value)}>
      {list.map((m) => (
        <option key={m.id} value={m.id}>
          {m.partner ? t('partner', { name: m.name }) : m.name}
        </option>
      ))}
    </Select>
  );
}

const TRACK_VARIANT = { open: 'info', exited: 'neutral', reopened: 'warning' } as const;

export function TrackTag({ state }: { state: TrackState }) {
  const { t } = useTranslation(NS);
  return (
    <Tag variant={TRACK_VARIANT[state]} size="small">
      {t(`track.${state}`)}
    </Tag>
  );
}

const EXIT_VARIANT = { voided: 'warning', provisional: 'info', final: 'success' } as const;

/** Whether the exit counts: voided by a return, provisional, or final. */
export function ExitTag({ exit }: { exit: ExitView }) {
  const { t } = useTranslation(NS);
  return (
    <Tag variant={EXIT_VARIANT[exit.state]} size="small">
      {t(`exitState.${exit.state}`)}
    </Tag>
  );
}
