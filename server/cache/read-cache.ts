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

/**
 * Invalidation in one round trip, whatever the number of tags: a script deletes every tag's members
 * and the tag sets. Members are stored without the client's key prefix (ioredis prefixes only
 * arguments it knows are keys), so the script is given the prefix. Single Redis only (not Cluster:
 * the members are keys the script was not told of).
 */
const INVALIDATE_SCRIPT = `
local doomed = {}
for _, tag in ipairs(KEYS) do
  for _, member in ipairs(redis.call('SMEMBERS', tag)) do doomed[#doomed + 1] = ARGV[1] .. member end
  doomed[#doomed + 1] = tag
end
for i = 1, #doomed, 500 do redis.call('DEL', unpack(doomed, i, math.min(i + 499, #doomed))) end
return #doomed`;

type ScriptedRedis = Redis & { readCacheInvalidate(numKeys: number, ...args: string[]): Promise<number> };

export class RedisReadCache implements ReadCache {
  private readonly redis: ScriptedRedis;
  constructor(redis: Redis) {
    redis.defineCommand('readCacheInvalidate', { lua: INVALIDATE_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }
  async get(key: string) {
    return this.redis.get(`rc:${key}`);
  }
  async set(key: string, value: string, tags: string[], ttlS: number) {
    const m = this.redis.multi().set(`rc:${key}`, value, 'EX', ttlS);
    for (const t of tags) m.sadd(`rct:${t}`, `rc:${key}`).expire(`rct:${t}`, ttlS * 2);
    await m.exec();
  }
  async invalidate(tags: string[]) {
    if (!tags.length) return;
    await this.redis.readCacheInvalidate(tags.length, ...tags.map((t) => `rct:${t}`), this.redis.options.keyPrefix ?? '');
  }
}
