// Cache of public read responses (meet list, schedule, start lists) that spectators hit.
// Entries carry tags; every write that changes what a tag covers invalidates it explicitly.
import type { Redis } from 'ioredis';

export interface ReadCache {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, tags: string[], ttlS: number): Promise<void>;
  invalidate(tags: string[]): Promise<void>;
}

export class MemoryReadCache implements ReadCache {
  private readonly entries = new Map<string, { value: string; until: number; tags: string[] }>();
  async get(key: string) {
    const e = this.entries.get(key);
    if (!e || e.until <= Date.now()) return null;
    return e.value;
  }
  async set(key: string, value: string, tags: string[], ttlS: number) {
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + ttlS * 1000, tags });
  }
  async invalidate(tags: string[]) {
    for (const [k, e] of this.entries) if (e.tags.some((t) => tags.includes(t))) this.entries.delete(k);
  }
}

export class RedisReadCache implements ReadCache {
  constructor(private readonly redis: Redis) {}
  async get(key: string) {
    return this.redis.get(`rc:${key}`);
  }
  async set(key: string, value: string, tags: string[], ttlS: number) {
    const m = this.redis.multi().set(`rc:${key}`, value, 'EX', ttlS);
    for (const t of tags) m.sadd(`rct:${t}`, `rc:${key}`).expire(`rct:${t}`, ttlS * 2);
    await m.exec();
  }
  /** Two round trips whatever the number of tags: every tag's members, then one DEL. */
  async invalidate(tags: string[]) {
    if (!tags.length) return;
    const read = this.redis.pipeline();
    for (const t of tags) read.smembers(`rct:${t}`);
    const replies = (await read.exec()) ?? [];
    const keys = replies.flatMap(([err, members]) => {
      if (err) throw err;
      return members as string[];
    });
    await this.redis.del(...tags.map((t) => `rct:${t}`), ...keys);
  }
}
