/**
 * "Så räknar vi" for the applicant, in the chosen language: how försörjningsstöd is worked out,
 * this year's riksnorm amounts and every rule, straight from the public rule book (GET
 * /api/v1/rulebook). The rule book's own texts are in Swedish and English; the full reference
 * with every value over time, source and legal reference is the server's page /sa-raknar-vi.
 */
import { Alert, BodyLong, BodyShort, Heading, List, Loader, ReadMore, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { AmountsTable, referencesText } from '../amounts-table';
import { api } from '../api';
import { PageHeading, problemText } from '../components';

interface Msg {
  readonly sv: string;
  readonly en: string;
}
interface RuleBook {
  readonly version: string;
  readonly parameters: readonly {
    id: string;
    unit: string;
    per: string;
    label: Msg;
    values: readonly { amount: number; from: string; until: string | null; status: string }[];
  }[];
  readonly rules: readonly {
    id: string;
    title: Msg;
    description: Msg;
    periods: readonly {
      from: string;
      until: string | null;
      references: readonly { act: string; provision?: string }[];
    }[];
  }[];
}

const todayInSweden = () => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Stockholm' }).format(new Date());

export default function Rules() {
  const { t, i18n } = useTranslation();
  const [rb, setRb] = useState<RuleBook>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    api<RuleBook>('/api/v1/rulebook')
      .then(setRb)
      .catch((e: unknown) => setProblem(problemText(e, t('errors.generic'))));
  }, [t]);
  const textLang = i18n.language === 'sv' ? 'sv' : 'en';
  const today = todayInSweden();
  const inForce = <T extends { from: string; until: string | null }>(xs: readonly T[]) =>
    xs.find((x) => x.from <= today && (x.until === null || today <= x.until));
  const norm = (rb?.parameters ?? [])
    .filter((p) => p.id.startsWith('riksnorm.') && !p.id.endsWith('withoutLunch'))
    .map((p) => ({ p, v: inForce(p.values) }))
    .filter((x) => x.v !== undefined);
  return (
    <VStack gap="space-24">
      <div>
        <PageHeading title={t('rules.title')}>{t('rules.title')}</PageHeading>
        <BodyLong size="large">{t('rules.lead')}</BodyLong>
      </div>
      <Heading level="2" size="medium">
        {t('rules.howTitle')}
      </Heading>
      <List as="ol">
        <List.Item>{t('rules.how1')}</List.Item>
        <List.Item>{t('rules.how2')}</List.Item>
        <List.Item>{t('rules.how3')}</List.Item>
        <List.Item>{t('rules.how4')}</List.Item>
      </List>
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {!rb && !problem ? <Loader title={t('common.loading')} /> : null}
      {rb ? (
        <>
          {textLang !== i18n.language ? <BodyShort size="small">{t('self.explanationLanguage')}</BodyShort> : null}
          <section aria-labelledby="norm-heading">
            <Heading id="norm-heading" level="2" size="medium" spacing>
              {t('rules.normTitle', { year: today.slice(0, 4) })}
            </Heading>
            <BodyLong spacing>{t('rules.normLead')}</BodyLong>
            <AmountsTable
              caption={t('rules.normTitle', { year: today.slice(0, 4) })}
              what={t('rules.item')}
              amount={t('rules.perMonth')}
              rows={norm.map(({ p, v }) => ({
                key: p.id,
                text: p.label[textLang],
                lang: textLang,
                kronor: v!.amount / 100,
              }))}
            />
          </section>
          <section aria-labelledby="rules-heading">
            <Heading id="rules-heading" level="2" size="medium" spacing>
              {t('rules.rulesTitle')}
            </Heading>
            <VStack gap="space-12">
              {rb.rules.map((r) => {
                const refs = inForce(r.periods)?.references ?? [];
                return (
                  <ReadMore key={r.id} header={r.title[textLang]} lang={textLang}>
                    <BodyLong spacing>{r.description[textLang]}</BodyLong>
                    {refs.length > 0 ? <BodyShort size="small">{referencesText(refs)}</BodyShort> : null}
                  </ReadMore>
                );
              })}
            </VStack>
          </section>
          <BodyShort>
            <a href={`/sa-raknar-vi${textLang === 'en' ? '?lang=en' : ''}`}>
              {t('rules.full', { version: rb.version })}
            </a>
          </BodyShort>
        </>
      ) : null}
    </VStack>
  );
}
