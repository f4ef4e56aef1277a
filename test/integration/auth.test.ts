import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

describe('auth routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('logs in, answers /me, and sets an httpOnly SameSite cookie', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'ADMIN@test.local', password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ email: 'admin@test.local', role: 'admin' });
    expect(body.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/athsys_session=/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const me = await t.app.inject({ url: '/api/auth/me', headers: bearer(body.token) });
    expect(me.json().user.role).toBe('admin');
    const viaCookie = await t.app.inject({ url: '/api/auth/me', cookies: { athsys_session: body.token } });
    expect(viaCookie.statusCode).toBe(200);
  });

  it('stores only a hash of the token', async () => {
    const token = await t.login('viewer');
    const rows = await t.db.sql`SELECT token_hash FROM sessions`;
    expect(rows.some((r) => r.token_hash === token)).toBe(false);
    expect(rows.length).toBeGreaterThan(0);
  });

  it('refuses a wrong password with 401 and the error shape', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'starter@test.local', password: 'nope-nope-nope' } });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({ error: { code: 'unauthorized', message: 'wrong email or password' } });
  });

  it('rejects a token after logout', async () => {
    const token = await t.login('starter');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(200);
    const me = await t.app.inject({ url: '/api/auth/me', headers: bearer(token) });
    expect(me.statusCode).toBe(401);
    expect(me.json().error.message).toMatch(/expired or revoked/);
  });
});
