// Chaos: 10 consoles (5 over REST, 5 over the /console socket, as the console app) submit results over
// several heats through nginx to 3 hub processes, while the test SIGKILLs and restarts a hub, kills and
// restarts Redis, and crashes and restarts PostgreSQL (its own of each, on other ports). Consoles
// retry with their idempotency keys. Afterwards every acknowledged result is stored exactly once,
// nothing is stored that was not submitted, and every connected viewer shows the database's ranking.
// While PostgreSQL is down, writes are refused with a retryable 503 `unavailable` and /readyz is 503.
// Short under `npm test`; LONG=1 (npm run test:chaos): 5,000 results, each disruption twice.
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createSql, type Sql } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { loadSnapshot } from '../../server/results/snapshot.js';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { NGINX_BIN } from '../../scripts/cluster/nginx.js';
import type { HubProcess } from '../../scripts/cluster/hub-process.js';
import { TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { TEST_HUB_ENV } from '../helpers/hub-process.js';
import { connectLive } from '../helpers/sockets.js';
import { TestViewer } from '../helpers/viewer.js';
import { runRestConsole, runSocketConsole, type Attempt, type ConsoleStats, type Submission } from '../helpers/console-client.js';
import { PG_BIN, REDIS_BIN, startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from '../helpers/own-services.js';
import { IN_CI } from '../helpers/services.js';
import { reportFigures, sized } from '../helpers/budget.js';

const TOOLS = Boolean(NGINX_BIN && PG_BIN && REDIS_BIN);
if (!TOOLS && IN_CI) throw new Error('CI=true but nginx, redis-server or the PostgreSQL server binaries are missing');
if (!TOOLS) console.warn('Chaos suite skipped: it needs nginx, redis-server and /usr/lib/postgresql/*/bin.');

const CONSOLES = 10;
const HEATS = 5;
const LANES = 8;
const TOTAL = sized(300, 5000);
/** Nominal pace of each console (ms between its submissions); a disruption makes it fall behind. */
const INTERVAL_MS = sized(100, 200);
type Disruption = { at: number; kind: 'hub'; hub: number } | { at: number; kind: 'redis' } | { at: number; kind: 'postgres' };
const DISRUPTIONS: Disruption[] = sized<Disruption[]>(
  [{ at: 0.15, kind: 'hub', hub: 1 }, { at: 0.4, kind: 'redis' }, { at: 0.65, kind: 'postgres' }],
  [
    { at: 0.1, kind: 'hub', hub: 0 }, { at: 0.25, kind: 'redis' }, { at: 0.4, kind: 'postgres' },
    { at: 0.55, kind: 'hub', hub: 2 }, { at: 0.7, kind: 'redis' }, { at: 0.85, kind: 'postgres' },
  ],
);
const REDIS_DOWN_MS = sized(1500, 4000);
const PG_DOWN_MS = sized(2500, 6000);
const VIEWERS = sized(6, 24);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!TOOLS)('chaos: hubs, Redis and PostgreSQL restarted under a stream of results', () => {
  let pg: OwnPostgres;
  let redis: OwnRedis;
  let sql: Sql;
  let cluster: Cluster;
  const sockets: Socket[] = [];
  /** Hubs that exited without the test stopping them (a crash is a defect). */
  const crashes: { hub: number; code: number | null; signal: string | null; output: string }[] = [];
  const expectedExit = new Set<HubProcess>();
  /** Set when the test ends (failed or not): consoles still running stop at their next try. */
  let over = false;
  const abort = new AbortController();

  const watch = (i: number, h: HubProcess | null) =>
    h?.child.once('exit', (code, signal) => {
      if (!expectedExit.has(h)) crashes.push({ hub: i, code, signal, output: h.output().slice(-4000) });
    });

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    sql = createSql({ url: pg.url, max: 4 });
    await migrate(sql);
    const hash = await hashPassword(TEST_PASSWORD, 4);
    for (let c = 0; c < CONSOLES; c++) {
      await sql`INSERT INTO users (name, email, password_hash, role) VALUES (${`Console ${c}`}, ${`console${c}@test.local`}, ${hash}, 'starter')`;
    }
    cluster = await startCluster({ hubs: 3, env: { ...TEST_HUB_ENV, DATABASE_URL: pg.url, REDIS_URL: redis.url, REDIS_PREFIX: 'chaos:' } });
    cluster.hubs.forEach((h, i) => watch(i, h));
  }, 120_000);

  afterAll(async () => {
    over = true;
    abort.abort();
    for (const s of sockets) s.disconnect();
    // Hubs first: nginx's graceful stop waits for the WebSocket connections it proxies (a console
    // still connected after a failure would hold it up).
    for (const [i, h] of (cluster?.hubs ?? []).entries()) {
      if (!h) continue;
      expectedExit.add(h);
      await cluster.stopHub(i, 'SIGKILL');
    }
    await cluster?.stop();
    await sql?.end({ timeout: 5 });
    await Promise.all([pg?.destroy(), redis?.destroy()]);
  }, 60_000);

  const login = async (email: string): Promise<string> => {
    const res = await fetch(`${cluster.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  it(`keeps every acknowledged result exactly once through a hub SIGKILL, a Redis restart and a PostgreSQL crash (${TOTAL} results)`, async () => {
    // One heat more than the consoles write: it gets its results only while Redis is down (a heat
    // that finishes during a Redis outage), so its viewers on other processes have to be caught up.
    const f: HeatFixture = await createHeats(sql, { heats: HEATS + 1, lanes: LANES });
    onTestFailed(() => {
      for (const [i, h] of cluster.hubs.entries()) console.log(`--- hub ${i} (pid ${h?.child.pid}):\n${h?.output().slice(-6000)}`);
    });
    const quietLanes = f.lanes[HEATS]!;
    const viewers = Array.from({ length: VIEWERS }, (_, i) => {
      const s = connectLive(cluster.url, { transports: i % 3 === 2 ? ['polling'] : ['websocket'] });
      sockets.push(s);
      return new TestViewer(s, f.eventId);
    });
    await expect.poll(() => viewers.every((v) => v.socket.connected && v.heats.size === HEATS + 1), { timeout: 20_000 }).toBe(true);

    // Console c owns half the lanes of heat c % 5; every submission is a new time for one of its entries.
    const perConsole = TOTAL / CONSOLES;
    const plans: Submission[][] = Array.from({ length: CONSOLES }, (_, c) => {
      const lanes = f.lanes[c % HEATS]!.slice(c < HEATS ? 0 : LANES / 2, c < HEATS ? LANES / 2 : LANES);
      return Array.from({ length: perConsole }, (_, k) => ({ heatId: lanes[0]!.heatId, entryId: lanes[k % lanes.length]!.entryId, timeMs: 10_000 + (c * 1000 + k) * 10 }));
    });
    const tokens = await Promise.all(plans.map((_, c) => login(`console${c}@test.local`)));

    const attempts: (Attempt & { console: number })[] = [];
    let acked = 0;
    // The stream may not run past the next disruption before it has begun (a hub takes seconds to
    // restart): each console holds at DISRUPTIONS[j].at + 10% of its plan until disruption j starts.
    let begun = 0;
    const release = () => (begun < DISRUPTIONS.length ? DISRUPTIONS[begun]!.at + 0.1 : 1) * perConsole;
    const t0 = Date.now();
    const deadlineMs = sized(150_000, 1_200_000);
    const consoles: Promise<ConsoleStats>[] = plans.map((plan, c) => {
      const opts = {
        deadlineMs,
        signal: abort.signal,
        before: async (i: number) => {
          if (over) throw new Error('test over');
          const due = t0 + i * INTERVAL_MS;
          if (due > Date.now()) await sleep(due - Date.now());
          while (i >= release() && !over) await sleep(20);
        },
        onAttempt: (a: Attempt) => {
          attempts.push({ ...a, console: c });
          if (a.status === 200) acked++;
        },
      };
      return c < CONSOLES / 2 ? runRestConsole(() => cluster.url, tokens[c]!, plan, opts) : runSocketConsole(cluster.url, tokens[c]!, plan, opts);
    });
    let finished = false;
    void Promise.allSettled(consoles).then(() => (finished = true));

    const windows: { kind: string; from: number; to: number; acks?: number }[] = [];
    const pgProbes: { refusals: number; readyz: number[] } = { refusals: 0, readyz: [] };
    const probeKeys: string[] = [];
    const quiet: ConsoleStats['acknowledged'] = [];
    for (const d of DISRUPTIONS) {
      await expect.poll(() => acked >= d.at * TOTAL || finished, { timeout: deadlineMs, interval: 20 }).toBe(true);
      expect(finished, `the stream ended before the ${d.kind} disruption`).toBe(false);
      begun++;
      if (d.kind === 'hub') {
        const from = Date.now();
        expectedExit.add(cluster.hubs[d.hub]!);
        await cluster.stopHub(d.hub, 'SIGKILL');
        await sleep(300);
        watch(d.hub, await cluster.startHub(d.hub));
        windows.push({ kind: `hub ${d.hub} SIGKILL`, from, to: Date.now() });
      } else if (d.kind === 'redis') {
        const before = acked;
        const from = Date.now();
        await redis.stop('SIGKILL');
        await sleep(REDIS_DOWN_MS);
        // The quiet heat's results arrive now, and nothing follows them.
        for (const [k, lane] of quietLanes.entries()) {
          const s: Submission = { heatId: lane.heatId, entryId: lane.entryId, timeMs: 20_000 + windows.length * 100 + k * 10 };
          const key = randomUUID();
          const res = await fetch(`${cluster.url}/api/heats/${s.heatId}/results`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}`, 'idempotency-key': key },
            body: JSON.stringify({ results: [{ entryId: s.entryId, timeMs: s.timeMs, status: 'OK' }] }),
          });
          expect(res.status, await res.text()).toBe(200);
          quiet.push({ key, s, version: 0 });
        }
        const acks = acked - before;
        await redis.start();
        windows.push({ kind: 'redis down', from, to: Date.now(), acks });
        // PostgreSQL is the source of truth: writes go on while Redis is away.
        expect(acks, 'results acknowledged while Redis was down').toBeGreaterThan(0);
      } else {
        await pg.stop('immediate');
        const from = Date.now();
        // Consoles are refused with the retryable error, over REST and over the socket alike.
        await expect.poll(() => attempts.filter((a) => a.at > from && a.code === 'unavailable').length, { timeout: 15_000 }).toBeGreaterThan(0);
        for (const url of [cluster.url, ...cluster.hubs.map((h) => h!.url)]) {
          const r = await fetch(`${url}/readyz`);
          const body = (await r.json()) as { status: string; checks: Record<string, string> };
          expect(r.status, `/readyz at ${url} while PostgreSQL is down`).toBe(503);
          expect(body).toMatchObject({ status: 'not_ready', checks: { postgres: 'down' } });
          pgProbes.readyz.push(r.status);
        }
        const key = `chaos-probe-${randomUUID()}`;
        probeKeys.push(key);
        const lane = f.lanes[0]![0]!;
        const res = await fetch(`${cluster.url}/api/heats/${lane.heatId}/results`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}`, 'idempotency-key': key },
          body: JSON.stringify({ results: [{ entryId: lane.entryId, timeMs: 5_000, status: 'OK' }] }),
        });
        expect(res.status).toBe(503);
        const err = ((await res.json()) as { error: { code: string; message: string } }).error;
        expect(err.code).toBe('unavailable');
        expect(err.message).toMatch(/retry/);
        expect(err.message).toMatch(/nothing was saved/);
        pgProbes.refusals++;
        const elapsed = Date.now() - from;
        if (elapsed < PG_DOWN_MS) await sleep(PG_DOWN_MS - elapsed);
        const to = Date.now();
        await pg.start();
        windows.push({ kind: 'postgres down', from, to });
        for (const h of cluster.hubs) {
          await expect.poll(async () => (await fetch(`${h!.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
        }
      }
    }

    const stats = await Promise.all(consoles);
    const elapsedS = (Date.now() - t0) / 1000;
    const acknowledged = [...stats.flatMap((s) => s.acknowledged), ...quiet];
    const submittedAll = [...plans.flat(), ...quiet.map((q) => q.s)];
    expect(stats.flatMap((s) => s.refused), 'no submission refused for good').toEqual([]);
    expect(acknowledged).toHaveLength(submittedAll.length);
    expect(crashes, 'hub processes that died by themselves').toEqual([]);

    // Nothing is acknowledged while PostgreSQL is down (1 s of grace for answers already on the wire).
    const pgWindows = windows.filter((w) => w.kind === 'postgres down');
    const acksWhilePgDown = attempts.filter((a) => a.status === 200 && pgWindows.some((w) => a.at > w.from + 1000 && a.at < w.to));
    expect(acksWhilePgDown).toEqual([]);
    // The hubs never answered 500: outages are 503 `unavailable` (or nginx's 502/503 for a dead process).
    const internal = attempts.filter((a) => a.status === 500 || a.code === 'internal');
    expect(internal).toEqual([]);

    // Exactly once: per entry, the stored values (current + every earlier revision) are the acknowledged times.
    const entries = submittedAll.map((s) => s.entryId);
    const stored = await sql<{ entryId: number; timeMs: number }[]>`
      SELECT entry_id AS "entryId", time_ms AS "timeMs" FROM results WHERE entry_id = ANY(${entries})
      UNION ALL
      SELECT r.entry_id, v.time_ms FROM result_revisions v JOIN results r ON r.id = v.result_id WHERE r.entry_id = ANY(${entries})`;
    const key = (e: number, t: number) => `${e}:${t}`;
    const submitted = new Set(submittedAll.map((s) => key(s.entryId, s.timeMs)));
    const ackedValues = new Set(acknowledged.map((a) => key(a.s.entryId, a.s.timeMs)));
    const counts = new Map<string, number>();
    for (const r of stored) counts.set(key(r.entryId, r.timeMs), (counts.get(key(r.entryId, r.timeMs)) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1);
    const phantoms = [...counts.keys()].filter((k) => !submitted.has(k));
    const lost = [...ackedValues].filter((k) => !counts.has(k));
    expect(duplicates).toEqual([]);
    expect(phantoms).toEqual([]);
    expect(lost).toEqual([]);
    // The newest acknowledged time of each entry is its current result (each entry has one writer, in order).
    const current = await sql<{ entryId: number; timeMs: number }[]>`SELECT entry_id AS "entryId", time_ms AS "timeMs" FROM results WHERE entry_id = ANY(${entries})`;
    expect(new Map(current.map((r) => [r.entryId, r.timeMs]))).toEqual(new Map(acknowledged.map((a) => [a.s.entryId, a.s.timeMs])));
    // One audit row and one idempotency record per acknowledged key; the probes while down left none.
    const keys = acknowledged.map((a) => a.key);
    const [audit] = await sql<[{ rows: number; keys: number }]>`
      SELECT count(*)::int AS rows, count(DISTINCT details->>'idempotencyKey')::int AS keys FROM audit_log WHERE details->>'idempotencyKey' = ANY(${keys})`;
    expect(audit).toEqual({ rows: acknowledged.length, keys: acknowledged.length });
    const [idem] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM idempotency_keys WHERE key = ANY(${keys})`;
    expect(idem.n).toBe(acknowledged.length);
    expect(await sql`SELECT key FROM idempotency_keys WHERE key = ANY(${probeKeys}) UNION ALL SELECT details->>'idempotencyKey' FROM audit_log WHERE details->>'idempotencyKey' = ANY(${probeKeys})`).toHaveLength(0);

    // Every viewer, reconnected where its hub died, ends on the database's ranking of every heat.
    await expect.poll(() => viewers.every((v) => v.socket.connected), { timeout: 20_000 }).toBe(true);
    for (const heatId of f.heatIds) {
      const truth = (await loadSnapshot(sql, heatId))!;
      for (const v of viewers) {
        const label = `viewer ${viewers.indexOf(v)} (${v.disconnects} disconnects) on heat ${f.heatIds.indexOf(heatId)}`;
        await expect.poll(() => v.heats.get(heatId)?.version, { timeout: 20_000, message: label }).toBe(truth.version);
        expect(v.heats.get(heatId)!.rows).toEqual(truth.rows);
      }
    }
    // The round ranking comes from the Redis leaderboards, rebuilt after Redis lost them: it matches too.
    const order = (await sql<{ entryId: number }[]>`
      SELECT entry_id AS "entryId" FROM results WHERE heat_id = ANY(${f.heatIds}) AND status = 'OK' ORDER BY time_ms`).map((r) => r.entryId);
    await expect.poll(async () => {
      const r = (await (await fetch(`${cluster.url}/api/events/${f.eventId}/ranking?round=final`)).json()) as { rows: { entryId: number }[] };
      return r.rows.map((x) => x.entryId);
    }, { timeout: 15_000 }).toEqual(order);

    const by = (pred: (a: Attempt) => boolean) => attempts.filter(pred).length;
    reportFigures('chaos', {
      hubs: 3, consoles: CONSOLES, heats: HEATS, viewers: VIEWERS, seconds: elapsedS,
      disruptions: windows.map((w) => ({ kind: w.kind, ms: w.to - w.from, ...(w.acks !== undefined ? { acknowledgedMeanwhile: w.acks } : {}) })),
      submitted: submittedAll.length, acknowledged: acknowledged.length, stored: [...counts.keys()].filter((k) => submitted.has(k)).length,
      duplicates: duplicates.length, lost: lost.length, phantoms: phantoms.length, refusedForGood: 0,
      attempts: attempts.length, retries: stats.reduce((n, s) => n + s.retries, 0),
      refusedUnavailable503: by((a) => a.code === 'unavailable'), proxy5xx: by((a) => a.status >= 502 && a.code === undefined),
      noAnswer: by((a) => a.status === 0), internal500: internal.length, rateLimited: by((a) => a.status === 429),
      acknowledgedWhilePostgresDown: acksWhilePgDown.length, readyzWhilePostgresDown: pgProbes.readyz, hubCrashes: crashes.length,
    });
  }, sized(240_000, 1_800_000));
});
