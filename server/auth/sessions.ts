// Sessions: random 256-bit tokens, stored only as an HMAC, sliding idle expiry, PostgreSQL as the
// source of truth and a cache (Redis when configured) in front of it.
import { createHmac, randomBytes } from 'node:crypto';
import type { Sql } from '../db/client.js';
import { findSession, insertSession, revokeSession, revokeUserSessions, touchSession } from '../db/repos/sessions.js';
import type { CachedSession, SessionCache } from '../cache/session-cache.js';
import type { Role } from '../../shared/permissions.js';

/** Write last_seen_at at most this often per session: sliding expiry without a write per request. */
const TOUCH_EVERY_MS = 60_000;
/** A cached session is re-read from PostgreSQL at least this often. */
const CACHE_TTL_MS = 5 * 60_000;

export interface AuthUser {
  sessionId: number;
  id: number;
  name: string;
  email: string;
  role: Role;
}

export interface SessionLogger {
  warn(obj: object, msg: string): void;
}

export class SessionService {
  constructor(
    private readonly sql: Sql,
    private readonly cache: SessionCache,
    private readonly secret: string,
    readonly idleMs: number,
    private readonly log: SessionLogger,
  ) {}

  hash(token: string): string {
    return createHmac('sha256', this.secret).update(token).digest('hex');
  }

  async create(userId: number, ip: string | null, userAgent: string | null) {
    const token = randomBytes(32).toString('base64url');
    const s = await insertSession(this.sql, { userId, tokenHash: this.hash(token), idleMs: this.idleMs, ip, userAgent: userAgent?.slice(0, 500) ?? null });
    return { token, expiresAt: s.expiresAt };
  }

  /** The user behind a token, or null if unknown, revoked, expired or suspended. */
  async resolve(token: string): Promise<AuthUser | null> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
    const h = this.hash(token);
    const now = Date.now();
    let s = await this.cacheGet(h);
    if (s && s.expiresAt <= now) s = null;
    // The cache is written only when its entry changed: a hit costs one read, the entry still expires
    // CACHE_TTL_MS after it was read from PostgreSQL (not after the last use), and a request that
    // read the session just before a revocation cannot write it back after the revocation's delete.
    let changed = false;
    if (!s) {
      const row = await findSession(this.sql, h);
      if (!row || row.revokedAt || row.userStatus !== 'active' || Date.parse(row.expiresAt) <= now) return null;
      s = { sessionId: row.sessionId, userId: row.userId, name: row.name, email: row.email, role: row.role, expiresAt: Date.parse(row.expiresAt), touchedAt: Date.parse(row.lastSeenAt) };
      changed = true;
    }
    // With a short idle limit (tests, kiosks) touch more often, or steady use would not keep it alive.
    if (now - s.touchedAt > Math.min(TOUCH_EVERY_MS, this.idleMs / 4)) {
      const expiresAt = await touchSession(this.sql, s.sessionId, this.idleMs);
      if (!expiresAt) {
        await this.cacheDelete([h]);
        return null;
      }
      s = { ...s, expiresAt: Date.parse(expiresAt), touchedAt: now };
      changed = true;
    }
    if (changed) await this.cacheSet(h, s, Math.min(CACHE_TTL_MS, s.expiresAt - now));
    return { sessionId: s.sessionId, id: s.userId, name: s.name, email: s.email, role: s.role };
  }

  async revoke(token: string): Promise<void> {
    const h = this.hash(token);
    await revokeSession(this.sql, h);
    await this.cacheDelete([h]);
  }

  /** Ends every session of a user (suspension, role change, password reset). */
  async revokeUser(userId: number): Promise<void> {
    await this.cacheDelete(await revokeUserSessions(this.sql, userId));
  }

  // The cache is an optimisation: when Redis fails, PostgreSQL answers alone.
  private async cacheGet(h: string): Promise<CachedSession | null> {
    try {
      return await this.cache.get(h);
    } catch (err) {
      this.log.warn({ err }, 'session cache read failed; using PostgreSQL');
      return null;
    }
  }
  private async cacheSet(h: string, s: CachedSession, ttlMs: number) {
    try {
      await this.cache.set(h, s, ttlMs);
    } catch (err) {
      this.log.warn({ err }, 'session cache write failed');
    }
  }
  private async cacheDelete(hs: string[]) {
    // A revocation the cache did not hear about would outlive it by up to CACHE_TTL_MS: retry once,
    // then let the error reach the caller rather than pretend the session is gone everywhere.
    try {
      await this.cache.delete(hs);
    } catch {
      await this.cache.delete(hs);
    }
  }
}
