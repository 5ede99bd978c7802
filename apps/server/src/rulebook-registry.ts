/**
 * The rule book in force: the one shipped in packages/rules/rulebook (the base) with the yearly
 * values that administrators have entered and confirmed (table rulebook_change, kind 'values',
 * status 'confirmed', in applied_seq order) added on top. Each addition gives a new rule book with
 * its own hash; every one of them stays available by hash, so a receipt made before an addition
 * still replays. An addition for a year and group that the base already has (a release of Tillit
 * carried the official values) is superseded: the base's values win and the entry is listed as
 * such.
 *
 * One process refreshes after each confirmation it makes; other processes refresh on a timer
 * (main.ts), so they use a new year's values within seconds.
 */
import { amendRuleBookSource, compileRuleBook, yearlyGroups } from '@tillit/rules';
import type { RuleBook, RuleBookSource, YearlyAmendment } from '@tillit/rules';
import { readRuleBookSource } from '@tillit/rules/node';
import type { Kysely, Selectable, Transaction } from 'kysely';
import type { RulebookChangeTable } from './db/schema-administration.ts';
import type { Database } from './db/schema.ts';

export interface AppliedAmendment extends YearlyAmendment {
  readonly appliedSeq: number;
  /** false when the base rule book already has the year's values for the group. */
  readonly applied: boolean;
}

/** A confirmed addition of yearly values, with its place in the order they were applied. */
export type ConfirmedAmendment = Omit<AppliedAmendment, 'applied'>;

/** A `values` change as the amendment it makes, applied as number `appliedSeq`. */
export function asAmendment(
  r: Pick<Selectable<RulebookChangeTable>, 'id' | 'year' | 'value_group' | 'amounts' | 'source_act' | 'source_url'>,
  appliedSeq: number,
): ConfirmedAmendment {
  return {
    id: String(r.id),
    year: r.year,
    group: r.value_group!,
    values: r.amounts as Record<string, number>,
    source: { act: r.source_act!, url: r.source_url! },
    appliedSeq,
  };
}

/** The confirmed additions of yearly values (table rulebook_change), in applied_seq order. */
export async function confirmedAmendments(db: Kysely<Database> | Transaction<Database>): Promise<ConfirmedAmendment[]> {
  const rows = await db
    .selectFrom('rulebook_change')
    .select(['id', 'year', 'value_group', 'amounts', 'source_act', 'source_url', 'applied_seq'])
    .where('kind', '=', 'values')
    .where('status', '=', 'confirmed')
    .orderBy('applied_seq')
    .execute();
  return rows.map((r) => asAmendment(r, r.applied_seq!));
}

/** What most code needs of the registry: the rule book in force, and any earlier one by hash. */
export interface RuleBooks {
  current(): RuleBook;
  byHash(hash: string): RuleBook | undefined;
}

export class RuleBookRegistry implements RuleBooks {
  private readonly books = new Map<string, RuleBook>();
  private readonly baseBook: RuleBook;
  private book: RuleBook;
  private amendments: readonly AppliedAmendment[] = [];
  /** The applied_seq values the current book was built from, to skip rebuilding when unchanged. */
  private fingerprint = '';

  private constructor(private readonly baseSource: RuleBookSource) {
    this.baseBook = compileRuleBook(baseSource);
    this.book = this.baseBook;
    this.books.set(this.book.hash, this.book);
  }

  /** The rule book in the folder (default: the one shipped with @tillit/rules), without additions yet. */
  static load(dir?: string): RuleBookRegistry {
    return new RuleBookRegistry(readRuleBookSource(dir));
  }

  static fromSource(source: RuleBookSource): RuleBookRegistry {
    return new RuleBookRegistry(source);
  }

  /** The base rule book, as shipped. */
  base(): RuleBook {
    return this.baseBook;
  }

  /** The rule book in force now. */
  current(): RuleBook {
    return this.book;
  }

  /** A rule book this process has had in force (the base, and each addition in turn), by hash. */
  byHash(hash: string): RuleBook | undefined {
    return this.books.get(hash);
  }

  /** The confirmed additions, in order, and whether each is in force. */
  applied(): readonly AppliedAmendment[] {
    return this.amendments;
  }

  /**
   * The rule books that confirmed additions give, in order: the base, then one more per applied
   * addition. Pure over its input; `refresh` stores the result.
   */
  compose(rows: readonly ConfirmedAmendment[]): { books: RuleBook[]; amendments: AppliedAmendment[] } {
    const base = this.baseBook;
    const books = [base];
    const amendments: AppliedAmendment[] = [];
    let source = this.baseSource;
    for (const a of [...rows].sort((x, y) => x.appliedSeq - y.appliedSeq)) {
      const inBase = yearlyGroups(base, a.year).find((g) => g.group === a.group)?.status !== 'missing';
      if (inBase) {
        amendments.push({ ...a, applied: false });
        continue;
      }
      source = amendRuleBookSource(source, a);
      books.push(compileRuleBook(source));
      amendments.push({ ...a, applied: true });
    }
    return { books, amendments };
  }

  /** Reads the confirmed additions and, when they changed, builds the rule book in force. */
  async refresh(db: Kysely<Database>): Promise<RuleBook> {
    const confirmed = await confirmedAmendments(db);
    const fingerprint = confirmed.map((a) => `${a.id}:${a.appliedSeq}`).join(',');
    if (fingerprint === this.fingerprint) return this.book;
    const { books, amendments } = this.compose(confirmed);
    for (const b of books) this.books.set(b.hash, b);
    this.book = books.at(-1)!;
    this.amendments = amendments;
    this.fingerprint = fingerprint;
    return this.book;
  }
}
