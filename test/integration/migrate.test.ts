// The migration runner on a real PostgreSQL server: each test gets a fresh, empty database, and scratch
// sql/ folders stand in for the real one where a test needs migrations of its own.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSql, type Sql } from '../../server/db/client.js';
import { listMigrations, migrate } from '../../server/db/migrate.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { cleanEnv, runMain } from '../helpers/process.js';
import { PG_URL, postgresAvailable } from '../helpers/services.js';

const hasPostgres = await postgresAvailable();
if (!hasPostgres) {
  console.warn(`Migration runner suite skipped: no PostgreSQL at ${PG_URL}. Start one or set TEST_DATABASE_URL to run it.`);
}

describe.skipIf(!hasPostgres)('migrate (forward-only sql/ runner)', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  async function emptyDb(): Promise<TestDb> {
    const db = await createTestDb({ empty: true });
    cleanups.push(() => db.close());
    return db;
  }
  /** A scratch sql/ folder holding these files. */
  async function folder(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'athsys-sql-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(dir, name), text);
    return dir;
  }
  async function exists(sql: Sql, table: string): Promise<boolean> {
    const [row] = await sql<[{ oid: string | null }]>`SELECT to_regclass(${table})::text AS oid`;
    return row.oid !== null;
  }
  async function versions(sql: Sql): Promise<number[]> {
    if (!(await exists(sql, 'schema_migrations'))) return [];
    return (await sql<{ version: number }[]>`SELECT version FROM schema_migrations ORDER BY version`).map((r) => r.version);
  }

  it('applies the real sql/ folder to an empty database, then has nothing more to do', async () => {
    const { sql } = await emptyDb();
    const all = await listMigrations();
    expect(all.length).toBeGreaterThan(0);
    expect(await migrate(sql)).toEqual(all.map((m) => m.name));
    expect(await versions(sql)).toEqual(all.map((m) => m.version));
    expect(await exists(sql, 'users')).toBe(true);
    expect(await migrate(sql)).toEqual([]);
    expect(await versions(sql)).toEqual(all.map((m) => m.version));
  });

  it('applies files in numeric order, each once, and later only the new ones', async () => {
    const { sql } = await emptyDb();
    const files: Record<string, string> = {
      // Written out of order on purpose: the runner sorts by number, not by creation.
      '0003_third.sql': "INSERT INTO steps (n, note) VALUES (3, 'after the column exists');",
      '0001_first.sql': 'CREATE TABLE steps (n int NOT NULL);',
      '0002_second.sql': 'INSERT INTO steps (n) VALUES (2); ALTER TABLE steps ADD COLUMN note text;',
    };
    const dir = await folder(files);
    expect(await migrate(sql, dir)).toEqual(['0001_first.sql', '0002_second.sql', '0003_third.sql']);
    expect(await migrate(sql, dir)).toEqual([]);
    expect(await sql`SELECT n, note FROM steps ORDER BY n`).toEqual([{ n: 2, note: null }, { n: 3, note: 'after the column exists' }]);

    await writeFile(path.join(dir, '0004_fourth.sql'), 'INSERT INTO steps (n) VALUES (4);');
    expect(await migrate(sql, dir)).toEqual(['0004_fourth.sql']);
    expect(await versions(sql)).toEqual([1, 2, 3, 4]);
    expect((await sql`SELECT n FROM steps`).map((r) => r.n as number)).toEqual([2, 3, 4]);
  });

  it('refuses a gap in the numbering and applies nothing', async () => {
    const { sql } = await emptyDb();
    const dir = await folder({ '0001_a.sql': 'CREATE TABLE a (x int);', '0003_c.sql': 'CREATE TABLE c (x int);' });
    await expect(migrate(sql, dir)).rejects.toThrow(/gap or duplicate at 0003_c\.sql/);
    expect(await exists(sql, 'a')).toBe(false);
    expect(await versions(sql)).toEqual([]);
  });

  it('refuses a duplicate number and a badly named file', async () => {
    const { sql } = await emptyDb();
    await expect(migrate(sql, await folder({ '0001_a.sql': 'SELECT 1;', '0001_b.sql': 'SELECT 1;' }))).rejects.toThrow(/gap or duplicate/);
    await expect(migrate(sql, await folder({ '0001_a.sql': 'SELECT 1;', '2_b.sql': 'SELECT 1;' }))).rejects.toThrow(/must look like 0001_name\.sql/);
    expect(await versions(sql)).toEqual([]);
  });

  it('rolls a failing run back entirely and throws naming the file', async () => {
    const { sql } = await emptyDb();
    const dir = await folder({
      '0001_ok.sql': 'CREATE TABLE ok_table (x int); INSERT INTO ok_table VALUES (1);',
      '0002_boom.sql': 'CREATE TABLE half_done (x int); SELECT 1 / 0;',
    });
    await expect(migrate(sql, dir)).rejects.toThrow(/migration 0002_boom\.sql failed: division by zero/);
    // One transaction: neither file left anything behind, not even the bookkeeping table.
    expect(await exists(sql, 'ok_table')).toBe(false);
    expect(await exists(sql, 'half_done')).toBe(false);
    expect(await exists(sql, 'schema_migrations')).toBe(false);

    // Fixed, the same folder applies from the start.
    await writeFile(path.join(dir, '0002_boom.sql'), 'CREATE TABLE half_done (x int);');
    expect(await migrate(sql, dir)).toEqual(['0001_ok.sql', '0002_boom.sql']);
  });

  it('keeps what earlier runs applied when a later file fails', async () => {
    const { sql } = await emptyDb();
    const dir = await folder({ '0001_ok.sql': 'CREATE TABLE kept (x int);' });
    await migrate(sql, dir);
    await writeFile(path.join(dir, '0002_bad.sql'), 'CREATE TABLE not_kept (x int); ALTER TABLE missing ADD COLUMN y int;');
    await expect(migrate(sql, dir)).rejects.toThrow(/0002_bad\.sql failed/);
    expect(await exists(sql, 'kept')).toBe(true);
    expect(await exists(sql, 'not_kept')).toBe(false);
    expect(await versions(sql)).toEqual([1]);
  });

  it('refuses a database that is ahead of the code', async () => {
    const { sql } = await emptyDb();
    const dir = await folder({ '0001_a.sql': 'SELECT 1;', '0002_b.sql': 'SELECT 1;' });
    await migrate(sql, dir);
    await rm(path.join(dir, '0002_b.sql'));
    await expect(migrate(sql, dir)).rejects.toThrow(/has migration 0002_b\.sql that sql\/ does not/);
  });

  it('lets concurrent runners (several hub processes starting) apply each file once', async () => {
    const db = await emptyDb();
    const dir = await folder({
      '0001_log.sql': 'CREATE TABLE applied_log (file text NOT NULL);',
      // Slow enough that every runner is waiting on the lock while the first one works.
      '0002_slow.sql': "SELECT pg_sleep(0.3); INSERT INTO applied_log VALUES ('0002');",
      '0003_last.sql': "INSERT INTO applied_log VALUES ('0003');",
    });
    const clients = Array.from({ length: 4 }, () => createSql({ url: db.url, max: 1 }));
    cleanups.push(async () => {
      await Promise.all(clients.map((c) => c.end({ timeout: 5 })));
    });
    const results = await Promise.all(clients.map((c) => migrate(c, dir)));
    expect(results.filter((r) => r.length === 3)).toHaveLength(1);
    expect(results.filter((r) => r.length === 0)).toHaveLength(3);
    expect(await db.sql`SELECT file FROM applied_log ORDER BY file`).toEqual([{ file: '0002' }, { file: '0003' }]);
    expect(await versions(db.sql)).toEqual([1, 2, 3]);
  });

  describe('the CLI: tsx server/main.ts migrate', () => {
    const cli = (databaseUrl: string) => runMain(['migrate'], cleanEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' }));

    it('migrates an empty database, then reports it up to date; both exit 0', async () => {
      const db = await emptyDb();
      const first = await cli(db.url);
      expect(first.code, first.output).toBe(0);
      expect(first.output).toContain('migrations applied');
      expect(await versions(db.sql)).toEqual((await listMigrations()).map((m) => m.version));
      const second = await cli(db.url);
      expect(second.code, second.output).toBe(0);
      expect(second.output).toContain('schema up to date');
    });

    it('exits non-zero, naming the file, when a migration fails; nothing is applied', async () => {
      const db = await emptyDb();
      await db.sql`CREATE TABLE users (squatter int)`; // 0001_init.sql's CREATE TABLE users now fails
      const res = await cli(db.url);
      expect(res.code).toBe(1);
      expect(res.output).toMatch(/migration 0001_init\.sql failed/);
      expect(await versions(db.sql)).toEqual([]);
      expect(await exists(db.sql, 'sessions')).toBe(false);
    });

    it('exits non-zero when the database cannot be reached', async () => {
      const res = await cli('postgres://postgres@127.0.0.1:1/nowhere');
      expect(res.code).toBe(1);
      expect(res.output).toMatch(/migrate failed/);
      expect(res.output).toMatch(/ECONNREFUSED/);
    });
  });
});
