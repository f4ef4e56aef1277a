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
  try {
    const hit = await cache.get(key);
    if (hit !== null) return JSON.parse(hit) as T;
  } catch (err) {
    log.warn({ err, key }, 'read cache get failed');
  }
  const value = await load();
  if (value == null) return value; // absence is not cached: the thing may be created next
  try {
    await cache.set(key, JSON.stringify(value), depends, ttlS);
  } catch (err) {
    log.warn({ err, key }, 'read cache set failed');
  }
  return value;
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
  try {
    const hit = await cache.get(key);
    if (hit !== null) return hit;
  } catch (err) {
    log.warn({ err, key }, 'read cache get failed');
  }
  const value = await load();
  if (value == null) return null; // absence is not cached: the thing may be created next
  const text = JSON.stringify(value);
  try {
    await cache.set(key, text, depends, ttlS);
  } catch (err) {
    log.warn({ err, key }, 'read cache set failed');
  }
  return text;
}

export async function invalidate(cache: ReadCache, log: FastifyBaseLogger, depends: string[]): Promise<void> {
  try {
    await cache.invalidate(depends);
  } catch (err) {
    // Entries expire after their TTL anyway; say so loudly rather than fail a committed write.
    log.error({ err, depends }, 'read cache invalidation failed; stale reads possible until TTL');
  }
}
