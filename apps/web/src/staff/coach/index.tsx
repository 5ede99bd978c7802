/**
 * The staff workspace's Labour market section (/personal/coach), for coaches
 * (arbetsmarknadssekreterare): the calendar of own slots and booked meetings (/), a meeting's
 * notes (/mote/:municipality/:meetingId), the participants (/deltagare) and one participant's
 * track — plan, measures, exits (/deltagare/:municipality/:participantId), and the outcome
 * figures (/utfall). Routes nest under the section's base. The server authorizes every call.
 */
import { VStack } from '@navikt/ds-react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Route, Switch, useLocation } from 'wouter';
import { PageHeading } from '../../components';
import { RequireStaff } from '../gate';
import type { StaffSession } from '../gate';
import { Calendar } from './Calendar';
import { MeetingPage } from './Meeting';
import { Outcomes } from './Outcomes';
import { ParticipantPage } from './Participant';
import { Participants } from './Participants';
import { NS } from './texts';

const TABS = [
  { href: '/', key: 'calendar' },
  { href: '/deltagare', key: 'participants' },
  { href: '/utfall', key: 'outcomes' },
] as const;

function SectionNav() {
  const { t } = useTranslation(NS);
  const [location] = useLocation();
  return (
    <nav aria-label={t('nav.label')} className="staff-nav">
      <ul>
        {TABS.map((tab) => (
          <li key={tab.key}>
            <Link href={tab.href} aria-current={location === tab.href ? 'page' : undefined}>
              {t(`nav.${tab.key}`)}
            </Link>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** A top page of the section: its heading and the section's navigation. */
function Top({ title, children }: { title: string; children: ReactNode }) {
  return (
    <VStack gap="space-24">
      <PageHeading title={title}>{title}</PageHeading>
      <SectionNav />
      {children}
    </VStack>
  );
}

function Pages({ session }: { session: StaffSession }) {
  const { t } = useTranslation(NS);
  return (
    <Switch>
      <Route path="/">
        <Top title={t('calendar.title')}>
          <Calendar session={session} />
        </Top>
      </Route>
      <Route path="/deltagare">
        <Top title={t('participants.title')}>
          <Participants session={session} />
        </Top>
      </Route>
      <Route path="/utfall">
        <Top title={t('outcomes.title')}>
          <Outcomes session={session} />
        </Top>
      </Route>
      <Route path="/deltagare/:municipality/:participantId">
        <VStack gap="space-16">
          <SectionNav />
          <ParticipantPage session={session} />
        </VStack>
      </Route>
      <Route path="/mote/:municipality/:meetingId">
        <VStack gap="space-16">
          <SectionNav />
          <MeetingPage session={session} />
        </VStack>
      </Route>
      <Route>
        <PageHeading title={t('notFound')}>{t('notFound')}</PageHeading>
      </Route>
    </Switch>
  );
}

export default function Coach() {
  return <RequireStaff roles={['coach']}>{(s) => <Pages session={s} />}</RequireStaff>;
}
