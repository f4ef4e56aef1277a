// Single-node mode: PostgreSQL compiled to WebAssembly (PGlite), file-backed, served on a loopback
// socket so the same postgres.js code and the same SQL serve both modes.
//
// A fresh database is made from a template: PGlite's initdb takes about 5 s on this project's
// machines, unpacking a data folder it dumped once takes about 1 s (bench:coldstart). The template is
// the bare cluster (no schema: migrations run as on any start), kept per PGlite version in
// node_modules/.cache/athsys-live/; `npm run build` makes it, and the first fresh start makes it when
// it is missing. A template that cannot be read or loaded is ignored: the start falls back to initdb.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/athsys-live/', import.meta.url));

/** Where the template of this PGlite version lives. */
export function templatePath(): string {
  const pkg = fileURLToPath(new URL('../package.json', import.meta.resolve('@electric-sql/pglite')));
  const { version } = JSON.parse(readFileSync(pkg, 'utf8')) as { version: string };
  return path.join(CACHE_DIR, `pglite-${version}-initdb.tar.gz`);
}

const isMemory = (dataDir: string) => dataDir.startsWith('memory://');

/** Makes the template if it is missing (a fresh in-memory cluster, dumped). Returns its path. */
export async function ensureTemplate(file = templatePath()): Promise<string> {
  if (!existsSync(file)) {
    const db = await PGlite.create('memory://');
    try {
      await saveTemplate(db, file);
    } finally {
      await db.close();
    }
  }
  return file;
}

async function saveTemplate(db: PGlite, file: string): Promise<void> {
  const dump = await db.dumpDataDir('gzip');
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, Buffer.from(await dump.arrayBuffer()));
  await rename(tmp, file); // atomic: a concurrent start reads a whole template or none
}

/** Opens the database in `dataDir`, creating it (from the template when there is one) if it is new. */
async function openPglite(dataDir: string, file: string): Promise<PGlite> {
  // Only an empty folder is made from the template: whatever a failed load leaves in it is its own.
  const fresh = isMemory(dataDir) || (await readdir(dataDir)).length === 0;
  if (!fresh) return PGlite.create(dataDir);
  const template = await readFile(file).catch(() => null);
  if (template) {
    try {
      return await PGlite.create(dataDir, { loadDataDir: new Blob([template]) });
    } catch {
      if (!isMemory(dataDir)) for (const f of await readdir(dataDir)) await rm(path.join(dataDir, f), { recursive: true, force: true });
    }
  }
  // No usable template: initdb, then keep a (new) template for the next fresh start.
  const db = await PGlite.create(dataDir);
  await saveTemplate(db, file).catch(() => {});
  return db;
}

/** dataDir: a folder, or 'memory://' for a throwaway database (tests). templateFile: tests only. */
export async function startEmbeddedDb(dataDir: string, templateFile = templatePath()): Promise<EmbeddedDb> {
  if (!isMemory(dataDir)) await mkdir(dataDir, { recursive: true });
  const db = await openPglite(dataDir, templateFile);
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 1 });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  return {
    url: `postgres://postgres@${conn}/postgres`,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
