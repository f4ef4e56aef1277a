// Cache of resolved sessions in front of PostgreSQL (the source of truth). With Redis every hub
// process shares it, so a revocation (delete) takes effect everywhere at once.
import type { Redis } from 'ioredis';
import type { Role } from '../../shared/permissions.js';

export interface CachedSession {
  sessionId: number;
  userId: number;
  name: string;
  email: string;
  role: Role;
  /** Epoch ms after which the session is idle-expired unless touched. */
  expiresAt: number;
  /** Epoch ms of the last write of last_seen_at to PostgreSQL. */
  touchedAt: number;
}

export interface SessionCache {
  get(tokenHash: string): Promise<CachedSession | null>;
  set(tokenHash: string, session: CachedSession, ttlMs: number): Promise<void>;
  delete(tokenHashes: string[]): Promise<void>;
}

export class MemorySessionCache implements SessionCache {
  private readonly map = new Map<string, { s: CachedSession; until: number }>();
  async get(tokenHash: string) {
    const e = this.map.get(tokenHash);
    if (!e) return null;
    if (e.until <= Date.now()) {
      this.map.delete(tokenHash);
      return null;
    }
    return e.s;
  }
  async set(tokenHash: string, s: CachedSession, ttlMs: number) {
    if (this.map.size > 50_000) this.map.clear(); // bounded: it is only a cache
    this.map.set(tokenHash, { s, until: Date.now() + ttlMs });
  }
  async delete(tokenHashes: string[]) {
    for (const h of tokenHashes) this.map.delete(h);
  }
}

export class RedisSessionCache implements SessionCache {
  constructor(private readonly redis: Redis) {}
  async get(tokenHash: string) {
    const raw = await this.redis.get(`sess:${tokenHash}`);
    return raw ? (JSON.parse(raw) as CachedSession) : null;
  }
  async set(tokenHash: string, s: CachedSession, ttlMs: number) {
    await this.redis.set(`sess:${tokenHash}`, JSON.stringify(s), 'PX', Math.max(1, Math.floor(ttlMs)));
  }
  async delete(tokenHashes: string[]) {
    if (tokenHashes.length) await this.redis.del(...tokenHashes.map((h) => `sess:${h}`));
  }
}
