import type { Tx } from '../client.js';
import type { AuditEntry, AuditQuery } from '../../../shared/schemas/audit.js';

/** Who did it, from where: taken from the request by routes, from the handshake by sockets. */
export interface Actor {
  userId: number | null;
  email: string | null;
  ip: string | null;
  userAgent: string | null;
}

export interface AuditRecord {
  action: string;
  entityType?: string;
  entityId?: string | number;
  details?: Record<string, unknown>;
}

export async function recordAudit(sql: Tx, actor: Actor, r: AuditRecord): Promise<void> {
  await sql`
    INSERT INTO audit_log (user_id, actor_email, action, entity_type, entity_id, details, ip, user_agent)
    VALUES (${actor.userId}, ${actor.email}, ${r.action}, ${r.entityType ?? null},
            ${r.entityId == null ? null : String(r.entityId)}, ${sql.json((r.details ?? {}) as never)},
            ${actor.ip}, ${actor.userAgent?.slice(0, 500) ?? null})`;
}

export async function listAudit(sql: Tx, q: AuditQuery): Promise<{ items: AuditEntry[]; total: number }> {
  const where = sql`
    WHERE (${q.userId ?? null}::bigint IS NULL OR user_id = ${q.userId ?? null})
      AND (${q.entityType ?? null}::text IS NULL OR entity_type = ${q.entityType ?? null})
      AND (${q.entityId ?? null}::text IS NULL OR entity_id = ${q.entityId ?? null})
      AND (${q.action ?? null}::text IS NULL OR action = ${q.action ?? null})
      AND (${q.from ?? null}::timestamptz IS NULL OR at >= ${q.from ?? null})
      AND (${q.to ?? null}::timestamptz IS NULL OR at < ${q.to ?? null})`;
  const items = await sql<AuditEntry[]>`
    SELECT id, at, user_id AS "userId", actor_email AS "actorEmail", action, entity_type AS "entityType",
           entity_id AS "entityId", details, ip, user_agent AS "userAgent"
    FROM audit_log ${where} ORDER BY at DESC, id DESC LIMIT ${q.limit} OFFSET ${q.offset}`;
  const [{ total }] = await sql<[{ total: number }]>`SELECT count(*)::int AS total FROM audit_log ${where}`;
  return { items, total };
}
