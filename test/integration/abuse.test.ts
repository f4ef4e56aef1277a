// Abuse: what an attacker tries against sessions, sockets, cookies and CORS. (Brute force and password
// spraying: brute-force.test.ts; the permission of every route: permissions.test.ts; injection and
// stored XSS: injection.test.ts.) Each test names what it adds to the suites that already exist.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { ack, connectConsole, connected, connectError } from '../helpers/sockets.js';
import { buildApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { createStores } from '../../server/cache/stores.js';
import type { Ack } from '../../shared/schemas/common.js';

describe('abuse of sessions, sockets, cookies and CORS', () => {
  let t: TestApp;
  let adminToken: string;
  const sockets: Socket[] = [];
  const track = (s: Socket) => (sockets.push(s), s);

  beforeAll(async () => {
    t = await startTestApp({ env: { CORS_ORIGINS: 'https://console.example.org' } });
    adminToken = await t.login('admin');
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  const me = async (headers: Record<string, string>) => (await t.app.inject({ url: '/api/auth/me', headers })).statusCode;
  const login = (email: string, password = TEST_PASSWORD) => t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password } });
  /** A starter account of its own (tests end its sessions). */
  const newStarter = async () => {
    const email = `starter-${randomBytes(4).toString('hex')}@test.local`;
    const res = await t.app.inject({ method: 'POST', url: '/api/users', headers: bearer(adminToken), payload: { name: 'Abuse Starter', email, password: TEST_PASSWORD, role: 'starter' } });
    expect(res.statusCode).toBe(201);
    const token = (await login(email)).json<{ token: string }>().token;
    return { id: res.json<{ id: number }>().id, email, token };
  };
  const submit = (s: Socket, heatId: number, entryId: number) =>
    ack<Ack<{ version: number }>>(s, 'result:submit', { idempotencyKey: randomUUID(), heatId, results: [{ entryId, timeMs: 10_000 + Math.floor(Math.random() * 1000), status: 'OK' }] });

  it('issues tokens that cannot be guessed: 256 random bits each, distinct, bound to the server secret, never stored', async () => {
    const tokens = await Promise.all(Array.from({ length: 40 }, async () => (await login('viewer@test.local')).json<{ token: string }>().token));
    expect(new Set(tokens).size).toBe(tokens.length);
    for (const tok of tokens) {
      expect(tok).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(tok, 'base64url')).toHaveLength(32);
    }
    // Every bit varies across tokens (a counter, a timestamp or a user id would pin some of them).
    const bits = tokens.map((tok) => [...Buffer.from(tok, 'base64url')].flatMap((b) => Array.from({ length: 8 }, (_, i) => (b >> i) & 1)));
    const ones = bits[0]!.map((_, i) => bits.reduce((n, b) => n + b[i]!, 0));
    expect(ones.filter((n) => n === 0 || n === tokens.length)).toEqual([]);
    // Nothing in the sessions table holds a token in clear.
    const [stored] = await t.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM sessions s, unnest(${tokens}::text[]) tok WHERE strpos(to_jsonb(s)::text, tok) > 0`;
    expect(stored.n).toBe(0);
    // Guesses: random tokens, and a real token with one character changed, are strangers.
    const real = tokens[0]!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    for (let i = 0; i < 43; i++) {
      const near = real.slice(0, i) + alphabet[(alphabet.indexOf(real[i]!) + 1) % 64] + real.slice(i + 1);
      expect(await me(bearer(near)), `one character changed at ${i}`).toBe(401);
    }
    for (let i = 0; i < 100; i++) expect(await me(bearer(randomBytes(32).toString('base64url')))).toBe(401);
    expect(await me(bearer(real))).toBe(200);
    // A token is an HMAC input: a hub with another SESSION_SECRET does not know it.
    const other = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', SESSION_SECRET: randomBytes(32).toString('hex'), DATABASE_URL: t.db.kind === 'postgres' ? t.db.url : undefined }), sql: t.db.sql, stores: createStores(), logger: false });
    try {
      expect((await other.inject({ url: '/api/auth/me', headers: bearer(real) })).statusCode).toBe(401);
    } finally {
      await other.close();
    }
  });

  it('refuses a token after logout everywhere: bearer, cookie, a new console handshake and an open console', async () => {
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const u = await newStarter();
    const open = track(connectConsole(t.url, u.token));
    await connected(open);
    expect(await submit(open, f.heatIds[0]!, f.lanes[0]![0]!.entryId)).toMatchObject({ ok: true });
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(u.token) })).statusCode).toBe(200);
    expect(await me(bearer(u.token))).toBe(401);
    expect(await me({ cookie: `athsys_session=${u.token}` })).toBe(401);
    expect((await t.app.inject({ method: 'POST', url: `/api/heats/${f.heatIds[0]}/results`, headers: { ...bearer(u.token), 'idempotency-key': randomUUID() }, payload: { results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 12_345, status: 'OK' }] } })).statusCode).toBe(401);
    expect(await connectError(track(connectConsole(t.url, u.token)))).toMatch(/^unauthorized/);
    expect(await submit(open, f.heatIds[0]!, f.lanes[0]![0]!.entryId)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    await expect.poll(() => open.connected).toBe(false);
    expect(await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${f.heatIds[0]!} AND time_ms = 12345`).toHaveLength(0);
  });

  it('ends every session of a suspended or demoted account at once, open consoles included', async () => {
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const entry = f.lanes[0]![0]!.entryId;
    for (const change of [{ status: 'suspended' }, { role: 'viewer' }]) {
      const u = await newStarter();
      const open = track(connectConsole(t.url, u.token));
      await connected(open);
      expect(await submit(open, f.heatIds[0]!, entry)).toMatchObject({ ok: true });
      expect((await t.app.inject({ method: 'PATCH', url: `/api/users/${u.id}`, headers: bearer(adminToken), payload: change })).statusCode).toBe(200);
      expect(await me(bearer(u.token)), JSON.stringify(change)).toBe(401);
      expect(await submit(open, f.heatIds[0]!, entry)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      expect(await connectError(track(connectConsole(t.url, u.token)))).toMatch(/^unauthorized/);
      const again = await login(u.email);
      if (change.status) expect(again.statusCode).toBe(403);
      else expect(await connectError(track(connectConsole(t.url, again.json<{ token: string }>().token)))).toMatch(/^forbidden/);
    }
  });

  it("keeps a viewer's socket out of /console and away from writes", async () => {
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const viewerToken = await t.login('viewer');
    expect(await connectError(track(connectConsole(t.url, viewerToken)))).toMatch(/^forbidden/);
    // The session cookie of a viewer does not open /console either.
    const cookieConsole = track(io(`${t.url}/console`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `athsys_session=${viewerToken}` } }));
    expect(await connectError(cookieConsole)).toMatch(/^forbidden/);
    // On /live, with the viewer's cookie, write events have no handler: nothing is acknowledged or stored.
    const live = track(io(`${t.url}/live`, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie: `athsys_session=${viewerToken}` } }));
    await connected(live);
    const payload = { idempotencyKey: randomUUID(), heatId: f.heatIds[0], results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 9_999, status: 'OK' }] };
    await expect(ack(live, 'result:submit', payload, 1000)).rejects.toThrow(/timed out/);
    await expect(ack(live, 'heat:status', { idempotencyKey: randomUUID(), heatId: f.heatIds[0], status: 'official' }, 1000)).rejects.toThrow(/timed out/);
    expect(await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${f.heatIds[0]!}`).toHaveLength(0);
    expect((await t.db.sql<[{ status: string }]>`SELECT status FROM heats WHERE id = ${f.heatIds[0]!}`)[0].status).toBe('scheduled');
  });

  it('sets the session cookie httpOnly and SameSite, and Secure in production', async () => {
    const cookieOf = (res: { headers: Record<string, unknown> }) => [res.headers['set-cookie']].flat().map(String).find((c) => c.startsWith('athsys_session='))!;
    const dev = cookieOf(await login('viewer@test.local'));
    expect(dev).toMatch(/; HttpOnly/);
    expect(dev).toMatch(/; SameSite=Lax/);
    expect(dev).toMatch(/; Path=\//);

    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('base64url'), BCRYPT_COST: '4', LOG_LEVEL: 'silent', DATABASE_URL: t.db.kind === 'postgres' ? t.db.url : 'postgres://unused@127.0.0.1/none' });
    const prod = await buildApp({ config, sql: t.db.sql, stores: createStores(), logger: false });
    try {
      const res = await prod.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'viewer@test.local', password: TEST_PASSWORD } });
      expect(res.statusCode).toBe(200);
      const cookie = cookieOf(res);
      for (const attr of ['; HttpOnly', '; Secure', '; SameSite=Lax', '; Path=/']) expect(cookie).toContain(attr);
      expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
      // Signing out clears it with the same attributes (else the browser keeps the old one).
      const out = await prod.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(res.json<{ token: string }>().token) });
      const cleared = cookieOf(out);
      expect(cleared).toMatch(/^athsys_session=;/);
      for (const attr of ['; HttpOnly', '; Secure', '; SameSite=Lax', '; Path=/']) expect(cleared).toContain(attr);
    } finally {
      await prod.close();
    }
  });

  it('refuses unknown origins: no CORS headers, 403 on preflight, also on Socket.IO; a listed origin is echoed with credentials', async () => {
    const evil = 'https://evil.example';
    const good = 'https://console.example.org';
    const preflight = (origin: string) =>
      t.app.inject({ method: 'OPTIONS', url: '/api/heats/1/results', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' } });
    const refused = await preflight(evil);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['access-control-allow-origin']).toBeUndefined();
    expect(refused.json().error.code).toBe('cors_refused');
    const allowed = await preflight(good);
    expect(allowed.statusCode).toBe(204);
    expect(allowed.headers['access-control-allow-origin']).toBe(good);
    expect(allowed.headers['access-control-allow-credentials']).toBe('true');

    for (const origin of [evil, 'null', 'https://console.example.org.evil.example', 'http://console.example.org']) {
      const res = await t.app.inject({ url: '/api/auth/me', headers: { origin, ...bearer(adminToken) } });
      expect(res.headers['access-control-allow-origin'], origin).toBeUndefined();
      expect(res.headers['access-control-allow-credentials'], origin).toBeUndefined();
    }
    expect((await t.app.inject({ url: '/api/info', headers: { origin: good } })).headers['access-control-allow-origin']).toBe(good);
    // Socket.IO answers its own HTTP requests (polling handshake): the same rule.
    const handshake = (origin: string) => fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin } });
    const sioEvil = await handshake(evil);
    expect(sioEvil.headers.get('access-control-allow-origin')).toBeNull();
    await sioEvil.text();
    const sioGood = await handshake(good);
    expect(sioGood.headers.get('access-control-allow-origin')).toBe(good);
    await sioGood.text();
  });
});
