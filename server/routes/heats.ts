// Making heats and assigning lanes. GET /api/heats/:id (the live heat snapshot) lives with the results routes.
import { z } from 'zod';
import type { Services } from '../app.js';
import { HeatsCreate, HeatWithLanes, LanesPut } from '../../shared/schemas/heats.js';
import { ErrorBody, IdParams } from '../../shared/schemas/common.js';
import { createHeats, replaceLanes } from '../registry/heats.js';
import { actorOf, authorize } from '../auth/guard.js';
import { tags } from '../cache/read-through.js';
import { announceChanges } from '../registry/changes.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function heatRoutes(app: ZApp, s: Services): void {
  const write = authorize('meets:write');

  app.post(
    '/api/events/:id/heats',
    {
      schema: {
        tags: ['heats'],
        description: 'Explicit lanes, or seeded from the entries\' seed marks (serpentine; 8 lanes: best four draw 3-6, next two 7-8, last two 1-2). Scratched entries are left out; heats are numbered after the round\'s existing heats.',
        params: IdParams,
        body: HeatsCreate,
        response: { 201: z.array(HeatWithLanes), ...errors },
      },
      preHandler: write,
    },
    async (req, reply) => {
      const { heats } = await s.sql.begin((tx) => createHeats(tx, actorOf(req), req.params.id, req.body));
      await announceChanges(app, s.stores.readCache, req.log, { tags: [tags.event(req.params.id)], heatIds: heats.map((h) => h.id) });
      return reply.status(201).send(heats);
    },
  );

  app.put(
    '/api/heats/:id/lanes',
    {
      schema: {
        tags: ['heats'],
        description: 'Replaces the lane assignments; refused (409) once the heat has results or has left the scheduled status.',
        params: IdParams,
        body: LanesPut,
        response: { 200: HeatWithLanes, ...errors },
      },
      preHandler: write,
    },
    async (req) => {
      const heat = await s.sql.begin((tx) => replaceLanes(tx, actorOf(req), req.params.id, req.body.lanes));
      await announceChanges(app, s.stores.readCache, req.log, { tags: [tags.event(heat.eventId)], heatIds: [heat.id] });
      return heat;
    },
  );
}
