import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { ack, connectConsole, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Ack } from '../../shared/schemas/common.js';

describe('the live pipeline in embedded mode (PGlite, in-memory stores, one process)', () => {
  let t: TestApp;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startTestApp({ forceEmbedded: true });
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  it('runs a heat from start list to official: console writes, viewer updates, ranking and standings', async () => {
    expect(t.db.kind).toBe('pglite');
    expect(t.redis).toBeUndefined();
    const f = await createHeats(t.db.sql, { lanes: 3 });
    const heatId = f.heatIds[0]!;
    const viewer = connectLive(t.url);
    const starter = connectConsole(t.url, await t.login('starter'));
    sockets.push(viewer, starter);
    await Promise.all([connected(viewer), connected(starter)]);
    expect(await ack<Ack<HeatSnapshot>>(viewer, 'subscribe', { heatId })).toMatchObject({ ok: true });

    const started = nextEvent<HeatSnapshot>(viewer, 'heat:update', (s) => s.status === 'started');
    expect(await ack(starter, 'heat:status', { idempotencyKey: randomUUID(), heatId, status: 'started' })).toMatchObject({ ok: true });
    expect((await started).startedAt).not.toBeNull();

    const ranked = nextEvent<HeatSnapshot>(viewer, 'heat:update', (s) => s.rows.every((r) => r.status !== null));
    const [a, b, c] = f.lanes[0]!;
    const key = randomUUID();
    const body = { idempotencyKey: key, heatId, windMps: -0.4, results: [
      { entryId: a!.entryId, timeMs: 9_580, status: 'OK' }, { entryId: b!.entryId, timeMs: 9_580, status: 'OK' }, { entryId: c!.entryId, status: 'DNS' },
    ] };
    const first = await ack(starter, 'result:submit', body);
    expect(await ack(starter, 'result:submit', body)).toEqual(first);
    expect((await ranked).rows.map((r) => [r.place, r.time, r.status])).toEqual([[1, '9.58', 'OK'], [1, '9.58', 'OK'], [null, null, 'DNS']]);

    expect(await ack(starter, 'heat:status', { idempotencyKey: randomUUID(), heatId, status: 'official' })).toMatchObject({ ok: true });
    await t.app.hub.publisher.idle();
    const ranking = (await t.app.inject({ url: `/api/events/${f.eventId}/ranking?round=final` })).json<{ rows: { rank: number | null }[] }>();
    expect(ranking.rows.map((r) => r.rank)).toEqual([1, 1, null]);
    const standings = (await t.app.inject({ url: `/api/meets/${f.meetId}/standings` })).json<{ rows: { points: number }[] }>();
    // Two tied winners share the points of places 1 and 2: (10 + 8) / 2 each.
    expect(standings.rows.map((r) => r.points)).toEqual(a!.country === b!.country ? [18] : [9, 9]);
    expect(await t.db.sql`SELECT count(*)::int AS n FROM results WHERE heat_id = ${heatId}`).toEqual([{ n: 3 }]);
  });
});
