import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { ack, connectConsole, connected, connectError, connectLive, nextEvent } from '../helpers/sockets.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Ack } from '../../shared/schemas/common.js';
import type { Standings } from '../../shared/schemas/live.js';
import { loadSnapshot } from '../../server/results/snapshot.js';

describe('live namespaces (/live, /console)', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  const track = (s: Socket) => (sockets.push(s), s);
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  it('pushes heat:update with places, display times and a newer version to heat, event and meet rooms', async () => {
    const f = await createHeats(t.db.sql, { lanes: 4 });
    const heatId = f.heatIds[0]!;
    const viewers = [track(connectLive(t.url)), track(connectLive(t.url)), track(connectLive(t.url))];
    await Promise.all(viewers.map(connected));
    const subs = await Promise.all([
      ack<Ack<HeatSnapshot>>(viewers[0]!, 'subscribe', { heatId }),
      ack<Ack<{ heats: HeatSnapshot[] }>>(viewers[1]!, 'subscribe', { eventId: f.eventId }),
      ack<Ack<{ heats: unknown[]; standings: Standings }>>(viewers[2]!, 'subscribe', { meetId: f.meetId }),
    ]);
    expect(subs.every((s) => s.ok)).toBe(true);
    const first = subs[0]!.ok ? subs[0]!.data : null;
    expect(first?.rows).toHaveLength(4);
    expect(first?.rows.every((r) => r.status === null)).toBe(true);

    const starter = track(connectConsole(t.url, await t.login('starter')));
    await connected(starter);
    const updates = viewers.map((v) => nextEvent<HeatSnapshot>(v, 'heat:update', (s) => s.heatId === heatId));
    const [a, b, c, d] = f.lanes[0]!;
    const res = await ack<Ack<{ version: number }>>(starter, 'result:submit', {
      idempotencyKey: randomUUID(), heatId, windMps: 0.3,
      results: [
        { entryId: a!.entryId, timeMs: 10_031, status: 'OK' },
        { entryId: b!.entryId, timeMs: 9_991, status: 'OK' },
        { entryId: c!.entryId, timeMs: 10_031, status: 'OK' },
        { entryId: d!.entryId, status: 'DNF' },
      ],
    });
    expect(res).toMatchObject({ ok: true });
    const version = res.ok ? res.data.version : 0;
    for (const snap of await Promise.all(updates)) {
      expect(snap.version).toBe(version);
      expect(snap.version).toBeGreaterThan(first!.version);
      expect(snap.rows.map((r) => [r.place, r.lane, r.time, r.status])).toEqual([
        [1, 2, '10.00', 'OK'], [2, 1, '10.04', 'OK'], [2, 3, '10.04', 'OK'], [null, 4, null, 'DNF'],
      ]);
    }
  });

  it('sends standings:update to the meet room when a final goes official', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const viewer = track(connectLive(t.url));
    await connected(viewer);
    await ack(viewer, 'subscribe', { meetId: f.meetId });
    const chief = track(connectConsole(t.url, await t.login('chief_registrar')));
    await connected(chief);
    await ack(chief, 'result:submit', { idempotencyKey: randomUUID(), heatId: f.heatIds[0], results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_000, status: 'OK' }] });
    const standings = nextEvent<Standings>(viewer, 'standings:update', (s) => s.meetId === f.meetId);
    expect(await ack(chief, 'heat:status', { idempotencyKey: randomUUID(), heatId: f.heatIds[0], status: 'official' })).toMatchObject({ ok: true });
    const st = await standings;
    expect(st.rows[0]).toMatchObject({ team: f.lanes[0]![0]!.country, points: 10, rank: 1 });
  });

  it('refuses bad payloads by acknowledgement, naming the field', async () => {
    const viewer = track(connectLive(t.url));
    await connected(viewer);
    expect(await ack(viewer, 'subscribe', { heatId: 'x' })).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'heatId' } });
    expect(await ack(viewer, 'subscribe', { heatId: 99_999_999 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ack(viewer, 'subscribe', { __proto__: { heatId: 1 } })).toMatchObject({ ok: false });
    const starter = track(connectConsole(t.url, await t.login('starter')));
    await connected(starter);
    expect(await ack(starter, 'result:submit', { idempotencyKey: randomUUID(), heatId: 1, results: [{ entryId: 1, status: 'DQ' }] }))
      .toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'results.0.dqRule' } });
    expect(await ack(starter, 'result:submit', 'garbage')).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('enforces the permission table on the console namespace', async () => {
    expect(await connectError(track(connectConsole(t.url)))).toMatch(/unauthorized/);
    expect(await connectError(track(connectConsole(t.url, 'A'.repeat(43))))).toMatch(/unauthorized/);
    for (const role of ['viewer', 'coach', 'athlete', 'registrar'] as const) {
      expect(await connectError(track(connectConsole(t.url, await t.login(role))))).toMatch(/forbidden/);
    }
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const heatId = f.heatIds[0]!;
    // A /live socket has no write events at all: emitting one is ignored, nothing is stored.
    const viewer = track(connectLive(t.url));
    await connected(viewer);
    viewer.emit('result:submit', { idempotencyKey: randomUUID(), heatId, results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 1, status: 'OK' }] });
    const starter = track(connectConsole(t.url, await t.login('starter')));
    await connected(starter);
    expect(await ack(starter, 'heat:status', { idempotencyKey: randomUUID(), heatId, status: 'official' })).toMatchObject({ ok: true });
    expect(await ack(starter, 'heat:status', { idempotencyKey: randomUUID(), heatId, status: 'reopen' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const admin = track(connectConsole(t.url, await t.login('admin')));
    await connected(admin);
    expect(await ack(admin, 'heat:status', { idempotencyKey: randomUUID(), heatId, status: 'reopen' })).toMatchObject({ ok: true });
    expect(await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${heatId}`).toHaveLength(0);
  });

  it('stops a console from writing once its session is revoked', async () => {
    const token = await t.login('starter');
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const s = track(connectConsole(t.url, token));
    await connected(s);
    await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) });
    expect(await ack(s, 'result:submit', { idempotencyKey: randomUUID(), heatId: f.heatIds[0], results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 1000, status: 'OK' }] }))
      .toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('a viewer that reconnects resubscribes and converges to the database', async () => {
    const f = await createHeats(t.db.sql, { lanes: 3 });
    const heatId = f.heatIds[0]!;
    const viewer = track(connectLive(t.url));
    let shown: HeatSnapshot | null = null;
    // What a display does: (re)subscribe on every connect, keep only newer versions.
    const apply = (s: HeatSnapshot) => {
      if (!shown || s.version > shown.version) shown = s;
    };
    viewer.on('heat:update', apply);
    viewer.on('connect', () => void ack<Ack<HeatSnapshot>>(viewer, 'subscribe', { heatId }).then((r) => r.ok && apply(r.data)));
    await connected(viewer);
    const starter = track(connectConsole(t.url, await t.login('starter')));
    await connected(starter);
    viewer.io.engine.close(); // the network drops
    for (const [i, l] of f.lanes[0]!.entries()) {
      await ack(starter, 'result:submit', { idempotencyKey: randomUUID(), heatId, results: [{ entryId: l.entryId, timeMs: 10_500 - i * 100, status: 'OK' }] });
    }
    await t.app.hub.publisher.idle();
    const truth = (await loadSnapshot(t.db.sql, heatId))!;
    await expect.poll(() => shown?.version, { timeout: 10_000 }).toBe(truth.version);
    expect(shown!.rows).toEqual(truth.rows);
  });
});
