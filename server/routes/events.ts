import { z } from 'zod';
import type { Services } from '../app.js';
import { Event, EventCreate, EventDetail, EventPatch, type HeatSummary, type Round } from '../../shared/schemas/meets.js';
import { ErrorBody, IdParams } from '../../shared/schemas/common.js';
import { getMeet } from '../db/repos/meets.js';
import { getEvent, insertEvent, listEventsOfMeet, updateEvent } from '../db/repos/events.js';
import { heatIdsOfEvent, listHeatsOfEvent } from '../db/repos/heats.js';
import { recordAudit } from '../db/repos/audit.js';
import { actorOf, authorize } from '../auth/guard.js';
import { invalidate, readThrough, readThroughJson, tags } from '../cache/read-through.js';
import { announceChanges } from '../registry/changes.js';
import { notFound } from '../errors.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Heats (already in round order) grouped by round. */
function byRound(heats: HeatSummary[]): { round: Round; heats: HeatSummary[] }[] {
  const rounds: { round: Round; heats: HeatSummary[] }[] = [];
  for (const h of heats) {
    const last = rounds.at(-1);
    if (last?.round === h.round) last.heats.push(h);
    else rounds.push({ round: h.round, heats: [h] });
  }
  return rounds;
}

const Schedule = z.array(Event);

export function eventRoutes(app: ZApp, s: Services): void {
  const write = authorize('meets:write');

  // Public: a meet's schedule, ordered by start time (unscheduled events last). Read by every
  // spectator: a cached schedule goes out as the cached text (its schema was checked when stored).
  app.get(
    '/api/meets/:id/events',
    { schema: { tags: ['events'], params: IdParams, response: { 200: Schedule, 400: ErrorBody, 404: ErrorBody } } },
    async (req, reply) => {
      const { id } = req.params;
      const json = await readThroughJson(s.stores.readCache, req.log, `api:meet:${id}:events`, [tags.meet(id)], s.config.cacheTtlS, async () => {
        if (!(await getMeet(s.sql, id))) throw notFound('meet');
        return Schedule.encode(await listEventsOfMeet(s.sql, id));
      });
      // A string sent as JSON skips the response serializer; the type provider only knows objects.
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  app.post(
    '/api/meets/:id/events',
    { schema: { tags: ['events'], params: IdParams, body: EventCreate, response: { 201: Event, ...errors } }, preHandler: write },
    async (req, reply) => {
      const meetId = req.params.id;
      const event = await s.sql.begin(async (tx) => {
        // The meet row lock serialises event numbering within the meet.
        if (!(await getMeet(tx, meetId, { forUpdate: true }))) throw notFound('meet');
        const e = await insertEvent(tx, meetId, req.body);
        await recordAudit(tx, actorOf(req), { action: 'event.create', entityType: 'event', entityId: e.id, details: { after: e } });
        return e;
      });
      await invalidate(s.stores.readCache, req.log, [tags.meet(meetId), tags.meets]);
      return reply.status(201).send(event);
    },
  );

  // Public: the event with its rounds and heats.
  app.get('/api/events/:id', { schema: { tags: ['events'], params: IdParams, response: { 200: EventDetail, 400: ErrorBody, 404: ErrorBody } } }, async (req) => {
    const { id } = req.params;
    return readThrough(s.stores.readCache, req.log, `api:event:${id}`, [tags.event(id)], s.config.cacheTtlS, async () => {
      const event = await getEvent(s.sql, id);
      if (!event) throw notFound('event');
      return { ...event, rounds: byRound(await listHeatsOfEvent(s.sql, id)) };
    });
  });

  app.patch(
    '/api/events/:id',
    { schema: { tags: ['events'], params: IdParams, body: EventPatch, response: { 200: Event, ...errors } }, preHandler: write },
    async (req) => {
      const { id } = req.params;
      const { after, heatIds } = await s.sql.begin(async (tx) => {
        const before = await getEvent(tx, id, { forUpdate: true });
        if (!before) throw notFound('event');
        const a = (await updateEvent(tx, id, req.body))!;
        await recordAudit(tx, actorOf(req), { action: 'event.update', entityType: 'event', entityId: id, details: { before, after: a } });
        return { after: a, heatIds: await heatIdsOfEvent(tx, id) };
      });
      // Heat snapshots show the event's name and discipline too.
      await announceChanges(app, s.stores.readCache, req.log, { tags: [tags.event(id), tags.meet(after.meetId)], heatIds });
      return after;
    },
  );
}
