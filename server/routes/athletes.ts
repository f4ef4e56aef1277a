import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { Athlete, AthleteCreate, AthletePatch, AthleteQuery } from '../../shared/schemas/athletes.js';
import { ErrorBody, IdParams, Page } from '../../shared/schemas/common.js';
import { can } from '../../shared/permissions.js';
import { countEntriesOfAthlete, deleteAthlete, getAthlete, insertAthlete, listAthletes, updateAthlete } from '../db/repos/athletes.js';
import { placesOfAthlete } from '../db/repos/entries.js';
import { recordAudit } from '../db/repos/audit.js';
import { actorOf, authorize } from '../auth/guard.js';
import { tags } from '../cache/read-through.js';
import { announceChanges } from '../registry/changes.js';
import { conflict, forbidden, notFound } from '../errors.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

/** Full readers see every athlete; an athlete account sees only its own record (athletes.user_id). */
const readsAll = (req: FastifyRequest) => can(req.user!.role, 'athletes:read');

export function athleteRoutes(app: ZApp, s: Services): void {
  const read = authorize('athletes:read', 'athletes:read_own');
  const write = authorize('athletes:write');

  app.get('/api/athletes', { schema: { tags: ['athletes'], querystring: AthleteQuery, response: { 200: Page(Athlete), ...errors } }, preHandler: read }, async (req) => {
    const { items, total } = await listAthletes(s.sql, { ...req.query, ...(readsAll(req) ? {} : { onlyUserId: req.user!.id }) });
    return { items, total, limit: req.query.limit, offset: req.query.offset };
  });

  app.post('/api/athletes', { schema: { tags: ['athletes'], body: AthleteCreate, response: { 201: Athlete, ...errors } }, preHandler: write }, async (req, reply) => {
    const athlete = await s.sql.begin(async (tx) => {
      const a = await insertAthlete(tx, req.body);
      await recordAudit(tx, actorOf(req), { action: 'athlete.create', entityType: 'athlete', entityId: a.id, details: { after: a } });
      return a;
    });
    return reply.status(201).send(athlete);
  });

  app.get('/api/athletes/:id', { schema: { tags: ['athletes'], params: IdParams, response: { 200: Athlete, ...errors } }, preHandler: read }, async (req) => {
    const a = await getAthlete(s.sql, req.params.id);
    // Own-record readers learn nothing about other ids, not even whether they exist.
    if (!readsAll(req) && a?.userId !== req.user!.id) throw forbidden('you may read your own athlete record only');
    if (!a) throw notFound('athlete');
    return a;
  });

  app.patch(
    '/api/athletes/:id',
    { schema: { tags: ['athletes'], params: IdParams, body: AthletePatch, response: { 200: Athlete, ...errors } }, preHandler: write },
    async (req) => {
      const { id } = req.params;
      const { after, places } = await s.sql.begin(async (tx) => {
        const before = await getAthlete(tx, id, { forUpdate: true });
        if (!before) throw notFound('athlete');
        const a = (await updateAthlete(tx, id, req.body))!;
        await recordAudit(tx, actorOf(req), { action: 'athlete.update', entityType: 'athlete', entityId: id, details: { before, after: a } });
        return { after: a, places: await placesOfAthlete(tx, id) };
      });
      // Start lists and results show the athlete's name, country and club.
      await announceChanges(app, s.stores.readCache, req.log, {
        tags: places.map((p) => tags.event(p.eventId)),
        heatIds: places.flatMap((p) => (p.heatId ? [p.heatId] : [])),
      });
      return after;
    },
  );

  app.delete('/api/athletes/:id', { schema: { tags: ['athletes'], params: IdParams, response: { 204: z.null().describe('deleted'), ...errors } }, preHandler: write }, async (req, reply) => {
    const { id } = req.params;
    await s.sql.begin(async (tx) => {
      const before = await getAthlete(tx, id, { forUpdate: true });
      if (!before) throw notFound('athlete');
      const n = await countEntriesOfAthlete(tx, id);
      if (n > 0) throw conflict(`the athlete has ${n} ${n === 1 ? 'entry' : 'entries'} and cannot be deleted`);
      await deleteAthlete(tx, id);
      await recordAudit(tx, actorOf(req), { action: 'athlete.delete', entityType: 'athlete', entityId: id, details: { before } });
    });
    return reply.status(204).send(null);
  });
}
