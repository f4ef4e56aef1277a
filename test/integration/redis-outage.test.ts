// Redis holds derived state only: while it is away, hub processes keep accepting results promptly,
// stay alive, refuse sign-ins with a retryable 503 (never a 500), and afterwards broadcast across
// processes again. Regression test of defects the chaos suite found: a broadcast made while Redis
// was down ended the process (an unhandled rejection in the Socket.IO adapter), and every Redis
// command waited for the next reconnection attempt, stalling writes for the whole outage.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import { ack, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import { REDIS_BIN, startOwnRedis, type OwnRedis } from '../helpers/own-services.js';
import { IN_CI } from '../helpers/services.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';

if (!REDIS_BIN && IN_CI) throw new Error('CI=true but redis-server is missing');

describe.skipIf(!REDIS_BIN)('two hub processes while their Redis is killed and restarted', () => {
  let db: TestDb;
  let redis: OwnRedis;
  let hubs: HubProcess[] = [];
  let viewer: Socket;
  let f: HeatFixture;
  let token: string;

  beforeAll(async () => {
    [db, redis] = await Promise.all([createTestDb(), startOwnRedis()]);
    await ensureRoleUsers(db);
    f = await createHeats(db.sql, { lanes: 8 });
    const env = { DATABASE_URL: db.url, REDIS_URL: redis.url, REDIS_PREFIX: 'outage:' };
    hubs = [await startHub(env)];
    hubs.push(await startHub(env));
    const res = await fetch(`${hubs[0]!.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'starter@test.local', password: TEST_PASSWORD }) });
    token = ((await res.json()) as { token: string }).token;
    viewer = connectLive(hubs[1]!.url);
    await connected(viewer);
    expect(await ack(viewer, 'subscribe', { heatId: f.heatIds[0] })).toMatchObject({ ok: true });
  }, 90_000);
  afterAll(async () => {
    viewer?.disconnect();
    await Promise.all(hubs.map((h) => h.stop('SIGTERM')));
    await redis?.destroy();
    await db?.close();
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

  it('accepts results promptly without Redis, survives it, and broadcasts across processes once it is back', async () => {
    expect((await submit(0, 10_100)).status).toBe(200);
    await redis.stop('SIGKILL');
    // Long enough for ioredis to give up on queued commands several times (an unhandled one ends the process).
    for (let i = 1; i <= 6; i++) {
      const r = await submit(i, 10_100 + i);
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

    await redis.start();
    for (const h of hubs) await expect.poll(async () => (await fetch(`${h.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
    // The viewer on the other process hears the next write again (the adapter resubscribed).
    const update = nextEvent<HeatSnapshot>(viewer, 'heat:update', (s) => s.rows.some((r) => r.timeMs === 10_200));
    const r = await submit(7, 10_200);
    expect(r.status).toBe(200);
    expect((await update).version).toBe(r.body.version);
    for (const h of hubs) expect(h.child.exitCode, h.output().slice(-3000)).toBeNull();
  });
});
