// Redis holds derived state only: while it is away, hub processes keep accepting results promptly,
// stay alive, refuse sign-ins with a retryable 503 (never a 500), and afterwards broadcast across
// processes again. Regression test of defects the chaos suite found: a broadcast made while Redis
// was down ended the process (an unhandled rejection in the Socket.IO adapter), and every Redis
// command waited for the next reconnection attempt, stalling writes for the whole outage; and viewers
// on other processes never heard of writes made during the outage until the heat changed again (also
// when PostgreSQL is down at the moment Redis returns). The hubs use a PostgreSQL of the test's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createSql, type Sql } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import { ack, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import { PG_BIN, REDIS_BIN, startOwnPostgres, startOwnRedis, type OwnPostgres, type OwnRedis } from '../helpers/own-services.js';
import { IN_CI } from '../helpers/services.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';

if ((!REDIS_BIN || !PG_BIN) && IN_CI) throw new Error('CI=true but redis-server or the PostgreSQL server binaries are missing');

describe.skipIf(!REDIS_BIN || !PG_BIN)('two hub processes while their Redis is killed and restarted', () => {
  let pg: OwnPostgres;
  let sql: Sql;
  let redis: OwnRedis;
  let hubs: HubProcess[] = [];
  let viewer: Socket;
  let f: HeatFixture;
  let token: string;
  /** The newest version the viewer on the second process has been sent. */
  let shown = 0;

  beforeAll(async () => {
    [pg, redis] = await Promise.all([startOwnPostgres(), startOwnRedis()]);
    sql = createSql({ url: pg.url, max: 2 });
    await migrate(sql);
    await ensureRoleUsers({ sql, url: pg.url, kind: 'postgres', close: async () => {} });
    f = await createHeats(sql, { lanes: 8 });
    const env = { DATABASE_URL: pg.url, REDIS_URL: redis.url, REDIS_PREFIX: 'outage:' };
    hubs = [await startHub(env)];
    hubs.push(await startHub(env));
    const res = await fetch(`${hubs[0]!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'starter@test.local', password: TEST_PASSWORD }) });
    token = ((await res.json()) as { token: string }).token;
    viewer = connectLive(hubs[1]!.url);
    viewer.on('heat:update', (s: HeatSnapshot) => (shown = Math.max(shown, s.version)));
    await connected(viewer);
    expect(await ack(viewer, 'subscribe', { heatId: f.heatIds[0] })).toMatchObject({ ok: true });
  }, 90_000);
  afterAll(async () => {
    viewer?.disconnect();
    await Promise.all(hubs.map((h) => h.stop('SIGTERM')));
    await sql?.end({ timeout: 5 });
    await Promise.all([redis?.destroy(), pg?.destroy()]);
  });

  const submit = async (lane: number, timeMs: number) => {
    const t0 = Date.now();
    const res = await fetch(`${hubs[0]!.url}/api/heats/${f.heatIds[0]}/results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ results: [{ entryId: f.lanes[0]![lane]!.entryId, timeMs, status: 'OK' }] }),
      signal: AbortSignal.timeout(10_000),
    }).catch((err: Error) => {
      throw new Error(`no answer (${err.message}); the hub said:\n${hubs[0]!.output().slice(-3000)}`);
    });
    return { status: res.status, ms: Date.now() - t0, body: (await res.json()) as { version?: number; error?: { code: string } } };
  };

  it('accepts results promptly without Redis, survives it, catches viewers up and broadcasts across processes once it is back', async () => {
    const first = await submit(0, 10_100);
    expect(first.status).toBe(200);
    await expect.poll(() => shown).toBe(first.body.version);
    await redis.stop('SIGKILL');
    // Long enough for ioredis to give up on queued commands several times (an unhandled one ends the process).
    let last = first;
    for (let i = 1; i <= 6; i++) {
      const r = (last = await submit(i, 10_100 + i));
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      expect(r.ms, 'a write must not wait for Redis').toBeLessThan(1500);
      await new Promise((r) => setTimeout(r, 300));
    }
    // Reads are served from PostgreSQL.
    expect((await fetch(`${hubs[1]!.url}/api/heats/${f.heatIds[0]}`)).status).toBe(200);
    // Sign-in needs the shared failure counters: refused as retryable, never a 500.
    const login = await fetch(`${hubs[0]!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'starter@test.local', password: TEST_PASSWORD }) });
    expect(login.status).toBe(503);
    expect(((await login.json()) as { error: { code: string } }).error.code).toBe('unavailable');
    const ready = await fetch(`${hubs[0]!.url}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ checks: { postgres: 'ok', redis: 'down' } });
    for (const h of hubs) expect(h.child.exitCode, h.output().slice(-3000)).toBeNull();

    // The viewer on the other process missed the writes made during the outage.
    expect(shown).toBeLessThan(last.body.version!);
    await redis.start();
    for (const h of hubs) await expect.poll(async () => (await fetch(`${h.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
    // The viewer on the other process is caught up without waiting for the heat's next change.
    await expect.poll(() => shown, { timeout: 10_000 }).toBe(last.body.version);
    // The viewer on the other process hears the next write again (the adapter resubscribed).
    const update = nextEvent<HeatSnapshot>(viewer, 'heat:update', (s) => s.rows.some((r) => r.timeMs === 10_200));
    const r = await submit(7, 10_200);
    expect(r.status).toBe(200);
    expect((await update).version).toBe(r.body.version);
    for (const h of hubs) expect(h.child.exitCode, h.output().slice(-3000)).toBeNull();
  });

  it('catches viewers up when Redis comes back while PostgreSQL is still down', async () => {
    await redis.stop('SIGKILL');
    const r = await submit(0, 11_000);
    expect(r.status).toBe(200);
    await pg.stop('immediate');
    await redis.start();
    // The hubs reconnect to Redis; their catch-up reads fail against PostgreSQL for now.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(shown).toBeLessThan(r.body.version!);
    await pg.start();
    await expect.poll(() => shown, { timeout: 15_000 }).toBe(r.body.version);
    for (const h of hubs) expect(h.child.exitCode, h.output().slice(-3000)).toBeNull();
  });
});
