// REST reads under load: the public heat snapshot (GET /api/heats/:id) and the meet schedule
// (GET /api/meets/:id/events) on a hub as deployed (read-through Redis cache, rate limiter, security
// headers, request logging at info), against a bare Fastify route serving the same JSON from memory.
// Targets run one after another, interleaved over rounds; the load generator is a forked process.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { createHeats } from '../test/helpers/fixtures.js';
import { benchHub, connectConsole, createBenchEnv, emitAck, login } from './lib/setup.js';
import { forkTs, nextMessage, request, stopChild, type Hub } from './lib/procs.js';
import { joinSamples, median, percentiles, ratio, round } from './lib/util.js';
import type { BenchPart, Target } from './lib/report.js';
import { publicEnv } from './fanout.js';

export interface RestOptions {
  rounds: number;
  durationMs: number;
  warmupMs: number;
  connections: number;
  workers: number;
  events: number;
}

export const REST_FULL: RestOptions = { rounds: 3, durationMs: 8000, warmupMs: 2000, connections: 32, workers: 1, events: 24 };
export const REST_SMOKE: RestOptions = { rounds: 1, durationMs: 500, warmupMs: 200, connections: 4, workers: 1, events: 3 };

interface RunReply {
  requests: number;
  latencies: Float64Array;
  non2xx: number;
  errors: number;
  bytes: number;
  seconds: number;
}

interface Row {
  route: string;
  target: string;
  round: number;
  requests: number;
  perSecond: number;
  p50: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  bodyBytes: number;
}

async function load(workers: ChildProcess[], port: number, path: string, o: RestOptions, durationMs: number) {
  const replies = await Promise.all(workers.map((w) => request<RunReply>(w, { type: 'run', port, paths: [path], connections: o.connections, durationMs })));
  const lat = joinSamples(replies.map((r) => r.latencies));
  const requests = replies.reduce((n, r) => n + r.requests, 0);
  const seconds = Math.max(...replies.map((r) => r.seconds));
  return { requests, perSecond: Math.round(requests / seconds), ...percentiles(lat), non2xx: replies.reduce((n, r) => n + r.non2xx, 0), errors: replies.reduce((n, r) => n + r.errors, 0) };
}

export async function runRest(o: RestOptions, log: (s: string) => void): Promise<BenchPart> {
  const env = await createBenchEnv();
  let hub: Hub | undefined;
  let baseline: ChildProcess | undefined;
  const workers: ChildProcess[] = [];
  try {
    // A meet with a schedule of `events` events; the measured heat has a result in every lane.
    const first = await createHeats(env.db.sql, { lanes: 8 });
    for (let i = 1; i < o.events; i++) await createHeats(env.db.sql, { lanes: 1, meetId: first.meetId });
    hub = await benchHub(env, { name: 'rest-hub' });
    const c = await connectConsole(hub.url, await login(hub.url));
    await emitAck(c, 'result:submit', {
      idempotencyKey: randomUUID(), heatId: first.heatIds[0], windMps: 0.4,
      results: first.lanes[0]!.map((l, i) => ({ entryId: l.entryId, timeMs: 9_900 + i * 37, reactionMs: 140 + i, status: 'OK' })),
    });
    c.disconnect();
    const paths = { heat: `/api/heats/${first.heatIds[0]}`, schedule: `/api/meets/${first.meetId}/events` };
    const bodies: Record<string, unknown> = {};
    const sizes: Record<string, number> = {};
    for (const [name, p] of Object.entries(paths)) {
      const res = await fetch(`${hub.url}${p}`);
      const text = await res.text();
      if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${text}`);
      bodies[p] = JSON.parse(text);
      sizes[name] = Buffer.byteLength(text);
    }
    baseline = forkTs('baseline-fastify.ts');
    const ready = nextMessage<{ port: number }>(baseline, 'ready');
    baseline.send({ type: 'routes', routes: bodies });
    const basePort = (await ready).port;
    for (let i = 0; i < o.workers; i++) workers.push(forkTs('http-worker.ts'));

    const targets = [
      { target: 'baseline', port: basePort },
      { target: 'hub', port: hub.port },
    ];
    // Warm-up: JIT, caches, keep-alive pools; not measured.
    for (const t of targets) for (const p of Object.values(paths)) await load(workers, t.port, p, o, o.warmupMs);
    const rows: Row[] = [];
    for (let r = 1; r <= o.rounds; r++) {
      for (const [route, p] of Object.entries(paths)) {
        const order = r % 2 ? targets : [...targets].reverse();
        for (const t of order) {
          const x = await load(workers, t.port, p, o, o.durationMs);
          rows.push({ route, target: t.target, round: r, requests: x.requests, perSecond: x.perSecond, p50: round(x.p50, 2), p99: round(x.p99, 2), max: round(x.max, 1), non2xx: x.non2xx, errors: x.errors, bodyBytes: sizes[route]! });
          log(`round ${r} ${route} ${t.target}: ${x.perSecond} req/s, p99 ${round(x.p99, 2)} ms${x.non2xx || x.errors ? `, ${x.non2xx} non-2xx, ${x.errors} errors` : ''}`);
        }
      }
    }
    const summary = Object.keys(paths).flatMap((route) =>
      targets.map((t) => {
        const rs = rows.filter((x) => x.route === route && x.target === t.target);
        return { route, target: t.target, perSecond: Math.round(median(rs.map((x) => x.perSecond))), p50: round(median(rs.map((x) => x.p50)), 2), p99: round(median(rs.map((x) => x.p99)), 2), non2xx: rs.reduce((n, x) => n + x.non2xx, 0), errors: rs.reduce((n, x) => n + x.errors, 0), bodyBytes: sizes[route]! };
      }),
    );
    const rps = (route: string, target: string) => summary.find((s) => s.route === route && s.target === target)!.perSecond;
    const heatRatio = ratio(rps('heat', 'hub'), rps('heat', 'baseline'));
    const schedRatio = ratio(rps('schedule', 'hub'), rps('schedule', 'baseline'));
    const clean = rows.every((x) => x.non2xx === 0 && x.errors === 0);
    const targetsOut: Target[] = [
      { name: 'heat snapshot: hub / bare Fastify req/s', goal: '>= 0.50', value: heatRatio, met: heatRatio == null ? null : heatRatio >= 0.5 && clean },
      { name: 'meet schedule: hub / bare Fastify req/s', goal: '(no target)', value: schedRatio, met: null },
    ];
    return {
      bench: 'rest',
      params: { ...o, paths, hubEnv: publicEnv(env) },
      rows: [...rows.map((x) => ({ ...x, kind: 'run' })), ...summary.map((s) => ({ ...s, kind: 'median' }))],
      targets: targetsOut,
      notes: [
        `load: ${o.workers} forked generator process(es) × ${o.connections} keep-alive connections, closed loop, ${o.durationMs / 1000} s per run, ${o.rounds} interleaved round(s); figures are medians over rounds`,
        'hub: production settings (NODE_ENV=production, LOG_LEVEL=info, Redis for the read cache, sessions and shared counters), the per-client rate limits raised so that nothing is refused',
      ],
      tables: [
        {
          title: 'REST reads (medians over rounds; latency in ms)',
          table: { columns: ['route', 'target', 'req/s', 'p50', 'p99', 'body B', 'non-2xx', 'errors'], rows: summary.map((s) => [s.route, s.target, s.perSecond, s.p50, s.p99, s.bodyBytes, s.non2xx, s.errors]) },
        },
        { title: 'Ratios hub/baseline (req/s)', table: { columns: ['route', 'ratio'], rows: [['heat', heatRatio], ['schedule', schedRatio]] } },
      ],
    };
  } finally {
    await Promise.allSettled(workers.map((w) => stopChild(w, 2000)));
    if (baseline) await stopChild(baseline, 2000);
    await hub?.stop();
    await env.close();
  }
}
