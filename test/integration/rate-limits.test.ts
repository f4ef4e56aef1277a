// The general request limits: per signed-in user, else per IP; reads counted by each hub process,
// writes by all of them together (Redis). Over the limit: 429 `rate_limited` with Retry-After, and
// nothing stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, testRedisPrefix, type TestApp } from '../helpers/app.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { redisAvailable } from '../helpers/services.js';

const hasRedis = await redisAvailable();
const LIMITS = { RATE_READ_MAX: '5', RATE_WRITE_MAX: '3', RATE_WINDOW_S: '60' };

describe.skipIf(!hasRedis)('general rate limits across two hub processes', () => {
  let db: TestDb;
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    db = await createTestDb();
    const redisPrefix = testRedisPrefix();
    a = await startTestApp({ db, redis: true, redisPrefix, env: LIMITS });
    b = await startTestApp({ db, redis: true, redisPrefix, env: LIMITS });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.close();
  });

  it('refuses the reads over the limit of each process with 429 and Retry-After', async () => {
    const ip = { remoteAddress: '198.51.100.7' };
    for (let i = 0; i < 5; i++) expect((await a.app.inject({ url: '/api/meets', ...ip })).statusCode).toBe(200);
    const over = await a.app.inject({ url: '/api/meets', ...ip });
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    // Another address is not affected; the other process counts its own reads.
    expect((await a.app.inject({ url: '/api/meets', remoteAddress: '198.51.100.8' })).statusCode).toBe(200);
    expect((await b.app.inject({ url: '/api/meets', ...ip })).statusCode).toBe(200);
  });

  it('counts a user\u2019s writes on every process together, and stores nothing over the limit', async () => {
    const token = await a.login('chief_registrar');
    const create = (app: TestApp, name: string) =>
      app.app.inject({ method: 'POST', url: '/api/meets', headers: bearer(token), payload: { name, startDate: '2026-06-01', endDate: '2026-06-01' } });
    expect((await create(a, 'Limit 1')).statusCode).toBe(201);
    expect((await create(b, 'Limit 2')).statusCode).toBe(201);
    // The sign-in was a write of the login route, which has a limiter of its own: not counted here.
    expect((await create(a, 'Limit 3')).statusCode).toBe(201);
    const over = await create(b, 'Limit 4');
    expect(over.statusCode).toBe(429);
    expect(over.json().error.code).toBe('rate_limited');
    const names = await db.sql<{ name: string }[]>`SELECT name FROM meets WHERE name LIKE 'Limit %' ORDER BY name`;
    expect(names.map((m) => m.name)).toEqual(['Limit 1', 'Limit 2', 'Limit 3']);
  });
});
