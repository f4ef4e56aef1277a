// No log line holds a password, a session token, its stored hash or a password hash, at the most verbose
// level, through sign-in, failed sign-in, cookie and bearer use, user creation, password reset, sign-out.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.js';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

describe('request logging', () => {
  const lines: string[] = [];
  let t: TestApp;
  beforeAll(async () => {
    // The logger main.ts uses, writing into memory instead of stdout.
    t = await startTestApp({ logger: createLogger('trace', { write: (line: string) => void lines.push(line) }) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('never writes a password, token or hash', async () => {
    const secrets: string[] = [TEST_PASSWORD];
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.users.admin.email, password: TEST_PASSWORD } });
    expect(login.statusCode).toBe(200);
    const token = login.json<{ token: string }>().token;
    secrets.push(token, createHmac('sha256', t.config.sessionSecret).update(token).digest('hex'));

    const wrong = 'wrong-password-for-the-log';
    secrets.push(wrong);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.users.viewer.email, password: wrong } })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', cookies: { athsys_session: token } })).statusCode).toBe(200);

    const created = 'a-brand-new-password-1';
    const reset = 'a-reset-password-2';
    secrets.push(created, reset);
    const user = await t.app.inject({
      method: 'POST', url: '/api/users', headers: bearer(token),
      payload: { name: 'Log Check', email: 'log-check@test.local', password: created, role: 'viewer' },
    });
    expect(user.statusCode).toBe(201);
    const id = user.json<{ id: number }>().id;
    expect((await t.app.inject({ method: 'PATCH', url: `/api/users/${id}`, headers: bearer(token), payload: { password: reset } })).statusCode).toBe(200);
    // A bad body is logged as an error response: the password in it must not follow.
    expect((await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(token), payload: { email: 'x', password: 'shrtpw7' } })).statusCode).toBe(400);
    secrets.push('shrtpw7');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(200);

    const log = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    expect(log).toContain('"msg":"request completed"');
    for (const s of secrets) expect(log, `the log holds ${s}`).not.toContain(s);
    expect(log).not.toMatch(/\$2[aby]\$/);
  });
});

describe('request log levels', () => {
  const lines: { level: number; msg: string; req?: { method: string; url: string }; res?: { statusCode: number } }[] = [];
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ logger: createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line)) }) });
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs one line per write and per failure at info, and successful reads only at debug', async () => {
    expect((await t.app.inject('/api/meets')).statusCode).toBe(200);
    expect((await t.app.inject('/api/heats/999999')).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'nobody@test.local', password: 'not-the-password' } })).statusCode).toBe(401);
    const requests = lines.filter((l) => l.msg === 'request completed').map((l) => `${l.level} ${l.req?.method} ${l.req?.url} ${l.res?.statusCode}`);
    expect(requests).toEqual(['30 GET /api/heats/999999 404', '30 POST /api/auth/login 401']);
  });
});
