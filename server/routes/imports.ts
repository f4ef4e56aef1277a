// CSV uploads: the body is the file itself, sent as text/csv (at most 1 MB). The parser is registered in
// this module's own scope so that no other route starts accepting CSV.
import { z } from 'zod';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../app.js';
import { AthleteCreate, ATHLETE_CSV_COLUMNS, ImportReport } from '../../shared/schemas/athletes.js';
import { EntryCreate, ENTRY_CSV_COLUMNS } from '../../shared/schemas/entries.js';
import { ErrorBody, IdParams } from '../../shared/schemas/common.js';
import { decodeText } from '../../shared/csv.js';
import { insertAthlete } from '../db/repos/athletes.js';
import { getEvent } from '../db/repos/events.js';
import { recordAudit } from '../db/repos/audit.js';
import { createEntry } from '../registry/entries.js';
import { runImport } from '../registry/imports.js';
import { actorOf, authorize } from '../auth/guard.js';
import { AppError, notFound } from '../errors.js';
import type { ZApp } from './types.js';

export const MAX_CSV_BYTES = 1024 * 1024;

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 413: ErrorBody, 415: ErrorBody };
const CsvBody = z.string().describe('the CSV file; the header row names the columns');

export function importRoutes(app: ZApp, s: Services): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_CSV_BYTES }, (_req, body, done) => {
      done(null, decodeText(body as Buffer));
    });
    scope.addHook('preValidation', async (req) => {
      if (!/^text\/csv\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
        throw new AppError(415, 'unsupported_media_type', 'send the file as the request body with Content-Type: text/csv');
      }
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();

    r.post(
      '/api/athletes/import',
      {
        schema: {
          tags: ['athletes'],
          description: `Creates athletes from a CSV file (columns: ${ATHLETE_CSV_COLUMNS.join(', ')}; template: docs/templates/athletes.csv). Valid rows are created, invalid ones reported; rows are spreadsheet rows (the header is row 1).`,
          consumes: ['text/csv'],
          body: CsvBody,
          response: { 200: ImportReport, ...errors },
        },
        bodyLimit: MAX_CSV_BYTES,
        preHandler: authorize('athletes:write'),
      },
      async (req) => {
        const actor = actorOf(req);
        return runImport(
          s.sql,
          req.body,
          {
            columns: ATHLETE_CSV_COLUMNS,
            numeric: [],
            schema: AthleteCreate,
            async create(tx, value, row) {
              const a = await insertAthlete(tx, value);
              await recordAudit(tx, actor, { action: 'athlete.create', entityType: 'athlete', entityId: a.id, details: { after: a, source: 'import', row } });
              return a.id;
            },
          },
          (tx, report) =>
            recordAudit(tx, actor, { action: 'athlete.import', entityType: 'athlete', details: { created: report.created.length, rejected: report.rejected.length } }),
        );
      },
    );

    r.post(
      '/api/events/:id/entries/import',
      {
        schema: {
          tags: ['entries'],
          description: `Enters athletes from a CSV file (columns: ${ENTRY_CSV_COLUMNS.join(', ')}; template: docs/templates/entries.csv). The bib rule of POST /api/events/:id/entries applies to every row.`,
          consumes: ['text/csv'],
          params: IdParams,
          body: CsvBody,
          response: { 200: ImportReport, ...errors },
        },
        bodyLimit: MAX_CSV_BYTES,
        preHandler: authorize('entries:write'),
      },
      async (req) => {
        const actor = actorOf(req);
        const event = await getEvent(s.sql, req.params.id);
        if (!event) throw notFound('event');
        return runImport(
          s.sql,
          req.body,
          {
            columns: ENTRY_CSV_COLUMNS,
            numeric: ['athleteId', 'seedMark'],
            schema: EntryCreate,
            async create(tx, value, row) {
              return (await createEntry(tx, actor, event, value, { source: 'import', row })).id;
            },
          },
          (tx, report) =>
            recordAudit(tx, actor, { action: 'entry.import', entityType: 'event', entityId: event.id, details: { created: report.created.length, rejected: report.rejected.length } }),
        );
      },
    );
  });
}
