// REST equivalents of the console namespace (timing systems, scripts) and the public live reads.
import { z } from 'zod';
import type { Services } from '../app.js';
import { ErrorBody, IdParams, Id } from '../../shared/schemas/common.js';
import { Round } from '../../shared/schemas/meets.js';
import {
  AdvanceBody, HeatSnapshot, HeatStatusBody, IdempotencyKey, ResultRevision, ResultSubmitBody, RoundRanking, RoundRule,
} from '../../shared/schemas/results.js';
import { HeatWithLanes } from '../../shared/schemas/heats.js';
import { advanceRound } from '../results/advance.js';
import { Standings } from '../../shared/schemas/live.js';
import { officialTime } from '../../shared/time.js';
import { actorOf, authorize } from '../auth/guard.js';
import { notFound } from '../errors.js';
import { readThroughJson, tags, invalidate } from '../cache/read-through.js';
import { eventTiming, meetExists, resultHistory, roundResultDetails, setRoundRule } from '../db/repos/results.js';
import { loadSnapshot } from '../results/snapshot.js';
import { standingsOf } from '../live/standings.js';
import { recordAudit } from '../db/repos/audit.js';
import type { WriteActor } from '../results/ingest.js';
import type { ZApp } from './types.js';
import type { FastifyRequest } from 'fastify';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 503: ErrorBody };
const IdemHeaders = z.object({ 'idempotency-key': IdempotencyKey });
const Ack = z.object({ version: z.number().int() });

const writer = (req: FastifyRequest): WriteActor => ({ ...actorOf(req), role: req.user!.role });

export function resultRoutes(app: ZApp, s: Services): void {
  app.post(
    '/api/heats/:id/results',
    { schema: { tags: ['results'], params: IdParams, headers: IdemHeaders, body: ResultSubmitBody, response: { 200: Ack, ...errors } }, preHandler: authorize('results:write') },
    async (req) => s.results.submitResults(writer(req), { ...req.body, heatId: req.params.id, idempotencyKey: req.headers['idempotency-key'] }, 'rest'),
  );

  app.post(
    '/api/heats/:id/status',
    { schema: { tags: ['results'], params: IdParams, headers: IdemHeaders, body: HeatStatusBody, response: { 200: Ack, ...errors } }, preHandler: authorize('results:write', 'heats:reopen') },
    async (req) => s.results.changeHeatStatus(writer(req), { ...req.body, heatId: req.params.id, idempotencyKey: req.headers['idempotency-key'] }, 'rest'),
  );

  // The heat snapshot: start list, results so far, ranking, version. Public, and the most read route
  // of a meet: a cached snapshot goes out as the cached text (its schema was checked when stored).
  app.get('/api/heats/:id', { schema: { tags: ['results'], params: IdParams, response: { 200: HeatSnapshot, 404: ErrorBody, 400: ErrorBody } } }, async (req, reply) => {
    const json = await readThroughJson(s.stores.readCache, req.log, `heat:${req.params.id}`, [tags.heat(req.params.id)], s.config.cacheTtlS, async () => {
      const snap = await loadSnapshot(s.sql, req.params.id);
      return snap ? HeatSnapshot.encode(snap) : null;
    });
    if (json == null) throw notFound('heat');
    // A string sent as JSON skips the response serializer; the type provider only knows objects.
    return reply.type('application/json; charset=utf-8').send(json as never);
  });

  app.get(
    '/api/heats/:id/history',
    { schema: { tags: ['results'], params: IdParams, querystring: z.strictObject({ entryId: Id }), response: { 200: z.object({ revisions: z.array(ResultRevision) }), ...errors } }, preHandler: authorize('results:write') },
    async (req) => ({ revisions: await resultHistory(s.sql, req.params.id, req.query.entryId) }),
  );

  // A round ranked across its heats, from the sorted-set leaderboard (rebuilt from PostgreSQL if missing).
  app.get(
    '/api/events/:id/ranking',
    { schema: { tags: ['results'], params: IdParams, querystring: z.strictObject({ round: Round.default('final') }), response: { 200: RoundRanking, 400: ErrorBody, 404: ErrorBody } } },
    async (req) => {
      const timing = await eventTiming(s.sql, req.params.id);
      if (!timing) throw notFound('event');
      const [board, details] = await Promise.all([
        s.leaderboards.round(req.params.id, req.query.round),
        roundResultDetails(s.sql, req.params.id, req.query.round),
      ]);
      const byEntry = new Map(details.map((d) => [String(d.entryId), d]));
      const rows = board.flatMap((b) => {
        const d = byEntry.get(b.member);
        if (!d) return [];
        return [{
          rank: d.status === 'OK' ? b.rank : null, entryId: d.entryId, heatId: d.heatId, heatNumber: d.heatNumber, bib: d.bib,
          name: `${d.firstName} ${d.lastName}`, country: d.country, timeMs: d.timeMs,
          time: d.timeMs == null ? null : officialTime(d.timeMs, timing), status: d.status, qualification: d.qualification,
        }];
      });
      return { eventId: req.params.id, round: req.query.round, rows };
    },
  );

  app.get('/api/meets/:id/standings', { schema: { tags: ['results'], params: IdParams, response: { 200: Standings, 400: ErrorBody, 404: ErrorBody } } }, async (req) => {
    if (!(await meetExists(s.sql, req.params.id))) throw notFound('meet');
    return standingsOf(s.sql, s.leaderboards, req.params.id);
  });

  app.put(
    '/api/events/:id/rounds/:round/rule',
    { schema: { tags: ['results'], params: z.strictObject({ id: Id, round: Round }), body: RoundRule, response: { 200: RoundRule, ...errors } }, preHandler: authorize('meets:write') },
    async (req) => {
      if (!(await eventTiming(s.sql, req.params.id))) throw notFound('event');
      await s.sql.begin(async (tx) => {
        await setRoundRule(tx, req.params.id, req.params.round, req.body);
        await recordAudit(tx, actorOf(req), { action: 'round.rule', entityType: 'event', entityId: req.params.id, details: { round: req.params.round, after: req.body } });
      });
      await invalidate(s.stores.readCache, req.log, [tags.event(req.params.id)]);
      return req.body;
    },
  );

  // A chief registrar creates the next round's heats from this round's qualifiers, with a lane draw.
  app.post(
    '/api/events/:id/rounds/:round/advance',
    { schema: { tags: ['results'], params: z.strictObject({ id: Id, round: Round }), body: AdvanceBody, response: { 201: z.object({ heats: z.array(HeatWithLanes) }), ...errors } }, preHandler: authorize('meets:write') },
    async (req, reply) => {
      if (!(await eventTiming(s.sql, req.params.id))) throw notFound('event');
      const { heats } = await s.sql.begin((tx) => advanceRound(tx, actorOf(req), req.params.id, req.params.round, req.body));
      await invalidate(s.stores.readCache, req.log, [tags.event(req.params.id)]);
      return reply.status(201).send({ heats });
    },
  );
}
