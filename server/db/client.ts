// The one postgres.js client factory. Everything else receives the `Sql` it returns.
import postgres from 'postgres';

export type Sql = postgres.Sql;
/** A transaction's handle (or a reserved connection): the same tagged-template API, bound to one connection. */
export type Tx = postgres.TransactionSql | postgres.ReservedSql | postgres.Sql;

export interface DbOptions {
  url: string;
  max: number;
  /** PGlite behind pglite-socket breaks with prepared statements on a pool. */
  prepare?: boolean;
}

export function createSql(opts: DbOptions): Sql {
  return postgres(opts.url, {
    max: opts.max,
    prepare: opts.prepare ?? true,
    onnotice: () => {},
    types: {
      // bigint ids and counts come back as JS numbers: they stay far below 2^53.
      int8: { to: 20, from: [20], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
      // numeric columns here are small (wind m/s, points): numbers, not strings.
      // Timestamps travel as ISO-8601 strings and dates as YYYY-MM-DD: what the JSON API speaks.
      timestamptz: { to: 1184, from: [1114, 1184], serialize: (x: string | Date) => (x instanceof Date ? x.toISOString() : x), parse: (x: string) => new Date(x).toISOString() },
      date: { to: 1082, from: [1082], serialize: (x: string) => x, parse: (x: string) => x },
      numeric: { to: 1700, from: [1700], serialize: (x: number) => String(x), parse: (x: string) => Number(x) },
    },
    transform: { undefined: null },
    connection: { application_name: 'athsys-live' },
  });
}

/**
 * `sql.begin()` in one round trip fewer: BEGIN goes out in the same write as the first statements
 * `fn` sends, instead of being awaited on its own. On a busy hub every round trip to PostgreSQL
 * costs CPU as well as time (bench:ingest). COMMIT is sent once `fn` has resolved, as with begin():
 * postgres.js sends a query when it is awaited, in an order that depends on how deep in async calls
 * each await sits, so a COMMIT sent alongside could overtake the statements it should close.
 * A failure in `fn` (a statement or a thrown error) sends ROLLBACK and rethrows: nothing is stored;
 * so does a statement whose failure `fn` caught (COMMIT is then answered ROLLBACK).
 */
export async function pipelinedTransaction<T>(sql: Sql, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const conn = await sql.reserve();
  try {
    // Queued (then) before fn runs, so it precedes whatever fn sends.
    const begin = conn`BEGIN`.then(() => undefined);
    let result: T;
    try {
      [, result] = await Promise.all([begin, fn(conn)]);
    } catch (err) {
      await conn`ROLLBACK`.catch(() => undefined);
      throw err;
    }
    // A statement that failed inside fn, its error caught there, aborted the transaction: PostgreSQL
    // then answers COMMIT with ROLLBACK, and the caller must not believe anything was stored.
    const done = await conn`COMMIT`;
    if (done.command === 'ROLLBACK') throw new Error('the transaction was rolled back: a statement in it failed');
    return result;
  } finally {
    conn.release();
  }
}
