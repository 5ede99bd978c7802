/**
 * What customer service may tell the person: the next payday, and per application its status in
 * plain words, dates, what is missing, the payment's day and state (never an amount) and the
 * meeting, with help to book or move it. With no applications to show — also for a person with
 * protected identity — one and the same "no information" answer.
 */
import { Alert, BodyLong, BodyShort, Box, HStack, Heading, List, Tag, VStack } from '@navikt/ds-react';
import { useState } from 'react';
import type { CSSProperties, ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatMonth } from '../../components';
import { formatDay, useSlotLabel } from './format';
import { MeetingHelp } from './MeetingHelp';
import { NS } from './texts';
import type { Booking, PersonApplication, Person } from './types';

const FACTS: CSSProperties = {
  display: 'grid',
  gridTemplateColumns: 'max-content 1fr',
  gap: '0.25rem 1rem',
  margin: 0,
};

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <>
      <dt style={{ fontWeight: 600 }}>{term}</dt>
      <dd style={{ margin: 0 }}>{children}</dd>
    </>
  );
}

function ApplicationCard({ municipality, app }: { municipality: string; app: PersonApplication }) {
  const { t } = useTranslation([NS, 'translation']);
  const slotLabel = useSlotLabel();
  const [meeting, setMeeting] = useState<Booking | null>(app.meeting);
  const [justBooked, setJustBooked] = useState(false);
  const headingId = `cs-app-${app.id}`;
  return (
    <Box as="section" aria-labelledby={headingId} padding="space-16" borderWidth="1" borderRadius="8">
      <VStack gap="space-12">
        <Heading level="3" size="small" id={headingId}>
          {t('result.application', { kind: t(`translation:kind.${app.kind}`), month: formatMonth(app.month) })}
        </Heading>
        <dl style={FACTS}>
          <Fact term={t('result.status')}>{app.statusText}</Fact>
          {app.submittedOn ? <Fact term={t('result.submitted')}>{formatDay(app.submittedOn)}</Fact> : null}
          {app.decidedOn ? <Fact term={t('result.decided')}>{formatDay(app.decidedOn)}</Fact> : null}
          <Fact term={t('result.payment')}>
            {app.payment
              ? t('result.paymentOn', { date: formatDay(app.payment.payOn), state: app.payment.statusText })
              : t('result.noPayment')}
          </Fact>
        </dl>
        <div>
          <Heading level="4" size="xsmall" spacing>
            {t('result.missing')}
          </Heading>
          {app.missingItems.length === 0 ? (
            <BodyShort>{t('result.nothingMissing')}</BodyShort>
          ) : (
            <VStack gap="space-8">
              {app.missingItems.map((m) => (
                <div key={`${m.source}-${m.requestedOn}-${m.dueDate}`}>
                  <HStack gap="space-8" align="center">
                    <BodyShort weight="semibold">
                      {t(`result.source.${m.source}`, { date: formatDay(m.dueDate) })}
                    </BodyShort>
                    {m.overdue ? (
                      <Tag variant="warning" size="xsmall">
                        {t('result.overdue')}
                      </Tag>
                    ) : null}
                  </HStack>
                  <List size="small">
                    {m.items.map((item) => (
                      <List.Item key={item}>{item}</List.Item>
                    ))}
                  </List>
                </div>
              ))}
            </VStack>
          )}
        </div>
        <div>
          <Heading level="4" size="xsmall" spacing>
            {t('result.meeting')}
          </Heading>
          <div role="status">
            {meeting ? (
              <BodyShort>
                {justBooked ? `${t('meeting.booked')} ` : ''}
                {slotLabel(meeting)}
                {meeting.location ? `, ${meeting.location}` : ''}
              </BodyShort>
            ) : (
              <BodyShort>{t('result.noMeeting')}</BodyShort>
            )}
          </div>
          {app.canBookMeeting ? (
            <Box paddingBlock="space-8 space-0">
              <MeetingHelp
                municipality={municipality}
                applicationId={app.id}
                booked={meeting}
                onBooked={(b) => {
                  setMeeting(b);
                  setJustBooked(true);
                }}
              />
            </Box>
          ) : null}
        </div>
      </VStack>
    </Box>
  );
}

export function PersonResult({ municipality, person }: { municipality: string; person: Person }) {
  const { t } = useTranslation(NS);
  if (person.applications.length === 0)
    return (
      <Alert variant="info">
        <BodyLong>{t('result.none')}</BodyLong>
      </Alert>
    );
  const payday = formatDay(person.nextPayday.date);
  return (
    <VStack gap="space-16">
      <BodyLong weight="semibold">
        {person.nextPayday.basis === 'payment'
          ? t('result.nextPayment', { date: payday })
          : t('result.nextPayday', { date: payday })}
      </BodyLong>
      {person.applications.map((a) => (
        <ApplicationCard key={a.id} municipality={municipality} app={a} />
      ))}
    </VStack>
  );
}
