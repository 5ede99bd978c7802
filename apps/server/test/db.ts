/**
 * A fresh, migrated database for a test: in-memory PGlite by default, or a new database on the
 * PostgreSQL server named by DATABASE_URL (CI runs the whole suite both ways). Never mocked.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate, openDatabase } from '../src/db/database.ts';
import type { Db } from '../src/db/database.ts';

let template: Promise<Blob> | undefined;

/** A migrated, empty PGlite database as a dump, made once per test file. */
function pgliteTemplate(): Promise<Blob> {
  template ??= (async () => {
    const store = await openDatabase({ dataDir: 'memory' });
    await migrate(store.db);
    const dump = await store.pglite!.dumpDataDir('none');
    await store.close();
    return dump;
  })();
  return template;
}

export async function testDatabase(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    // Creating a PGlite cluster takes seconds; loading a migrated one from a dump takes a fraction.
    const template = await pgliteTemplate();
    return openDatabase({ dataDir: 'memory', loadDataDir: template });
  }
  const name = `tillit_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const store = await openDatabase({ url: testUrl.toString() });
  await migrate(store.db);
  return {
    db: store.db,
    kind: store.kind,
    async close() {
      await store.close();
      // Best effort: a leftover test database is not a test failure (an autovacuum worker on it,
      // for instance, may refuse to be terminated by an unprivileged role).
      const a = new pg.Client({ connectionString: url });
      await a.connect();
      try {
        // The pool's connections may still be saying goodbye: wait for them (up to two seconds)
        // rather than terminate them, which would make them report an error after the test.
        for (let i = 0; i < 20; i++) {
          const { rows } = await a.query<{ n: number }>(
            'select count(*)::int as n from pg_stat_activity where datname = $1',
            [name],
          );
          if (rows[0]!.n === 0) break;
          await new Promise((r) => setTimeout(r, 100));
        }
        await a.query(`drop database if exists ${name} with (force)`);
      } catch {
        await new Promise((r) => setTimeout(r, 500));
        await a.query(`drop database if exists ${name}`).catch(() => undefined);
      } finally {
        await a.end();
      }
    },
  };
}
