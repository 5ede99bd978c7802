/**
 * The application, step by step (/ansokan/:municipality/:id/:step): household, housing and costs,
 * incomes, assets, work, payment account, then "check your answers" with the attestation. Every
 * "Next" saves the draft, so the applicant can stop at any point and resume on any device; a step
 * with errors shows them at the field and in a summary, and keeps everything typed. A
 * re-application starts with one question per section, "has this changed?", and shows only the
 * sections that did.
 */
import { Alert, BodyShort, Button, FormProgress, HStack, Loader, VStack } from '@navikt/ds-react';
import i18next from 'i18next';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useParams } from 'wouter';
import { ApiError, api, idempotencyKey } from '../api';
import { RequireApplicant } from '../auth-gate';
import { FormErrors, PageHeading, formatMonth, problemText, useFieldMessage } from '../components';
import type { ShownError } from '../components';
import { STEP_PATH, contentOf, fieldId, stepOfPointer, stepsOf } from '../application-model';
import type { ApplicationView, Draft, Step } from '../application-model';
import type { SignedIn } from '../session';
import { StepFields, validateStep } from './apply-steps';
import { Review } from './apply-review';

function stepFromPath(path: string | undefined, steps: Step[]): Step {
  const found = (Object.entries(STEP_PATH) as [Step, string][]).find(([, p]) => p === path)?.[0];
  return found && steps.includes(found) ? found : steps[0]!;
}

function ApplyForm({ session }: { session: SignedIn }) {
  const { t } = useTranslation();
  const params = useParams<{ municipality: string; id: string; step?: string }>();
  const [, navigate] = useLocation();
  const [view, setView] = useState<ApplicationView>();
  const [draft, setDraft] = useState<Draft>({});
  /** Errors of any step (a server answer can name several); each step shows its own. */
  const [allErrors, setErrors] = useState<(ShownError & { step?: Step })[]>([]);
  const [problem, setProblem] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [submitKey] = useState(idempotencyKey);
  const fieldMessage = useFieldMessage();
  const base = `/api/v1/municipalities/${params.municipality}/applications/${params.id}`;

  useEffect(() => {
    api<ApplicationView>(base)
      .then((v) => {
        if (v.status !== 'draft') {
          navigate(`/arende/${params.municipality}/${params.id}`, { replace: true });
          return;
        }
        const d: Draft = v.draft ?? {};
        // The applicant is always the first adult.
        const adults = d.household?.adults?.length ? [...d.household.adults] : [{}];
        adults[0] = {
          ...adults[0],
          personnummer: session.personnummer ?? '',
          ...(session.name ? { name: session.name } : {}),
        };
        setDraft({ ...d, household: { ...d.household, adults } });
        setView(v);
      })
      .catch((e: unknown) => setProblem(problemText(e, i18next.t('errors.generic'))));
    // Loaded once per application: a change of language must not replace what is being typed.
  }, [base, navigate, params.municipality, params.id, session.personnummer, session.name]);

  const steps = useMemo(() => stepsOf(draft), [draft]);
  const step = stepFromPath(params.step, steps);
  const errors = useMemo(() => allErrors.filter((e) => e.step === undefined || e.step === step), [allErrors, step]);

  // Saved a moment after each change, so nothing typed is lost if the session or the connection ends.
  const loaded = useRef(false);
  const autosave = useRef<number | undefined>(undefined);
  const cancelAutosave = () => window.clearTimeout(autosave.current);
  useEffect(() => {
    if (!view) return;
    if (!loaded.current) {
      loaded.current = true;
      return;
    }
    autosave.current = window.setTimeout(
      () => void api(`${base}/draft`, { method: 'PUT', body: draft }).catch(() => undefined),
      1500,
    );
    return () => window.clearTimeout(autosave.current);
  }, [draft, view, base]);
  const index = steps.indexOf(step);
  const go = (s: Step) => navigate(`/ansokan/${params.municipality}/${params.id}/${STEP_PATH[s]}`);

  const save = useCallback(
    async (d: Draft | Record<string, unknown>) => {
      window.clearTimeout(autosave.current);
      await api(`${base}/draft`, { method: 'PUT', body: d });
    },
    [base],
  );

  async function next() {
    const found = validateStep(step, draft, t);
    setErrors(found);
    if (found.length > 0) return;
    setBusy(true);
    setProblem(undefined);
    try {
      const all = stepsOf(draft);
      const following = all[all.indexOf(step) + 1];
      // The furthest step reached, for the anonymous drop-off metric.
      const furthest =
        draft.ui?.step && all.indexOf(draft.ui.step) > all.indexOf(following!) ? draft.ui.step : following;
      const saved: Draft = { ...draft, ui: { ...draft.ui, ...(furthest ? { step: furthest } : {}) } };
      setDraft(saved);
      await save(saved);
      if (following) go(following);
    } catch (e) {
      setProblem(problemText(e, t('errors.saveFailed')));
    } finally {
      setBusy(false);
    }
  }

  async function saveAndLeave() {
    setBusy(true);
    try {
      await save(draft);
      navigate('/mina-sidor?sparad=1');
    } catch (e) {
      setProblem(problemText(e, t('errors.saveFailed')));
      setBusy(false);
    }
  }

  async function submit() {
    const found = validateStep('review', draft, t);
    setErrors(found);
    if (found.length > 0) return;
    setBusy(true);
    setProblem(undefined);
    cancelAutosave();
    try {
      await save(contentOf(draft));
      await api(`${base}/submit`, { method: 'POST', headers: { 'idempotency-key': submitKey } });
      navigate(
        view?.kind === 'new'
          ? `/ansokan/${params.municipality}/${params.id}/boka`
          : `/arende/${params.municipality}/${params.id}?skickad=1`,
      );
    } catch (e) {
      // Keep the page state on the server again: nothing typed is lost.
      await save(draft).catch(() => undefined);
      if (e instanceof ApiError && e.fieldErrors.length > 0) {
        const shown = e.fieldErrors.map((f) => ({
          id: fieldId(f.pointer ?? `/${f.field}`),
          message: fieldMessage(f),
          step: stepOfPointer(f.pointer ?? ''),
        }));
        setErrors(shown.map(({ id, message }) => ({ id, message })));
        setProblem(t('apply.serverErrors'));
        const first = shown[0]!.step;
        if (first !== 'review') go(first);
      } else setProblem(problemText(e, t('errors.generic')));
    } finally {
      setBusy(false);
    }
  }

  if (problem && !view) return <Alert variant="error">{problem}</Alert>;
  if (!view) return <Loader title={t('common.loading')} />;
  const title = t(`apply.step.${step}`);
  return (
    <VStack gap="space-24">
      <div>
        <BodyShort size="small">
          {t(`kind.${view.kind}`)}: {formatMonth(view.month)}
        </BodyShort>
        <PageHeading title={title}>{title}</PageHeading>
        <FormProgress
          totalSteps={steps.length}
          activeStep={index + 1}
          translations={{
            step: t('apply.progress', { activeStep: '{activeStep}', totalSteps: '{totalSteps}' }),
            showAllSteps: t('apply.showSteps'),
            hideAllSteps: t('apply.hideSteps'),
          }}
          onStepChange={(n) => go(steps[n - 1]!)}
        >
          {steps.map((s, i) => (
            <FormProgress.Step
              key={s}
              href={`/ansokan/${params.municipality}/${params.id}/${STEP_PATH[s]}`}
              interactive={i < index}
              completed={i < index}
            >
              {t(`apply.step.${s}`)}
            </FormProgress.Step>
          ))}
        </FormProgress>
      </div>
      <FormErrors errors={errors} />
      {problem ? (
        <div role="alert">
          <Alert variant="error">{problem}</Alert>
        </div>
      ) : null}
      <form
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          void (step === 'review' ? submit() : next());
        }}
      >
        <VStack gap="space-24">
          {step === 'review' ? (
            <Review draft={draft} steps={steps} onEdit={go} onChange={setDraft} errors={errors} />
          ) : (
            <StepFields
              step={step}
              municipality={params.municipality}
              draft={draft}
              onChange={setDraft}
              errors={errors}
            />
          )}
          <HStack gap="space-16">
            {index > 0 ? (
              <Button type="button" variant="secondary" onClick={() => go(steps[index - 1]!)}>
                {t('apply.back')}
              </Button>
            ) : null}
            <Button type="submit" loading={busy}>
              {step === 'review' ? t('apply.submit') : t('apply.next')}
            </Button>
          </HStack>
          <div>
            <Button type="button" variant="tertiary" onClick={() => void saveAndLeave()}>
              {t('apply.saveLater')}
            </Button>
          </div>
        </VStack>
      </form>
    </VStack>
  );
}

export default function Apply() {
  return <RequireApplicant>{(s) => <ApplyForm session={s} />}</RequireApplicant>;
}
