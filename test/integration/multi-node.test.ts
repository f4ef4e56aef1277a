import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { Redis } from 'ioredis';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import { ack, connectConsole, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import { redisAvailable, REDIS_URL } from '../helpers/services.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Ack } from '../../shared/schemas/common.js';
import type { Standings } from '../../shared/schemas/live.js';
import { loadSnapshot } from '../../server/results/snapshot.js';

const hasRedis = await redisAvailable();

describe.skipIf(!hasRedis)('several hub processes through the Redis adapter', () => {
  let db: TestDb;
  let a: HubProcess;
  let b: HubProcess;
  const REDIS_DB = 11; // a database of its own: this suite flushes it
  const sockets: Socket[] = [];
  const track = (s: Socket) => (sockets.push(s), s);
  let env: Record<string, string>;

  beforeAll(async () => {
    db = await createTestDb();
    await ensureRoleUsers(db);
    env = { DATABASE_URL: db.url, REDIS_URL: `${REDIS_URL}/${REDIS_DB}`, REDIS_PREFIX: `mn${randomBytes(3).toString('hex')}:` };
    [a, b] = await Promise.all([startHub(env), startHub(env)]);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await Promise.all([a?.stop(), b?.stop()]);
    await db?.close();
  });

  const login = async (hub: HubProcess, role: string) => {
    const res = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: `${role}@test.local`, password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { token: string }).token;
  };

  it('a viewer on process B receives heat:update for a result submitted on process A', async () => {
    const f = await createHeats(db.sql, { lanes: 3 });
    const heatId = f.heatIds[0]!;
    const viewer = track(connectLive(b.url));
    await connected(viewer);
    const sub = await ack<Ack<HeatSnapshot>>(viewer, 'subscribe', { heatId });
    expect(sub.ok).toBe(true);
    const starter = track(connectConsole(a.url, await login(a, 'starter')));
    await connected(starter);
    const update = nextEvent<HeatSnapshot>(viewer, 'heat:update', (s) => s.heatId === heatId);
    const [l1, l2, l3] = f.lanes[0]!;
    const res = await ack<Ack<{ version: number }>>(starter, 'result:submit', {
      idempotencyKey: randomUUID(), heatId,
      results: [{ entryId: l1!.entryId, timeMs: 45_321, status: 'OK' }, { entryId: l2!.entryId, timeMs: 44_999, status: 'OK' }, { entryId: l3!.entryId, status: 'DQ', dqRule: 'TR17.2.3' }],
    });
    expect(res.ok).toBe(true);
    const snap = await update;
    expect(snap.version).toBe(res.ok ? res.data.version : -1);
    expect(snap.rows.map((r) => [r.place, r.lane, r.time, r.status])).toEqual([[1, 2, '45.00', 'OK'], [2, 1, '45.33', 'OK'], [null, 3, null, 'DQ']]);
  });

  it('a session from process A is valid on B and a logout on B ends it on A at once', async () => {
    const token = await login(a, 'starter');
    const me = (hub: HubProcess) => fetch(`${hub.url}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);
    expect(await me(a)).toBe(200);
    expect(await me(b)).toBe(200);
    expect((await fetch(`${b.url}/api/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect(await me(a)).toBe(401);
  });

  it('the same idempotency key sent concurrently to both processes stores one result', async () => {
    const f = await createHeats(db.sql, { lanes: 1 });
    const heatId = f.heatIds[0]!;
    const key = randomUUID();
    const body = JSON.stringify({ results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_000, status: 'OK' }] });
    const [ta, tb] = await Promise.all([login(a, 'starter'), login(b, 'starter')]);
    const send = (hub: HubProcess, token: string) =>
      fetch(`${hub.url}/api/heats/${heatId}/results`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': key }, body });
    const answers = await Promise.all([send(a, ta), send(b, tb), send(a, ta), send(b, tb)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    expect(new Set(await Promise.all(answers.map((r) => r.text()))).size).toBe(1);
    expect(await db.sql`SELECT revision FROM results WHERE heat_id = ${heatId}`).toEqual([{ revision: 1 }]);
  });

  it('after FLUSHDB of Redis, snapshots, round rankings and standings are complete and correct', async () => {
    const f = await createHeats(db.sql, { lanes: 4, pointsScheme: [10, 8, 6, 5] });
    const heatId = f.heatIds[0]!;
    const token = await login(a, 'chief_registrar');
    const post = (path: string, body: unknown) =>
      fetch(`${a.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() }, body: JSON.stringify(body) });
    const times = [10_100, 10_050, 10_300, 10_200];
    expect((await post(`/api/heats/${heatId}/results`, { results: f.lanes[0]!.map((l, i) => ({ entryId: l.entryId, timeMs: times[i], status: 'OK' })) })).status).toBe(200);
    expect((await post(`/api/heats/${heatId}/status`, { status: 'official' })).status).toBe(200);
    const read = async (hub: HubProcess) => ({
      snap: (await (await fetch(`${hub.url}/api/heats/${heatId}`)).json()) as HeatSnapshot,
      ranking: (await (await fetch(`${hub.url}/api/events/${f.eventId}/ranking?round=final`)).json()) as { rows: { entryId: number; rank: number }[] },
      standings: (await (await fetch(`${hub.url}/api/meets/${f.meetId}/standings`)).json()) as Standings,
    });
    await expect.poll(async () => (await read(b)).standings.rows.length, { timeout: 10_000 }).toBe(4);
    const before = await read(b);
    const redis = new Redis(`${REDIS_URL}/${REDIS_DB}`);
    await redis.flushdb();
    redis.disconnect();
    const after = await read(b);
    expect(after.snap).toEqual(before.snap);
    expect(after.snap).toEqual(await loadSnapshot(db.sql, heatId));
    expect(after.ranking.rows.map((r) => [r.entryId, r.rank])).toEqual(f.lanes[0]!.map((l, i) => [l.entryId, [2, 1, 4, 3][i]]).sort((x, y) => x[1]! - y[1]!));
    expect(after.standings.rows).toEqual(before.standings.rows);
    expect(after.standings.rows.map((r) => r.points).sort((x, y) => y - x)).toEqual([10, 8, 6, 5]);
  });
});
