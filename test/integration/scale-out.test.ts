import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { TEST_HUB_ENV } from '../helpers/hub-process.js';
import { ack, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import { redisAvailable, REDIS_URL } from '../helpers/services.js';
import { runRestConsole, type Submission } from '../helpers/console-client.js';
import { TestViewer } from '../helpers/viewer.js';
import { startCluster, type Cluster } from '../../scripts/cluster/cluster.js';
import { NGINX_BIN } from '../../scripts/cluster/nginx.js';
import { loadSnapshot } from '../../server/results/snapshot.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import { IN_CI } from '../helpers/services.js';

const hasRedis = await redisAvailable();
if (!NGINX_BIN && IN_CI) throw new Error('CI=true but nginx is missing: .ci/run must apt-get install nginx');
if (!NGINX_BIN) console.warn('Scale-out suite skipped: no nginx (apt-get install -y nginx).');

describe.skipIf(!hasRedis || !NGINX_BIN)('three hub processes behind nginx', () => {
  let db: TestDb;
  let cluster: Cluster;
  const sockets: Socket[] = [];
  const track = (s: Socket) => (sockets.push(s), s);

  beforeAll(async () => {
    db = await createTestDb();
    await ensureRoleUsers(db);
    cluster = await startCluster({
      hubs: 3,
      env: { ...TEST_HUB_ENV, DATABASE_URL: db.url, REDIS_URL: `${REDIS_URL}/12`, REDIS_PREFIX: `so${randomBytes(3).toString('hex')}:` },
    });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await cluster?.stop();
    await db?.close();
  });

  const login = async (role = 'starter') => {
    const res = await fetch(`${cluster.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${role}@test.local`, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };
  const expectConverged = async (viewers: TestViewer[], f: HeatFixture) => {
    for (const heatId of f.heatIds) {
      const truth = (await loadSnapshot(db.sql, heatId))!;
      for (const v of viewers) {
        await expect.poll(() => v.heats.get(heatId)?.version, { timeout: 15_000 }).toBe(truth.version);
        expect(v.heats.get(heatId)!.rows).toEqual(truth.rows);
      }
    }
  };

  it('delivers results across processes to WebSocket and polling-only viewers (sticky polling)', async () => {
    const f = await createHeats(db.sql, { lanes: 2 });
    const heatId = f.heatIds[0]!;
    const viewers = [
      track(connectLive(cluster.url, { transports: ['websocket'] })),
      track(connectLive(cluster.url, { transports: ['polling'] })),
      track(connectLive(cluster.url, { transports: ['polling'] })),
      track(connectLive(cluster.url, { transports: ['polling'] })),
    ];
    await Promise.all(viewers.map(connected));
    for (const v of viewers) expect(await ack(v, 'subscribe', { heatId })).toMatchObject({ ok: true });
    const nodes = new Set(await Promise.all(viewers.map(async (v) => (await ack<{ data: { node: string } }>(v, 'time:now', undefined)).data.node)));
    const updates = viewers.map((v) => nextEvent<HeatSnapshot>(v, 'heat:update', (s) => s.heatId === heatId));
    const token = await login();
    const res = await fetch(`${cluster.url}/api/heats/${heatId}/results`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_001, status: 'OK' }] }),
    });
    expect(res.status).toBe(200);
    for (const u of await Promise.all(updates)) expect(u.rows[0]).toMatchObject({ place: 1, time: '10.01' });
    // Polling viewers kept their sessions across many requests: stickiness held.
    expect(viewers.every((v) => v.connected)).toBe(true);
    expect(nodes.size).toBeGreaterThanOrEqual(1);
  });

  it('SIGKILL of a hub mid-stream: every submission stored exactly once, every viewer ends on the database ranking', async () => {
    const f = await createHeats(db.sql, { heats: 4, lanes: 8 });
    const viewers = Array.from({ length: 4 }, () => new TestViewer(track(connectLive(cluster.url)), f.eventId));
    await Promise.all(viewers.map((v) => connected(v.socket)));
    const tokens = await Promise.all(f.heatIds.map(() => login()));
    // Console i owns heat i and sends 24 timing corrections over its 8 lanes (each one a new value).
    const plans: Submission[][] = f.lanes.map((lanes) => Array.from({ length: 24 }, (_, k) => ({ heatId: lanes[0]!.heatId, entryId: lanes[k % 8]!.entryId, timeMs: 10_000 + k * 7 + (k % 8) })));
    const consoles = plans.map((plan, i) => runRestConsole(() => cluster.url, tokens[i]!, plan, { pauseMs: 15 }));
    await expect.poll(async () => Number((await db.sql`SELECT count(*)::int AS n FROM audit_log WHERE action LIKE 'results.%'`)[0]!.n), { timeout: 20_000, interval: 50 }).toBeGreaterThan(20);
    await cluster.stopHub(1, 'SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await cluster.startHub(1);
    const stats = await Promise.all(consoles);
    expect(stats.flatMap((s) => s.refused)).toEqual([]);
    expect(stats.flatMap((s) => s.acknowledged)).toHaveLength(96);
    // Exactly once: one audit row per idempotency key, and one revision per submitted value.
    const keys = stats.flatMap((s) => s.acknowledged.map((a) => a.key));
    const audited = await db.sql<{ key: string; n: number }[]>`
      SELECT details->>'idempotencyKey' AS key, count(*)::int AS n FROM audit_log
      WHERE action LIKE 'results.%' AND details->>'idempotencyKey' = ANY(${keys}) GROUP BY 1`;
    expect(audited).toHaveLength(96);
    expect(audited.every((a) => a.n === 1)).toBe(true);
    const revisions = await db.sql<{ revision: number }[]>`SELECT revision FROM results WHERE heat_id = ANY(${f.heatIds})`;
    expect(revisions.map((r) => r.revision)).toEqual(Array(32).fill(3));
    await expectConverged(viewers, f);
  });

  it('SIGTERM: the hub exits 0, its viewers reconnect to another process, no acknowledged write is lost', async () => {
    const f = await createHeats(db.sql, { heats: 2, lanes: 8 });
    const viewers = Array.from({ length: 9 }, () => new TestViewer(track(connectLive(cluster.url)), f.eventId));
    await Promise.all(viewers.map((v) => connected(v.socket)));
    const nodes = await Promise.all(viewers.map((v) => v.node()));
    const pids = cluster.hubs.map((h) => h?.child.pid);
    const counts = pids.map((pid) => nodes.filter((n) => n.endsWith(`:${pid}`)).length);
    const victim = counts.indexOf(Math.max(...counts));
    const onVictim = viewers.filter((_, i) => nodes[i]!.endsWith(`:${pids[victim]}`));
    expect(onVictim.length).toBeGreaterThan(0);

    const tokens = await Promise.all(f.heatIds.map(() => login()));
    const consoles = f.lanes.map((lanes, i) =>
      runRestConsole(() => cluster.url, tokens[i]!, Array.from({ length: 16 }, (_, k) => ({ heatId: lanes[0]!.heatId, entryId: lanes[k % 8]!.entryId, timeMs: 20_000 + k })), { pauseMs: 20 }));
    await new Promise((r) => setTimeout(r, 150));
    const code = await cluster.stopHub(victim, 'SIGTERM');
    expect(code).toBe(0);
    const stats = await Promise.all(consoles);
    const acknowledged = stats.flatMap((s) => s.acknowledged);
    expect(acknowledged).toHaveLength(32);
    for (const a of acknowledged) {
      const [row] = await db.sql`SELECT 1 FROM audit_log WHERE details->>'idempotencyKey' = ${a.key}`;
      expect(row, `acknowledged ${a.key} is stored`).toBeDefined();
    }
    for (const v of onVictim) {
      expect(v.disconnects).toBeGreaterThan(0);
      await expect.poll(() => v.socket.connected, { timeout: 15_000 }).toBe(true);
      expect(await v.node()).not.toMatch(new RegExp(`:${pids[victim]}$`));
    }
    await expectConverged(viewers, f);
    await cluster.startHub(victim);
  });
});
