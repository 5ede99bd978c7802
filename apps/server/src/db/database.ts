/**
 * Storage: PostgreSQL only. Embedded PGlite (persisted under ./data, or in memory) by default;
 * a real PostgreSQL server when DATABASE_URL is set. Both speak the same SQL, so every query and
 * migration runs unchanged on either.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { Migrator } from 'kysely/migration';
import type { Migration, MigrationProvider } from 'kysely/migration';
import pg from 'pg';
import * as m0001 from './migrations/0001-municipalities.ts';
import * as m0002 from './migrations/0002-cases.ts';
import * as m0003 from './migrations/0003-audit-log.ts';
import * as m0004 from './migrations/0004-alerts.ts';
import * as m0005 from './migrations/0005-manual-handling.ts';
import * as m0006 from './migrations/0006-payments.ts';
import * as m0007 from './migrations/0007-sample-checks.ts';
import * as m0008 from './migrations/0008-letters.ts';
import * as m0009 from './migrations/0009-web-sessions.ts';
import * as m0010 from './migrations/0010-meetings.ts';
import * as m0011 from './migrations/0011-documents.ts';
import * as m0012 from './migrations/0012-messages-appeals.ts';
import * as m0013 from './migrations/0013-service-metrics.ts';
import * as m0014 from './migrations/0014-appeal-received-on.ts';
import * as m0015 from './migrations/0015-assignment.ts';
import * as m0016 from './migrations/0016-adjustments.ts';
import * as m0017 from './migrations/0017-labour-market.ts';
import * as m0018 from './migrations/0018-administration.ts';
import * as m0019 from './migrations/0019-lookup-indexes.ts';
import { PGliteDialect } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

/** Every migration, in order. Never edit one that has shipped: add the next. */
const MIGRATIONS: Record<string, Migration> = {
  '0001-municipalities': m0001,
  '0002-cases': m0002,
  '0003-audit-log': m0003,
  '0004-alerts': m0004,
  '0005-manual-handling': m0005,
  '0006-payments': m0006,
  '0007-sample-checks': m0007,
  '0008-letters': m0008,
  '0009-web-sessions': m0009,
  '0010-meetings': m0010,
  '0011-documents': m0011,
  '0012-messages-appeals': m0012,
  '0013-service-metrics': m0013,
  '0014-appeal-received-on': m0014,
  '0015-assignment': m0015,
  '0016-adjustments': m0016,
  '0017-labour-market': m0017,
  '0018-administration': m0018,
  '0019-lookup-indexes': m0019,
};

class StaticMigrationProvider implements MigrationProvider {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  }
}

export interface Db {
  readonly db: Kysely<Database>;
  readonly kind: 'pglite' | 'postgres';
  /** The embedded database itself (PGlite only), e.g. to dump it. */
  readonly pglite?: PGlite;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres://… — use a PostgreSQL server. */
  readonly url?: string;
  /** PGlite data directory; 'memory' for a throw-away database. Ignored with `url`. */
  readonly dataDir?: string;
  /** For an in-memory PGlite: start from this dump (`dumpDataDir`) instead of an empty cluster. */
  readonly loadDataDir?: Blob;
  /** Connections in the pool (PostgreSQL server only). Default 10. */
  readonly poolSize?: number;
  /** Told when the server ends an idle pooled connection (PostgreSQL server only). */
  readonly onIdleError?: (err: Error) => void;
}

export async function openDatabase(options: OpenOptions): Promise<Db> {
  if (options.url) {
    const pool = new pg.Pool({ connectionString: options.url, max: options.poolSize ?? 10 });
    // An idle connection the server ends (a restart, a failover, an administrator) is dropped from
    // the pool and replaced on the next query; it must not crash the process.
    pool.on('error', (err) => options.onIdleError?.(err));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const dir = options.dataDir ?? './data/pglite';
  if (dir !== 'memory') mkdirSync(dir, { recursive: true });
  const lite =
    dir === 'memory'
      ? await PGlite.create(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {})
      : await PGlite.create(dir);
  const db = new Kysely<Database>({ dialect: new PGliteDialect(lite) });
  return { db, kind: 'pglite', pglite: lite, close: () => db.destroy() };
}

/** Brings the schema to the latest migration; throws with the failing migration's name. */
export async function migrate(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider() });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
