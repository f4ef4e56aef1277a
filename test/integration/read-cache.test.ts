// RedisReadCache: tagged entries, invalidated several tags at a time.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Redis } from 'ioredis';
import { RedisReadCache } from '../../server/cache/read-cache.js';
import { redisForTest, testRedisPrefix } from '../helpers/app.js';
import { redisAvailable } from '../helpers/services.js';

const hasRedis = await redisAvailable();

describe.skipIf(!hasRedis)('RedisReadCache.invalidate', () => {
  let redis: Redis;
  let cache: RedisReadCache;
  beforeAll(() => {
    redis = redisForTest(testRedisPrefix());
    cache = new RedisReadCache(redis);
  });
  afterAll(() => redis.disconnect());

  it('drops every entry of every given tag, and the tags, and nothing else', async () => {
    await cache.set('heat', 'h', ['heat:1'], 60);
    await cache.set('event', 'e', ['event:7', 'meet:3'], 60);
    await cache.set('schedule', 's', ['meet:3'], 60);
    await cache.set('other', 'o', ['heat:2'], 60);
    await cache.invalidate(['heat:1', 'event:7', 'meet:3', 'meet:404']);
    expect(await Promise.all(['heat', 'event', 'schedule', 'other'].map((k) => cache.get(k)))).toEqual([null, null, null, 'o']);
    expect(await redis.exists('rct:heat:1', 'rct:event:7', 'rct:meet:3')).toBe(0);
    expect(await redis.exists('rct:heat:2')).toBe(1);
    await cache.invalidate([]);
    expect(await cache.get('other')).toBe('o');
  });
});
