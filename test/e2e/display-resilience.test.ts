// The stadium board heals by itself: the hub process it is connected to (B) stops and starts again on
// the same port while the starter keeps working through process A.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { chromiumAvailable, launchBrowser, watchPage } from '../helpers/browser.js';
import { createHeats } from '../helpers/fixtures.js';
import { redisAvailable } from '../helpers/services.js';
import { startHub, type HubProcess } from '../helpers/hub-process.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import { boardShows, boardTable, clockMs, heatSnapshot, startHubs, StarterConsole, type Hubs } from './display-support.js';

const hasRedis = await redisAvailable();

/** What the board should show for a snapshot: [place, lane, time or status] per row. */
const expectedTable = (snap: HeatSnapshot) =>
  snap.rows.map((r) => [r.place === null ? '' : String(r.place), String(r.lane), r.status === 'OK' ? r.time! : (r.status ?? '') + (r.dqRule ?? '')]);

describe.skipIf(!chromiumAvailable() || !hasRedis)('board resilience (hub process restarts)', () => {
  let h: Hubs;
  let a: HubProcess;
  let browser: Browser;
  let starter: StarterConsole;

  beforeAll(async () => {
    h = await startHubs(2, { redis: true });
    a = h.hubs[0]!;
    browser = await launchBrowser();
    starter = await StarterConsole.open(a);
  });
  afterAll(async () => {
    starter?.close();
    await browser?.close();
    await h?.close();
  });

  /** Stops process B and starts it again on the same port; h.hubs keeps the new one for cleanup. */
  async function restartB(whileDown: () => Promise<void>): Promise<HubProcess> {
    const old = h.hubs[1]!;
    await old.stop('SIGTERM');
    await whileDown();
    const again = await startHub(h.env, { port: old.port });
    h.hubs[1] = again;
    return again;
  }

  it('shows the disconnected mark while its hub is down, reconnects by itself and shows every result submitted meanwhile', async () => {
    const f = await createHeats(h.db.sql, { lanes: 8 });
    const heatId = f.heatIds[0]!;
    const lane = (n: number) => f.lanes[0]![n - 1]!;
    const b = h.hubs[1]!;
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    const seen = watchPage(page);
    await page.goto(`${b.url}/board/${f.meetId}?hold=120`);
    await boardShows(page, heatId);
    await starter.status(heatId, 'started');
    await starter.submit(heatId, [{ entryId: lane(1).entryId, timeMs: 10_100, status: 'OK' }]);
    await expect.poll(() => boardTable(page)).toEqual([['1', '1', '10.10'], ...[2, 3, 4, 5, 6, 7, 8].map((l) => ['', String(l), ''])]);
    expect(await page.getByTestId('connection-mark').count()).toBe(0);
    const before = await boardTable(page);

    await restartB(async () => {
      await page.getByTestId('connection-mark').waitFor({ timeout: 10_000 });
      expect(await page.getByTestId('board').getAttribute('data-connection')).toBe('offline');
      // Meanwhile, through A: everyone else's result, a correction, then finished and official.
      await starter.submit(heatId, [
        { entryId: lane(2).entryId, timeMs: 9_950, status: 'OK' },
        { entryId: lane(3).entryId, timeMs: 10_100, status: 'OK' },
        { entryId: lane(4).entryId, timeMs: 10_310, status: 'OK' },
        { entryId: lane(5).entryId, timeMs: 10_222, status: 'OK' },
        { entryId: lane(6).entryId, status: 'DNF' },
        { entryId: lane(7).entryId, status: 'DQ', dqRule: 'TR17.3.1' },
      ]);
      await starter.submit(heatId, [{ entryId: lane(8).entryId, status: 'DNS' }, { entryId: lane(1).entryId, timeMs: 10_050, status: 'OK' }]);
      await starter.status(heatId, 'finished');
      await starter.status(heatId, 'official');
      // The board cannot know yet: it still shows what it had.
      expect(await boardTable(page)).toEqual(before);
    });

    const latest = await heatSnapshot(a, heatId);
    expect(expectedTable(latest)).toEqual([
      ['1', '2', '9.95'], ['2', '1', '10.05'], ['3', '3', '10.10'], ['4', '5', '10.23'], ['5', '4', '10.31'],
      ['', '6', 'DNF'], ['', '7', 'DQTR17.3.1'], ['', '8', 'DNS'],
    ]);
    await page.getByTestId('connection-mark').waitFor({ state: 'detached', timeout: 20_000 });
    await expect.poll(() => boardTable(page), { timeout: 5_000 }).toEqual(expectedTable(latest));
    expect(await page.getByTestId('status').textContent()).toBe('OFFICIAL');
    expect(await page.getByTestId('board').getAttribute('data-version')).toBe(String(latest.version));
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('keeps a running race clock on the hub\'s time across a restart of its hub', async () => {
    const f = await createHeats(h.db.sql, { lanes: 4 });
    const heatId = f.heatIds[0]!;
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    // A board whose clock is 90 s fast: the offset is measured again at every connect.
    await page.clock.install({ time: Date.now() + 90_000 });
    await page.goto(`${h.hubs[1]!.url}/board/${f.meetId}`);
    await boardShows(page, heatId);
    await starter.status(heatId, 'started');
    const startedAt = Date.parse((await heatSnapshot(a, heatId)).startedAt!);
    await page.getByTestId('race-clock').waitFor();

    await restartB(() => page.getByTestId('connection-mark').waitFor({ timeout: 10_000 }));
    await page.getByTestId('connection-mark').waitFor({ state: 'detached', timeout: 20_000 });
    const t0 = Date.now();
    const text = (await page.getByTestId('race-clock').textContent()) ?? '';
    const hubElapsed = (t0 + Date.now()) / 2 - startedAt;
    expect(Math.abs(clockMs(text) - hubElapsed), `clock ${text} vs hub ${hubElapsed} ms`).toBeLessThanOrEqual(200);
  });
});
