// Read-through for public responses. The cache is an optimisation: when it fails, the database answers.
import type { FastifyBaseLogger } from 'fastify';
import type { ReadCache } from './read-cache.js';

/** Tags name what a cached response depends on; writes invalidate them (see invalidate()). */
export const tags = {
  meets: 'meets',
  meet: (id: number) => `meet:${id}`,
  event: (id: number) => `event:${id}`,
  heat: (id: number) => `heat:${id}`,
};

export async function readThrough<T>(
  cache: ReadCache,
  log: FastifyBaseLogger,
  key: string,
  depends: string[],
  ttlS: number,
  load: () => Promise<T>,
): Promise<T> {
  const found = await through(cache, log, key, depends, ttlS, load);
  return 'hit' in found ? (JSON.parse(found.hit) as T) : found.loaded;
}

/**
 * readThrough for a response sent as stored: a hit is the cached JSON text, sent without parsing it
 * back and serializing it again. `load` returns the value already checked against the response's
 * schema (a hit was checked when it was stored).
 */
export async function readThroughJson<T>(
  cache: ReadCache,
  log: FastifyBaseLogger,
  key: string,
  depends: string[],
  ttlS: number,
  load: () => Promise<T | null>,
): Promise<string | null> {
  const found = await through(cache, log, key, depends, ttlS, load);
  return 'hit' in found ? found.hit : found.text;
}

/** The cached text, or what `load` gave and its text (null for absence), stored when it may be. */
async function through<T>(
  cache: ReadCache,
  log: FastifyBaseLogger,
  key: string,
  depends: string[],
  ttlS: number,
  load: () => Promise<T>,
): Promise<{ hit: string } | { loaded: T; text: string | null }> {
  let token: string | null = null;
  try {
    const found = await cache.lookup(key, depends);
    if (found.hit !== null) return { hit: found.hit };
    token = found.token;
  } catch (err) {
    log.warn({ err, key }, 'read cache get failed');
  }
  const loaded = await load();
  if (loaded == null) return { loaded, text: null }; // absence is not cached: the thing may be created next
  const text = JSON.stringify(loaded);
  // Not stored if a write invalidated one of its tags while it loaded (see read-cache.ts), nor when
  // the lookup failed (no token: Redis is away).
  if (token !== null) {
    try {
      await cache.set(key, text, depends, ttlS, token);
    } catch (err) {
      log.warn({ err, key }, 'read cache set failed');
    }
  }
  return { loaded, text };
}

export async function invalidate(cache: ReadCache, log: FastifyBaseLogger, depends: string[]): Promise<void> {
  try {
    await cache.invalidate(depends);
  } catch (err) {
    // Entries expire after their TTL anyway; say so loudly rather than fail a committed write.
    log.error({ err, depends }, 'read cache invalidation failed; stale reads possible until TTL');
  }
}
