// ioredis clients. Redis holds derived state only; a command that fails must never lose a result.
import { Redis } from 'ioredis';

/** A command Redis has not answered by then fails; every caller has a fallback (PostgreSQL, skipping derived work). */
const COMMAND_TIMEOUT_MS = 1000;

export function createRedis(url: string, name: string, keyPrefix = ''): Redis {
  const redis = new Redis(url, {
    keyPrefix,
    connectionName: `athsys-${name}`,
    maxRetriesPerRequest: 1,
    // Commands queue only until the first connection (start-up, tests that connect and go at once).
    enableOfflineQueue: true,
    commandTimeout: COMMAND_TIMEOUT_MS,
    retryStrategy: (times) => Math.min(times * 200, 2000),
    lazyConnect: false,
  });
  // Afterwards a command sent while Redis is away fails at once, and callers fall back, instead of
  // each one waiting for the next reconnection attempt (up to 2 s): a result write touches Redis
  // several times and must not stall for the length of an outage.
  redis.once('ready', () => {
    redis.options.enableOfflineQueue = false;
  });
  return redis;
}

/**
 * The Socket.IO adapter's two connections, duplicated from the main client.
 * - sub: its SUBSCRIBEs wait for a connection however long Redis is away (never dropped, or the
 *   process would stop hearing other processes' broadcasts for good); ioredis resubscribes on reconnect.
 * - pub: a broadcast made while Redis is away is lost (viewers catch up on the heat's next change or
 *   when they resubscribe), and its failure is reported, not left as an unhandled rejection: the
 *   adapter ignores the promise of its PUBLISH, and an unhandled rejection ends a Node process.
 */
export function createAdapterClients(redis: Redis, onError: (err: Error) => void): { pub: Redis; sub: Redis } {
  const sub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: null, commandTimeout: undefined });
  const pub = redis.duplicate({ enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: COMMAND_TIMEOUT_MS });
  pub.once('ready', () => {
    pub.options.enableOfflineQueue = false;
  });
  const publish = pub.publish.bind(pub) as (channel: string | Buffer, message: string | Buffer) => Promise<number>;
  const safePublish = (channel: string | Buffer, message: string | Buffer): Promise<number> =>
    publish(channel, message).catch((err: unknown) => {
      onError(err instanceof Error ? err : new Error(String(err)));
      return 0;
    });
  pub.publish = safePublish as unknown as Redis['publish'];
  return { pub, sub };
}

const REDIS_DOWN = /^(Stream isn't writeable|Connection is closed|Command timed out|Reached the max retries per request limit)/;

/** A command that failed because Redis is unreachable (not a bug in the command). */
export function isRedisUnavailable(err: unknown): boolean {
  return err instanceof Error && (err.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(err.message));
}
