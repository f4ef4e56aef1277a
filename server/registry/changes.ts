// After a committed registrar write: drop the cached public reads it changed and, where heats are
// touched (lanes, bibs, names, check-in, scratches), let the live pipeline re-publish their start lists.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ReadCache } from '../cache/read-cache.js';
import { invalidate, tags } from '../cache/read-through.js';

export async function announceChanges(
  app: FastifyInstance,
  cache: ReadCache,
  log: FastifyBaseLogger,
  what: { tags?: string[]; heatIds?: number[] },
): Promise<void> {
  const heatIds = [...new Set(what.heatIds ?? [])];
  const all = [...new Set([...(what.tags ?? []), ...heatIds.map(tags.heat)])];
  if (all.length) await invalidate(cache, log, all);
  if (heatIds.length) await app.hub.publisher.heatsChanged(heatIds);
}
