// Sessions as several hub processes see them: PostgreSQL holds the truth, Redis caches it for every
// process. Each "process" here is an app built on the same database and the same Redis key prefix.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Redis } from 'ioredis';
import { bearer, redisForTest, startTestApp, TEST_PASSWORD, testRedisPrefix, type TestApp } from '../helpers/app.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { redisAvailable } from '../helpers/services.js';
import type { Role } from '../../shared/permissions.js';

const hasRedis = await redisAvailable();

describe.skipIf(!hasRedis)('sessions across hub restarts and processes (PostgreSQL + Redis)', () => {
  let db: TestDb;
  let raw: Redis; // no key prefix: sees every process's keys
  const running = new Set<TestApp>();

  beforeAll(async () => {
    db = await createTestDb();
    raw = redisForTest('');
  });
  afterAll(async () => {
    for (const t of running) await t.close();
    raw.disconnect();
    await db.close();
  });

  async function hub(prefix: string, env?: Record<string, string>): Promise<TestApp> {
    const t = await startTestApp({ db, redis: true, redisPrefix: prefix, env });
    running.add(t);
    return t;
  }
  async function stop(t: TestApp) {
    running.delete(t);
    await t.close();
  }
  const me = async (t: TestApp, token: string) => (await t.app.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode;
  const login = (t: TestApp, role: Role) =>
    t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.users[role].email, password: TEST_PASSWORD } });
  async function sessionIdOf(token: string, t: TestApp): Promise<number> {
    // The token itself is never stored: find the session through the user it resolves to.
    const res = await t.app.inject({ url: '/api/auth/me', headers: bearer(token) });
    const userId = res.json<{ user: { id: number } }>().user.id;
    const [row] = await db.sql<[{ id: number }]>`SELECT id FROM sessions WHERE user_id = ${userId} ORDER BY id DESC LIMIT 1`;
    return row.id;
  }
  async function keysOf(prefix: string, pattern = '*'): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `${prefix}${pattern}`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys;
  }

  it('survives a hub restart', async () => {
    const prefix = testRedisPrefix();
    const first = await hub(prefix);
    const token = await first.login('viewer');
    expect(await me(first, token)).toBe(200);
    await stop(first);

    const second = await hub(prefix);
    expect(await me(second, token)).toBe(200);
    // Even a restart that finds Redis empty (another prefix: nothing cached) keeps it.
    const third = await hub(testRedisPrefix());
    expect(await me(third, token)).toBe(200);
  });

  it('is valid on a second hub process sharing PostgreSQL and Redis', async () => {
    const prefix = testRedisPrefix();
    const [a, b] = [await hub(prefix), await hub(prefix)];
    const token = await a.login('registrar');
    expect(await me(b, token)).toBe(200);
    expect(await me(a, token)).toBe(200);
  });

  it('after logout on one process, is rejected on every process at once', async () => {
    const prefix = testRedisPrefix();
    const [a, b] = [await hub(prefix), await hub(prefix)];
    const token = await a.login('starter');
    // Both processes have resolved (and cached) the session.
    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);
    expect((await b.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(200);
    expect([await me(a, token), await me(b, token)]).toEqual([401, 401]);
    // The cookie carries the same token: refused too.
    expect((await a.app.inject({ url: '/api/auth/me', cookies: { athsys_session: token } })).statusCode).toBe(401);
  });

  it('ends after the idle time without use', async () => {
    const prefix = testRedisPrefix();
    const env = { SESSION_IDLE_HOURS: '0.0003' }; // ~1.1 s
    const [a, b] = [await hub(prefix, env), await hub(prefix, env)];
    const token = await a.login('chief_registrar');
    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);
    const id = await sessionIdOf(token, a);
    // Watch the database clock, not the session: using it would keep it alive.
    await vi.waitFor(
      async () => {
        const [row] = await db.sql<[{ lapsed: boolean }]>`SELECT expires_at <= now() AS lapsed FROM sessions WHERE id = ${id}`;
        expect(row.lapsed).toBe(true);
      },
      { timeout: 15_000, interval: 100 },
    );
    expect([await me(a, token), await me(b, token)]).toEqual([401, 401]);
  });

  it('slides: a use extends the expiry by the idle time', async () => {
    const a = await hub(testRedisPrefix());
    const token = await a.login('athlete');
    const [session] = await db.sql<[{ id: number }]>`
      UPDATE sessions SET last_seen_at = now() - interval '10 minutes', expires_at = now() + interval '1 minute'
      WHERE id = (SELECT id FROM sessions WHERE user_id = ${a.users.athlete.id} ORDER BY id DESC LIMIT 1)
      RETURNING id`;
    expect(await me(a, token)).toBe(200);
    const [row] = await db.sql<[{ leftH: number }]>`
      SELECT extract(epoch FROM expires_at - now()) / 3600 AS "leftH" FROM sessions WHERE id = ${session.id}`;
    expect(row.leftH).toBeGreaterThan(23.9); // 24 h again, not the minute it had left
  });

  it('slides with a short idle time too: steady use outlives the first expiry', async () => {
    const a = await hub(testRedisPrefix(), { SESSION_IDLE_HOURS: '0.0003' }); // ~1.1 s
    const res = await login(a, 'coach');
    const { token, expiresAt } = res.json<{ token: string; expiresAt: string }>();
    const firstExpiry = Date.parse(expiresAt);
    // Use it every 100 ms (a console polling) until well past the expiry it started with.
    while (Date.now() < firstExpiry + 1500) {
      expect(await me(a, token)).toBe(200);
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  it('a suspended user cannot sign in, and their sessions end at once on every process', async () => {
    const prefix = testRedisPrefix();
    const [a, b] = [await hub(prefix), await hub(prefix)];
    const admin = await a.login('admin');
    const userId = a.users.viewer.id;
    const token = await a.login('viewer');
    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);

    const patch = (status: 'active' | 'suspended') =>
      b.app.inject({ method: 'PATCH', url: `/api/users/${userId}`, headers: bearer(admin), payload: { status } });
    try {
      expect((await patch('suspended')).statusCode).toBe(200);
      expect([await me(a, token), await me(b, token)]).toEqual([401, 401]);
      const refused = await login(a, 'viewer');
      expect(refused.statusCode).toBe(403);
      expect(refused.json()).toEqual({ error: { code: 'suspended', message: 'this account is suspended' } });
      expect((await login(b, 'viewer')).statusCode).toBe(403);
    } finally {
      expect((await patch('active')).statusCode).toBe(200);
    }
    // Reactivation does not bring the old session back; a new sign-in works.
    expect(await me(a, token)).toBe(401);
    expect((await login(a, 'viewer')).statusCode).toBe(200);
  });

  it('losing everything in Redis signs nobody out (PostgreSQL is the truth)', async () => {
    // FLUSHALL would also wipe the keys of test files running in parallel on this Redis; deleting every
    // key these two processes own is the same loss as far as they can tell.
    const prefix = testRedisPrefix();
    const [a, b] = [await hub(prefix), await hub(prefix)];
    const token = await a.login('viewer');
    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);
    const before = await keysOf(prefix);
    expect(before.filter((k) => k.startsWith(`${prefix}sess:`))).toHaveLength(1);
    await raw.del(...before);
    expect(await keysOf(prefix)).toEqual([]);

    expect([await me(a, token), await me(b, token)]).toEqual([200, 200]);
    expect(await keysOf(prefix, 'sess:*')).toHaveLength(1); // cached again from PostgreSQL
  });
});
