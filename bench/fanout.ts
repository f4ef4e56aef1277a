// Fan-out latency: V spectators subscribed to one heat, a console submitting results at a steady
// rate; per delivered update, the time from the console's send to each viewer's receipt.
//   fanout:  one hub process vs the bare Socket.IO baseline (bench/baseline-socketio.ts), same run.
//   cluster: viewers spread over 3 hub processes (Redis adapter) vs all of them on one, same run.
// At each size both targets have their V viewers connected at once (each set on a heat of its own)
// and are measured in alternating blocks of updates, A B B A ...: a burst of load on this shared
// machine falls on both, not on whichever happened to run then.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'socket.io-client';
import { createHeats, type HeatFixture } from '../test/helpers/fixtures.js';
import { benchHub, connectConsole, createBenchEnv, emitAck, login, type BenchEnv } from './lib/setup.js';
import { forkTs, nextMessage, request, stopChild, type Hub } from './lib/procs.js';
import { joinSamples, now, openFileLimit, percentiles, ratio, round, sleep, split, type Percentiles } from './lib/util.js';
import type { BenchPart, Target } from './lib/report.js';

export interface FanoutOptions {
  mode: 'fanout' | 'cluster';
  sizes: number[];
  /** Submissions per second. */
  rate: number;
  warmup: number;
  /** Measured updates per target and size, in blocks of `block`. */
  updates: number;
  block: number;
  perWorker: number;
  parallel: number;
  drainTimeoutMs: number;
}

export const FANOUT_FULL: Omit<FanoutOptions, 'mode'> = { sizes: [1000, 5000, 10_000], rate: 2, warmup: 6, updates: 40, block: 10, perWorker: 2500, parallel: 100, drainTimeoutMs: 15_000 };
export const FANOUT_SMOKE: Omit<FanoutOptions, 'mode'> = { sizes: [20], rate: 5, warmup: 2, updates: 6, block: 3, perWorker: 2500, parallel: 20, drainTimeoutMs: 5000 };

interface Target0 {
  name: string;
  viewerUrls: string[];
  consoleUrl: string;
  heatId: number;
}

interface Send {
  version: number;
  sentAt: number;
  ackMs: number;
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
  // A server holds one descriptor per socket (plus its pools): in cluster mode the first hub has the
  // single-process set and a third of the cluster set. Workers hold 2 x perWorker at most.
  const need = Math.ceil(maxV * (o.mode === 'cluster' ? 4 / 3 : 1)) + 1000;
  if (fds.soft < need) throw new Error(`open-file limit ${fds.soft} is below ${need}: run with \`ulimit -n ${Math.max(need, 20_000)}\` (see bench/README.md)`);
  const env = await createBenchEnv();
  const hubs: Hub[] = [];
  const workers: ChildProcess[] = [];
  let baseline: ChildProcess | undefined;
  try {
    // One heat per target, both of 8 lanes with a result in every lane (snapshots of about 2 KB).
    const fixture = await createHeats(env.db.sql, { heats: 2, lanes: 8 });
    const [heatA, heatB] = fixture.heatIds as [number, number];
    const hubCount = o.mode === 'cluster' ? 3 : 1;
    hubs.push(...(await Promise.all(Array.from({ length: hubCount }, (_, i) => benchHub(env, { name: `${o.mode}-hub${i}` })))));
    const token = await login(hubs[0]!.url);
    log(`${hubCount} hub process(es) ready; heats ${heatA}, ${heatB}`);
    const template = await prefill(hubs[0]!.url, token, fixture);
    const templateBytes = Buffer.byteLength(JSON.stringify(template));

    const targets: Target0[] = [];
    if (o.mode === 'fanout') {
      baseline = forkTs('baseline-socketio.ts');
      const { port } = await nextMessage<{ port: number }>(baseline, 'ready');
      await request(baseline, { type: 'template', payload: template });
      const url = `http://127.0.0.1:${port}`;
      targets.push({ name: 'baseline', viewerUrls: [url], consoleUrl: url, heatId: heatA }, { name: 'hub', viewerUrls: [hubs[0]!.url], consoleUrl: hubs[0]!.url, heatId: heatB });
    } else {
      targets.push(
        { name: 'single', viewerUrls: [hubs[0]!.url], consoleUrl: hubs[0]!.url, heatId: heatA },
        { name: 'cluster', viewerUrls: hubs.map((h) => h.url), consoleUrl: hubs[0]!.url, heatId: heatB },
      );
    }

    const workerCount = Math.ceil(maxV / o.perWorker);
    for (let i = 0; i < workerCount; i++) workers.push(forkTs('viewer-worker.ts'));

    const results: PhaseResult[] = [];
    for (const [i, V] of o.sizes.entries()) {
      const rs = await measureSize(o, targets, V, workers.slice(0, Math.ceil(V / o.perWorker)), fixture, token, i % 2 === 1, log);
      for (const r of rs) log(`V=${V} ${r.target}: p50 ${round(r.p50)} ms, p99 ${round(r.p99)} ms, delivered ${(r.deliveredShare * 100).toFixed(2)}%`);
      results.push(...rs);
      await sleep(1000);
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
    for (const [h, heatId] of f.heatIds.entries()) {
      await emitAck(c, 'result:submit', {
        idempotencyKey: randomUUID(), heatId, windMps: 0.4,
        results: f.lanes[h]!.map((l, i) => ({ entryId: l.entryId, timeMs: 9_900 + i * 37, reactionMs: 140 + i, status: 'OK' })),
      });
    }
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
  const lane = f.lanes[f.heatIds.indexOf(heatId)]![i % 8]!;
  return { idempotencyKey: randomUUID(), heatId, results: [{ entryId: lane.entryId, timeMs: 9_800 + ((i * 7919) % 1200), status: 'OK' }] };
}

/** Submits `count` results at `rate`/s (open loop: the schedule does not wait for acks). */
async function submitAtRate(c: Socket, count: number, rate: number, heatId: number, f: HeatFixture) {
  const sends: Send[] = [];
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

async function waitDelivered(workers: ChildProcess[], set: string, version: number, total: number, timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const s = await Promise.all(workers.map((w) => request<{ reached: number; lost: number }>(w, { type: 'status', set, version })));
    const reached = s.reduce((n, x) => n + x.reached, 0);
    const lost = s.reduce((n, x) => n + x.lost, 0);
    if (reached + lost >= total || Date.now() > until) return;
    await sleep(100);
  }
}

/** Both targets at V viewers: connect both sets, warm up, measure in ABBA blocks, collect. */
async function measureSize(
  o: FanoutOptions, targets: Target0[], V: number, workers: ChildProcess[], f: HeatFixture, token: string, reversed: boolean, log: (s: string) => void,
): Promise<PhaseResult[]> {
  const shares = split(V, workers.length);
  const state = new Map<string, { connected: number; failedConnects: number; firstError?: string; connectS: number; sends: Send[]; failures: string[]; console: Socket }>();
  try {
    for (const t of targets) {
      const t0 = now();
      const connects = await Promise.all(
        workers.map((w, i) => {
          const perUrl = split(shares[i]!, t.viewerUrls.length);
          return request<{ connected: number; failed: number; firstError?: string }>(w, { type: 'connect', set: t.name, heatId: t.heatId, parallel: o.parallel, targets: t.viewerUrls.map((url, j) => ({ url, count: perUrl[j]! })) });
        }),
      );
      const connected = connects.reduce((n, c) => n + c.connected, 0);
      const failedConnects = connects.reduce((n, c) => n + c.failed, 0);
      const firstError = connects.find((c) => c.firstError)?.firstError;
      const connectS = (now() - t0) / 1000;
      log(`V=${V} ${t.name}: ${connected} connected in ${connectS.toFixed(1)} s${failedConnects ? `, ${failedConnects} FAILED (${firstError})` : ''}`);
      state.set(t.name, { connected, failedConnects, ...(firstError ? { firstError } : {}), connectS, sends: [], failures: [], console: await connectConsole(t.consoleUrl, token) });
    }
    for (const t of targets) {
      const s = state.get(t.name)!;
      const warm = await submitAtRate(s.console, o.warmup, o.rate, t.heatId, f);
      await waitDelivered(workers, t.name, warm.sends.at(-1)!.version, s.connected, o.drainTimeoutMs);
      await Promise.all(workers.map((w) => request(w, { type: 'reset', set: t.name })));
    }
    // A B B A A B B A ... (or starting with B): each target's blocks spread over the whole measurement.
    const blocks = Math.ceil(o.updates / o.block);
    for (let b = 0; b < blocks; b++) {
      const pair = (b % 2 === 0) !== reversed ? targets : [...targets].reverse();
      for (const t of pair) {
        const s = state.get(t.name)!;
        const { sends, failures } = await submitAtRate(s.console, Math.min(o.block, o.updates - b * o.block), o.rate, t.heatId, f);
        s.sends.push(...sends);
        s.failures.push(...failures);
        if (failures.length) log(`V=${V} ${t.name}: ${failures.length} submission(s) failed: ${failures[0]}`);
        await waitDelivered(workers, t.name, sends.at(-1)!.version, s.connected, o.drainTimeoutMs);
      }
    }
    const out: PhaseResult[] = [];
    for (const t of targets) {
      const s = state.get(t.name)!;
      const sends = s.sends.sort((a, b) => a.version - b.version);
      const replies = await Promise.all(workers.map((w) => request<CollectReply>(w, { type: 'collect', set: t.name, versions: sends.map((x) => x.version), sentAt: sends.map((x) => x.sentAt) })));
      const all = joinSamples(replies.map((r) => r.latencies));
      const expected = replies.reduce((n, r) => n + r.expected, 0);
      const delivered = replies.reduce((n, r) => n + r.delivered, 0);
      const acks = percentiles(sends.map((x) => x.ackMs));
      out.push({
        viewers: V, target: t.name, connected: s.connected, failedConnects: s.failedConnects, ...percentiles(all), expected, delivered,
        deliveredShare: expected ? delivered / expected : 0,
        exactShare: expected ? replies.reduce((n, r) => n + r.exact, 0) / expected : 0,
        lost: replies.reduce((n, r) => n + r.lost, 0),
        payloadBytes: Math.max(...replies.map((r) => r.payloadBytes)),
        connectS: round(s.connectS), ackP50: round(acks.p50), ackP99: round(acks.p99), failedSubmits: s.failures.length,
        ...(s.firstError ? { firstError: s.firstError } : {}),
      });
    }
    return out;
  } finally {
    for (const s of state.values()) s.console.disconnect();
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
      `clients: WebSocket transport, up to ${o.perWorker} sockets per target per forked worker process; per-message deflate off on the server`,
      `both targets connected at once, each on its own heat; ${o.updates} updates each at ${o.rate}/s in alternating blocks of ${o.block} (A B B A ...)`,
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
