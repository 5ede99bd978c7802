/**
 * "Kan jag få ekonomiskt bistånd?": a self-check without login. The person gives the household,
 * housing cost and income; the public rule book API (POST /api/v1/calculations) estimates the
 * amount and explains each line with its rule. Nothing is stored. The estimate is not a decision.
 */
import { Alert, BodyLong, BodyShort, Box, Button, Heading, HStack, Select, TextField, VStack } from '@navikt/ds-react';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'wouter';
import { AmountsTable } from '../amounts-table';
import { api } from '../api';
import { FormErrors, PageHeading, formatKronor, problemText } from '../components';
import type { ShownError } from '../components';
import { parseAmount } from '../application-model';

interface Line {
  readonly n: number;
  readonly section: string;
  readonly amount: number;
  readonly text: { sv: string; en: string };
  readonly references: readonly { act?: string; section?: string; text?: string }[];
}
interface Result {
  readonly norm: number;
  readonly costs: number;
  readonly income: number;
  readonly amount: number;
  readonly lines: readonly Line[];
}

/** A birth date that gives this age (years) in the middle of the current month. */
function birthDateForAge(age: number): string {
  const now = new Date();
  return `${now.getUTCFullYear() - age}-01-01`;
}

export default function SelfCheck() {
  const { t, i18n } = useTranslation();
  const [municipalities, setMunicipalities] = useState<{ id: string; name: string }[]>([]);
  const [municipality, setMunicipality] = useState('');
  const [adults, setAdults] = useState('1');
  const [adultAge, setAdultAge] = useState('');
  const [children, setChildren] = useState<string[]>([]);
  const [rent, setRent] = useState('');
  const [income, setIncome] = useState('');
  const [errors, setErrors] = useState<ShownError[]>([]);
  const [result, setResult] = useState<Result>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    void api<{ id: string; name: string }[]>('/api/v1/municipalities').then((ms) => {
      setMunicipalities(ms);
      setMunicipality((m) => m || ms[0]?.id || '');
    });
  }, []);

  async function estimate() {
    const found: ShownError[] = [];
    const age = Number(adultAge);
    if (!/^\d{1,3}$/.test(adultAge) || age < 18 || age > 120) found.push({ id: 'f-age', message: t('self.ageError') });
    children.forEach((c, i) => {
      if (!/^\d{1,2}$/.test(c) || Number(c) > 20)
        found.push({ id: `f-child-${i}`, message: t('self.childAgeError', { n: i + 1 }) });
    });
    const rentP = rent.trim() === '' ? ({ ok: true, value: 0 } as const) : parseAmount(rent);
    if (!rentP.ok) found.push({ id: 'f-rent', message: t(`errors.amount.${rentP.problem}`) });
    const incomeP = income.trim() === '' ? ({ ok: true, value: 0 } as const) : parseAmount(income);
    if (!incomeP.ok) found.push({ id: 'f-income', message: t(`errors.amount.${incomeP.problem}`) });
    setErrors(found);
    if (found.length > 0 || !rentP.ok || !incomeP.ok) return;
    const month = new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Europe/Stockholm',
      year: 'numeric',
      month: '2-digit',
    }).format(new Date());
    setProblem(undefined);
    try {
      setResult(
        await api<Result>('/api/v1/calculations', {
          method: 'POST',
          body: {
            month,
            municipality,
            household: {
              adults: Array.from({ length: Number(adults) }, (_, i) => ({
                id: `a${i}`,
                birthDate: birthDateForAge(age),
              })),
              children: children.map((c, i) => ({ id: `c${i}`, birthDate: birthDateForAge(Number(c)) })),
            },
            costs: rentP.value > 0 ? [{ type: 'rent', amount: rentP.value }] : [],
            incomes: incomeP.value > 0 ? [{ type: 'other', amount: incomeP.value }] : [],
          },
        }),
      );
    } catch (e) {
      setProblem(problemText(e, t('errors.generic')));
    }
  }

  const textLang = i18n.language === 'sv' ? 'sv' : 'en';
  return (
    <VStack gap="space-24">
      <div>
        <PageHeading title={t('self.title')}>{t('self.title')}</PageHeading>
        <BodyLong>{t('self.lead')}</BodyLong>
      </div>
      <FormErrors errors={errors} />
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void estimate();
        }}
      >
        <VStack gap="space-16">
          <Select label={t('my.municipality')} value={municipality} onChange={(e) => setMunicipality(e.target.value)}>
            {municipalities.map((m) => (
              <option key={m.id} value={m.id}>
                {m.name}
              </option>
            ))}
          </Select>
          <Select label={t('self.adults')} value={adults} onChange={(e) => setAdults(e.target.value)}>
            <option value="1">1</option>
            <option value="2">2</option>
          </Select>
          <TextField
            id="f-age"
            label={t('self.age')}
            inputMode="numeric"
            htmlSize={4}
            value={adultAge}
            error={errors.find((e) => e.id === 'f-age')?.message}
            onChange={(e) => setAdultAge(e.target.value)}
          />
          {children.map((c, i) => (
            <HStack key={i} gap="space-16" align="end">
              <TextField
                id={`f-child-${i}`}
                label={t('self.childAge', { n: i + 1 })}
                inputMode="numeric"
                htmlSize={4}
                value={c}
                error={errors.find((e) => e.id === `f-child-${i}`)?.message}
                onChange={(e) => setChildren(children.map((x, j) => (j === i ? e.target.value : x)))}
              />
              <Button
                type="button"
                variant="tertiary"
                size="small"
                onClick={() => setChildren(children.filter((_, j) => j !== i))}
              >
                {t('self.removeChild', { n: i + 1 })}
              </Button>
            </HStack>
          ))}
          <div>
            <Button type="button" variant="secondary" size="small" onClick={() => setChildren([...children, ''])}>
              {t('apply.household.addChild')}
            </Button>
          </div>
          <TextField
            id="f-rent"
            label={t('self.rent')}
            inputMode="decimal"
            htmlSize={12}
            value={rent}
            error={errors.find((e) => e.id === 'f-rent')?.message}
            onChange={(e) => setRent(e.target.value)}
          />
          <TextField
            id="f-income"
            label={t('self.income')}
            description={t('self.incomeHelp')}
            inputMode="decimal"
            htmlSize={12}
            value={income}
            error={errors.find((e) => e.id === 'f-income')?.message}
            onChange={(e) => setIncome(e.target.value)}
          />
          <div>
            <Button type="submit">{t('self.estimate')}</Button>
          </div>
        </VStack>
      </form>
      {problem ? <Alert variant="error">{problem}</Alert> : null}
      {result ? (
        <Box padding="space-16" borderWidth="1" borderRadius="8" aria-live="polite">
          <VStack gap="space-16">
            <Heading level="2" size="medium">
              {result.amount > 0 ? t('self.resultYes', { amount: formatKronor(result.amount) }) : t('self.resultNo')}
            </Heading>
            <BodyShort>{t('self.notDecision')}</BodyShort>
            {textLang !== i18n.language ? <BodyShort size="small">{t('self.explanationLanguage')}</BodyShort> : null}
            <AmountsTable
              caption={t('self.howTitle')}
              what={t('self.line')}
              amount={t('case.amount')}
              rows={result.lines.map((l) => ({ key: l.n, text: l.text[textLang], lang: textLang, kronor: l.amount }))}
            />
            <BodyShort>
              <Link href="/sa-raknar-vi/regler">{t('self.rulebookLink')}</Link>
            </BodyShort>
          </VStack>
        </Box>
      ) : null}
    </VStack>
  );
}
