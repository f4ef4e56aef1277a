// Single-node mode: PostgreSQL compiled to WebAssembly (PGlite), file-backed, served on a loopback
// socket so the same postgres.js code and the same SQL serve both modes.
import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDb {
  url: string;
  stop(): Promise<void>;
}

/** dataDir: a folder, or 'memory://' for a throwaway database (tests). */
export async function startEmbeddedDb(dataDir: string): Promise<EmbeddedDb> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const db = await PGlite.create(dataDir);
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
