// The embedded single-node path: PGlite served over a loopback socket, the same SQL and code as a server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listMigrations } from '../../server/db/migrate.js';
import { bearer, startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';

describe('embedded PGlite database', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ forceEmbedded: true });
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs on PGlite with every migration applied', async () => {
    expect(t.db.kind).toBe('pglite');
    const [{ version }] = await t.db.sql<[{ version: string }]>`SELECT version()`;
    expect(version).toMatch(/PostgreSQL/);
    const applied = await t.db.sql<{ name: string }[]>`SELECT name FROM schema_migrations ORDER BY version`;
    expect(applied.map((r) => r.name)).toEqual((await listMigrations()).map((m) => m.name));
  });

  it('is ready and says it runs embedded', async () => {
    const ready = await t.app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok' } });
    expect((await t.app.inject('/api/info')).json()).toMatchObject({ mode: 'embedded', multiNode: false });
  });

  it('signs in, answers /me, signs out', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: t.users.admin.email, password: TEST_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const { token } = res.json<{ token: string }>();
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(token) })).json().user.role).toBe('admin');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(token) })).statusCode).toBe(200);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode).toBe(401);
    const actions = await t.db.sql<{ action: string }[]>`SELECT action FROM audit_log WHERE user_id = ${t.users.admin.id} ORDER BY id`;
    expect(actions.map((r) => r.action)).toEqual(['auth.login', 'auth.logout']);
  });
});
