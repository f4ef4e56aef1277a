// pipelinedTransaction (server/db/client.ts): BEGIN travels with the first statements. Whatever fails
// inside, nothing is stored; what succeeds is stored once; statements run inside the transaction.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelinedTransaction } from '../../server/db/client.js';
import { createTestDb, type TestDb } from '../helpers/db.js';

describe('pipelinedTransaction', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
    await db.sql`CREATE TABLE pt (id int PRIMARY KEY, v text NOT NULL)`;
  });
  afterAll(async () => {
    await db.close();
  });
  const rows = async () => (await db.sql<{ id: number }[]>`SELECT id FROM pt ORDER BY id`).map((r) => r.id);

  it('runs every statement inside one transaction, the first ones included', async () => {
    const seen = await pipelinedTransaction(db.sql, async (tx) => {
      // Sent at once, in one pipeline with BEGIN: a statement sent before BEGIN would get a transaction
      // id of its own (autocommit), not the one the later statements see.
      const [[first]] = await Promise.all([
        tx<[{ xid: string }]>`SELECT pg_current_xact_id()::text AS xid`,
        tx`INSERT INTO pt VALUES (1, 'one')`,
      ]);
      const [later] = await tx<[{ xid: string }]>`SELECT pg_current_xact_id()::text AS xid`;
      return { first: first!.xid, later: later.xid };
    });
    expect(seen.first).toBe(seen.later);
    expect(await rows()).toEqual([1]);
  });

  it('stores nothing when a statement fails after others succeeded', async () => {
    await expect(pipelinedTransaction(db.sql, async (tx) => {
      await Promise.all([tx`INSERT INTO pt VALUES (2, 'two')`, tx`INSERT INTO pt VALUES (3, 'three')`]);
      await tx`INSERT INTO pt VALUES (1, 'duplicate key')`;
    })).rejects.toThrow(/duplicate key/);
    expect(await rows()).toEqual([1]);
  });

  it('fails, storing nothing, when the code caught a failed statement and went on', async () => {
    await expect(pipelinedTransaction(db.sql, async (tx) => {
      await tx`INSERT INTO pt VALUES (6, 'six')`;
      await tx`INSERT INTO pt VALUES (1, 'duplicate key')`.catch(() => undefined);
      return 'looks fine';
    })).rejects.toThrow(/rolled back/);
    expect(await rows()).toEqual([1]);
  });

  it('stores nothing when the code throws after its statements', async () => {
    await expect(pipelinedTransaction(db.sql, async (tx) => {
      await tx`INSERT INTO pt VALUES (4, 'four')`;
      throw new Error('refused after writing');
    })).rejects.toThrow('refused after writing');
    expect(await rows()).toEqual([1]);
    // The connection went back to the pool in a clean state: the next transaction works.
    await pipelinedTransaction(db.sql, (tx) => tx`INSERT INTO pt VALUES (5, 'five')`);
    expect(await rows()).toEqual([1, 5]);
  });
});
