// The hottest public reads (GET /api/heats/:id, GET /api/meets/:id/events) send a cached response as
// the stored text: same bytes on a hit as on the miss that stored it, JSON content type, fresh after
// a write, one error shape for what is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { redisAvailable } from '../helpers/services.js';
import { loadSnapshot } from '../../server/results/snapshot.js';

const hasRedis = await redisAvailable();

describe.each([
  { stores: 'memory', redis: false },
  ...(hasRedis ? [{ stores: 'redis', redis: true }] : []),
])('cached public reads (read cache in $stores)', ({ redis }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ redis });
  });
  afterAll(async () => {
    await t.close();
  });

  it('heat snapshot: a hit is the miss byte for byte, as JSON, and follows writes', async () => {
    const f = await createHeats(t.db.sql, { lanes: 3 });
    const heatId = f.heatIds[0]!;
    const url = `/api/heats/${heatId}`;
    const miss = await t.app.inject({ url });
    const hit = await t.app.inject({ url });
    expect(miss.statusCode).toBe(200);
    expect(miss.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.body).toBe(miss.body);
    expect(miss.json()).toEqual(await loadSnapshot(t.db.sql, heatId));

    const starter = await t.login('starter');
    const res = await t.app.inject({
      method: 'POST', url: `${url}/results`, headers: { ...bearer(starter), 'idempotency-key': randomUUID() },
      payload: { results: [{ entryId: f.lanes[0]![1]!.entryId, timeMs: 10_010, status: 'OK' }] },
    });
    expect(res.statusCode).toBe(200);
    const after = (await t.app.inject({ url })).json();
    expect(after.version).toBe(res.json().version);
    expect(after.rows[0]).toMatchObject({ entryId: f.lanes[0]![1]!.entryId, place: 1, time: '10.01' });
  });

  it('a missing heat or meet is a 404 in the one error shape', async () => {
    for (const url of ['/api/heats/987654321', '/api/meets/987654321/events']) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    }
  });

  it('meet schedule: a hit is the miss byte for byte, as JSON, and follows a new event', async () => {
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const url = `/api/meets/${f.meetId}/events`;
    const miss = await t.app.inject({ url });
    const hit = await t.app.inject({ url });
    expect(miss.statusCode).toBe(200);
    expect(hit.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(hit.body).toBe(miss.body);
    expect(miss.json().map((e: { id: number }) => e.id)).toEqual([f.eventId]);
    const chief = await t.login('chief_registrar');
    const created = await t.app.inject({ method: 'POST', url, headers: bearer(chief), payload: { discipline: '200m', name: 'Men 200m', gender: 'M', kind: 'track' } });
    expect(created.statusCode, created.body).toBe(201);
    expect((await t.app.inject({ url })).json().map((e: { id: number }) => e.id)).toEqual([f.eventId, created.json().id]);
  });
});
