/**
 * `npx tillit …`: the command-line tool.
 *   tillit calculate FILE|-   calculate from a JSON input file (or stdin); prints the result as JSON
 *   tillit replay FILE|-      replay a receipt (or a whole result) and say whether it matches
 *   tillit rulebook check     validate the rule book; prints its version and hash
 *   tillit audit verify       verify the audit log's hash chain (DATABASE_URL, else DATA_DIR)
 * Exit codes: 0 ok, 1 bad input, mismatch or broken audit log, 2 usage, rule-book or database error.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RuleBookError, replay } from '@tillit/rules';
import type { Lang, Receipt } from '@tillit/rules';
import { loadRuleBook } from '@tillit/rules/node';
import { sql } from 'kysely';
import { verifyAuditChain } from './audit.ts';
import { runCalculation } from './calculation-service.ts';
import { readConfig } from './config.ts';
import { openDatabase } from './db/database.ts';
import { loadMunicipalities } from './municipalities.ts';

const USAGE = `Usage:
  tillit calculate FILE|-   Calculate försörjningsstöd from a JSON input (- reads stdin)
  tillit replay FILE|-      Replay a receipt (or a calculation result) and check that it matches
  tillit rulebook check     Validate the rule book and print its version and hash
  tillit audit verify       Verify the audit log's hash chain (DATABASE_URL, else DATA_DIR)
Options:
  --lang sv|en              Language of error messages (default: sv, or LANG)
  --compact                 Print JSON on one line`;

function readInput(arg: string): string {
  return arg === '-' ? readFileSync(0, 'utf8') : readFileSync(arg, 'utf8');
}

function fail(code: number, message: string): never {
  process.stderr.write(message.endsWith('\n') ? message : message + '\n');
  process.exit(code);
}

/** Verifies the audit log without migrating anything; exit code 0 intact, 1 broken, 2 no log. */
async function auditVerify(): Promise<number> {
  let config;
  try {
    config = readConfig();
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 2;
  }
  if (!config.DATABASE_URL && !existsSync(join(config.DATA_DIR, 'PG_VERSION'))) {
    process.stderr.write(`no database in ${config.DATA_DIR} (set DATA_DIR or DATABASE_URL)\n`);
    return 2;
  }
  const where = config.DATABASE_URL ? 'the PostgreSQL database in DATABASE_URL' : config.DATA_DIR;
  let store;
  try {
    store = await openDatabase({ url: config.DATABASE_URL, dataDir: config.DATA_DIR });
  } catch (e) {
    process.stderr.write(`cannot open ${where}: ${(e as Error).message}\n`);
    return 2;
  }
  try {
    const { rows } = await sql<{ name: string | null }>`select to_regclass('audit_log')::text as name`.execute(
      store.db,
    );
    if (!rows[0]?.name) {
      process.stderr.write(`no audit log in ${where}: the table audit_log is missing (the server creates it)\n`);
      return 2;
    }
    const result = await verifyAuditChain(store.db);
    if (!result.ok) {
      process.stderr.write(`audit log broken at entry ${result.firstBroken.id}: ${result.firstBroken.reason}\n`);
      return 1;
    }
    process.stdout.write(`audit log ok: ${result.checked} entries\nhead ${result.head}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`cannot read the audit log in ${where}: ${(e as Error).message}\n`);
    return 2;
  } finally {
    await store.close();
  }
}

async function main(argv: string[]): Promise<void> {
  const args = argv.filter((a) => !a.startsWith('--'));
  const flags = argv.filter((a) => a.startsWith('--'));
  const langFlag = argv.indexOf('--lang');
  let lang: Lang = (process.env.LANG ?? '').startsWith('en') ? 'en' : 'sv';
  if (langFlag >= 0) {
    const v = argv[langFlag + 1];
    if (v !== 'sv' && v !== 'en') fail(2, `--lang must be sv or en\n${USAGE}`);
    lang = v;
    args.splice(args.indexOf(v), 1);
  }
  const indent = flags.includes('--compact') ? undefined : 2;
  const [command, sub] = args;

  if (command === 'audit') {
    if (sub !== 'verify' || args.length > 2) fail(2, USAGE);
    process.exitCode = await auditVerify();
    return;
  }

  let rulebook;
  try {
    rulebook = loadRuleBook(process.env.RULEBOOK_DIR);
  } catch (e) {
    fail(2, e instanceof RuleBookError ? e.message : `could not load the rule book: ${(e as Error).message}`);
  }

  if (command === 'rulebook' && sub === 'check') {
    const params = [...rulebook.parameters.values()];
    const values = params.reduce((n, p) => n + p.values.length, 0);
    process.stdout.write(
      `rule book ${rulebook.id} ${rulebook.version} is valid: ${params.length} parameters, ${values} values, ${rulebook.rules.size} rules\nhash ${rulebook.hash}\n`,
    );
    return;
  }

  if ((command === 'calculate' || command === 'replay') && sub !== undefined) {
    let text: string;
    try {
      text = readInput(sub);
    } catch (e) {
      fail(2, `cannot read ${sub}: ${(e as Error).message}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      fail(
        1,
        lang === 'sv'
          ? `${sub} är inte giltig JSON: ${(e as Error).message}`
          : `${sub} is not valid JSON: ${(e as Error).message}`,
      );
    }
    if (command === 'calculate') {
      const municipalities = loadMunicipalities(rulebook, process.env.MUNICIPALITIES_FILE);
      const outcome = runCalculation(rulebook, municipalities, data, lang);
      if (!outcome.ok) {
        const p = outcome.problem;
        const lines = (p.errors ?? []).map((e) => `  ${e.field}: ${e.message}`);
        fail(
          1,
          `${p.title}${p.detail ? ` — ${p.detail}` : ''}\n${lines.join('\n')}\n${JSON.stringify(p, null, indent)}`,
        );
      }
      process.stdout.write(JSON.stringify(outcome.result, null, indent) + '\n');
      return;
    }
    const receipt = (
      data !== null && typeof data === 'object' && 'receipt' in data ? (data as { receipt: unknown }).receipt : data
    ) as Receipt;
    const outcome = replay(receipt, rulebook);
    if (!outcome.ok)
      fail(
        1,
        `replay failed (${outcome.reason}): ${outcome.message}\n${outcome.differences.map((d) => `  ${d}`).join('\n')}`,
      );
    process.stdout.write(
      `replay ok: the receipt reproduces exactly (amount ${outcome.result.amount} kr, rule book ${rulebook.version} ${rulebook.hash.slice(0, 12)})\n`,
    );
    return;
  }

  fail(2, USAGE);
}

await main(process.argv.slice(2));
