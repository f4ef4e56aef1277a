// nginx in front of hubs whose PostgreSQL is down: every hub answers 503 `unavailable` (JSON, retryable).
// nginx must pass that answer through, and serve again the moment the database is back. Regression of a
// defect the chaos suite found under load: nginx counted the hubs' 503s as failures of the hubs
// (max_fails=1), so with every hub refusing it marked them all down, answered with its own HTML page
// instead of the hubs' error, and went on refusing for fail_timeout (5 s) after PostgreSQL returned.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createSql, type Sql } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';
import { NGINX_BIN, startNginx, type LocalNginx } from '../../scripts/cluster/nginx.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { freePort, startHub, type HubProcess } from '../helpers/hub-process.js';
import { PG_BIN, startOwnPostgres, type OwnPostgres } from '../helpers/own-services.js';
import { IN_CI } from '../helpers/services.js';

if ((!NGINX_BIN || !PG_BIN) && IN_CI) throw new Error('CI=true but nginx or the PostgreSQL server binaries are missing');

describe.skipIf(!NGINX_BIN || !PG_BIN)('nginx while every hub refuses for want of PostgreSQL', () => {
  let pg: OwnPostgres;
  let sql: Sql;
  let hubs: HubProcess[] = [];
  let nginx: LocalNginx;
  let f: HeatFixture;
  let token: string;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    sql = createSql({ url: pg.url, max: 2 });
    await migrate(sql);
    await ensureRoleUsers({ sql, url: pg.url, kind: 'postgres', close: async () => {} });
    f = await createHeats(sql, { lanes: 2 });
    hubs = await Promise.all([startHub({ DATABASE_URL: pg.url }), startHub({ DATABASE_URL: pg.url })]);
    nginx = await startNginx(await freePort(), hubs.map((h) => `127.0.0.1:${h.port}`));
    const res = await fetch(`${nginx.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'starter@test.local', password: TEST_PASSWORD }) });
    token = ((await res.json()) as { token: string }).token;
  }, 90_000);
  afterAll(async () => {
    await nginx?.stop();
    await Promise.all(hubs.map((h) => h.stop('SIGTERM')));
    await sql?.end({ timeout: 5 });
    await pg?.destroy();
  });

  const submit = () =>
    fetch(`${nginx.url}/api/heats/${f.heatIds[0]}/results`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, 'idempotency-key': randomUUID() },
      body: JSON.stringify({ results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_000 + Math.floor(Math.random() * 5000), status: 'OK' }] }),
    });

  it("passes the hubs' 503 through while PostgreSQL is down, and serves again as soon as it is back", async () => {
    expect((await submit()).status).toBe(200);
    await pg.stop('immediate');
    for (let i = 0; i < 6; i++) {
      const w = await submit();
      expect(w.status).toBe(503);
      expect(w.headers.get('content-type')).toMatch(/^application\/json/);
      expect(((await w.json()) as { error: { code: string } }).error.code).toBe('unavailable');
      const r = await fetch(`${nginx.url}/readyz`);
      expect(r.status).toBe(503);
      expect(await r.json()).toMatchObject({ status: 'not_ready', checks: { postgres: 'down' } });
    }
    await pg.start();
    for (const h of hubs) await expect.poll(async () => (await fetch(`${h.url}/readyz`)).status, { timeout: 15_000 }).toBe(200);
    // The hubs are ready: so is nginx, at once (not fail_timeout later).
    const t0 = Date.now();
    for (let i = 0; i < 4; i++) expect((await submit()).status).toBe(200);
    expect((await fetch(`${nginx.url}/readyz`)).status).toBe(200);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
