// The README's start path as a newcomer meets it: `tsx server/main.ts serve` (what `npm start` runs after
// building the front ends) with nothing configured. Embedded database, demo data, one process.
import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { KNOWN_DEMO_SECRETS } from '../../server/config.js';
import { createSql } from '../../server/db/client.js';
import { startEmbeddedDb } from '../../server/db/embedded.js';
import { cleanEnv, freePort, runMain, startMain, type MainProcess } from '../helpers/process.js';

const DEMO_MEETS = ['National Athletics Championship 2026', 'Regional Track Meet 2026', 'International Invitational 2026'];

describe('tsx server/main.ts serve, with no configuration', () => {
  let dir: string;
  let hub: MainProcess;
  let base: string;
  let adminToken = '';

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'athsys-start-'));
    const port = await freePort(); // the default 3000 may be taken on a shared machine
    base = `http://127.0.0.1:${port}`;
    // debug: the most a production operator would turn on; the log check below reads all of it.
    hub = startMain(['serve'], cleanEnv({ PORT: String(port), EMBEDDED_DATA_DIR: path.join(dir, 'pglite'), LOG_LEVEL: 'debug' }));
    const died = hub.exited.then(({ code }) => {
      throw new Error(`the hub exited (${code}) before it was ready:\n${hub.output()}`);
    });
    const ready = vi.waitFor(
      async () => {
        const res = await fetch(`${base}/readyz`);
        expect(res.status).toBe(200);
      },
      { timeout: 90_000, interval: 250 },
    );
    await Promise.race([ready, died]);
  }, 120_000);

  afterAll(async () => {
    await hub.stop('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('is ready, on PostgreSQL alone, and says it runs in single-node embedded mode', async () => {
    const res = await fetch(`${base}/readyz`);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: 'ok' } });
    expect(hub.output()).toContain('single-node embedded mode');
    expect(await (await fetch(`${base}/api/info`)).json()).toMatchObject({ mode: 'embedded', multiNode: false, demo: true });
  });

  it('signs in as admin@athsys.com / Admin@123', async () => {
    const res = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@athsys.com', password: 'Admin@123' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { token: string; user: { role: string } };
    expect(body.user.role).toBe('admin');
    adminToken = body.token;
    const me = await fetch(`${base}/api/auth/me`, { headers: { authorization: `Bearer ${adminToken}` } });
    expect(me.status).toBe(200);
  });

  it('lists the demo meets', async () => {
    const res = await fetch(`${base}/api/meets`);
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as { items: { name: string }[] };
    expect(items.map((m) => m.name)).toEqual(expect.arrayContaining(DEMO_MEETS));
  });

  it('writes no password, token or password hash to its log', () => {
    expect(adminToken).not.toBe('');
    const log = hub.output();
    expect(log).toContain('"msg":"request completed"'); // one line per request
    expect(log).not.toContain('Admin@123');
    expect(log).not.toContain(adminToken);
    expect(log).not.toContain(createHmac('sha256', KNOWN_DEMO_SECRETS[0]!).update(adminToken).digest('hex'));
    expect(log).not.toMatch(/\$2[aby]\$/);
  });

  it('stops on SIGTERM with exit code 0, keeping its data for the next start', async () => {
    const { code, signal } = await hub.stop('SIGTERM');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
    // The folder holds a whole database: open it as the next start would.
    const db = await startEmbeddedDb(path.join(dir, 'pglite'));
    const sql = createSql({ url: db.url, max: 1, prepare: false });
    try {
      const meets = await sql<{ name: string }[]>`SELECT name FROM meets ORDER BY id`;
      expect(meets.map((m) => m.name)).toEqual(DEMO_MEETS);
      const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM users`;
      expect(n).toBe(7);
    } finally {
      await sql.end({ timeout: 5 });
      await db.stop();
    }
  });
});

describe('tsx server/main.ts in production', () => {
  it.each([
    ['no SESSION_SECRET', {}],
    ['the documented demo SESSION_SECRET', { SESSION_SECRET: KNOWN_DEMO_SECRETS[0]! }],
    ['a short SESSION_SECRET', { SESSION_SECRET: 'too-short-secret' }],
  ])('refuses to start with %s, naming SESSION_SECRET', async (_label, env: Record<string, string>) => {
    const res = await runMain(['serve'], cleanEnv({ NODE_ENV: 'production', PORT: '0', EMBEDDED_DATA_DIR: 'memory://', ...env }));
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/cannot start: invalid configuration/);
    expect(res.output).toMatch(/SESSION_SECRET: production needs a SESSION_SECRET/);
  });

  it('names every bad key of a bad configuration and exits 1', async () => {
    const res = await runMain(['serve'], cleanEnv({ PORT: 'abc', BCRYPT_COST: '99' }));
    expect(res.code).toBe(1);
    expect(res.output).toMatch(/PORT:/);
    expect(res.output).toMatch(/BCRYPT_COST:/);
  });
});
