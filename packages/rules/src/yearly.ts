/**
 * The rule book's yearly values (the riksnorm's amounts, the prisbasbelopp): which a year has,
 * and amending the rule book with a year's values that administrators enter from the official
 * source (socialtjänstförordningen 2 kap. 1 § as amended each year; socialförsäkringsbalken
 * 2 kap. 6–7 §§) before a release of Tillit carries them in its files. Pure: no I/O.
 *
 * A yearly parameter is one whose latest value covers exactly one calendar year. Parameters are
 * grouped by the first segment of their id (`riksnorm`, `prisbasbelopp`); an amendment sets a
 * whole group for a whole year, with the source it was taken from, as status `secondary`: a
 * person read the amounts, no test checks them against the statute, so automated decisions for
 * that year also need the administrators' confirmation (decision policy: `parametersConfirmed`).
 */
import { valueAt } from './rulebook.ts';
import type { ParameterValue, RuleBook, RuleBookSource, VerificationStatus } from './rulebook.ts';

export interface YearlyParameter {
  readonly id: string;
  readonly unit: 'ore' | 'basisPoints';
  readonly label: { readonly sv: string; readonly en: string };
  /** The value in force on 1 January of the year, when one covers the whole year. */
  readonly value: ParameterValue | null;
  /** The value of the year before (on 31 December), to compare with. */
  readonly previous: ParameterValue | null;
}

export type GroupStatus = VerificationStatus | 'missing' | 'partial';

export interface YearlyGroup {
  /** The first segment of the parameters' ids, e.g. `riksnorm`. */
  readonly group: string;
  readonly year: number;
  /** missing: no parameter has a value for the whole year; partial: some have; else the weakest status. */
  readonly status: GroupStatus;
  readonly parameters: readonly YearlyParameter[];
}

/** What administrators enter: one group's values for one year, and where they come from. */
export interface YearlyAmendment {
  /** A stable id (the database row's), part of the source key. */
  readonly id: string;
  readonly year: number;
  readonly group: string;
  /** Parameter id → amount (öre, or basis points for such parameters). */
  readonly values: Readonly<Record<string, number>>;
  readonly source: {
    /** The act, e.g. "Förordning (2026:1234) om ändring i socialtjänstförordningen (2001:937)". */
    readonly act: string;
    readonly url: string;
  };
}

export interface AmendmentProblem {
  /** The field, as the API names it: `year`, `group`, `values.<parameter id>`, `source.act`, `source.url`. */
  readonly field: string;
  readonly message: { readonly sv: string; readonly en: string };
}

/** A fact worth a second look that does not stop the amendment, e.g. a large change from last year. */
export interface AmendmentWarning {
  readonly field: string;
  readonly changeBasisPoints: number;
  readonly message: { readonly sv: string; readonly en: string };
}

/**
 * The groups every calculation reads (the riksnorm); without them a year cannot be decided at
 * all. Other yearly values (the prisbasbelopp) are read only by some cases, which go to a person
 * while the year lacks them.
 */
export const ESSENTIAL_GROUPS: readonly string[] = ['riksnorm'];

/** Changes from the year before beyond this (either way) are warned about: 10 %. */
export const LARGE_CHANGE_BASIS_POINTS = 1000;

const STATUS_ORDER: readonly VerificationStatus[] = ['derived', 'secondary', 'verified'];

function isCalendarYear(v: ParameterValue): boolean {
  return v.from.endsWith('-01-01') && v.until === `${v.from.slice(0, 4)}-12-31`;
}

/** The ids of the rule book's yearly parameters, by group, in the rule book's order. */
export function yearlyParameterIds(rulebook: RuleBook): ReadonlyMap<string, readonly string[]> {
  const out = new Map<string, string[]>();
  for (const p of rulebook.parameters.values()) {
    const last = p.values.at(-1);
    if (p.open || !last || !isCalendarYear(last)) continue;
    const group = p.id.split('.')[0]!;
    out.set(group, [...(out.get(group) ?? []), p.id]);
  }
  return out;
}

/** Each group of yearly values for `year`: which values it has and how they are verified. */
export function yearlyGroups(rulebook: RuleBook, year: number): YearlyGroup[] {
  return [...yearlyParameterIds(rulebook)].map(([group, ids]) => {
    const parameters = ids.map((id): YearlyParameter => {
      const def = rulebook.parameters.get(id)!;
      const v = valueAt(def.values, `${year}-01-01`);
      return {
        id,
        unit: def.unit,
        label: def.label,
        value: v && (v.until === null || v.until >= `${year}-12-31`) ? v : null,
        previous: valueAt(def.values, `${year - 1}-12-31`) ?? null,
      };
    });
    const have = parameters.filter((p) => p.value !== null);
    const status: GroupStatus =
      have.length === 0
        ? 'missing'
        : have.length < parameters.length
          ? 'partial'
          : STATUS_ORDER.find((s) => have.some((p) => p.value!.status === s))!;
    return { group, year, status, parameters };
  });
}

const msg = (sv: string, en: string) => ({ sv, en });

/** Problems that stop an amendment (each naming its field), and warnings that do not. */
export function checkAmendment(
  rulebook: RuleBook,
  a: Omit<YearlyAmendment, 'id'>,
): { problems: AmendmentProblem[]; warnings: AmendmentWarning[] } {
  const problems: AmendmentProblem[] = [];
  const warnings: AmendmentWarning[] = [];
  const groups = yearlyGroups(rulebook, a.year);
  const g = groups.find((x) => x.group === a.group);
  if (!g) {
    problems.push({
      field: 'group',
      message: msg(
        `Regelboken har ingen grupp av årliga belopp som heter ${a.group}. Välj en av: ${groups.map((x) => x.group).join(', ')}.`,
        `The rule book has no group of yearly values called ${a.group}. Choose one of: ${groups.map((x) => x.group).join(', ')}.`,
      ),
    });
    return { problems, warnings };
  }
  if (g.status !== 'missing') {
    problems.push({
      field: 'year',
      message: msg(
        `Regelboken har redan belopp för ${a.group} ${a.year}. Bara ett år som saknar belopp kan fyllas i här.`,
        `The rule book already has values for ${a.group} ${a.year}. Only a year without values can be entered here.`,
      ),
    });
  }
  for (const p of g.parameters) {
    const amount = a.values[p.id];
    const field = `values.${p.id}`;
    if (amount === undefined) {
      problems.push({
        field,
        message: msg(`Beloppet för ${p.label.sv} saknas.`, `The amount for ${p.label.en} is missing.`),
      });
      continue;
    }
    if (!Number.isSafeInteger(amount) || amount <= 0) {
      problems.push({
        field,
        message: msg(
          `Beloppet för ${p.label.sv} måste vara större än noll.`,
          `The amount for ${p.label.en} must be greater than zero.`,
        ),
      });
      continue;
    }
    if (p.previous && p.previous.amount > 0) {
      const change = Math.round(((amount - p.previous.amount) * 10_000) / p.previous.amount);
      if (Math.abs(change) > LARGE_CHANGE_BASIS_POINTS)
        warnings.push({
          field,
          changeBasisPoints: change,
          message: msg(
            `${p.label.sv}: ${(change / 100).toFixed(1).replace('.', ',')} % mot året före. Kontrollera beloppet.`,
            `${p.label.en}: ${(change / 100).toFixed(1)} % compared with the year before. Check the amount.`,
          ),
        });
    }
  }
  for (const id of Object.keys(a.values))
    if (!g.parameters.some((p) => p.id === id))
      problems.push({
        field: `values.${id}`,
        message: msg(`${id} hör inte till gruppen ${a.group}.`, `${id} is not in the group ${a.group}.`),
      });
  if (a.source.act.trim().length < 5)
    problems.push({
      field: 'source.act',
      message: msg(
        'Ange författningen beloppen kommer från, t.ex. SFS-numret.',
        'Name the act the amounts come from, e.g. its SFS number.',
      ),
    });
  if (!/^https:\/\/\S+$/.test(a.source.url))
    problems.push({
      field: 'source.url',
      message: msg('Ange en länk som börjar med https://.', 'Give a link that begins with https://.'),
    });
  return { problems, warnings };
}

/**
 * The rule book's source with an amendment added: a source entry `amendment-<id>` and a value
 * file `amendment-<year>-<group>-<id>` for the whole year, and the version marked with the
 * amendment. Compile the result to get the amended rule book (its hash differs).
 */
export function amendRuleBookSource(src: RuleBookSource, a: YearlyAmendment): RuleBookSource {
  const key = `amendment-${a.id}`;
  const meta = src.meta as { version: string | number };
  return {
    ...src,
    meta: { ...src.meta, version: `${String(meta.version)}+${a.group}-${a.year}` },
    sources: {
      ...src.sources,
      [key]: {
        kind: 'amendment',
        act: a.source.act,
        url: a.source.url,
        note: 'Entered by an administrator and confirmed by a second one (Tillit administration).',
      },
    },
    values: {
      ...src.values,
      [`amendment-${a.year}-${a.group}-${a.id}`]: {
        periods: [
          {
            from: `${a.year}-01-01`,
            until: `${a.year}-12-31`,
            status: 'secondary',
            source: key,
            values: { ...a.values },
          },
        ],
      },
    },
  };
}
