// The stores behind one interface each. Redis or in-memory is chosen once, here, from whether a
// Redis client is given (embedded single-node mode has none).
import type { Redis } from 'ioredis';
import { MemoryCounterStore, RedisCounterStore, type CounterStore } from './counter-store.js';
import { MemoryReadCache, RedisReadCache, type ReadCache } from './read-cache.js';
import { MemorySessionCache, RedisSessionCache, type SessionCache } from './session-cache.js';
import { MemoryLeaderboardStore, RedisLeaderboardStore, type LeaderboardStore } from './leaderboard-store.js';

export interface Stores {
  sessions: SessionCache;
  readCache: ReadCache;
  counters: CounterStore;
  leaderboards: LeaderboardStore;
  /** Present in multi-node mode: shared rate-limit store and Socket.IO adapter use it. */
  redis?: Redis;
}

export function createStores(redis?: Redis): Stores {
  if (!redis) {
    return { sessions: new MemorySessionCache(), readCache: new MemoryReadCache(), counters: new MemoryCounterStore(), leaderboards: new MemoryLeaderboardStore() };
  }
  return {
    sessions: new RedisSessionCache(redis),
    readCache: new RedisReadCache(redis),
    counters: new RedisCounterStore(redis),
    leaderboards: new RedisLeaderboardStore(redis),
    redis,
  };
}
