import type { FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { Entry, EntryCreate, EntryPatch, EntryQuery } from '../../shared/schemas/entries.js';
import { ErrorBody, IdParams, Page } from '../../shared/schemas/common.js';
import { can } from '../../shared/permissions.js';
import { getEvent } from '../db/repos/events.js';
import { listEntriesOfEvent, type EntryScope } from '../db/repos/entries.js';
import { createEntry, patchEntry } from '../registry/entries.js';
import { actorOf, authorize } from '../auth/guard.js';
import { tags } from '../cache/read-through.js';
import { announceChanges } from '../registry/changes.js';
import { notFound } from '../errors.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Registrars read every entry; a coach the entries of the athletes they coach; an athlete their own. */
function scopeOf(req: FastifyRequest): EntryScope {
  const { role, id } = req.user!;
  if (can(role, 'entries:read')) return { all: true };
  if (can(role, 'entries:read_coached')) return { coachUserId: id };
  return { athleteUserId: id };
}

export function entryRoutes(app: ZApp, s: Services): void {
  const write = authorize('entries:write');

  app.get(
    '/api/events/:id/entries',
    {
      schema: { tags: ['entries'], params: IdParams, querystring: EntryQuery, response: { 200: Page(Entry), ...errors } },
      preHandler: authorize('entries:read', 'entries:read_coached', 'entries:read_own'),
    },
    async (req) => {
      if (!(await getEvent(s.sql, req.params.id))) throw notFound('event');
      const { items, total } = await listEntriesOfEvent(s.sql, req.params.id, scopeOf(req), req.query);
      return { items, total, limit: req.query.limit, offset: req.query.offset };
    },
  );

  app.post(
    '/api/events/:id/entries',
    { schema: { tags: ['entries'], params: IdParams, body: EntryCreate, response: { 201: Entry, ...errors } }, preHandler: write },
    async (req, reply) => {
      const entry = await s.sql.begin(async (tx) => {
        const event = await getEvent(tx, req.params.id);
        if (!event) throw notFound('event');
        return createEntry(tx, actorOf(req), event, req.body);
      });
      return reply.status(201).send(entry);
    },
  );

  // Status (scratch), bib (for the whole meet), seed mark and check-in (checkedIn true stamps checked_in_at).
  app.patch(
    '/api/entries/:id',
    { schema: { tags: ['entries'], params: IdParams, body: EntryPatch, response: { 200: Entry, ...errors } }, preHandler: write },
    async (req) => {
      const { entry, eventIds, heatIds } = await s.sql.begin((tx) => patchEntry(tx, actorOf(req), req.params.id, req.body));
      await announceChanges(app, s.stores.readCache, req.log, { tags: eventIds.map(tags.event), heatIds });
      return entry;
    },
  );
}
