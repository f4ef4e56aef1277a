// Ingest throughput: C consoles (/console sockets) submitting single results as fast as their
// acknowledgements allow, through the whole path (session check, transaction with result, places,
// version, audit row and idempotency record, commit, ack, publish). Same run baselines, with the
// same concurrency, the same pool size (10) and the same number of rows: single-row INSERTs with
// postgres.js, and "result row + audit row" transactions (BEGIN, 2 INSERTs, COMMIT).
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createSql, type Sql } from '../server/db/client.js';
import { benchHub, connectConsole, createBenchEnv, emitAck, login } from './lib/setup.js';
import { createLanes, lanesPerWriter, type Lane } from './lib/fixtures.js';
import type { Hub } from './lib/procs.js';
import { now, percentiles, ratio, round, sleep, type Percentiles } from './lib/util.js';
import type { BenchPart, Target } from './lib/report.js';
import { publicEnv } from './fanout.js';

export interface IngestOptions {
  /** [consoles, results] per level. */
  levels: [number, number][];
  fixedRate: number;
  fixedSeconds: number;
  fixedConsoles: number;
  pool: number;
}

export const INGEST_FULL: IngestOptions = { levels: [[1, 2000], [8, 10_000], [32, 10_000]], fixedRate: 200, fixedSeconds: 15, fixedConsoles: 8, pool: 10 };
export const INGEST_SMOKE: IngestOptions = { levels: [[2, 64]], fixedRate: 50, fixedSeconds: 1, fixedConsoles: 2, pool: 10 };

interface Row extends Percentiles {
  kind: 'raw insert' | 'raw result+audit tx' | 'hub submit' | 'hub submit at fixed rate';
  concurrency: number;
  results: number;
  perSecond: number;
  errors: number;
}

const time = (i: number) => 9_500 + ((i * 7919) % 2000);

/** C loops, each over its own lanes, one operation at a time. */
async function closedLoop(c: number, lanes: Lane[], op: (l: Lane, i: number, writer: number) => Promise<void>) {
  const shares = lanesPerWriter(lanes, c);
  const latencies: number[] = [];
  let errors = 0;
  let firstError: unknown;
  const t0 = now();
  await Promise.all(
    shares.map(async (share, w) => {
      for (const [i, l] of share.entries()) {
        const t = now();
        try {
          await op(l, i, w);
          latencies.push(now() - t);
        } catch (err) {
          errors++;
          firstError ??= err;
        }
      }
    }),
  );
  const seconds = (now() - t0) / 1000;
  if (firstError) console.error('first error:', firstError);
  return { latencies, errors, seconds };
}

const row = (kind: Row['kind'], concurrency: number, r: { latencies: number[]; errors: number; seconds: number }): Row => {
  const p = percentiles(r.latencies);
  return { kind, concurrency, results: r.latencies.length, perSecond: Math.round(r.latencies.length / r.seconds), errors: r.errors, ...p, p50: round(p.p50, 2), p95: round(p.p95, 2), p99: round(p.p99, 2), max: round(p.max, 1), mean: round(p.mean, 2) };
};

async function rawInserts(sql: Sql, c: number, lanes: Lane[], userId: number) {
  return closedLoop(c, lanes, async (l, i) => {
    await sql`
      INSERT INTO results (heat_id, entry_id, time_ms, status, source, entered_by)
      VALUES (${l.heatId}, ${l.entryId}, ${time(i)}, 'OK', 'console', ${userId})`;
  });
}

async function rawTransactions(sql: Sql, c: number, lanes: Lane[], userId: number) {
  return closedLoop(c, lanes, async (l, i) => {
    await sql.begin(async (tx) => {
      await tx`
        INSERT INTO results (heat_id, entry_id, time_ms, status, source, entered_by)
        VALUES (${l.heatId}, ${l.entryId}, ${time(i)}, 'OK', 'console', ${userId})`;
      // The hub's audit row for one result is about this size.
      await tx`
        INSERT INTO audit_log (user_id, actor_email, action, entity_type, entity_id, details, ip, user_agent)
        VALUES (${userId}, 'starter@test.local', 'results.submit', 'heat', ${String(l.heatId)},
                ${tx.json({ source: 'console', idempotencyKey: randomUUID(), changes: [{ entryId: l.entryId, before: null, after: { timeMs: time(i), status: 'OK', dqRule: null, reactionMs: null, windMps: null } }] })},
                '127.0.0.1', 'bench')`;
    });
  });
}

async function hubSubmits(consoles: Socket[], lanes: Lane[]) {
  return closedLoop(consoles.length, lanes, async (l, i, w) => {
    await emitAck(consoles[w]!, 'result:submit', { idempotencyKey: randomUUID(), heatId: l.heatId, results: [{ entryId: l.entryId, timeMs: time(i), status: 'OK' }] });
  });
}

/** Open loop: `rate` submissions per second spread over the consoles, whatever the acks do. */
async function hubAtRate(consoles: Socket[], lanes: Lane[], rate: number) {
  const shares = lanesPerWriter(lanes, consoles.length);
  // Round-robin over the consoles, each going through its own heats in order.
  const order: [Lane, number][] = [];
  for (let k = 0; order.length < lanes.length; k++) shares.forEach((s, w) => k < s.length && order.push([s[k]!, w]));
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  const t0 = now() + 20;
  for (const [i, [l, w]] of order.entries()) {
    const wait = t0 + (i * 1000) / rate - now();
    if (wait > 1) await sleep(wait);
    const t = now();
    inFlight.push(
      emitAck(consoles[w]!, 'result:submit', { idempotencyKey: randomUUID(), heatId: l.heatId, results: [{ entryId: l.entryId, timeMs: time(i), status: 'OK' }] }).then(
        () => void latencies.push(now() - t),
        () => void errors++,
      ),
    );
  }
  await Promise.all(inFlight);
  return { latencies, errors, seconds: (now() - t0) / 1000 };
}

export async function runIngest(o: IngestOptions, log: (s: string) => void): Promise<BenchPart> {
  const env = await createBenchEnv();
  let hub: Hub | undefined;
  const raw = createSql({ url: env.db.url, max: o.pool });
  const consoles: Socket[] = [];
  try {
    const fixedCount = o.fixedRate * o.fixedSeconds;
    // Every phase starts on a fresh heat: round each up to whole heats (8 lanes); 2 warm-ups of 64.
    const phases = [64, 64, ...o.levels.flatMap(([, count]) => [count, count, count]), fixedCount];
    const t0 = now();
    const { lanes } = await createLanes(env.db.sql, phases.reduce((n, count) => n + Math.ceil(count / 8), 0));
    log(`${lanes.length} lanes created in ${((now() - t0) / 1000).toFixed(1)} s`);
    hub = await benchHub(env, { name: 'ingest-hub' });
    const token = await login(hub.url);
    const [{ id: userId }] = await env.db.sql<[{ id: number }]>`SELECT id FROM users WHERE email = 'starter@test.local'`;
    // Each phase takes whole heats from the list.
    let next = 0;
    const take = (count: number) => {
      const start = Math.ceil(next / 8) * 8;
      next = start + count;
      if (next > lanes.length) throw new Error(`fixture too small: ${next} lanes wanted, ${lanes.length} made`);
      return lanes.slice(start, start + count);
    };
    const rows: Row[] = [];
    // Warm-up of both paths (JIT, connections, prepared statements); not measured.
    await rawTransactions(raw, 4, take(64), userId);
    for (let i = 0; i < Math.max(...o.levels.map(([c]) => c), o.fixedConsoles); i++) consoles.push(await connectConsole(hub.url, token));
    await hubSubmits(consoles.slice(0, 4), take(64));

    for (const [c, count] of o.levels) {
      rows.push(row('raw insert', c, await rawInserts(raw, c, take(count), userId)));
      log(`C=${c} raw insert: ${rows.at(-1)!.perSecond}/s`);
      rows.push(row('raw result+audit tx', c, await rawTransactions(raw, c, take(count), userId)));
      log(`C=${c} raw tx: ${rows.at(-1)!.perSecond}/s`);
      rows.push(row('hub submit', c, await hubSubmits(consoles.slice(0, c), take(count))));
      log(`C=${c} hub: ${rows.at(-1)!.perSecond}/s, p99 ${rows.at(-1)!.p99} ms`);
      await sleep(500);
    }
    rows.push(row('hub submit at fixed rate', o.fixedConsoles, await hubAtRate(consoles.slice(0, o.fixedConsoles), take(fixedCount), o.fixedRate)));
    const fixed = rows.at(-1)!;
    log(`fixed ${o.fixedRate}/s: p99 ${fixed.p99} ms`);

    const targets: Target[] = [];
    const ratios: (string | number | null)[][] = [];
    for (const [c] of o.levels) {
      const h = rows.find((r) => r.kind === 'hub submit' && r.concurrency === c)!;
      const tx = rows.find((r) => r.kind === 'raw result+audit tx' && r.concurrency === c)!;
      const ins = rows.find((r) => r.kind === 'raw insert' && r.concurrency === c)!;
      ratios.push([c, h.perSecond, tx.perSecond, ins.perSecond, ratio(h.perSecond, tx.perSecond), ratio(h.perSecond, ins.perSecond)]);
    }
    const best = rows.filter((r) => r.kind === 'hub submit').sort((a, b) => b.perSecond - a.perSecond)[0]!;
    const bestTx = rows.find((r) => r.kind === 'raw result+audit tx' && r.concurrency === best.concurrency)!;
    targets.push({ name: `acknowledged results/s (best, C=${best.concurrency})`, goal: '>= 2000', value: best.perSecond, met: best.perSecond >= 2000 });
    const r = ratio(best.perSecond, bestTx.perSecond);
    targets.push({ name: `hub / raw result+audit tx (C=${best.concurrency})`, goal: '>= 0.40', value: r, met: r == null ? null : r >= 0.4 });
    targets.push({ name: `p99 ack at ${o.fixedRate} results/s`, goal: '< 20 ms', value: fixed.p99, met: o.fixedRate >= 200 ? fixed.p99 < 20 : null });
    return {
      bench: 'ingest',
      params: { ...o, hubEnv: publicEnv(env) },
      rows,
      targets,
      notes: [
        'each console (and each raw writer) takes whole heats of 8 lanes, writer k heats k, k+C, ...; every submission is one new result',
        `raw baselines: postgres.js from the harness process, pool ${o.pool} (the hub's DATABASE_POOL_MAX default), same concurrency and row count`,
        'ack latency: console emit to acknowledgement, measured in the harness',
      ],
      tables: [
        {
          title: 'Ingest: throughput and latency (ms)',
          table: {
            columns: ['path', 'C', 'results', 'per s', 'p50', 'p95', 'p99', 'max', 'errors'],
            rows: rows.map((x) => [x.kind, x.concurrency, x.results, x.perSecond, x.p50, x.p95, x.p99, x.max, x.errors]),
          },
        },
        { title: 'Ratios', table: { columns: ['C', 'hub/s', 'raw tx/s', 'raw insert/s', 'hub/raw tx', 'hub/raw insert'], rows: ratios } },
      ],
    };
  } finally {
    for (const c of consoles) c.disconnect();
    await raw.end({ timeout: 5 });
    await hub?.stop();
    await env.close();
  }
}
