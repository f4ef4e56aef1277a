import type { Tx } from '../client.js';
import type { Role } from '../../../shared/permissions.js';

export interface SessionRow {
  sessionId: number;
  userId: number;
  name: string;
  email: string;
  role: Role;
  userStatus: 'active' | 'suspended';
  expiresAt: string;
  revokedAt: string | null;
  lastSeenAt: string;
}

export async function insertSession(
  sql: Tx,
  s: { userId: number; tokenHash: string; idleMs: number; ip: string | null; userAgent: string | null },
): Promise<{ id: number; expiresAt: string }> {
  const [row] = await sql<[{ id: number; expiresAt: string }]>`
    INSERT INTO sessions (user_id, token_hash, expires_at, ip, user_agent)
    VALUES (${s.userId}, ${s.tokenHash}, now() + ${s.idleMs} * interval '1 millisecond', ${s.ip}, ${s.userAgent})
    RETURNING id, expires_at AS "expiresAt"`;
  return row;
}

export async function findSession(sql: Tx, tokenHash: string): Promise<SessionRow | undefined> {
  const [row]: [SessionRow?] = await sql`
    SELECT s.id AS "sessionId", u.id AS "userId", u.name, u.email, u.role, u.status AS "userStatus",
           s.expires_at AS "expiresAt", s.revoked_at AS "revokedAt", s.last_seen_at AS "lastSeenAt"
    FROM sessions s JOIN users u ON u.id = s.user_id
    WHERE s.token_hash = ${tokenHash}`;
  return row;
}

/** Sliding expiry: a session used now lives idleMs more. Returns the new expiry, or none if it lapsed. */
export async function touchSession(sql: Tx, sessionId: number, idleMs: number): Promise<string | undefined> {
  const [row]: [{ expiresAt: string }?] = await sql`
    UPDATE sessions SET last_seen_at = now(), expires_at = now() + ${idleMs} * interval '1 millisecond'
    WHERE id = ${sessionId} AND revoked_at IS NULL AND expires_at > now()
    RETURNING expires_at AS "expiresAt"`;
  return row?.expiresAt;
}

/** Revokes one session by token hash; returns whether it was live. */
export async function revokeSession(sql: Tx, tokenHash: string): Promise<boolean> {
  const rows = await sql`UPDATE sessions SET revoked_at = now() WHERE token_hash = ${tokenHash} AND revoked_at IS NULL RETURNING id`;
  return rows.length > 0;
}

/** Revokes every live session of a user; returns their token hashes so caches can drop them. */
export async function revokeUserSessions(sql: Tx, userId: number): Promise<string[]> {
  const rows = await sql<{ tokenHash: string }[]>`
    UPDATE sessions SET revoked_at = now() WHERE user_id = ${userId} AND revoked_at IS NULL
    RETURNING token_hash AS "tokenHash"`;
  return rows.map((r) => r.tokenHash);
}
