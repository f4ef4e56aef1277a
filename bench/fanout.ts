// Fan-out latency: V spectators subscribed to one heat, a console submitting results at a steady
// rate; per delivered update, the time from the console's send to each viewer's receipt.
//   fanout:  one hub process vs the bare Socket.IO baseline (bench/baseline-socketio.ts), same run.
//   cluster: viewers spread over 3 hub processes (Redis adapter) vs all of them on one, same run.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import { createHeats, type HeatFixture } from '../test/helpers/fixtures.js';
import { benchHub, connectConsole, createBenchEnv, emitAck, login, type BenchEnv } from './lib/setup.js';
import { forkTs, nextMessage, request, stopChild, type Hub } from './lib/procs.js';
import { now, openFileLimit, percentiles, ratio, round, sleep, split, type Percentiles } from './lib/util.js';
import type { BenchPart, Target } from './lib/report.js';

export interface FanoutOptions {
  mode: 'fanout' | 'cluster';
  sizes: number[];
  /** Submissions per second. */
  rate: number;
  warmup: number;
  updates: number;
  perWorker: number;
  parallel: number;
  drainTimeoutMs: number;
}

export const FANOUT_FULL: Omit<FanoutOptions, 'mode'> = { sizes: [1000, 5000, 10_000], rate: 2, warmup: 6, updates: 40, perWorker: 2500, parallel: 100, drainTimeoutMs: 15_000 };
export const FANOUT_SMOKE: Omit<FanoutOptions, 'mode'> = { sizes: [20], rate: 5, warmup: 2, updates: 6, perWorker: 2500, parallel: 20, drainTimeoutMs: 5000 };

interface Target0 {
  name: string;
  viewerUrls: string[];
  consoleUrl: string;
}

interface PhaseResult extends Percentiles {
  viewers: number;
  target: string;
  connected: number;
  failedConnects: number;
  delivered: number;
  expected: number;
  deliveredShare: number;
  exactShare: number;
  lost: number;
  payloadBytes: number;
  connectS: number;
  ackP50: number;
  ackP99: number;
  /** Submissions not acknowledged (within 30 s): not in the latency sample, counted here. */
  failedSubmits: number;
  firstError?: string;
}

interface CollectReply {
  latencies: Float64Array;
  expected: number;
  delivered: number;
  exact: number;
  lost: number;
  payloadBytes: number;
}

export async function runFanout(o: FanoutOptions, log: (s: string) => void): Promise<BenchPart> {
  const maxV = Math.max(...o.sizes);
  const fds = openFileLimit();
  // A hub holds one descriptor per socket (plus its pools); workers hold perWorker each.
  if (fds.soft < maxV + 1000) throw new Error(`open-file limit ${fds.soft} is below ${maxV + 1000}: run with \`ulimit -n ${Math.max(maxV + 1000, 20_000)}\` (see bench/README.md)`);
  const env = await createBenchEnv();
  const hubs: Hub[] = [];
  const workers: ChildProcess[] = [];
  let baseline: ChildProcess | undefined;
  try {
    const fixture = await createHeats(env.db.sql, { lanes: 8 });
    const heatId = fixture.heatIds[0]!;
    const hubCount = o.mode === 'cluster' ? 3 : 1;
    hubs.push(...(await Promise.all(Array.from({ length: hubCount }, (_, i) => benchHub(env, { name: `${o.mode}-hub${i}` })))));
    const token = await login(hubs[0]!.url);
    log(`${hubCount} hub process(es) ready; heat ${heatId}`);

    // Every lane gets a result first, so that the snapshot has its full size (about 2 KB).
    const template = await prefill(hubs[0]!.url, token, fixture);
    const templateBytes = Buffer.byteLength(JSON.stringify(template));

    const targets: Target0[] = [];
    if (o.mode === 'fanout') {
      baseline = forkTs('baseline-socketio.ts');
      const { port } = await nextMessage<{ port: number }>(baseline, 'ready');
      await request(baseline, { type: 'template', payload: template });
      const url = `http://127.0.0.1:${port}`;
      targets.push({ name: 'baseline', viewerUrls: [url], consoleUrl: url }, { name: 'hub', viewerUrls: [hubs[0]!.url], consoleUrl: hubs[0]!.url });
    } else {
      targets.push(
        { name: 'single', viewerUrls: [hubs[0]!.url], consoleUrl: hubs[0]!.url },
        { name: 'cluster', viewerUrls: hubs.map((h) => h.url), consoleUrl: hubs[0]!.url },
      );
    }

    const workerCount = Math.ceil(maxV / o.perWorker);
    for (let i = 0; i < workerCount; i++) workers.push(forkTs('viewer-worker.ts'));

    const results: PhaseResult[] = [];
    for (const [i, V] of o.sizes.entries()) {
      // ABBA order: neither side always runs on a warmer (or hotter) machine.
      const order = i % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        log(`V=${V} ${t.name}: connecting`);
        const r = await phase(o, t, V, workers.slice(0, Math.ceil(V / o.perWorker)), heatId, fixture, token, log);
        results.push(r);
        log(`V=${V} ${t.name}: p50 ${round(r.p50)} ms, p99 ${round(r.p99)} ms, delivered ${(r.deliveredShare * 100).toFixed(2)}%`);
        await sleep(1000);
      }
    }
    return summarize(o, results, templateBytes, env);
  } finally {
    await Promise.allSettled(workers.map((w) => stopChild(w, 2000)));
    if (baseline) await stopChild(baseline, 2000);
    await Promise.allSettled(hubs.map((h) => h.stop()));
    await env.close();
  }
}

async function prefill(url: string, token: string, f: HeatFixture): Promise<Record<string, unknown>> {
  const c = await connectConsole(url, token);
  try {
    await emitAck(c, 'result:submit', {
      idempotencyKey: randomUUID(), heatId: f.heatIds[0], windMps: 0.4,
      results: f.lanes[0]!.map((l, i) => ({ entryId: l.entryId, timeMs: 9_900 + i * 37, reactionMs: 140 + i, status: 'OK' })),
    });
  } finally {
    c.disconnect();
  }
  const res = await fetch(`${url}/api/heats/${f.heatIds[0]}`);
  if (!res.ok) throw new Error(`GET /api/heats failed: ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

let submitted = 0;
function submission(heatId: number, f: HeatFixture) {
  const i = submitted++;
  const lane = f.lanes[0]![i % 8]!;
  return { idempotencyKey: randomUUID(), heatId, results: [{ entryId: lane.entryId, timeMs: 9_800 + ((i * 7919) % 1200), status: 'OK' }] };
}

/** Submits `count` results at `rate`/s (open loop: the schedule does not wait for acks). */
async function submitAtRate(c: Socket, count: number, rate: number, heatId: number, f: HeatFixture) {
  const sends: { version: number; sentAt: number; ackMs: number }[] = [];
  const failures: string[] = [];
  const t0 = now() + 50;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const wait = t0 + (i * 1000) / rate - now();
    if (wait > 0) await sleep(wait);
    const payload = submission(heatId, f);
    const sentAt = now();
    inFlight.push(
      emitAck<{ version: number }>(c, 'result:submit', payload).then(
        (d) => void sends.push({ version: d.version, sentAt, ackMs: now() - sentAt }),
        (err: Error) => void failures.push(err.message),
      ),
    );
  }
  await Promise.all(inFlight);
  if (!sends.length) throw new Error(`no submission was acknowledged: ${failures[0]}`);
  return { sends: sends.sort((a, b) => a.version - b.version), failures };
}

async function waitDelivered(workers: ChildProcess[], version: number, total: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await Promise.all(workers.map((w) => request<{ reached: number; lost: number }>(w, { type: 'status', version })));
    const reached = s.reduce((n, x) => n + x.reached, 0);
    const lost = s.reduce((n, x) => n + x.lost, 0);
    if (reached + lost >= total || Date.now() > until) return;
    await sleep(100);
  }
}

async function phase(o: FanoutOptions, t: Target0, V: number, workers: ChildProcess[], heatId: number, f: HeatFixture, token: string, log: (s: string) => void): Promise<PhaseResult> {
  const t0 = now();
  const shares = split(V, workers.length);
  const connects = await Promise.all(
    workers.map((w, i) => {
      const perUrl = split(shares[i]!, t.viewerUrls.length);
      return request<{ connected: number; failed: number; firstError?: string }>(w, { type: 'connect', heatId, parallel: o.parallel, targets: t.viewerUrls.map((url, j) => ({ url, count: perUrl[j]! })) });
    }),
  );
  const connected = connects.reduce((n, c) => n + c.connected, 0);
  const failedConnects = connects.reduce((n, c) => n + c.failed, 0);
  const connectS = (now() - t0) / 1000;
  log(`V=${V} ${t.name}: ${connected} connected in ${connectS.toFixed(1)} s${failedConnects ? `, ${failedConnects} FAILED (${connects.find((c) => c.firstError)?.firstError})` : ''}`);
  const c = await connectConsole(t.consoleUrl, token);
  try {
    const warm = await submitAtRate(c, o.warmup, o.rate, heatId, f);
    await waitDelivered(workers, warm.sends.at(-1)!.version, connected, o.drainTimeoutMs);
    await Promise.all(workers.map((w) => request(w, { type: 'reset' })));
    const { sends, failures } = await submitAtRate(c, o.updates, o.rate, heatId, f);
    if (failures.length) log(`V=${V} ${t.name}: ${failures.length} submission(s) failed: ${failures[0]}`);
    await waitDelivered(workers, sends.at(-1)!.version, connected, o.drainTimeoutMs);
    const replies = await Promise.all(workers.map((w) => request<CollectReply>(w, { type: 'collect', versions: sends.map((s) => s.version), sentAt: sends.map((s) => s.sentAt) })));
    const all = new Float64Array(replies.reduce((n, r) => n + r.latencies.length, 0));
    let at = 0;
    for (const r of replies) {
      all.set(r.latencies, at);
      at += r.latencies.length;
    }
    const expected = replies.reduce((n, r) => n + r.expected, 0);
    const delivered = replies.reduce((n, r) => n + r.delivered, 0);
    const acks = percentiles(sends.map((s) => s.ackMs));
    return {
      viewers: V, target: t.name, connected, failedConnects, ...percentiles(all), expected, delivered,
      deliveredShare: expected ? delivered / expected : 0,
      exactShare: expected ? replies.reduce((n, r) => n + r.exact, 0) / expected : 0,
      lost: replies.reduce((n, r) => n + r.lost, 0),
      payloadBytes: Math.max(...replies.map((r) => r.payloadBytes)),
      connectS: round(connectS), ackP50: round(acks.p50), ackP99: round(acks.p99), failedSubmits: failures.length,
      ...(connects.find((x) => x.firstError) ? { firstError: connects.find((x) => x.firstError)!.firstError } : {}),
    };
  } finally {
    c.disconnect();
    await Promise.all(workers.map((w) => request(w, { type: 'disconnect' })));
  }
}

function summarize(o: FanoutOptions, results: PhaseResult[], templateBytes: number, env: BenchEnv): BenchPart {
  const [base, cand] = o.mode === 'fanout' ? ['baseline', 'hub'] : ['single', 'cluster'];
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const rows = results.map((r) => ({ ...r, p50: round(r.p50), p95: round(r.p95), p99: round(r.p99), max: round(r.max), mean: round(r.mean) }));
  const targets: Target[] = [];
  const ratioRows: (string | number | null)[][] = [];
  for (const V of o.sizes) {
    const b = results.find((r) => r.viewers === V && r.target === base);
    const c = results.find((r) => r.viewers === V && r.target === cand);
    if (!b || !c) continue;
    const r50 = ratio(c.p50, b.p50);
    const r99 = ratio(c.p99, b.p99);
    ratioRows.push([V, r50, r99, pct(c.deliveredShare), pct(b.deliveredShare)]);
    if (o.mode === 'fanout') {
      targets.push({ name: `V=${V} every update delivered (hub)`, goal: '100%', value: pct(c.deliveredShare), met: c.delivered === c.expected && c.expected > 0 && !c.failedSubmits });
      targets.push({ name: `V=${V} hub/baseline p50`, goal: '<= 1.25', value: r50, met: r50 == null ? null : r50 <= 1.25 });
      targets.push({ name: `V=${V} hub/baseline p99`, goal: '<= 1.25', value: r99, met: r99 == null ? null : r99 <= 1.25 });
    } else {
      targets.push({ name: `V=${V} cluster/single p99`, goal: '<= 1.25', value: r99, met: r99 == null ? null : r99 <= 1.25 });
      targets.push({ name: `V=${V} every update delivered (cluster)`, goal: '100%', value: pct(c.deliveredShare), met: c.delivered === c.expected && c.expected > 0 && !c.failedSubmits });
    }
  }
  return {
    bench: o.mode,
    params: { ...o, snapshotBytes: templateBytes, hubEnv: publicEnv(env) },
    rows,
    targets,
    notes: [
      'latency: console send time to viewer receipt of the first snapshot with a version >= the submitted one (one wall clock, all processes on one machine)',
      'delivered: share of (viewer, submitted version) pairs covered by a received snapshot; exact: the very version was received (the hub coalesces a burst into the newest snapshot)',
      `clients: WebSocket transport, ${o.perWorker} sockets per forked worker process; per-message deflate off on the server`,
    ],
    tables: [
      {
        title: o.mode === 'fanout' ? 'Fan-out latency (ms), one hub process vs bare Socket.IO' : 'Fan-out latency (ms), 3 hub processes vs 1',
        table: {
          columns: ['viewers', 'target', 'p50', 'p95', 'p99', 'max', 'delivered', 'exact', 'samples', 'payload B', 'ack p50', 'failed submits', 'connect s'],
          rows: rows.map((r) => [r.viewers, r.target, r.p50, r.p95, r.p99, r.max, pct(r.deliveredShare), pct(r.exactShare), r.count, r.payloadBytes, r.ackP50, r.failedSubmits, r.connectS]),
        },
      },
      { title: `Ratios ${cand}/${base}`, table: { columns: ['viewers', 'p50 ratio', 'p99 ratio', `${cand} delivered`, `${base} delivered`], rows: ratioRows } },
    ],
  };
}

/** The hub environment as recorded in results: without secrets or per-run names. */
export function publicEnv(env: BenchEnv): Record<string, string> {
  const { SESSION_SECRET: _s, DATABASE_URL: _d, REDIS_PREFIX: _p, ...rest } = env.hubEnv;
  return rest;
}
