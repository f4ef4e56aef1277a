// Idempotency records: the first answer to a write, kept under the client's key.
import type { Tx } from '../client.js';

export type Claim<T> = { fresh: true } | { fresh: false; requestHash: string; response: T };

/**
 * Claims a key inside the caller's transaction. If another transaction holds the same key
 * uncommitted, PostgreSQL makes this wait for it; then the stored answer is returned.
 */
export async function claimKey<T>(tx: Tx, key: string, userId: number | null, requestHash: string): Promise<Claim<T>> {
  const inserted = await tx`
    INSERT INTO idempotency_keys (key, user_id, request_hash, response)
    VALUES (${key}, ${userId}, ${requestHash}, 'null'::jsonb)
    ON CONFLICT (key) DO NOTHING
    RETURNING key`;
  if (inserted.length) return { fresh: true };
  const [row] = await tx<[{ requestHash: string; response: T }]>`
    SELECT request_hash AS "requestHash", response FROM idempotency_keys WHERE key = ${key}`;
  return { fresh: false, requestHash: row.requestHash, response: row.response };
}

export async function storeResponse(tx: Tx, key: string, response: unknown): Promise<void> {
  await tx`UPDATE idempotency_keys SET response = ${tx.json(response as never)} WHERE key = ${key}`;
}

/** Keys older than the retention are forgotten (a console never retries for days). */
export async function pruneKeys(tx: Tx, olderThanHours: number): Promise<number> {
  const rows = await tx`DELETE FROM idempotency_keys WHERE created_at < now() - ${olderThanHours} * interval '1 hour' RETURNING key`;
  return rows.length;
}
