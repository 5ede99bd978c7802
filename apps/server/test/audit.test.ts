/** The audit log: hash chain, append-only table, serialized appends, audited reads and the CLI. */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AuditEntryError,
  GENESIS_HASH,
  appendAudit,
  auditHash,
  canonicalJson,
  verifyAuditChain,
  withAuditedRead,
} from '../src/audit.ts';
import type { AuditEntry } from '../src/audit.ts';
import { migrate, openDatabase } from '../src/db/database.ts';
import type { Db } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { testDatabase } from './db.ts';

let store: Db;
/** A fresh, migrated database for each test of the calling describe block. */
function freshDatabasePerTest(): void {
  beforeEach(async () => {
    store = await testDatabase();
  });
  afterEach(async () => {
    await store.close();
  });
}

function entry(n: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  return {
    actor: `user-${n % 3}`,
    role: 'handlaggare',
    municipalityId: 'ekby',
    action: n % 2 === 0 ? 'read' : 'write',
    objectType: 'case',
    objectId: `case-${n}`,
    purpose: n % 2 === 0 ? 'case-view' : 'case-update',
    details: { n, fields: ['income', 'costs'] },
    ...overrides,
  };
}

async function appendMany(db: Kysely<Database>, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 1; i <= count; i++) ids.push((await appendAudit(db, entry(i))).id);
  return ids;
}

async function rows(db: Kysely<Database>) {
  return db
    .selectFrom('audit_log')
    .select([sql<string>`id::text`.as('id'), 'prev_hash', 'hash'])
    .orderBy('audit_log.id')
    .execute();
}

/** Tampering as someone with the table owner's rights would: switch the append-only trigger off. */
async function tamper(db: Kysely<Database>, statement: ReturnType<typeof sql>): Promise<void> {
  await sql`alter table audit_log disable trigger audit_log_append_only`.execute(db);
  await statement.execute(db);
  await sql`alter table audit_log enable trigger audit_log_append_only`.execute(db);
}

describe('canonical JSON and the hash', () => {
  it('canonical JSON sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: [3, { d: 1, c: 'é"' }], a: null })).toBe('{"a":null,"b":[3,{"c":"é\\"","d":1}]}');
    const record = {
      at: '2026-01-01T00:00:00.000Z',
      actor: 'a',
      role: 'r',
      municipality_id: null,
      action: 'read' as const,
      object_type: 'case',
      object_id: '1',
      purpose: 'p',
    };
    expect(auditHash(GENESIS_HASH, { ...record, details: { x: 1, y: 2 } })).toBe(
      auditHash(GENESIS_HASH, { ...record, details: { y: 2, x: 1 } }),
    );
    expect(auditHash(GENESIS_HASH, { ...record, details: {} })).not.toBe(
      auditHash('1'.repeat(64), { ...record, details: {} }),
    );
  });
});

describe('the audit log chain', () => {
  freshDatabasePerTest();

  it('appends entries that link to each other and verify; the hash is reproducible from the columns', async () => {
    const db = store.db;
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 0, head: GENESIS_HASH });
    const first = await appendAudit(db, {
      actor: 'system',
      role: 'system',
      municipalityId: null,
      action: 'write',
      objectType: 'rulebook',
      objectId: null,
      purpose: 'automated-decision',
      details: { z: 1, a: { y: [true, null, 'x'], b: 2.5 }, skipped: undefined } as never,
    });
    const ids = [first.id, ...(await appendMany(db, 4))];
    expect(new Set(ids).size).toBe(5);
    const all = await rows(db);
    expect(all.map((r) => r.id)).toEqual(ids);
    expect(all[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < all.length; i++) expect(all[i]!.prev_hash).toBe(all[i - 1]!.hash);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 5, head: all[4]!.hash });

    // The specification, by hand: SHA-256 hex of prev_hash + canonical JSON (sorted keys, no id).
    const canonical =
      `{"action":"write","actor":"system","at":${JSON.stringify(first.at.toISOString())},` +
      `"details":{"a":{"b":2.5,"y":[true,null,"x"]},"z":1},"municipality_id":null,"object_id":null,` +
      `"object_type":"rulebook","purpose":"automated-decision","role":"system"}`;
    const expected = createHash('sha256')
      .update(GENESIS_HASH + canonical)
      .digest('hex');
    expect(first.hash).toBe(expected);
    expect(all[0]!.hash).toBe(expected);
    const stored = await db
      .selectFrom('audit_log')
      .select(['at', 'details'])
      .where(sql<boolean>`id = ${first.id}::bigint`)
      .executeTakeFirstOrThrow();
    expect(stored.at.toISOString()).toBe(first.at.toISOString());
    expect(stored.details).toEqual({ z: 1, a: { y: [true, null, 'x'], b: 2.5 } });
  });

  it('refuses entries that would hold identity numbers or payloads, before touching the database', async () => {
    const db = store.db;
    const bad: Partial<AuditEntry>[] = [
      { details: { note: 'sökande 19800401-1234' } },
      { details: { list: [{ pnr: '800401+1234' }] } },
      { details: { '8004011234': true } },
      { details: { snr: '198004611234' } }, // samordningsnummer: day + 60
      { actor: '198004011234' },
      { objectId: '800401-1234' },
      { details: { blob: 'x'.repeat(3000) } },
      { details: [1, 2] as never },
      { actor: '' },
      { purpose: 'p'.repeat(101) },
      { action: 'delete' as never },
    ];
    for (const overrides of bad) {
      await expect(appendAudit(db, entry(1, overrides)), JSON.stringify(overrides)).rejects.toThrow(AuditEntryError);
    }
    // Ids that only contain digits are fine.
    await appendAudit(
      db,
      entry(1, { objectId: '3f2a1b4c-1234-4a5b-8c9d-198004011234', details: { count: 8004011234 } }),
    );
    await appendAudit(db, entry(2, { objectId: '2026-000123', details: { at: '2026-01-15T10:00:00Z' } }));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2 });
  });

  it('the database rejects UPDATE, DELETE and TRUNCATE, malformed hashes and a forked chain', async () => {
    const db = store.db;
    const [id] = await appendMany(db, 2);
    await expect(sql`update audit_log set purpose = 'other' where id = ${id}::bigint`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from audit_log where id = ${id}::bigint`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    const all = await rows(db);
    expect(all).toHaveLength(2);
    const row = {
      at: new Date().toISOString(),
      actor: 'x',
      role: 'x',
      municipality_id: null,
      action: 'read' as const,
      object_type: 'case',
      object_id: null,
      purpose: 'x',
    };
    // A second entry after the first one's hash: a fork.
    await expect(
      db
        .insertInto('audit_log')
        .values({ ...row, prev_hash: all[0]!.hash, hash: 'a'.repeat(64) })
        .execute(),
    ).rejects.toThrow(/unique|duplicate/i);
    await expect(
      db
        .insertInto('audit_log')
        .values({ ...row, prev_hash: all[1]!.hash, hash: 'not a hash' })
        .execute(),
    ).rejects.toThrow();
    await expect(
      db
        .insertInto('audit_log')
        .values({ ...row, action: 'delete' as never, prev_hash: all[1]!.hash, hash: 'b'.repeat(64) })
        .execute(),
    ).rejects.toThrow();
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 2 });
  });
});

describe('verifying a tampered log', () => {
  freshDatabasePerTest();

  it('finds an altered entry, and the next one when the altered hash was recomputed too', async () => {
    const db = store.db;
    const ids = await appendMany(db, 5);
    await tamper(db, sql`update audit_log set purpose = 'nothing-to-see' where id = ${ids[2]}::bigint`);
    expect(await verifyAuditChain(db)).toEqual({
      ok: false,
      checked: 2,
      firstBroken: { id: ids[2], reason: 'hash does not match the entry: the entry was altered' },
    });

    // A careful forger recomputes the altered entry's hash: then its successor no longer links.
    const altered = await db
      .selectFrom('audit_log')
      .selectAll()
      .where(sql<boolean>`id = ${ids[2]}::bigint`)
      .executeTakeFirstOrThrow();
    const forged = auditHash(altered.prev_hash, {
      at: altered.at.toISOString(),
      actor: altered.actor,
      role: altered.role,
      municipality_id: altered.municipality_id,
      action: altered.action,
      object_type: altered.object_type,
      object_id: altered.object_id,
      purpose: altered.purpose,
      details: altered.details as never,
    });
    await tamper(db, sql`update audit_log set hash = ${forged} where id = ${ids[2]}::bigint`);
    const result = await verifyAuditChain(db);
    expect(result).toMatchObject({ ok: false, checked: 3, firstBroken: { id: ids[3] } });
    expect(!result.ok && result.firstBroken.reason).toMatch(/does not match the previous entry/);
  });

  it('finds a deleted entry by the broken link after it, also across pages', async () => {
    const db = store.db;
    const ids = await appendMany(db, 10);
    expect(await verifyAuditChain(db, { pageSize: 3 })).toMatchObject({ ok: true, checked: 10 });
    await tamper(db, sql`delete from audit_log where id = ${ids[6]}::bigint`);
    for (const pageSize of [1, 3, 7, 1000]) {
      const result = await verifyAuditChain(db, { pageSize });
      expect(result).toMatchObject({ ok: false, checked: 6, firstBroken: { id: ids[7] } });
      expect(!result.ok && result.firstBroken.reason).toMatch(/deleted, inserted or reordered/);
    }
    await tamper(db, sql`delete from audit_log where id = ${ids[0]}::bigint`);
    const result = await verifyAuditChain(db, { pageSize: 4 });
    expect(result).toMatchObject({ ok: false, checked: 0, firstBroken: { id: ids[1] } });
    expect(!result.ok && result.firstBroken.reason).toMatch(/genesis/);
  });

  it('finds an altered detail in a later page', async () => {
    const db = store.db;
    const ids = await appendMany(db, 10);
    await tamper(db, sql`update audit_log set details = '{"n": 99}' where id = ${ids[8]}::bigint`);
    expect(await verifyAuditChain(db, { pageSize: 4 })).toMatchObject({
      ok: false,
      checked: 8,
      firstBroken: { id: ids[8] },
    });
  });
});

describe('concurrent appends', () => {
  freshDatabasePerTest();

  it('50 parallel appends make one unbroken chain of 50', async () => {
    const db = store.db;
    const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => appendAudit(db, entry(i))));
    expect(new Set(appended.map((a) => a.id)).size).toBe(50);
    const result = await verifyAuditChain(db, { pageSize: 7 });
    expect(result).toMatchObject({ ok: true, checked: 50 });
    const all = await rows(db);
    expect(new Set(all.map((r) => r.prev_hash)).size).toBe(50);
    expect(result.ok && result.head).toBe(all[49]!.hash);
  });

  it("in the caller's transaction the entry commits or rolls back with the write, and the chain holds", async () => {
    const db = store.db;
    const write = (i: number, fail: boolean) =>
      db.transaction().execute(async (trx) => {
        await trx
          .insertInto('municipality')
          .values({
            id: `m-${i}`,
            name: `M ${i}`,
            code: String(1000 + i),
            settings: '{}',
            guidelines: '[]',
            host_id: null,
          })
          .execute();
        await appendAudit(trx, entry(i, { municipalityId: `m-${i}`, action: 'write', purpose: 'municipality-create' }));
        if (fail) throw new Error(`rolled back ${i}`);
        return i;
      });
    const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, i) => write(i, i % 2 === 1)));
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(10);
    const logged = await db.selectFrom('audit_log').select('municipality_id').orderBy('id').execute();
    const created = await db.selectFrom('municipality').select('id').orderBy('id').execute();
    expect(logged.map((l) => l.municipality_id).sort()).toEqual(created.map((c) => c.id));
    expect(created).toHaveLength(10);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 10 });
  });

  it('refuses to append in a transaction whose snapshot could be stale', async () => {
    const db = store.db;
    await expect(
      db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => appendAudit(trx, entry(1))),
    ).rejects.toThrow(/READ COMMITTED/);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 0 });
  });
});

describe('withAuditedRead', () => {
  freshDatabasePerTest();

  it('logs the read first, then serves it', async () => {
    const db = store.db;
    const served = await withAuditedRead(db, { ...entry(2), purpose: 'case-view' }, async (audit) => {
      // The entry is committed before the read runs.
      const logged = await db.selectFrom('audit_log').select(['action', 'hash']).execute();
      expect(logged).toEqual([{ action: 'read', hash: audit.hash }]);
      return 'the case';
    });
    expect(served).toBe('the case');
  });

  it('does not serve a read that cannot be logged', async () => {
    const db = store.db;
    let served = 0;
    const read = () => {
      served += 1;
      return 'the case';
    };
    await expect(withAuditedRead(db, entry(2, { details: { pnr: '19800401-1234' } }), read)).rejects.toThrow(
      AuditEntryError,
    );
    // The database refuses the insert (here: a trigger standing in for a full disk or lost connection).
    await sql`
      create function refuse() returns trigger language plpgsql as $$
      begin raise exception 'disk full'; end $$`.execute(db);
    await sql`create trigger refuse before insert on audit_log for each row execute function refuse()`.execute(db);
    await expect(withAuditedRead(db, entry(2), read)).rejects.toThrow(/disk full/);
    await expect(db.transaction().execute((trx) => withAuditedRead(trx, entry(2), read))).rejects.toThrow(/disk full/);
    expect(served).toBe(0);
    expect(await rows(db)).toEqual([]);
  });
});

describe('npx tillit audit verify', () => {
  const root = join(import.meta.dirname, '..', '..', '..');
  const bin = join(root, 'node_modules', '.bin', 'tillit');
  // The command uses DATABASE_URL when set; here it must read the PGlite directory.
  const { DATABASE_URL: _url, ...env } = process.env;
  const verify = (dataDir: string, args = ['audit', 'verify']) => {
    const r = spawnSync(bin, args, { cwd: root, encoding: 'utf8', env: { ...env, DATA_DIR: dataDir, LANG: 'C' } });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  it('says ok with the count, or where the chain breaks, or that there is no log', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tillit-audit-'));
    const dataDir = join(dir, 'pglite');

    const none = verify(dataDir);
    expect(none.code).toBe(2);
    expect(none.err).toContain(`no database in ${dataDir}`);

    let lite = await openDatabase({ dataDir });
    await lite.close();
    const empty = verify(dataDir);
    expect(empty.code).toBe(2);
    expect(empty.err).toContain('the table audit_log is missing');

    lite = await openDatabase({ dataDir });
    await migrate(lite.db);
    const ids = await appendMany(lite.db, 3);
    const head = (await rows(lite.db))[2]!.hash;
    await lite.close();
    const ok = verify(dataDir);
    expect(ok.err).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.out).toBe(`audit log ok: 3 entries\nhead ${head}\n`);

    lite = await openDatabase({ dataDir });
    await tamper(lite.db, sql`update audit_log set actor = 'someone-else' where id = ${ids[1]}::bigint`);
    await lite.close();
    const broken = verify(dataDir);
    expect(broken.code).toBe(1);
    expect(broken.out).toBe('');
    expect(broken.err).toBe(
      `audit log broken at entry ${ids[1]}: hash does not match the entry: the entry was altered\n`,
    );

    const usage = verify(dataDir, ['audit']);
    expect(usage.code).toBe(2);
    expect(usage.err).toContain('tillit audit verify');
  });
});
