// Results exports, public like every results read: per event and per meet as CSV and JSON, and a
// printable HTML page per event.
import type { Services } from '../app.js';
import { ErrorBody, IdParams } from '../../shared/schemas/common.js';
import { notFound } from '../errors.js';
import { EventResults, eventResults, MeetResults, meetResults } from '../exchange/results.js';
import { eventResultsCsv, eventResultsHtml, meetResultsCsv } from '../exchange/format.js';
import type { ZApp } from './types.js';

const errors = { 400: ErrorBody, 404: ErrorBody };
const attachment = (name: string) => `attachment; filename="${name}"`;

export function exportRoutes(app: ZApp, s: Services): void {
  const loadEvent = async (id: number) => {
    const r = await eventResults(s.sql, id);
    if (!r) throw notFound('event');
    return r;
  };
  const loadMeet = async (id: number) => {
    const r = await meetResults(s.sql, id);
    if (!r) throw notFound('meet');
    return r;
  };

  app.get(
    '/api/events/:id/results.json',
    { schema: { tags: ['exports'], description: 'Every heat of the event, ranked, as the live snapshots show it (names split).', params: IdParams, response: { 200: EventResults, ...errors } } },
    async (req) => loadEvent(req.params.id),
  );

  app.get(
    '/api/events/:id/results.csv',
    { schema: { tags: ['exports'], description: 'The event\'s results as CSV (UTF-8 with BOM, one row per result; columns in docs/exchange.md).', params: IdParams } },
    async (req, reply) => {
      const r = await loadEvent(req.params.id);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', attachment(`results-event-${r.event.eventNumber}.csv`))
        .send(eventResultsCsv(r));
    },
  );

  app.get(
    '/api/events/:id/results.html',
    { schema: { tags: ['exports'], description: 'A printable results page of the event (HTML with print CSS).', params: IdParams } },
    async (req, reply) => reply.header('content-type', 'text/html; charset=utf-8').send(eventResultsHtml(await loadEvent(req.params.id))),
  );

  app.get(
    '/api/meets/:id/results.json',
    { schema: { tags: ['exports'], description: 'Every event of the meet with its heats, ranked.', params: IdParams, response: { 200: MeetResults, ...errors } } },
    async (req) => loadMeet(req.params.id),
  );

  app.get(
    '/api/meets/:id/results.csv',
    { schema: { tags: ['exports'], description: 'The meet\'s results as CSV, every event (same columns as an event\'s).', params: IdParams } },
    async (req, reply) =>
      reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', attachment(`results-meet-${req.params.id}.csv`))
        .send(meetResultsCsv(await loadMeet(req.params.id))),
  );
}
