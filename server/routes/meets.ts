import type { Services } from '../app.js';
import { Meet, MeetCreate, MeetPatch, MeetQuery } from '../../shared/schemas/meets.js';
import { ErrorBody, IdParams, Page } from '../../shared/schemas/common.js';
import { getMeet, insertMeet, listMeets, updateMeet } from '../db/repos/meets.js';
import { recordAudit } from '../db/repos/audit.js';
import { actorOf, authorize } from '../auth/guard.js';
import { invalidate, readThrough, tags } from '../cache/read-through.js';
import { badRequest, notFound } from '../errors.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function meetRoutes(app: ZApp, s: Services): void {
  const write = authorize('meets:write');

  // Public: spectators read meets without signing in, through the read cache.
  app.get('/api/meets', { schema: { tags: ['meets'], querystring: MeetQuery, response: { 200: Page(Meet), 400: ErrorBody } } }, async (req) => {
    const q = req.query;
    const key = `api:meets?status=${q.status ?? ''}&limit=${q.limit}&offset=${q.offset}`;
    return readThrough(s.stores.readCache, req.log, key, [tags.meets], s.config.cacheTtlS, async () => {
      const { items, total } = await listMeets(s.sql, q);
      return { items, total, limit: q.limit, offset: q.offset };
    });
  });

  app.post('/api/meets', { schema: { tags: ['meets'], body: MeetCreate, response: { 201: Meet, ...errors } }, preHandler: write }, async (req, reply) => {
    const meet = await s.sql.begin(async (tx) => {
      const m = await insertMeet(tx, req.body);
      await recordAudit(tx, actorOf(req), { action: 'meet.create', entityType: 'meet', entityId: m.id, details: { after: m } });
      return m;
    });
    await invalidate(s.stores.readCache, req.log, [tags.meets]);
    return reply.status(201).send(meet);
  });

  app.get('/api/meets/:id', { schema: { tags: ['meets'], params: IdParams, response: { 200: Meet, 400: ErrorBody, 404: ErrorBody } } }, async (req) => {
    const { id } = req.params;
    return readThrough(s.stores.readCache, req.log, `api:meet:${id}`, [tags.meet(id)], s.config.cacheTtlS, async () => {
      const m = await getMeet(s.sql, id);
      if (!m) throw notFound('meet');
      return m;
    });
  });

  app.patch('/api/meets/:id', { schema: { tags: ['meets'], params: IdParams, body: MeetPatch, response: { 200: Meet, ...errors } }, preHandler: write }, async (req) => {
    const { id } = req.params;
    const after = await s.sql.begin(async (tx) => {
      const before = await getMeet(tx, id, { forUpdate: true });
      if (!before) throw notFound('meet');
      // The body's own refinement checks the dates only when it carries both.
      if ((req.body.endDate ?? before.endDate) < (req.body.startDate ?? before.startDate)) {
        throw badRequest(`endDate is before startDate (${req.body.startDate ?? before.startDate})`, 'endDate');
      }
      const a = (await updateMeet(tx, id, req.body))!;
      await recordAudit(tx, actorOf(req), { action: 'meet.update', entityType: 'meet', entityId: id, details: { before, after: a } });
      return a;
    });
    await invalidate(s.stores.readCache, req.log, [tags.meet(id), tags.meets]);
    return after;
  });
}
