// Forward-only migrations: sql/NNNN_name.sql applied in order, all pending files in one transaction, under an
// advisory lock so that several hub processes starting together apply each file once.
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Sql } from './client.js';

export const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));
const LOCK_ID = 7_210_2026; // any constant shared by every hub process
const FILE_RE = /^(\d{4})_[a-z0-9_]+\.sql$/;

export interface Migration {
  version: number;
  name: string;
  file: string;
}

export async function listMigrations(dir = SQL_DIR): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.sql')).sort();
  const migrations = files.map((name) => {
    const m = FILE_RE.exec(name);
    if (!m) throw new Error(`migration file name must look like 0001_name.sql: ${name}`);
    return { version: Number(m[1]), name, file: path.join(dir, name) };
  });
  migrations.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`migration numbering has a gap or duplicate at ${m.name}: expected ${String(i + 1).padStart(4, '0')}`);
    }
  });
  return migrations;
}

/** Applies pending migrations; returns the names applied. Throws (and applies nothing more) on failure. */
export async function migrate(sql: Sql, dir = SQL_DIR): Promise<string[]> {
  const migrations = await listMigrations(dir);
  return sql.begin(async (tx) => {
    // Transaction-level lock: released at commit, whatever happens to this connection.
    await tx`SELECT pg_advisory_xact_lock(${LOCK_ID})`;
    await tx`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`;
    const rows = await tx<{ version: number; name: string }[]>`SELECT version, name FROM schema_migrations ORDER BY version`;
    const applied = new Map(rows.map((r) => [r.version, r.name]));
    for (const [version, name] of applied) {
      const known = migrations.find((m) => m.version === version);
      if (!known) throw new Error(`database has migration ${name} that sql/ does not: refusing to run older code`);
      if (known.name !== name) throw new Error(`migration ${version} is ${name} in the database but ${known.name} in sql/`);
    }
    const done: string[] = [];
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      const text = await readFile(m.file, 'utf8');
      // Savepoint per file so the error names the file; the whole run is still one transaction.
      await tx.savepoint(async (sp) => {
        await sp.unsafe(text);
        await sp`INSERT INTO schema_migrations (version, name) VALUES (${m.version}, ${m.name})`;
      }).catch((err: unknown) => {
        throw new Error(`migration ${m.name} failed: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      });
      done.push(m.name);
    }
    return done;
  });
}
