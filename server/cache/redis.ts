// ioredis clients. Redis holds derived state only; a command that fails must never lose a result.
import { Redis } from 'ioredis';

export function createRedis(url: string, name: string, keyPrefix = ''): Redis {
  return new Redis(url, {
    keyPrefix,
    connectionName: `athsys-${name}`,
    // Fail commands fast while Redis is down instead of queueing them forever; callers fall back.
    maxRetriesPerRequest: 1,
    enableOfflineQueue: true,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
}
