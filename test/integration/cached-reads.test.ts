// GET /api/heats/:id serves the cached snapshot as stored text: same bytes on a hit as on the miss
// that stored it, JSON content type, fresh after a write, one error shape for a missing heat.
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
])('GET /api/heats/:id (read cache in $stores)', ({ redis }) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ redis });
  });
  afterAll(async () => {
    await t.close();
  });

  it('a hit is the miss byte for byte, as JSON, and follows writes', async () => {
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

  it('a missing heat is a 404 in the one error shape, and is not cached', async () => {
    const res = await t.app.inject({ url: '/api/heats/987654321' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
  });
});
