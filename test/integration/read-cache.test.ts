// The read caches: tagged entries, invalidated several tags at a time; a value loaded before a write
// invalidated its tags is not stored (it would be served, stale, until its TTL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { MemoryReadCache, RedisReadCache, type ReadCache } from '../../server/cache/read-cache.js';
import { readThrough } from '../../server/cache/read-through.js';
import { redisForTest, testRedisPrefix } from '../helpers/app.js';
import { redisAvailable } from '../helpers/services.js';

const hasRedis = await redisAvailable();

/** Stores a value as a read that missed would. */
async function put(cache: ReadCache, key: string, value: string, tags: string[]) {
  const found = await cache.lookup(key, tags);
  if (found.hit === null) await cache.set(key, value, tags, 60, found.token);
}

const silent = { warn() {}, error() {} } as never;

describe.skipIf(!hasRedis)('RedisReadCache.invalidate', () => {
  let redis: Redis;
  let cache: RedisReadCache;
  beforeAll(() => {
    redis = redisForTest(testRedisPrefix());
    cache = new RedisReadCache(redis);
  });
  afterAll(() => redis.disconnect());

  it('drops every entry of every given tag, and the tags, and nothing else', async () => {
    await put(cache, 'heat', 'h', ['heat:1']);
    await put(cache, 'event', 'e', ['event:7', 'meet:3']);
    await put(cache, 'schedule', 's', ['meet:3']);
    await put(cache, 'other', 'o', ['heat:2']);
    await cache.invalidate(['heat:1', 'event:7', 'meet:3', 'meet:404']);
    expect(await Promise.all(['heat', 'event', 'schedule', 'other'].map((k) => cache.get(k)))).toEqual([null, null, null, 'o']);
    expect(await redis.exists('rct:heat:1', 'rct:event:7', 'rct:meet:3')).toBe(0);
    expect(await redis.exists('rct:heat:2')).toBe(1);
    await cache.invalidate([]);
    expect(await cache.get('other')).toBe('o');
  });
});

describe.each([
  ['memory', async () => ({ cache: new MemoryReadCache() as ReadCache, done: () => {} })],
  ...(hasRedis ? [['redis', async () => {
    const redis = redisForTest(testRedisPrefix());
    return { cache: new RedisReadCache(redis) as ReadCache, done: () => redis.disconnect() };
  }] as const] : []),
] as const)('%s read cache and a write during a load', (_name, make) => {
  let cache: ReadCache;
  let done: () => void;
  beforeAll(async () => {
    ({ cache, done } = await make());
  });
  afterAll(() => done());

  it('refuses to store a value loaded before one of its tags was invalidated', async () => {
    const miss = await cache.lookup('heat-a', ['heat:1', 'meet:3']);
    expect(miss.hit).toBeNull();
    await cache.invalidate(['meet:3']); // a write commits while the read loads
    await cache.set('heat-a', 'before the write', ['heat:1', 'meet:3'], 60, miss.hit === null ? miss.token : '');
    expect(await cache.get('heat-a')).toBeNull();
    // The next read stores what it loads.
    await put(cache, 'heat-a', 'after the write', ['heat:1', 'meet:3']);
    expect(await cache.lookup('heat-a', ['heat:1', 'meet:3'])).toEqual({ hit: 'after the write' });
  });

  it('readThrough: a load overtaken by a write is answered but not cached; the next read loads again', async () => {
    let release!: () => void;
    let loads = 0;
    const slow = readThrough(cache, silent, 'heat-b', ['heat:2'], 60, async () => {
      loads++;
      await new Promise<void>((r) => (release = r));
      return { version: 1 };
    });
    await expect.poll(() => loads).toBe(1);
    await cache.invalidate(['heat:2']);
    release();
    expect(await slow).toEqual({ version: 1 });
    expect(await readThrough(cache, silent, 'heat-b', ['heat:2'], 60, async () => (loads++, { version: 2 }))).toEqual({ version: 2 });
    expect(await readThrough(cache, silent, 'heat-b', ['heat:2'], 60, async () => (loads++, { version: 3 }))).toEqual({ version: 2 });
    expect(loads).toBe(2);
  });
});
