// Cache of public read responses (meet list, schedule, start lists) that spectators hit.
// Entries carry tags; every write that changes what a tag covers invalidates it explicitly.
//
// A read that misses loads from PostgreSQL, then stores what it loaded. A write can commit and
// invalidate in between: the read would then store the value from before the write, to be served
// until its TTL. So every tag has a generation, bumped by each invalidation; a miss hands out the
// generations of its tags (the token) and the store is refused if any has moved since.
import type { Redis } from 'ioredis';

/** A hit, or a miss with the token to store what the caller loads. */
export type Lookup = { hit: string } | { hit: null; token: string };

export interface ReadCache {
  get(key: string): Promise<string | null>;
  /** get(), and on a miss the generations of `tags`. */
  lookup(key: string, tags: string[]): Promise<Lookup>;
  /** Stores the value unless one of its tags was invalidated since `token` was handed out. */
  set(key: string, value: string, tags: string[], ttlS: number, token: string): Promise<void>;
  invalidate(tags: string[]): Promise<void>;
}

export class MemoryReadCache implements ReadCache {
  private readonly entries = new Map<string, { value: string; until: number; tags: string[] }>();
  private readonly generations = new Map<string, number>();
  private token(tags: string[]) {
    return tags.map((t) => this.generations.get(t) ?? 0).join(',');
  }
  async get(key: string) {
    const e = this.entries.get(key);
    if (!e || e.until <= Date.now()) return null;
    return e.value;
  }
  async lookup(key: string, tags: string[]): Promise<Lookup> {
    const hit = await this.get(key);
    return hit !== null ? { hit } : { hit: null, token: this.token(tags) };
  }
  async set(key: string, value: string, tags: string[], ttlS: number, token: string) {
    if (this.token(tags) !== token) return;
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { value, until: Date.now() + ttlS * 1000, tags });
  }
  async invalidate(tags: string[]) {
    for (const t of tags) this.generations.set(t, (this.generations.get(t) ?? 0) + 1);
    if (this.generations.size > 100_000) this.generations.clear(); // every token then mismatches: safe
    for (const [k, e] of this.entries) if (e.tags.some((t) => tags.includes(t))) this.entries.delete(k);
  }
}

// Keys: rc:<key> the cached text; rct:<tag> the set of entries of a tag; rcg:<tag> its generation.
// Set members are stored without the client's key prefix (ioredis prefixes only arguments it knows
// are keys), so the scripts that use them as keys are given the prefix. Single Redis only (not
// Cluster: the members are keys the scripts were not told of).

/** KEYS: rc:key, rct:tag..., rcg:tag...; ARGV: text, ttl s, token, member  →  1 stored, 0 refused. */
const SET_SCRIPT = `
local n = (#KEYS - 1) / 2
local gens = {}
for i = 1, n do gens[i] = redis.call('GET', KEYS[1 + n + i]) or '0' end
if table.concat(gens, ',') ~= ARGV[3] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
for i = 1, n do
  redis.call('SADD', KEYS[1 + i], ARGV[4])
  redis.call('EXPIRE', KEYS[1 + i], tonumber(ARGV[2]) * 2)
end
return 1`;

/** KEYS: rct:tag..., rcg:tag...; ARGV: key prefix. Deletes every entry of the tags and bumps them. */
const INVALIDATE_SCRIPT = `
local n = #KEYS / 2
local doomed = {}
for i = 1, n do
  for _, member in ipairs(redis.call('SMEMBERS', KEYS[i])) do doomed[#doomed + 1] = ARGV[1] .. member end
  doomed[#doomed + 1] = KEYS[i]
  redis.call('INCR', KEYS[n + i])
  redis.call('EXPIRE', KEYS[n + i], 86400)
end
for i = 1, #doomed, 500 do redis.call('DEL', unpack(doomed, i, math.min(i + 499, #doomed))) end
return #doomed`;

type ScriptedRedis = Redis & {
  readCacheSet(numKeys: number, ...args: (string | number)[]): Promise<number>;
  readCacheInvalidate(numKeys: number, ...args: string[]): Promise<number>;
};

const entryKey = (key: string) => `rc:${key}`;
const tagKeys = (tags: string[]) => tags.map((t) => `rct:${t}`);
const genKeys = (tags: string[]) => tags.map((t) => `rcg:${t}`);

/** One round trip per operation, whatever the number of tags (two for a lookup that misses). */
export class RedisReadCache implements ReadCache {
  private readonly redis: ScriptedRedis;
  constructor(redis: Redis) {
    redis.defineCommand('readCacheSet', { lua: SET_SCRIPT });
    redis.defineCommand('readCacheInvalidate', { lua: INVALIDATE_SCRIPT });
    this.redis = redis as ScriptedRedis;
  }
  async get(key: string) {
    return this.redis.get(entryKey(key));
  }
  /** A hit is one GET (spectators' reads hit); a miss reads the generations in a second round trip. */
  async lookup(key: string, tags: string[]): Promise<Lookup> {
    const hit = await this.redis.get(entryKey(key));
    if (hit !== null) return { hit };
    const gens = tags.length ? await this.redis.mget(...genKeys(tags)) : [];
    return { hit: null, token: gens.map((g) => g ?? '0').join(',') };
  }
  async set(key: string, value: string, tags: string[], ttlS: number, token: string) {
    await this.redis.readCacheSet(1 + 2 * tags.length, entryKey(key), ...tagKeys(tags), ...genKeys(tags), value, ttlS, token, entryKey(key));
  }
  async invalidate(tags: string[]) {
    if (!tags.length) return;
    await this.redis.readCacheInvalidate(2 * tags.length, ...tagKeys(tags), ...genKeys(tags), this.redis.options.keyPrefix ?? '');
  }
}
