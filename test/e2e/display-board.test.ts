// The stadium board (/board/:meetId) in Chromium at 1920x1080, against two real hub processes that
// share PostgreSQL and Redis: the board is served by and connected to process B, the starter's
// console writes through process A.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchBrowser, screenshot, watchPage } from '../helpers/browser.js';
import { createHeats } from '../helpers/fixtures.js';
import { redisAvailable } from '../helpers/services.js';
import type { HubProcess } from '../helpers/hub-process.js';
import {
  boardRows, boardShows, boardTable, clockMs, heatSnapshot, overflow, startHubs, StarterConsole, type Hubs,
} from './display-support.js';

const hasRedis = await redisAvailable();
const HOSTILE = '<img src=x onerror=alert(1)>';

describe.skipIf(!chromiumAvailable() || !hasRedis)('stadium board (two hub processes)', () => {
  let h: Hubs;
  let a: HubProcess;
  let b: HubProcess;
  let browser: Browser;
  let starter: StarterConsole;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHubs(2, { redis: true });
    [a, b] = h.hubs as [HubProcess, HubProcess];
    browser = await launchBrowser();
    starter = await StarterConsole.open(a);
  });
  afterAll(async () => {
    starter?.close();
    await browser?.close();
    await h?.close();
  });

  /** A board page at 1920x1080 on process B; clockSkewMs moves the browser's clock away from the hub's. */
  async function openBoard(path: string, opts: { clockSkewMs?: number } = {}) {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    contexts.push(context);
    const page = await context.newPage();
    const seen = watchPage(page);
    if (opts.clockSkewMs) await page.clock.install({ time: Date.now() + opts.clockSkewMs });
    await page.goto(`${b.url}${path}`);
    return { page, seen };
  }

  async function clockReading(page: Page) {
    const t0 = Date.now();
    const shown = await page.getByTestId('race-clock').evaluate((el) => ({ ms: Number((el as HTMLElement).dataset.ms), text: el.textContent ?? '' }));
    const t1 = Date.now();
    return { ...shown, at: (t0 + t1) / 2 };
  }

  it('runs the race clock from the recorded start, within 0.2 s of the hub even when the board\'s clock is an hour off', async () => {
    const f = await createHeats(h.db.sql, { lanes: 8 });
    const heatId = f.heatIds[0]!;
    const { page, seen } = await openBoard(`/board/${f.meetId}`, { clockSkewMs: -3_600_000 });
    await boardShows(page, heatId);
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('START LIST');
    expect(await page.getByTestId('race-clock').count()).toBe(0);

    await starter.status(heatId, 'started');
    const startedAt = Date.parse((await heatSnapshot(a, heatId)).startedAt!);
    await page.getByTestId('race-clock').waitFor({ timeout: 2_000 });
    expect(await page.getByTestId('status').textContent()).toBe('LIVE');

    // Several readings as the clock runs: the text (in tenths) and the exact value both track the hub.
    let last = '';
    for (let i = 0; i < 5; i++) {
      await page.waitForFunction((prev) => (document.querySelector('[data-testid=race-clock]')?.textContent ?? '').trim() !== prev, last.trim(), { polling: 20 });
      const r = await clockReading(page);
      const hubElapsed = r.at - startedAt;
      expect(Math.abs(r.ms - hubElapsed), `data-ms ${r.ms} vs hub ${hubElapsed}`).toBeLessThanOrEqual(200);
      expect(Math.abs(clockMs(r.text) - hubElapsed), `text ${r.text} vs hub ${hubElapsed}`).toBeLessThanOrEqual(200);
      last = r.text;
    }

    // The first result ends the clock: the board shows results.
    await starter.submit(heatId, [{ entryId: f.lanes[0]![3]!.entryId, timeMs: 10_480, status: 'OK' }]);
    await page.getByTestId('race-clock').waitFor({ state: 'detached', timeout: 1_000 });
    expect((await boardRows(page))[0]).toMatchObject({ place: '1', lane: '4', time: '10.48' });
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('shows a result submitted through process A within one second on a board connected to process B, then ties, DNF, DQ and DNS', async () => {
    const f = await createHeats(h.db.sql, { lanes: 8 });
    const heatId = f.heatIds[0]!;
    const lane = (n: number) => f.lanes[0]![n - 1]!;
    const { page, seen } = await openBoard(`/board/${f.meetId}`);
    await boardShows(page, heatId);
    await expect.poll(() => boardTable(page)).toEqual([1, 2, 3, 4, 5, 6, 7, 8].map((l) => ['', String(l), '']));
    await starter.status(heatId, 'started');

    // One result, timed from the moment it is sent until the board shows it in its place.
    const t0 = Date.now();
    await starter.submit(heatId, [{ entryId: lane(3).entryId, timeMs: 10_123, status: 'OK', reactionMs: 150 }], 2.3);
    await page.waitForFunction(() => document.querySelector('[data-testid=row] [data-testid=time]')?.textContent?.trim() === '10.13', undefined, { polling: 10, timeout: 5_000 });
    const elapsed = Date.now() - t0;
    expect(elapsed, `result on the board after ${elapsed} ms`).toBeLessThan(1_000);
    expect((await boardRows(page))[0]).toMatchObject({ place: '1', lane: '3', bib: lane(3).bib, country: lane(3).country, time: '10.13', flags: 'w' });
    expect(await page.getByTestId('wind').textContent()).toBe('Wind +2.3 m/s (w)');

    // Everyone else: 9.991 rounds up to 10.00, a tie at 10.050 shares 2nd (and 4th is next),
    // a false-start reaction is flagged, then DNF, DQ with its rule, DNS.
    await starter.submit(heatId, [
      { entryId: lane(5).entryId, timeMs: 9_991, status: 'OK' },
      { entryId: lane(1).entryId, timeMs: 10_050, status: 'OK' },
      { entryId: lane(2).entryId, timeMs: 10_050, status: 'OK', reactionMs: 95 },
      { entryId: lane(4).entryId, timeMs: 10_120, status: 'OK' },
      { entryId: lane(6).entryId, status: 'DNF' },
      { entryId: lane(7).entryId, status: 'DQ', dqRule: 'TR16.8' },
      { entryId: lane(8).entryId, status: 'DNS' },
    ]);
    // Rows glide to their new places (animate:flip runs Web Animations on the moved rows).
    await page.waitForFunction(() => document.getAnimations().length > 0, undefined, { polling: 10, timeout: 2_000 });
    await expect.poll(() => boardTable(page), { timeout: 2_000 }).toEqual([
      ['1', '5', '10.00'], ['2', '1', '10.05'], ['2', '2', '10.05'], ['4', '4', '10.12'], ['5', '3', '10.13'],
      ['', '6', 'DNF'], ['', '7', 'DQTR16.8'], ['', '8', 'DNS'],
    ]);
    const rows = await boardRows(page);
    expect(rows.map((r) => r.flags)).toEqual(['w', 'w', 'w FS', 'w', 'w', '', '', '']);
    expect(await page.locator('[data-testid=row] .rule').allTextContents()).toEqual(['TR16.8']);

    await starter.status(heatId, 'finished');
    await starter.status(heatId, 'official');
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('OFFICIAL');
    expect(await page.getByTestId('board').getAttribute('data-version')).toBe(String((await heatSnapshot(a, heatId)).version));
    expect(await overflow(page)).toEqual({ x: 0, y: 0 });
    await page.waitForFunction(() => document.getAnimations().every((x) => x.playState !== 'running'));
    await screenshot(page, 'display-board-1920x1080');
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('shows a hostile athlete name as literal text and opens no dialog', async () => {
    const f = await createHeats(h.db.sql, { lanes: 3, names: ['Safe', HOSTILE, `"><script>alert(2)</script>`] });
    const heatId = f.heatIds[0]!;
    const { page, seen } = await openBoard(`/board/${f.meetId}`);
    await boardShows(page, heatId);
    await expect.poll(async () => (await boardRows(page)).map((r) => r.name)).toEqual([
      'Test Safe', `Test ${HOSTILE}`, 'Test "><script>alert(2)</script>',
    ]);
    await starter.submit(heatId, [{ entryId: f.lanes[0]![1]!.entryId, timeMs: 11_000, status: 'OK' }]);
    await expect.poll(async () => (await boardRows(page))[0]?.name).toBe(`Test ${HOSTILE}`);
    expect(await page.locator('[data-testid=board] img, [data-testid=board] script').count()).toBe(0);
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('holds an official result for the configured time, then shows the next heat\'s start list; long lists page and nothing overflows', async () => {
    const f = await createHeats(h.db.sql, { heats: 2, lanes: 12, round: 'heat', distanceM: 1500, discipline: '1500m', windMeasured: false });
    const [h1, h2] = f.heatIds as [number, number];
    const { page, seen } = await openBoard(`/board/${f.meetId}?hold=3&page=1&rows=8`);
    // Before anything runs: the first heat's start list, 12 athletes on two pages turning by themselves.
    await boardShows(page, h1);
    const view = async () => ({ page: await page.getByTestId('page').textContent(), lanes: (await boardRows(page)).map((r) => r.lane) });
    await expect.poll(view).toEqual({ page: '1 / 2', lanes: ['1', '2', '3', '4', '5', '6', '7', '8'] });
    await expect.poll(view, { timeout: 3_000 }).toEqual({ page: '2 / 2', lanes: ['9', '10', '11', '12'] });
    expect(await overflow(page)).toEqual({ x: 0, y: 0 });
    const rowsFit = await page.$$eval('[data-testid=row]', (rows) => rows.every((r) => r.getBoundingClientRect().bottom <= window.innerHeight));
    expect(rowsFit).toBe(true);

    await starter.status(h1, 'started');
    await starter.submit(h1, f.lanes[0]!.map((l, i) => ({ entryId: l.entryId, timeMs: 220_000 + i * 700, status: 'OK' as const })));
    await starter.status(h1, 'finished');
    await starter.status(h1, 'official');
    const officialAt = Date.now();
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('OFFICIAL');
    expect(await page.getByTestId('board').getAttribute('data-heat-id')).toBe(String(h1));
    // After the hold (3 s): heat 2's start list.
    await boardShows(page, h2, 8_000);
    const held = Date.now() - officialAt;
    expect(held, `official result held ${held} ms`).toBeGreaterThanOrEqual(2_500);
    expect(await page.getByTestId('status').textContent()).toBe('START LIST');
    expect(await page.getByTestId('round').textContent()).toBe('Heat 2');
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('stays on a pinned heat (?heat=ID) while another heat of the meet runs', async () => {
    const f = await createHeats(h.db.sql, { heats: 2, lanes: 4 });
    const [h1, h2] = f.heatIds as [number, number];
    const { page } = await openBoard(`/board/${f.meetId}?heat=${h2}`);
    await boardShows(page, h2);
    await starter.status(h1, 'started');
    await starter.submit(h1, [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_000, status: 'OK' }]);
    await expect.poll(async () => (await heatSnapshot(b, h1)).rows[0]?.time).toBe('10.00');
    // Heat 1 changed on the hub; the pinned board still shows heat 2 and reacts to it alone.
    await starter.status(h2, 'started');
    await expect.poll(() => page.getByTestId('status').textContent()).toBe('LIVE');
    expect(await page.getByTestId('board').getAttribute('data-heat-id')).toBe(String(h2));
  });
});
