// Failed sign-ins: 10 per 5 minutes per client IP and per account (RATE_LOGIN_MAX, RATE_LOGIN_WINDOW_S),
// then every attempt is refused with 429, the right password included. Run once with the in-memory
// counters (embedded single node) and once with Redis (several hub processes).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { startTestApp, TEST_PASSWORD, testRedisPrefix, type TestApp } from '../helpers/app.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { redisAvailable } from '../helpers/services.js';

const hasRedis = await redisAvailable();
const LIMIT = 10;

interface Attempt {
  email: string;
  password?: string;
  /** The TCP peer. */
  ip: string;
  forwardedFor?: string;
}

function attempt(t: TestApp, a: Attempt): Promise<LightMyRequestResponse> {
  return t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    remoteAddress: a.ip,
    headers: a.forwardedFor ? { 'x-forwarded-for': a.forwardedFor } : {},
    payload: { email: a.email, password: a.password ?? 'wrong-password-123' },
  });
}

function expectBlocked(res: LightMyRequestResponse) {
  expect(res.statusCode).toBe(429);
  expect(res.json().error.code).toBe('rate_limited');
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(300);
}

for (const mode of [
  { label: 'in-memory counters', redis: false },
  { label: 'Redis counters', redis: true },
]) {
  describe.skipIf(mode.redis && !hasRedis)(`login limiter with ${mode.label}`, () => {
    let t: TestApp;
    const prefix = testRedisPrefix();
    beforeAll(async () => {
      t = await startTestApp({ redis: mode.redis, redisPrefix: prefix });
    });
    afterAll(async () => {
      await t.close();
    });

    async function audit(action: string, where: { ip?: string; email?: string }) {
      return t.db.sql<{ ip: string; email: string; reason: string | null }[]>`
        SELECT ip, details->>'email' AS email, details->>'reason' AS reason FROM audit_log
        WHERE action = ${action}
          AND (${where.ip ?? null}::text IS NULL OR ip = ${where.ip ?? null})
          AND (${where.email ?? null}::text IS NULL OR lower(details->>'email') = lower(${where.email ?? null}))`;
    }

    it('refuses the 11th failed sign-in from one IP with 429 and Retry-After, and then the right password too', async () => {
      const ip = '203.0.113.10';
      for (let i = 0; i < LIMIT; i++) {
        const res = await attempt(t, { ip, email: i === 0 ? t.users.starter.email : `nobody${i}@ip.test` });
        expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
      }
      expectBlocked(await attempt(t, { ip, email: 'nobody11@ip.test' }));
      expectBlocked(await attempt(t, { ip, email: t.users.registrar.email, password: TEST_PASSWORD }));
      // Another client is not affected, nor is the account whose password was right.
      expect((await attempt(t, { ip: '203.0.113.11', email: t.users.registrar.email, password: TEST_PASSWORD })).statusCode).toBe(200);

      const failed = await audit('auth.login_failed', { ip });
      expect(failed).toHaveLength(LIMIT);
      expect(failed.filter((r) => r.reason === 'unknown_email')).toHaveLength(LIMIT - 1);
      expect(failed.filter((r) => r.reason === 'bad_password')).toHaveLength(1);
      const blocked = await audit('auth.login_blocked', { ip });
      expect(blocked.map((r) => r.email).sort()).toEqual(['nobody11@ip.test', t.users.registrar.email]);
    });

    it('refuses the 11th failed sign-in for one account from many IPs, and then the right password too', async () => {
      const email = t.users.viewer.email;
      for (let i = 1; i <= LIMIT; i++) {
        // Half come straight from the client, half through the local reverse proxy (trusted: loopback).
        const via = i % 2 ? { ip: `198.51.100.${i}` } : { ip: '127.0.0.1', forwardedFor: `198.51.100.${i}` };
        // The account is the same whatever the case of the address.
        const res = await attempt(t, { ...via, email: i % 3 ? email : email.toUpperCase() });
        expect(res.statusCode, `attempt ${i}`).toBe(401);
      }
      expectBlocked(await attempt(t, { ip: '198.51.100.50', email }));
      expectBlocked(await attempt(t, { ip: '198.51.100.51', email, password: TEST_PASSWORD }));

      const failed = await audit('auth.login_failed', { email });
      expect(failed).toHaveLength(LIMIT);
      expect(failed.every((r) => r.reason === 'bad_password')).toBe(true);
      // The proxy's X-Forwarded-For gave the real client address.
      expect(new Set(failed.map((r) => r.ip))).toEqual(new Set(Array.from({ length: LIMIT }, (_, i) => `198.51.100.${i + 1}`)));
      expect((await audit('auth.login_blocked', { email })).map((r) => r.ip).sort()).toEqual(['198.51.100.50', '198.51.100.51']);
    });

    it('stops a password spray over many real accounts from one IP, though no account failed twice', async () => {
      const ip = '203.0.113.77';
      const hash = await hashPassword(TEST_PASSWORD, 4);
      const victims: string[] = [];
      for (let i = 0; i < LIMIT + 3; i++) {
        const email = `spray${i}-${prefix.replace(/\W/g, '')}@test.local`;
        await t.db.sql`INSERT INTO users (name, email, password_hash, role) VALUES (${`Spray ${i}`}, ${email}, ${hash}, 'viewer')`;
        victims.push(email);
      }
      // One common password against every account: each account sees a single failure.
      for (const [i, email] of victims.entries()) {
        const res = await attempt(t, { ip, email, password: 'Spring2026!' });
        if (i < LIMIT) expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
        else expectBlocked(res);
      }
      // The sprayer's address is blocked even for a right password; the accounts themselves are not.
      expectBlocked(await attempt(t, { ip, email: victims[0]!, password: TEST_PASSWORD }));
      expect((await attempt(t, { ip: '203.0.113.78', email: victims[0]!, password: TEST_PASSWORD })).statusCode).toBe(200);
      const failed = await audit('auth.login_failed', { ip });
      expect(failed).toHaveLength(LIMIT);
      expect(new Set(failed.map((r) => r.email)).size).toBe(LIMIT);
      expect(failed.every((r) => r.reason === 'bad_password')).toBe(true);
    });

    it('does not let a client dodge the IP limit with a forged X-Forwarded-For', async () => {
      const ip = '203.0.113.66'; // not a trusted proxy: its X-Forwarded-For is ignored
      for (let i = 0; i < LIMIT; i++) {
        expect((await attempt(t, { ip, forwardedFor: `10.9.8.${i}`, email: `spoof${i}@ip.test` })).statusCode).toBe(401);
      }
      expectBlocked(await attempt(t, { ip, forwardedFor: '10.9.8.200', email: 'spoof-last@ip.test' }));
      expect((await audit('auth.login_failed', { ip })).length).toBe(LIMIT);
    });

    // In-memory counters belong to one process: only Redis has something to share.
    if (mode.redis) it('counts together across two hub processes sharing Redis', async () => {
      const other = await startTestApp({ db: t.db, redis: true, redisPrefix: prefix });
      try {
        const ip = '203.0.113.90';
        for (let i = 0; i < LIMIT; i++) {
          const res = await attempt(i % 2 ? other : t, { ip, email: `shared${i}@ip.test` });
          expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
        }
        expectBlocked(await attempt(t, { ip, email: 'shared-last@ip.test' }));
        expectBlocked(await attempt(other, { ip, email: t.users.admin.email, password: TEST_PASSWORD }));
        expect(await audit('auth.login_blocked', { ip })).toHaveLength(2);
      } finally {
        await other.close();
      }
    });
  });
}
