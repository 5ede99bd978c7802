/** How customer service's page writes days and coaches' times. */
import { useTranslation } from 'react-i18next';
import { formatDate, formatDateTime } from '../../components';
import { NS } from './texts';
import type { Slot } from './types';

/** A Swedish calendar day (YYYY-MM-DD) in the page's language. */
export function formatDay(day: string): string {
  return formatDate(`${day}T12:00:00Z`);
}

/** A slot as one line: when, until, how, with whom. */
export function useSlotLabel(): (s: Slot) => string {
  const { t, i18n } = useTranslation(NS);
  return (s) => {
    const time = new Intl.DateTimeFormat(i18n.language === 'sv' ? 'sv' : 'en', {
      timeStyle: 'short',
      timeZone: 'Europe/Stockholm',
    });
    return t('meeting.slot', {
      when: formatDateTime(s.startsAt),
      until: time.format(new Date(s.endsAt)),
      mode: t(`meeting.mode.${s.mode}`),
      coach: s.coachName,
    });
  };
}
