// Socket.IO on the Fastify server: /live (public, read-only) and /console (signed-in writers).
// With Redis, the adapter carries every broadcast to every hub process.
import { hostname } from 'node:os';
import type { FastifyInstance } from 'fastify';
import { Server, type Namespace, type Socket } from 'socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Redis } from 'ioredis';
import { createAdapterClients } from '../cache/redis.js';
import type { z } from 'zod';
import type { Sql } from '../db/client.js';
import type { SessionService, AuthUser } from '../auth/sessions.js';
import { SESSION_COOKIE, tokenFrom } from '../auth/guard.js';
import { toAppError, notFound } from '../errors.js';
import { can } from '../../shared/permissions.js';
import type { Ack } from '../../shared/schemas/common.js';
import { HeatStatusSubmit, ResultSubmit, type HeatSnapshot } from '../../shared/schemas/results.js';
import {
  LiveSubscribe, liveRooms, type ConsoleClientToServer, type ConsoleServerToClient, type LiveClientToServer,
  type LiveServerToClient, type Standings, type SubscribeData,
} from '../../shared/schemas/live.js';
import { eventExists, eventHeatIds, meetExists, meetHeatSummaries } from '../db/repos/results.js';
import { loadSnapshot } from '../results/snapshot.js';
import type { Leaderboards } from '../results/leaderboards.js';
import type { ResultsService, WriteActor } from '../results/ingest.js';
import type { LiveEmitter } from './publisher.js';
import { standingsOf } from './standings.js';

export interface LiveDeps {
  sql: Sql;
  sessions: SessionService;
  results: ResultsService;
  leaderboards: Leaderboards;
  redis?: Redis;
  corsOrigins: string[];
}

/** This hub process, as clients and logs name it. */
export const NODE_ID = `${hostname()}:${process.pid}`;

type ConsoleSocket = Socket<ConsoleClientToServer, ConsoleServerToClient, Record<string, never>, { user: AuthUser; token: string }>;

function zodAck(error: z.ZodError): Ack<never> {
  const issue = error.issues[0]!;
  const field = issue.path.join('.');
  return { ok: false, error: { code: 'invalid_input', message: `${field || 'payload'}: ${issue.message}`, ...(field ? { field } : {}) } };
}

export function attachLive(app: FastifyInstance, deps: LiveDeps): LiveEmitter & { io: Server; close(): Promise<void> } {
  const io = new Server(app.server, {
    serveClient: false,
    transports: ['websocket', 'polling'],
    perMessageDeflate: false,
    pingInterval: 20_000,
    pingTimeout: 20_000,
    maxHttpBufferSize: 256 * 1024,
    cors: deps.corsOrigins.length ? { origin: deps.corsOrigins.filter((o) => o !== '*'), credentials: true } : undefined,
  });
  // Socket.IO answers its own HTTP requests (polling, handshakes) before Fastify sees them.
  io.engine.on('headers', (headers: Record<string, string>) => {
    headers['X-Content-Type-Options'] = 'nosniff';
    headers['Referrer-Policy'] = 'strict-origin-when-cross-origin';
    headers['Cache-Control'] = 'no-store';
  });
  let adapterClients: Redis[] = [];
  if (deps.redis) {
    const { pub, sub } = createAdapterClients(deps.redis, (err) => app.log.warn({ err: err.message }, 'broadcast to other hub processes lost: Redis unavailable'));
    adapterClients = [pub, sub];
    for (const c of adapterClients) c.on('error', (err: Error) => app.log.warn({ err: err.message }, 'redis adapter connection error'));
    // The channel prefix follows the key prefix, so hubs sharing a Redis for different databases stay apart.
    io.adapter(createAdapter(pub, sub, { key: `socket.io${deps.redis.options.keyPrefix ?? ''}` }));
    // Broadcasts other processes made while this one's link to Redis was down never arrive here: once it
    // is back, every local viewer gets fresh snapshots from PostgreSQL (clients keep the newest version).
    let linkLost = false;
    sub.on('close', () => (linkLost = true));
    sub.on('ready', () => {
      if (!linkLost) return;
      linkLost = false;
      void resyncUntilDone();
    });
  }
  let closing = false;
  let resyncing = false;
  /** PostgreSQL may be down too when Redis comes back: try again, backing off, until it answers. */
  async function resyncUntilDone(): Promise<void> {
    if (resyncing) return;
    resyncing = true;
    try {
      for (let attempt = 0; !closing; attempt++) {
        try {
          await resyncLocalViewers();
          return;
        } catch (err) {
          app.log.warn({ err, attempt }, 'refreshing viewers after a Redis outage failed; retrying');
          await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** attempt, 5000)).unref());
        }
      }
    } finally {
      resyncing = false;
    }
  }

  const toAck = (err: unknown): Ack<never> => {
    const known = toAppError(err);
    if (known) return { ok: false, error: { code: known.code, message: known.message, ...(known.field ? { field: known.field } : {}) } };
    app.log.error({ err }, 'socket handler failed');
    return { ok: false, error: { code: 'internal', message: 'internal error; it has been logged' } };
  };

  const live: Namespace<LiveClientToServer, LiveServerToClient> = io.of('/live');
  live.on('connection', (socket) => {
    socket.on('subscribe', async (req, ack) => {
      if (typeof ack !== 'function') return;
      const parsed = LiveSubscribe.safeParse(req);
      if (!parsed.success) return ack(zodAck(parsed.error));
      try {
        const { room, data } = await subscription(deps, parsed.data);
        await socket.join(room);
        ack({ ok: true, data });
      } catch (err) {
        ack(toAck(err));
      }
    });
    socket.on('unsubscribe', async (req, ack) => {
      const parsed = LiveSubscribe.safeParse(req);
      if (!parsed.success) return typeof ack === 'function' ? ack(zodAck(parsed.error)) : undefined;
      await socket.leave(roomOf(parsed.data));
      if (typeof ack === 'function') ack({ ok: true, data: null });
    });
    socket.on('time:now', (ack) => {
      if (typeof ack === 'function') ack({ ok: true, data: { now: Date.now(), node: NODE_ID } });
    });
  });

  /** Sends this process's viewers the current snapshot of every heat (and standings) they follow. */
  async function resyncLocalViewers(): Promise<void> {
    const heatIds = new Set<number>();
    const meetIds: number[] = [];
    for (const room of [...live.adapter.rooms.keys()]) {
      const m = /^(heat|event|meet):(\d+)$/.exec(room);
      if (!m) continue;
      const id = Number(m[2]);
      if (m[1] === 'heat') heatIds.add(id);
      else if (m[1] === 'event') for (const h of await eventHeatIds(deps.sql, id)) heatIds.add(h);
      else {
        meetIds.push(id);
        for (const h of await meetHeatSummaries(deps.sql, id)) heatIds.add(h.heatId);
      }
    }
    for (const id of heatIds) {
      const snap = await loadSnapshot(deps.sql, id);
      if (snap) live.local.to([liveRooms.heat(id), liveRooms.event(snap.eventId), liveRooms.meet(snap.meetId)]).emit('heat:update', snap);
    }
    for (const meetId of meetIds) live.local.to(liveRooms.meet(meetId)).emit('standings:update', await standingsOf(deps.sql, deps.leaderboards, meetId));
  }

  const consoleNs: Namespace<ConsoleClientToServer, ConsoleServerToClient> = io.of('/console');
  /** Writes being processed: shutdown lets them commit (their clients retry if the ack is lost). */
  const inFlight = new Set<Promise<void>>();
  // Sockets do not pass through Fastify's hooks: the same session check runs here.
  consoleNs.use((socket, next) => {
    const auth = socket.handshake.auth as { token?: unknown };
    const cookies = app.parseCookie(socket.handshake.headers.cookie ?? '');
    const token = tokenFrom(typeof auth.token === 'string' ? `Bearer ${auth.token}` : undefined, cookies[SESSION_COOKIE]);
    if (!token) return next(new Error('unauthorized: sign in first'));
    deps.sessions.resolve(token).then(
      (user) => {
        if (!user) return next(new Error('unauthorized: session expired or revoked'));
        if (!can(user.role, 'results:write')) return next(new Error('forbidden: your role may not use the console'));
        (socket as ConsoleSocket).data = { user, token };
        next();
      },
      (err: unknown) => next(new Error(toAck(err).ok ? 'error' : 'unavailable: retry shortly')),
    );
  });
  consoleNs.on('connection', (raw) => {
    const socket = raw as ConsoleSocket;
    // Every write re-checks the session: a logout or suspension stops writes at once.
    const actor = async (): Promise<WriteActor> => {
      const user = await deps.sessions.resolve(socket.data.token);
      if (!user) {
        setImmediate(() => socket.disconnect(true));
        throw Object.assign(new Error('session'), { code: 'SESSION' });
      }
      return { userId: user.id, email: user.email, role: user.role, ip: socket.handshake.address, userAgent: socket.handshake.headers['user-agent'] ?? null };
    };
    const handle = <T>(schema: z.ZodType<T>, run: (a: WriteActor, input: T) => Promise<{ version: number }>) =>
      (payload: unknown, ack: (res: Ack<{ version: number }>) => void) => {
        if (typeof ack !== 'function') return;
        const parsed = schema.safeParse(payload);
        if (!parsed.success) return ack(zodAck(parsed.error));
        const work = (async () => {
          try {
            ack({ ok: true, data: await run(await actor(), parsed.data) });
          } catch (err) {
            if ((err as { code?: string }).code === 'SESSION') return ack({ ok: false, error: { code: 'unauthorized', message: 'session expired or revoked: sign in again' } });
            ack(toAck(err));
          }
        })();
        inFlight.add(work);
        void work.finally(() => inFlight.delete(work));
      };
    socket.on('result:submit', handle(ResultSubmit, (a, input) => deps.results.submitResults(a, input, 'console')));
    socket.on('heat:status', handle(HeatStatusSubmit, (a, input) => deps.results.changeHeatStatus(a, input, 'console')));
  });

  return {
    io,
    heatUpdate(snapshot: HeatSnapshot) {
      live.to([liveRooms.heat(snapshot.heatId), liveRooms.event(snapshot.eventId), liveRooms.meet(snapshot.meetId)]).emit('heat:update', snapshot);
    },
    standingsUpdate(standings: Standings) {
      live.to(liveRooms.meet(standings.meetId)).emit('standings:update', standings);
    },
    async close() {
      // Closing the engine ends every transport without a "server disconnect" packet: clients see a
      // lost connection and reconnect by themselves (elsewhere, behind a load balancer).
      // (io.close() would also close the HTTP server, which Fastify closes itself.)
      closing = true;
      io.engine.close();
      await Promise.allSettled([...inFlight]);
      await Promise.all([live, consoleNs].map(async (n) => n.adapter.close()));
      for (const c of adapterClients) c.disconnect();
    },
  };
}

function roomOf(req: LiveSubscribe): string {
  if (req.heatId != null) return liveRooms.heat(req.heatId);
  return req.eventId != null ? liveRooms.event(req.eventId) : liveRooms.meet(req.meetId!);
}

async function subscription(deps: LiveDeps, req: LiveSubscribe): Promise<{ room: string; data: SubscribeData }> {
  const room = roomOf(req);
  if (req.heatId != null) {
    const snap = await loadSnapshot(deps.sql, req.heatId);
    if (!snap) throw notFound('heat');
    return { room, data: snap };
  }
  if (req.eventId != null) {
    if (!(await eventExists(deps.sql, req.eventId))) throw notFound('event');
    const ids = await eventHeatIds(deps.sql, req.eventId);
    const heats = (await Promise.all(ids.map((id) => loadSnapshot(deps.sql, id)))).filter((s): s is HeatSnapshot => !!s);
    return { room, data: { eventId: req.eventId, heats } };
  }
  const meetId = req.meetId!;
  if (!(await meetExists(deps.sql, meetId))) throw notFound('meet');
  const [heats, standings] = await Promise.all([meetHeatSummaries(deps.sql, meetId), standingsOf(deps.sql, deps.leaderboards, meetId)]);
  return { room, data: { meetId, heats, standings } };
}
