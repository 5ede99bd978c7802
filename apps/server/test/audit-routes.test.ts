/**
 * The auditor's tools over real HTTP with real tokens: searching the audit log (every filter,
 * keyset paging, bad input named by field), exporting it (CSV per RFC 4180 and NDJSON, as a file),
 * verifying the chain (ok, then broken by an entry altered with SQL, told without naming other
 * municipalities' entries), and replaying a decision the pipeline made (it matches; a tampered
 * receipt, a changed amount and an unknown rule book do not). Tenant and role on every call;
 * every use is itself in the audit log, with filter names but never their values.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasTraits } from '@tillit/authority-sim';
import { auditHash } from '../src/audit.ts';
import type { AuditRecord, JsonValue } from '../src/audit.ts';
import { isCleanRenewal, startHarness } from './pipeline-harness.ts';
import type { Harness } from './pipeline-harness.ts';

let h: Harness;
const ids = {} as Record<'decided' | 'other' | 'partner' | 'protected', string>;
beforeAll(async () => {
  h = await startHarness(
    (find) => ({
      clean: find(isCleanRenewal, 2),
      partner: find(isCleanRenewal, 1, '9902'),
      protected: find((x) => hasTraits(x, 'protected-identity', 'single'), 1),
    }),
    {
      // An auditor specially authorized for protected identities (skyddade personuppgifter).
      extraUsers: [
        {
          id: 'ekby-protected-auditor',
          name: 'Eva Ekvall',
          roles: ['auditor'],
          municipality: 'ekby',
          protectedIdentityAccess: true,
        },
      ],
    },
  );
  await h.confirm2026();
  ids.decided = await h.apply('clean', 0, 'renewal', 'audit-decided');
  ids.other = await h.apply('clean', 1, 'renewal', 'audit-other');
  ids.partner = await h.apply('partner', 0, 'renewal', 'audit-partner', { municipality: 'lovsala', rent: 5800 });
  ids.protected = await h.apply('protected', 0, 'renewal', 'audit-protected');
  await h.drain();
  expect((await h.state(ids.decided)).status).toBe('decided');
  expect((await h.state(ids.partner)).status).toBe('needs-person');
}, 120_000);
afterAll(async () => {
  await h?.close();
});

const db = () => h.server.store.db;
type Entry = {
  id: string;
  at: string;
  municipality: string;
  actor: string;
  role: string;
  action: string;
  objectType: string;
  objectId: string | null;
  purpose: string;
  details: JsonValue;
  prevHash: string;
  hash: string;
};
const search = async (user: string, m: string, query = '') => {
  const r = await h.call(user, 'GET', `/api/v1/municipalities/${m}/audit-log${query}`, undefined, {
    'accept-language': 'en',
  });
  return r as { status: number; body: { entries: Entry[]; next: string | null } & Record<string, unknown> };
};
const raw = (user: string, path: string) =>
  h.server
    .tokenFor(user)
    .then((token) => fetch(`${h.server.url}${path}`, { headers: { authorization: `Bearer ${token}` } }));
/** The newest audit entry (the one the last call wrote). */
const newest = () =>
  db()
    .selectFrom('audit_log')
    .select(['actor', 'role', 'municipality_id', 'action', 'object_type', 'object_id', 'purpose', 'details'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
const fieldsOf = (body: Record<string, unknown>) => (body.errors as { field: string; code: string }[]).map((e) => e);

/** Parses RFC 4180 CSV (quoted fields with doubled quotes, CRLF line ends) into rows of fields. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field, 'the file ends with CRLF').toBe('');
  expect(row).toEqual([]);
  return rows;
}

describe('searching the audit log', () => {
  it("finds a case's entries newest first, only the municipality's, with every filter", async () => {
    const all = await search('ekby-auditor', 'ekby', `?caseId=${ids.decided}&limit=200`);
    expect(all.status).toBe(200);
    const entries = all.body.entries;
    expect(entries.length).toBeGreaterThan(2);
    expect(all.body.next).toBeNull();
    const numeric = entries.map((e) => BigInt(e.id));
    expect(numeric).toEqual([...numeric].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0)));
    expect(new Set(entries.map((e) => e.municipality))).toEqual(new Set(['ekby']));
    for (const e of entries)
      expect(e.objectId === ids.decided || (e.details as { application?: string }).application === ids.decided).toBe(
        true,
      );
    // The same entries straight from the table.
    const inTable = await db()
      .selectFrom('audit_log')
      .select(sql<string>`id::text`.as('id'))
      .where('municipality_id', '=', 'ekby')
      .where((eb) => eb.or([eb('object_id', '=', ids.decided), eb(sql`details ->> 'application'`, '=', ids.decided)]))
      .orderBy('audit_log.id', 'desc')
      .execute();
    expect(entries.map((e) => e.id)).toEqual(inTable.map((r) => r.id));

    // Each filter narrows to entries that have it.
    const applicant = entries.find((e) => e.role === 'applicant')!;
    expect(applicant).toBeDefined();
    const byActor = await search('ekby-auditor', 'ekby', `?actor=${applicant.actor}&limit=200`);
    expect(byActor.body.entries.length).toBeGreaterThan(0);
    expect(byActor.body.entries.every((e) => e.actor === applicant.actor)).toBe(true);
    const byRole = await search('ekby-auditor', 'ekby', `?role=applicant&caseId=${ids.decided}`);
    expect(byRole.body.entries.map((e) => e.id)).toEqual(
      entries.filter((e) => e.role.split(',').includes('applicant')).map((e) => e.id),
    );
    const writes = await search('ekby-auditor', 'ekby', `?action=write&caseId=${ids.decided}`);
    expect(writes.body.entries.map((e) => e.id)).toEqual(entries.filter((e) => e.action === 'write').map((e) => e.id));
    const typed = await search('ekby-auditor', 'ekby', `?objectType=${applicant.objectType}&objectId=${ids.decided}`);
    expect(typed.body.entries.map((e) => e.id)).toEqual(
      entries.filter((e) => e.objectType === applicant.objectType && e.objectId === ids.decided).map((e) => e.id),
    );
    const purpose = await search('ekby-auditor', 'ekby', `?purpose=${applicant.purpose}&caseId=${ids.decided}`);
    expect(purpose.body.entries.map((e) => e.id)).toEqual(
      entries.filter((e) => e.purpose === applicant.purpose).map((e) => e.id),
    );
    // Time: today (Swedish time) has them all; a month long ago none.
    const today = new Date().toLocaleDateString('sv-SE', { timeZone: 'Europe/Stockholm' });
    const now = await search('ekby-auditor', 'ekby', `?caseId=${ids.decided}&from=${today}&to=${today}&limit=200`);
    expect(now.body.entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    const then = await search('ekby-auditor', 'ekby', `?caseId=${ids.decided}&from=2020-01-01&to=2020-01-31`);
    expect(then.body.entries).toEqual([]);
  });

  it('pages newest first with a keyset cursor, without gaps or repeats', async () => {
    // Writes only: the searches' own entries are reads, so the selection does not move meanwhile.
    const whole = await search('ekby-auditor', 'ekby', '?action=write&limit=200');
    expect(whole.body.entries.length).toBeGreaterThan(4);
    const paged: string[] = [];
    let before: string | null = null;
    let pages = 0;
    do {
      const page = await search('ekby-auditor', 'ekby', `?action=write&limit=2${before ? `&before=${before}` : ''}`);
      expect(page.status).toBe(200);
      expect(page.body.entries.length).toBeLessThanOrEqual(2);
      paged.push(...page.body.entries.map((e) => e.id));
      before = page.body.next;
      pages += 1;
    } while (before !== null);
    expect(paged).toEqual(whole.body.entries.map((e) => e.id));
    expect(pages).toBe(Math.ceil(whole.body.entries.length / 2));
  });

  it("keeps each municipality's entries to its own and its host's auditors", async () => {
    // Lövsala's own auditor and its host's (Ekby) see Lövsala's entries, and only those.
    for (const user of ['lovsala-auditor', 'ekby-auditor']) {
      const r = await search(user, 'lovsala', `?caseId=${ids.partner}`);
      expect(r.status).toBe(200);
      expect(r.body.entries.length).toBeGreaterThan(0);
      expect(new Set(r.body.entries.map((e) => e.municipality))).toEqual(new Set(['lovsala']));
    }
    // Ekby's case is not in Lövsala's log, and Lövsala's auditor cannot open Ekby's.
    expect((await search('lovsala-auditor', 'lovsala', `?caseId=${ids.decided}`)).body.entries).toEqual([]);
    const other = await search('lovsala-auditor', 'ekby');
    expect(other.status).toBe(404);
    expect(other.body.type).toBe('/problems/not-found');
    expect(other.body).not.toHaveProperty('entries');
    // Other roles: 403, even the case's caseworkers and administrators.
    for (const user of ['ekby-caseworker', 'ekby-admin', 'ekby-customer-service', 'ekby-coach'])
      expect((await search(user, 'ekby')).status).toBe(403);
    // Without a token: 401.
    expect((await fetch(`${h.server.url}/api/v1/municipalities/ekby/audit-log`)).status).toBe(401);
  });

  it('names each bad filter, in the caller’s language', async () => {
    const bad = async (query: string) => {
      const r = await search('ekby-auditor', 'ekby', query);
      expect(r.status, query).toBe(400);
      expect(r.body.type).toBe('/problems/invalid-input');
      return fieldsOf(r.body);
    };
    expect((await bad('?from=2026-13-01')).map((e) => e.field)).toEqual(['from']);
    expect(await bad('?from=2026-11-02&to=2026-11-01')).toMatchObject([{ field: 'to', code: 'range-order' }]);
    expect((await bad('?limit=201')).map((e) => e.field)).toEqual(['limit']);
    expect((await bad('?limit=0')).map((e) => e.field)).toEqual(['limit']);
    expect((await bad('?action=delete')).map((e) => e.field)).toEqual(['action']);
    expect((await bad('?caseId=not-a-uuid')).map((e) => e.field)).toEqual(['caseId']);
    expect((await bad('?before=12a')).map((e) => e.field)).toEqual(['before']);
    expect((await bad('?before=99999999999999999999')).map((e) => e.field)).toEqual(['before']);
    expect((await bad('?everything=1')).map((e) => e.field)).toEqual(['everything']);
    // The log never holds identity numbers: searching for one is refused, and says why.
    const pnr = await bad('?objectId=19850314-9828');
    expect(pnr).toMatchObject([{ field: 'objectId', code: 'identity-number' }]);
    const sv = await h.call('ekby-auditor', 'GET', '/api/v1/municipalities/ekby/audit-log?actor=198503149828');
    expect((sv.body.errors as { message: string }[])[0]!.message).toMatch(/aldrig personnummer/);
  });

  it('logs each search with the filter names and the number of rows, never the values', async () => {
    const r = await search('ekby-auditor', 'ekby', `?caseId=${ids.decided}&action=read&limit=3`);
    expect(r.status).toBe(200);
    const logged = await newest();
    expect(logged).toMatchObject({
      actor: 'ekby-auditor',
      role: 'auditor',
      municipality_id: 'ekby',
      action: 'read',
      object_type: 'audit-log',
      object_id: null,
      purpose: 'audit-log-search',
      details: { filters: ['action', 'caseId'], rows: r.body.entries.length, page: 'first' },
    });
    expect(JSON.stringify(logged)).not.toContain(ids.decided);
  });
});

describe('exporting the audit log', () => {
  it('writes CSV with a header row, quoted per RFC 4180, the same entries as the search, as a file', async () => {
    // The searches' own entries (their details are JSON with quotes and commas), up to a fixed
    // entry, so that the selection does not grow with the calls that follow.
    const top = (await search('ekby-auditor', 'ekby', '?objectType=audit-log&limit=1')).body.entries[0]!.id;
    const query = `objectType=audit-log&before=${top}`;
    const found = (await search('ekby-auditor', 'ekby', `?${query}&limit=200`)).body.entries;
    expect(found.length).toBeGreaterThan(3);
    const res = await raw('ekby-auditor', `/api/v1/municipalities/ekby/audit-log/export?${query}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv; charset=utf-8/);
    expect(res.headers.get('content-disposition')).toMatch(
      /^attachment; filename="audit-log-ekby-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers.get('tillit-next-before')).toBeNull();
    const text = await res.text();
    expect(
      text.startsWith('id,at,municipality,actor,role,action,objectType,objectId,purpose,details,prevHash,hash\r\n'),
    ).toBe(true);
    // Details are JSON with quotes and commas: quoted, the quotes doubled.
    expect(text).toContain('"{""');
    const [header, ...rows] = parseCsv(text);
    expect(header).toHaveLength(12);
    expect(rows.map((r) => r[0])).toEqual(found.map((e) => e.id));
    for (const [i, r] of rows.entries()) {
      const e = found[i]!;
      expect(r).toHaveLength(12);
      const record: AuditRecord = {
        at: r[1]!,
        municipality_id: r[2]!,
        actor: r[3]!,
        role: r[4]!,
        action: r[5] as 'read' | 'write',
        object_type: r[6]!,
        object_id: r[7] === '' ? null : r[7]!,
        purpose: r[8]!,
        details: JSON.parse(r[9]!) as JsonValue,
      };
      expect(record.details).toEqual(e.details);
      // Every exported entry's hash recomputes from its own columns.
      expect(auditHash(r[10]!, record)).toBe(r[11]);
    }
    const logged = await newest();
    expect(logged).toMatchObject({
      purpose: 'audit-log-export',
      object_type: 'audit-log',
      details: { filters: ['objectType'], format: 'csv', rows: found.length, truncated: false },
    });
  });

  it('writes NDJSON, one entry a line', async () => {
    const found = (await search('ekby-auditor', 'ekby', '?action=write&limit=200')).body.entries;
    const res = await raw('ekby-auditor', '/api/v1/municipalities/ekby/audit-log/export?action=write&format=ndjson');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/\.ndjson"$/);
    const text = await res.text();
    expect(text.endsWith('\n')).toBe(true);
    expect(
      text
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as Entry),
    ).toEqual(found);
  });

  it('is for the municipality’s auditors only, and names bad filters', async () => {
    expect((await raw('lovsala-auditor', '/api/v1/municipalities/ekby/audit-log/export')).status).toBe(404);
    expect((await raw('ekby-caseworker', '/api/v1/municipalities/ekby/audit-log/export')).status).toBe(403);
    const bad = await raw('ekby-auditor', '/api/v1/municipalities/ekby/audit-log/export?format=xlsx&limit=5');
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as Record<string, unknown>;
    expect(
      fieldsOf(body)
        .map((e) => e.field)
        .sort(),
    ).toEqual(['format', 'limit']);
  });
});

describe('replaying a decision', () => {
  const replayPath = (m: string, id: string) => `/api/v1/municipalities/${m}/cases/${id}/decision/replay`;
  const replay = (user: string, m: string, id: string) =>
    h.call(user, 'GET', replayPath(m, id), undefined, { 'accept-language': 'en' });
  /** Changes the stored decision with SQL, runs `fn`, and puts it back. */
  async function tampered(change: ReturnType<typeof sql>, fn: () => Promise<void>) {
    const before = await db()
      .selectFrom('decision')
      .select(['receipt', 'amount_ore'])
      .where('application_id', '=', ids.decided)
      .executeTakeFirstOrThrow();
    await change.execute(db());
    try {
      await fn();
    } finally {
      await db()
        .updateTable('decision')
        .set({ receipt: JSON.stringify(before.receipt), amount_ore: before.amount_ore })
        .where('application_id', '=', ids.decided)
        .execute();
    }
  }

  it('an automated decision matches its receipt: the same totals, the rule book it names', async () => {
    const r = await replay('ekby-auditor', 'ekby', ids.decided);
    expect(r.status).toBe(200);
    const stored = (await h.state(ids.decided)).decisions[0] as {
      id: string;
      amount_ore: string;
      receipt: { rulebook: { hash: string; version: string }; totals: Record<string, number> };
    };
    const kr = (ore: number) => ore / 100;
    const totals = {
      norm: kr(stored.receipt.totals.norm!),
      costs: kr(stored.receipt.totals.costs!),
      income: kr(stored.receipt.totals.income!),
      amount: kr(stored.receipt.totals.amount!),
      surplus: kr(stored.receipt.totals.surplus!),
    };
    expect(totals.amount).toBeGreaterThan(0);
    expect(r.body).toMatchObject({
      case: ids.decided,
      municipality: 'ekby',
      decision: { id: stored.id, outcome: 'bifall', automated: true, amount: Number(stored.amount_ore) / 100 },
      matches: true,
      reason: null,
      checks: { receipt: true, decisionAmount: true, calculation: true },
      rulebook: { hash: stored.receipt.rulebook.hash, version: stored.receipt.rulebook.version },
      stored: totals,
      replayed: totals,
      lines: [],
      differences: [],
    });
    expect((r.body.decision as { calculationVersion: number }).calculationVersion).toBe(1);
    expect(await newest()).toMatchObject({
      actor: 'ekby-auditor',
      object_type: 'case',
      object_id: ids.decided,
      purpose: 'decision-replay',
      details: { decision: stored.id, matches: true },
    });
  });

  it('finds a tampered total, a tampered line and a changed amount', async () => {
    await tampered(
      sql`update decision set receipt = jsonb_set(receipt, '{totals,amount}', to_jsonb((receipt #>> '{totals,amount}')::bigint + 10000))
          where application_id = ${ids.decided}`,
      async () => {
        const r = await replay('ekby-auditor', 'ekby', ids.decided);
        expect(r.status).toBe(200);
        expect(r.body).toMatchObject({ matches: false, reason: 'mismatch', checks: { receipt: false } });
        expect(r.body.differences).toContain('totals.amount');
        const { stored, replayed } = r.body as { stored: { amount: number }; replayed: { amount: number } };
        expect(stored.amount - replayed.amount).toBe(100);
        expect(await newest()).toMatchObject({ details: { matches: false, reason: 'mismatch' } });
      },
    );
    await tampered(
      sql`update decision set receipt = jsonb_set(receipt, '{lines,0,amountOre}', to_jsonb((receipt #>> '{lines,0,amountOre}')::bigint + 1))
          where application_id = ${ids.decided}`,
      async () => {
        const r = await replay('ekby-auditor', 'ekby', ids.decided);
        expect(r.body).toMatchObject({ matches: false, reason: 'mismatch' });
        const lines = r.body.lines as { n: number; rule: string; stored: number; replayed: number }[];
        expect(lines).toHaveLength(1);
        expect(lines[0]!.n).toBe(1);
        expect(Math.round((lines[0]!.stored - lines[0]!.replayed) * 100)).toBe(1);
        expect(r.body.differences).toEqual(['lines[0].amountOre']);
      },
    );
    await tampered(
      sql`update decision set amount_ore = amount_ore + 100 where application_id = ${ids.decided}`,
      async () => {
        const r = await replay('ekby-auditor', 'ekby', ids.decided);
        expect(r.body).toMatchObject({
          matches: false,
          reason: 'decision-amount',
          checks: { receipt: true, decisionAmount: false, calculation: true },
        });
      },
    );
    // Put back: it matches again.
    expect((await replay('ekby-auditor', 'ekby', ids.decided)).body.matches).toBe(true);
  });

  it('says clearly when the receipt names a rule book the server does not have', async () => {
    const unknown = 'f'.repeat(64);
    await tampered(
      sql`update decision set receipt = jsonb_set(receipt, '{rulebook,hash}', to_jsonb(${unknown}::text))
          where application_id = ${ids.decided}`,
      async () => {
        const r = await replay('ekby-auditor', 'ekby', ids.decided);
        expect(r.status).toBe(409);
        expect(r.body).toMatchObject({
          type: '/problems/conflict',
          conflict: 'rulebook-not-available',
          rulebook: { hash: unknown },
        });
        expect(r.body.detail).toContain(unknown);
        expect(r.body.detail).toMatch(/not available/);
      },
    );
  });

  it('a case without a decision answers 409; unknown, foreign and protected cases 404; other roles 403', async () => {
    const undecided = await replay('ekby-auditor', 'lovsala', ids.partner);
    expect(undecided).toMatchObject({ status: 409, body: { conflict: 'not-decided' } });
    expect((await replay('ekby-auditor', 'ekby', randomUUID())).status).toBe(404);
    expect((await replay('lovsala-auditor', 'ekby', ids.decided)).status).toBe(404);
    expect((await replay('ekby-auditor', 'lovsala', ids.decided)).status).toBe(404);
    expect((await replay('ekby-caseworker', 'ekby', ids.decided)).status).toBe(403);
    // Protected identity, or not yet known, is fail-closed: the auditor without the claim gets 404.
    expect((await replay('ekby-auditor', 'ekby', ids.protected)).status).toBe(404);
    for (const value of [true, null]) {
      await db().updateTable('application').set({ protected_identity: value }).where('id', '=', ids.other).execute();
      expect((await replay('ekby-auditor', 'ekby', ids.other)).status).toBe(404);
    }
    // The specially authorized auditor replays it.
    await db().updateTable('application').set({ protected_identity: true }).where('id', '=', ids.other).execute();
    expect((await replay('ekby-protected-auditor', 'ekby', ids.other)).body.matches).toBe(true);
    await db().updateTable('application').set({ protected_identity: false }).where('id', '=', ids.other).execute();
    expect((await replay('ekby-auditor', 'ekby', ids.other)).body.matches).toBe(true);
  });
});

describe('verifying the chain', () => {
  const verify = (user: string, m: string, query = '') =>
    h.call(user, 'GET', `/api/v1/municipalities/${m}/audit-log/verification${query}`, undefined, {
      'accept-language': 'en',
    });
  const own = async (m: string) =>
    db()
      .selectFrom('audit_log')
      .select([sql<string>`id::text`.as('id'), 'hash', 'purpose'])
      .where('municipality_id', '=', m)
      .orderBy('audit_log.id')
      .execute();
  const tamper = async (statement: ReturnType<typeof sql>) => {
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db());
    await statement.execute(db());
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db());
  };

  it("says ok with the municipality's count and newest entry, and nothing of others'", async () => {
    const mine = await own('ekby');
    const r = await verify('ekby-auditor', 'ekby');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      ok: true,
      checked: mine.length,
      head: { id: mine.at(-1)!.id, hash: mine.at(-1)!.hash, at: expect.any(String) },
    });
    const partner = await own('lovsala');
    expect((await verify('lovsala-auditor', 'lovsala')).body).toMatchObject({ ok: true, checked: partner.length });
    // Logged, with the result.
    expect(await newest()).toMatchObject({
      actor: 'lovsala-auditor',
      municipality_id: 'lovsala',
      purpose: 'audit-chain-verification',
      details: { ok: true, checked: partner.length },
    });
    // A hash kept from before is still there; one that never was is not.
    const kept = (r.body.head as { hash: string }).hash;
    expect((await verify('ekby-auditor', 'ekby', `?knownHash=${kept}`)).body.knownHashFound).toBe(true);
    expect((await verify('ekby-auditor', 'ekby', `?knownHash=${'0'.repeat(64)}`)).body.knownHashFound).toBe(false);
    expect((await verify('ekby-auditor', 'ekby', '?knownHash=xyz')).status).toBe(400);
    expect((await verify('lovsala-auditor', 'ekby')).status).toBe(404);
    expect((await verify('ekby-admin', 'ekby')).status).toBe(403);
  });

  it('finds an entry altered with SQL: by id for its own municipality, only "elsewhere" for others', async () => {
    const mine = await own('ekby');
    const victim = mine[3]!;
    await tamper(sql`update audit_log set purpose = 'nothing-to-see' where id = ${victim.id}::bigint`);
    try {
      const r = await verify('ekby-auditor', 'ekby');
      expect(r.body).toEqual({
        ok: false,
        checked: 3,
        head: { id: mine[2]!.id, hash: mine[2]!.hash, at: expect.any(String) },
        firstBroken: { where: 'own', id: victim.id, reason: 'hash does not match the entry: the entry was altered' },
      });
      const partner = await verify('lovsala-auditor', 'lovsala');
      expect(partner.body).toMatchObject({ ok: false, firstBroken: { where: 'elsewhere' } });
      expect(partner.body.firstBroken).toEqual({ where: 'elsewhere' });
      expect(Object.keys(partner.body).sort()).toEqual(['checked', 'firstBroken', 'head', 'ok']);
      expect(await newest()).toMatchObject({ details: { ok: false, brokenWhere: 'elsewhere' } });
    } finally {
      await tamper(sql`update audit_log set purpose = ${victim.purpose} where id = ${victim.id}::bigint`);
    }
    // Restored to what was hashed, the chain verifies again.
    expect((await verify('ekby-auditor', 'ekby')).body.ok).toBe(true);
  });
});
