// A fresh embedded database is unpacked from a template of PGlite's initdb (server/db/embedded.ts):
// it must be a whole, durable database; a broken template must not stop a start (initdb, and a new
// template); an existing database is opened as it is.
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSql } from '../../server/db/client.js';
import { ensureTemplate, startEmbeddedDb } from '../../server/db/embedded.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'athsys-template-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withDb<T>(dataDir: string, template: string, f: (sql: ReturnType<typeof createSql>) => Promise<T>): Promise<T> {
  const db = await startEmbeddedDb(dataDir, template);
  const sql = createSql({ url: db.url, max: 1, prepare: false });
  try {
    return await f(sql);
  } finally {
    await sql.end({ timeout: 5 });
    await db.stop();
  }
}

describe('embedded database template', () => {
  it('makes a fresh folder from the template, and the data outlives a restart', async () => {
    const template = await ensureTemplate(path.join(dir, 'good.tar.gz'));
    expect(statSync(template).size).toBeGreaterThan(100_000);
    const data = path.join(dir, 'a');
    await withDb(data, template, async (sql) => {
      await sql`CREATE TABLE kept (v text NOT NULL)`;
      await sql`INSERT INTO kept VALUES ('from the template')`;
    });
    expect(existsSync(path.join(data, 'PG_VERSION'))).toBe(true);
    expect(await withDb(data, template, (sql) => sql`SELECT v FROM kept`)).toEqual([{ v: 'from the template' }]);
  });

  it('starts with initdb when the template is broken, and writes a good one', async () => {
    const broken = path.join(dir, 'broken.tar.gz');
    writeFileSync(broken, 'not a tarball');
    const data = path.join(dir, 'b');
    expect(await withDb(data, broken, (sql) => sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
    expect(readFileSync(broken).length).toBeGreaterThan(100_000);
    // The new template works.
    expect(await withDb(path.join(dir, 'c'), broken, (sql) => sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
  });

  it('makes one when there is none', async () => {
    const missing = path.join(dir, 'sub', 'missing.tar.gz');
    expect(await withDb('memory://', missing, (sql) => sql`SELECT 1 AS ok`)).toEqual([{ ok: 1 }]);
    expect(existsSync(missing)).toBe(true);
  });
});
