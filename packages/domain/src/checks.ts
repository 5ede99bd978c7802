/**
 * The catalogue of checks run on every submitted application before a decision. Each check is a
 * pure function that passes, flags the case for a person, or blocks automated handling, and
 * explains why in Swedish and English. Flags are first-class: a person acknowledges them.
 */
import type { CalculationResult, Msg } from '@tillit/rules';
import type { ApplicationContent, ApplicationKind } from './application.ts';
import type { Evidence } from './evidence.ts';

export const CHECK_IDS = [
  'identity-residence',
  'protected-identity',
  'household-register',
  'income-vs-authorities',
  'income-change',
  'new-income',
  'dropped-income',
  'housing-cost-change',
  'cost-above-guideline',
  'assets',
  'labour-market',
  'student',
  'pending-benefit',
  'payment-account-changed',
  'stay-outside-municipality',
  'recent-recovery-claim',
  'duplicate-application',
  'new-application-meeting',
  'partial-data',
] as const;
export type CheckId = (typeof CHECK_IDS)[number];

export type CheckOutcome = 'pass' | 'flag' | 'block';

export interface CheckResult {
  readonly check: CheckId;
  readonly outcome: CheckOutcome;
  readonly text: Msg;
}

export interface CheckContext {
  readonly kind: ApplicationKind;
  /** Application month M; the authorities' data covers M−1 (control) and M−2 (comparison). */
  readonly month: string;
  readonly controlMonth: string;
  readonly comparisonMonth: string;
  readonly municipalityCode: string;
  /** Income change between M−2 and M−1 that raises a flag, in basis points (default 1 200). */
  readonly incomeChangeThresholdBasisPoints: number;
  readonly content: ApplicationContent;
  readonly evidence: Evidence;
  /** The household's previous submitted application, if any. */
  readonly previous?: ApplicationContent;
  /** Other applications by the household for the same month. */
  readonly duplicates: number;
  readonly recentRecoveryClaim: boolean;
  readonly calculation: CalculationResult;
}

const pass = (check: CheckId, sv: string, en: string): CheckResult => ({ check, outcome: 'pass', text: { sv, en } });
const flag = (check: CheckId, sv: string, en: string): CheckResult => ({ check, outcome: 'flag', text: { sv, en } });
const block = (check: CheckId, sv: string, en: string): CheckResult => ({ check, outcome: 'block', text: { sv, en } });

function persons(c: ApplicationContent): string[] {
  return [...c.household.adults.map((a) => a.personnummer), ...c.household.children.map((x) => x.personnummer)];
}

/** Position id (a0, c1) → personnummer, as the application's incomes refer to persons. */
function personnummerOf(c: ApplicationContent, id: string | undefined): string | undefined {
  if (id === undefined) return undefined;
  const i = Number(id.slice(1));
  return id[0] === 'a' ? c.household.adults[i]?.personnummer : c.household.children[i]?.personnummer;
}

function sum(xs: readonly { amountOre: number }[]): number {
  return xs.reduce((s, x) => s + x.amountOre, 0);
}

type Check = (ctx: CheckContext) => CheckResult;

const CHECKS: Readonly<Record<CheckId, Check>> = {
  'identity-residence': (ctx) =>
    ctx.evidence.register.municipalityCode === ctx.municipalityCode
      ? pass(
          'identity-residence',
          'Sökanden är folkbokförd i kommunen.',
          'The applicant is registered in the municipality.',
        )
      : flag(
          'identity-residence',
          'Sökanden är inte folkbokförd i kommunen enligt folkbokföringen.',
          'The population register does not place the applicant in the municipality.',
        ),

  'protected-identity': (ctx) =>
    ctx.evidence.register.protectedIdentity
      ? block(
          'protected-identity',
          'Någon i hushållet har skyddade personuppgifter. Ärendet handläggs alltid av en person.',
          'Someone in the household has protected identity. The case is always handled by a person.',
        )
      : pass('protected-identity', 'Inga skyddade personuppgifter.', 'No protected identity.'),

  'household-register': (ctx) => {
    const declared = new Set(persons(ctx.content));
    const registered = new Set(ctx.evidence.register.members.map((m) => m.personnummer));
    const missing = [...declared].filter((p) => !registered.has(p)).length;
    const extra = [...registered].filter((p) => !declared.has(p)).length;
    if (missing === 0 && (extra === 0 || ctx.content.household.householdSize !== undefined))
      return pass(
        'household-register',
        'Hushållet stämmer med folkbokföringen.',
        'The household matches the register.',
      );
    return flag(
      'household-register',
      `Hushållet stämmer inte med folkbokföringen: ${missing} angivna personer saknas på adressen och ${extra} andra är folkbokförda där.`,
      `The household does not match the register: ${missing} declared persons are not at the address and ${extra} others are registered there.`,
    );
  },

  'income-vs-authorities': (ctx) => {
    // Each authority-reported income type in the control month must be declared by someone.
    const declared = new Set(ctx.content.incomes.map((i) => i.type));
    const undeclared = [
      ...new Set(
        ctx.evidence.incomes.filter((i) => i.month === ctx.controlMonth && i.amountOre > 0).map((i) => i.type),
      ),
    ].filter((t) => !declared.has(t));
    return undeclared.length === 0
      ? pass(
          'income-vs-authorities',
          'Inkomsterna stämmer med myndigheternas uppgifter.',
          "Incomes match the authorities' data.",
        )
      : flag(
          'income-vs-authorities',
          `Myndigheterna har betalat ut ${undeclared.join(', ')} som inte finns i ansökan.`,
          `The authorities paid ${undeclared.join(', ')} which the application does not declare.`,
        );
  },

  'income-change': (ctx) => {
    const changed: string[] = [];
    const keys = new Set(ctx.evidence.incomes.map((i) => `${i.personnummer}|${i.type}`));
    for (const key of keys) {
      const of = (month: string) =>
        sum(ctx.evidence.incomes.filter((i) => `${i.personnummer}|${i.type}` === key && i.month === month));
      const before = of(ctx.comparisonMonth);
      const now = of(ctx.controlMonth);
      if (before > 0 && now > 0 && Math.abs(now - before) * 10_000 > before * ctx.incomeChangeThresholdBasisPoints)
        changed.push(key.split('|')[1]!);
    }
    const pct = ctx.incomeChangeThresholdBasisPoints / 100;
    return changed.length === 0
      ? pass('income-change', `Ingen inkomst har ändrats mer än ${pct} %.`, `No income changed by more than ${pct}%.`)
      : flag(
          'income-change',
          `Inkomst har ändrats mer än ${pct} % mellan de två senaste månaderna: ${changed.join(', ')}.`,
          `Income changed by more than ${pct}% between the last two months: ${changed.join(', ')}.`,
        );
  },

  'new-income': (ctx) => {
    const before = new Set(
      ctx.evidence.incomes.filter((i) => i.month === ctx.comparisonMonth && i.amountOre > 0).map((i) => i.type),
    );
    const fresh = [
      ...new Set(
        ctx.evidence.incomes
          .filter((i) => i.month === ctx.controlMonth && i.amountOre > 0 && !before.has(i.type))
          .map((i) => i.type),
      ),
    ];
    return fresh.length === 0
      ? pass('new-income', 'Inga nya inkomster.', 'No new incomes.')
      : flag('new-income', `Ny inkomst: ${fresh.join(', ')}.`, `New income: ${fresh.join(', ')}.`);
  },

  'dropped-income': (ctx) => {
    const now = new Set(
      ctx.evidence.incomes.filter((i) => i.month === ctx.controlMonth && i.amountOre > 0).map((i) => i.type),
    );
    const gone = [
      ...new Set(
        ctx.evidence.incomes
          .filter((i) => i.month === ctx.comparisonMonth && i.amountOre > 0 && !now.has(i.type))
          .map((i) => i.type),
      ),
    ];
    return gone.length === 0
      ? pass('dropped-income', 'Ingen inkomst har upphört.', 'No income has stopped.')
      : flag(
          'dropped-income',
          `Inkomst som fanns månaden före saknas nu: ${gone.join(', ')}.`,
          `Income present the month before is now missing: ${gone.join(', ')}.`,
        );
  },

  'housing-cost-change': (ctx) => {
    if (!ctx.previous)
      return pass('housing-cost-change', 'Ingen tidigare ansökan att jämföra med.', 'No earlier application.');
    const rent = (c: ApplicationContent) => c.costs.filter((x) => x.type === 'rent').reduce((s, x) => s + x.amount, 0);
    return rent(ctx.previous) === rent(ctx.content)
      ? pass('housing-cost-change', 'Boendekostnaden är oförändrad.', 'The housing cost is unchanged.')
      : flag(
          'housing-cost-change',
          `Boendekostnaden har ändrats från ${rent(ctx.previous)} kr till ${rent(ctx.content)} kr.`,
          `The housing cost changed from SEK ${rent(ctx.previous)} to SEK ${rent(ctx.content)}.`,
        );
  },

  'cost-above-guideline': (ctx) => {
    // A cost the municipality's guideline limits is decided by the rule book (a partial refusal,
    // which the decision policy routes); a cost with no guideline needs a person's assessment.
    const unguided = ctx.calculation.lines.filter((l) => l.flags.includes('needsAssessment')).map((l) => l.item);
    const capped = ctx.calculation.lines.filter((l) => l.flags.includes('capped')).map((l) => l.item);
    if (unguided.length > 0)
      return flag(
        'cost-above-guideline',
        `Kostnader utan riktlinje ska bedömas av en handläggare: ${unguided.join(', ')}.`,
        `Costs without a guideline need a caseworker's assessment: ${unguided.join(', ')}.`,
      );
    return capped.length === 0
      ? pass(
          'cost-above-guideline',
          'Alla kostnader ryms i kommunens riktlinjer.',
          "All costs are within the municipality's guidelines.",
        )
      : pass(
          'cost-above-guideline',
          `Kostnader över kommunens riktlinje godtas upp till riktlinjen: ${capped.join(', ')}.`,
          `Costs above the municipality's guideline are accepted up to it: ${capped.join(', ')}.`,
        );
  },

  assets: (ctx) => {
    const declared = ctx.content.assets.reduce((s, a) => s + a.value, 0);
    const vehicles = ctx.evidence.vehiclesOre.reduce((s, v) => s + v.valueOre, 0);
    return declared === 0 && vehicles === 0
      ? pass('assets', 'Inga tillgångar.', 'No assets.')
      : flag(
          'assets',
          'Hushållet har tillgångar som ska prövas innan bistånd beviljas.',
          'The household has assets that must be assessed before assistance is granted.',
        );
  },

  'labour-market': (ctx) => {
    const notRegistered = ctx.content.household.adults.filter((a, i) => {
      const declared = ctx.content.labourMarket.find((l) => l.person === `a${i}`);
      if (declared && declared.situation !== 'jobseeker') return false; // working, sick, studying…: assessed elsewhere
      return !ctx.evidence.arbetsformedlingen.some((r) => r.personnummer === a.personnummer && r.registered);
    }).length;
    return notRegistered === 0
      ? pass(
          'labour-market',
          'Arbetssökande är inskrivna hos Arbetsförmedlingen.',
          'Jobseekers are registered with Arbetsförmedlingen.',
        )
      : flag(
          'labour-market',
          'En arbetssökande vuxen är inte inskriven hos Arbetsförmedlingen.',
          'An adult jobseeker is not registered with Arbetsförmedlingen.',
        );
  },

  student: (ctx) =>
    ctx.content.household.adults.some((a) => ctx.evidence.studying.includes(a.personnummer))
      ? flag('student', 'En vuxen studerar enligt CSN.', 'An adult is studying according to CSN.')
      : pass('student', 'Ingen vuxen studerar enligt CSN.', 'No adult is studying according to CSN.'),

  'pending-benefit': (ctx) =>
    ctx.evidence.pendingBenefits.length > 0
      ? flag(
          'pending-benefit',
          `Ansökan om ${ctx.evidence.pendingBenefits.map((p) => p.type).join(', ')} är inte avgjord hos Försäkringskassan.`,
          `An application for ${ctx.evidence.pendingBenefits.map((p) => p.type).join(', ')} is pending at Försäkringskassan.`,
        )
      : pass(
          'pending-benefit',
          'Inga pågående ansökningar hos Försäkringskassan.',
          'No pending applications at Försäkringskassan.',
        ),

  'payment-account-changed': (ctx) => {
    const prev = ctx.previous?.paymentAccount;
    const now = ctx.content.paymentAccount;
    return !prev || (prev.clearing === now.clearing && prev.account === now.account)
      ? pass('payment-account-changed', 'Kontot för utbetalning är oförändrat.', 'The payment account is unchanged.')
      : flag('payment-account-changed', 'Kontot för utbetalning har ändrats.', 'The payment account has changed.');
  },

  'stay-outside-municipality': (ctx) =>
    ctx.content.residence.daysAway > 0
      ? flag(
          'stay-outside-municipality',
          `Sökanden vistas ${ctx.content.residence.daysAway} dagar utanför kommunen.`,
          `The applicant stays ${ctx.content.residence.daysAway} days outside the municipality.`,
        )
      : pass('stay-outside-municipality', 'Ingen vistelse utanför kommunen.', 'No stay outside the municipality.'),

  'recent-recovery-claim': (ctx) =>
    ctx.recentRecoveryClaim
      ? flag(
          'recent-recovery-claim',
          'Hushållet har ett aktuellt återkrav.',
          'The household has a recent recovery claim.',
        )
      : pass('recent-recovery-claim', 'Inget aktuellt återkrav.', 'No recent recovery claim.'),

  'duplicate-application': (ctx) =>
    ctx.duplicates > 0
      ? flag(
          'duplicate-application',
          'Hushållet har redan en ansökan för samma månad.',
          'The household already has an application for the same month.',
        )
      : pass('duplicate-application', 'Ingen annan ansökan för månaden.', 'No other application for the month.'),

  'new-application-meeting': (ctx) =>
    ctx.kind === 'new'
      ? flag(
          'new-application-meeting',
          'En nyansökan beslutas efter mötet med arbetsmarknadssekreteraren.',
          'A new application is decided after the meeting with the labour-market coach.',
        )
      : pass('new-application-meeting', 'Återkommande sökande.', 'Returning applicant.'),

  'partial-data': (ctx) => {
    // Declared incomes must be checkable: a source that answered only in part cannot confirm them.
    const declaredBy = new Set(ctx.content.incomes.map((i) => personnummerOf(ctx.content, i.person)).filter(Boolean));
    return ctx.evidence.partialSources.length === 0
      ? pass('partial-data', 'Alla källor svarade fullständigt.', 'Every source answered in full.')
      : flag(
          'partial-data',
          `Uppgifterna från ${ctx.evidence.partialSources.join(', ')} är ofullständiga (${declaredBy.size} personer med inkomster).`,
          `The data from ${ctx.evidence.partialSources.join(', ')} is incomplete (${declaredBy.size} persons with income).`,
        );
  },
};

/** Runs every check in catalogue order. */
export function runChecks(ctx: CheckContext): CheckResult[] {
  return CHECK_IDS.map((id) => CHECKS[id](ctx));
}
