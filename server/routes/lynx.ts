// FinishLynx exchange: the start-list files a timing room loads (lynx.evt, lynx.sch, lynx.ppl) and the
// results files (.lif) it sends back. Uploads are the file itself as the body (text/plain or
// application/octet-stream, at most 1 MB); those parsers are registered in this module's own scope so
// that no other route starts accepting them as raw bytes.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Services } from '../app.js';
import { ErrorBody, Id, IdParams } from '../../shared/schemas/common.js';
import { IdempotencyKey } from '../../shared/schemas/results.js';
import { LifImportReply, MAX_LIF_BYTES } from '../../shared/schemas/lynx.js';
import { actorOf, authorize } from '../auth/guard.js';
import { AppError, notFound } from '../errors.js';
import { meetName, meetPeople, meetRaces } from '../db/repos/lynx.js';
import type { WriteActor } from '../results/ingest.js';
import { encodeLynx, LYNX_ENCODINGS } from '../lynx/encoding.js';
import { writeEvt } from '../lynx/evt.js';
import { writeSch } from '../lynx/sch.js';
import { writePpl } from '../lynx/ppl.js';
import { ROUND_NUMBER } from '../lynx/numbering.js';
import { importLif } from '../lynx/import.js';
import type { LynxRace } from '../lynx/start-list.js';
import type { ZApp } from './types.js';

const LIF_TYPES = ['text/plain', 'application/octet-stream'];

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody, 415: ErrorBody, 503: ErrorBody };
const LynxFile = z.enum(['evt', 'sch', 'ppl']);
const LifHeaders = z.object({
  'idempotency-key': IdempotencyKey.optional().describe('optional: lif-<sha256 of the body>; checked against the body'),
  'x-lynx-file': z.string().max(255).optional().describe('the file name, kept with the import record'),
});

const writer = (req: FastifyRequest): WriteActor => ({ ...actorOf(req), role: req.user!.role });
const etagOf = (bytes: Uint8Array) => `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 27)}"`;

/** The text of one start-list file of a meet, or undefined when there is no such meet. */
export async function lynxFileText(s: Services, meetId: number, file: z.infer<typeof LynxFile>): Promise<string | undefined> {
  const name = await meetName(s.sql, meetId);
  if (name === undefined) return undefined;
  const title = `${name}: ${file === 'sch' ? 'running order' : 'competitors'} from AthSys Live`;
  if (file === 'ppl') return writePpl(await meetPeople(s.sql, meetId), { title });
  const races: LynxRace[] = (await meetRaces(s.sql, meetId)).map((r) => ({
    eventNumber: r.eventNumber, round: ROUND_NUMBER[r.round], heat: r.heatNumber, eventName: r.eventName, distanceM: r.distanceM, lanes: r.lanes,
  }));
  return file === 'evt' ? writeEvt(races) : writeSch(races, { title });
}

export function lynxRoutes(app: ZApp, s: Services): void {
  app.get(
    '/api/meets/:id/lynx/:file',
    {
      schema: {
        tags: ['lynx'],
        description:
          'A FinishLynx start-list file of the meet: lynx.evt (races and lanes), lynx.sch (running order) or lynx.ppl (competitors). ' +
          'IDs are bibs; rounds are numbered heat 1, semi 2, final 3. UTF-8 unless ?encoding=windows-1252. An ETag comes with it: ' +
          'send If-None-Match to get a 304 while nothing changed.',
        params: z.strictObject({ id: Id, file: LynxFile }),
        querystring: z.strictObject({ encoding: z.enum(LYNX_ENCODINGS).default('utf-8') }),
      },
      preHandler: authorize('results:write', 'meets:write'),
    },
    async (req, reply) => {
      const text = await lynxFileText(s, req.params.id, req.params.file);
      if (text === undefined) throw notFound('meet');
      const bytes = encodeLynx(text, req.query.encoding);
      const etag = etagOf(bytes);
      void reply.header('etag', etag).header('cache-control', 'private, no-cache');
      if (req.headers['if-none-match'] === etag) return reply.status(304).send();
      return reply
        .header('content-type', `text/plain; charset=${req.query.encoding}`)
        .header('content-disposition', `attachment; filename="lynx.${req.params.file}"`)
        .send(Buffer.from(bytes));
    },
  );

  void app.register(async (scope) => {
    // Raw bytes: the hash must be of the file as written, and its encoding is detected, not assumed.
    scope.removeContentTypeParser('text/plain');
    scope.addContentTypeParser(LIF_TYPES, { parseAs: 'buffer', bodyLimit: MAX_LIF_BYTES }, (_req, body, done) => done(null, body));
    scope.addHook('preValidation', async (req) => {
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      if (!LIF_TYPES.includes(type)) {
        throw new AppError(415, 'unsupported_media_type', 'send the .lif file itself as the body with Content-Type: text/plain or application/octet-stream');
      }
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) throw new AppError(400, 'invalid_lif', 'the body is empty: send the .lif file');
    });
    const r = scope.withTypeProvider<ZodTypeProvider>();
    const lifSchema = (description: string) => ({
      tags: ['lynx'],
      description: `${description} Through the one ingest path (source lynx): places in the file are the judges' places; idempotent on the file's bytes (the same file again changes nothing).`,
      consumes: LIF_TYPES,
      params: IdParams,
      headers: LifHeaders,
      response: { 200: LifImportReply, ...errors },
    });
    const options = (req: FastifyRequest<{ Headers: z.infer<typeof LifHeaders> }>) => ({
      fileName: req.headers['x-lynx-file'] ?? null,
      ...(req.headers['idempotency-key'] !== undefined ? { idempotencyKey: req.headers['idempotency-key'] } : {}),
    });

    r.post(
      '/api/heats/:id/lif',
      { schema: lifSchema('Imports a FinishLynx results file into this heat; its header must name this heat (event number, round, heat).'), bodyLimit: MAX_LIF_BYTES, preHandler: authorize('results:write') },
      async (req) => importLif(s, writer(req), req.body as Buffer, { heatId: req.params.id }, options(req)),
    );

    r.post(
      '/api/meets/:id/lif',
      { schema: lifSchema('Imports a FinishLynx results file into the heat of this meet its header names (event number, round, heat).'), bodyLimit: MAX_LIF_BYTES, preHandler: authorize('results:write') },
      async (req) => importLif(s, writer(req), req.body as Buffer, { meetId: req.params.id }, options(req)),
    );
  });
}
