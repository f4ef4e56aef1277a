// Each test file gets its own database: a fresh one on the real PostgreSQL when it answers, an
// in-memory PGlite otherwise (outside CI only; see services.ts).
import { randomBytes } from 'node:crypto';
import { createSql, type Sql } from '../../server/db/client.js';
import { startEmbeddedDb } from '../../server/db/embedded.js';
import { migrate } from '../../server/db/migrate.js';
import { PG_URL, postgresAvailable } from './services.js';

export interface TestDb {
  sql: Sql;
  url: string;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

/** empty: no migration (migration runner tests); max: pool size on PostgreSQL. */
export async function createTestDb(opts: { forceEmbedded?: boolean; max?: number; empty?: boolean } = {}): Promise<TestDb> {
  if (opts.forceEmbedded || !(await postgresAvailable())) {
    const e = await startEmbeddedDb('memory://');
    const sql = createSql({ url: e.url, max: 1, prepare: false });
    if (!opts.empty) await migrate(sql);
    return { sql, url: e.url, kind: 'pglite', close: async () => { await sql.end({ timeout: 5 }); await e.stop(); } };
  }
  const name = `athsys_t_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = createSql({ url: PG_URL, max: 1 });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(PG_URL);
  url.pathname = `/${name}`;
  const sql = createSql({ url: url.toString(), max: opts.max ?? 10 });
  if (!opts.empty) await migrate(sql);
  return {
    sql,
    url: url.toString(),
    kind: 'postgres',
    close: async () => {
      await sql.end({ timeout: 5 });
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end({ timeout: 5 });
    },
  };
}
