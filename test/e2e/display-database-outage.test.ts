// A board that (re)connects while the hub's PostgreSQL is down is refused its snapshot as `unavailable`;
// it keeps asking, and once the database is back it shows the heat and every result that follows.
// Without asking again it would stay out of the heat's room until its next reconnect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createSql, type Sql } from '../../server/db/client.js';
import { migrate } from '../../server/db/migrate.js';
import { chromiumAvailable, launchBrowser, watchPage } from '../helpers/browser.js';
import { ensureRoleUsers } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import { PG_BIN, startOwnPostgres, type OwnPostgres } from '../helpers/own-services.js';
import { IN_CI } from '../helpers/services.js';
import { boardShows, boardTable, StarterConsole } from './display-support.js';

if (!PG_BIN && IN_CI) throw new Error('CI=true but the PostgreSQL server binaries are missing');

describe.skipIf(!chromiumAvailable() || !PG_BIN)('board while the hub database is down', () => {
  let pg: OwnPostgres;
  let sql: Sql;
  let hub: HubProcess;
  let browser: Browser;

  beforeAll(async () => {
    pg = await startOwnPostgres();
    sql = createSql({ url: pg.url, max: 2 });
    await migrate(sql);
    await ensureRoleUsers({ sql, url: pg.url, kind: 'postgres', close: async () => {} });
    hub = await startHub({ DATABASE_URL: pg.url });
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await hub?.stop();
    await sql?.end();
    await pg?.destroy();
  });

  it('keeps asking for its snapshot while the hub answers unavailable, then shows the heat and new results', async () => {
    const f = await createHeats(sql, { lanes: 4 });
    const heatId = f.heatIds[0]!;
    const lane = (n: number) => f.lanes[0]![n - 1]!;
    const starter = await StarterConsole.open(hub);
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    const seen = watchPage(page);
    await page.goto(`${hub.url}/board/${f.meetId}?heat=${heatId}`);
    await boardShows(page, heatId);
    await starter.submit(heatId, [{ entryId: lane(1).entryId, timeMs: 10_100, status: 'OK' }]);
    await expect.poll(() => boardTable(page)).toEqual([['1', '1', '10.10'], ['', '2', ''], ['', '3', ''], ['', '4', '']]);

    // The database goes; the board reloads (a power cut, a new browser) and subscribes while it is down.
    await pg.stop('fast');
    const refusals: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (fr) => {
      if (String(fr.payload).includes('"unavailable"')) refusals.push(String(fr.payload));
    }));
    await page.reload();
    await expect.poll(() => refusals.length, { timeout: 15_000 }).toBeGreaterThanOrEqual(2);

    await pg.start();
    await boardShows(page, heatId, 20_000);
    await expect.poll(() => boardTable(page), { timeout: 20_000 }).toEqual([['1', '1', '10.10'], ['', '2', ''], ['', '3', ''], ['', '4', '']]);
    // In the heat's room again: a result submitted now reaches it.
    await starter.submit(heatId, [{ entryId: lane(2).entryId, timeMs: 9_990, status: 'OK' }]);
    await expect.poll(() => boardTable(page)).toEqual([['1', '2', '9.99'], ['2', '1', '10.10'], ['', '3', ''], ['', '4', '']]);
    expect(seen.errors).toEqual([]);
    starter.close();
  }, 90_000);
});
