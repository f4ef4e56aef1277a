// The spectators' phone viewer (/) in Chromium at 360x640 against a real hub process: meets ->
// schedule -> event -> heat, following athletes and the notice of their results, round ranking,
// team standings, themes, and names shown as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromiumAvailable, launchBrowser, screenshot, watchPage } from '../helpers/browser.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import type { HubProcess } from '../helpers/hub-process.js';
import { overflow, startHubs, StarterConsole, type Hubs } from './display-support.js';

const HOSTILE = '<img src=x onerror=alert(1)>';
const NAMES = ['Ólafur', 'Amara', 'Nguyễn', "O'Neil", 'Kowalski', HOSTILE, 'Mensah', 'Tanaka', 'Silva', 'Rossi'];

describe.skipIf(!chromiumAvailable())('phone viewer at 360x640', () => {
  let h: Hubs;
  let hub: HubProcess;
  let browser: Browser;
  let starter: StarterConsole;
  let f: HeatFixture;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHubs(1, { redis: false });
    hub = h.hubs[0]!;
    browser = await launchBrowser();
    starter = await StarterConsole.open(hub);
    f = await createHeats(h.db.sql, { heats: 2, lanes: 5, round: 'heat', names: NAMES });
  });
  afterAll(async () => {
    starter?.close();
    await browser?.close();
    await h?.close();
  });

  async function openPhone(opts: { colorScheme?: 'light' | 'dark' } = {}) {
    const context = await browser.newContext({
      viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: opts.colorScheme ?? 'light',
    });
    contexts.push(context);
    const page = await context.newPage();
    return { context, page, seen: watchPage(page) };
  }

  const row = (page: Page, athleteId: number) => page.locator(`[data-testid=result-row][data-athlete-id="${athleteId}"]`);

  it('navigates to a heat, follows an athlete and shows a notice when their result arrives', async () => {
    const [heat1] = f.heatIds as [number, number];
    const lanes = f.lanes[0]!;
    const { page, seen } = await openPhone();
    await page.goto(`${hub.url}/`);

    // Meets -> schedule (with the event's live status) -> event (its heats' start lists) -> heat.
    await page.getByRole('link', { name: /Fixture Meet/ }).first().click();
    await expect.poll(() => page.getByTestId('event-status').first().textContent()).toBe('Scheduled');
    await page.getByRole('link', { name: /Men 100m/ }).click();
    await expect.poll(() => page.getByTestId('result-row').count()).toBe(10);
    await page.getByRole('link', { name: 'Heat 1', exact: true }).click();
    await expect.poll(() => page.url()).toBe(`${hub.url}/heats/${heat1}`);
    await expect.poll(() => page.getByTestId('result-row').count()).toBe(5);

    // Follow the athlete in lane 2: highlighted, kept in this browser across a reload.
    const followed = lanes[1]!;
    await row(page, followed.athleteId).getByTestId('follow').click();
    expect(await row(page, followed.athleteId).getAttribute('data-followed')).toBe('true');
    expect(await row(page, followed.athleteId).getByTestId('follow').getAttribute('aria-pressed')).toBe('true');
    await page.reload();
    await expect.poll(() => row(page, followed.athleteId).getAttribute('data-followed')).toBe('true');
    expect(await row(page, lanes[0]!.athleteId).getAttribute('data-followed')).toBe('false');

    // Another athlete's result: no notice. The followed athlete's: a notice with place and time.
    await starter.status(heat1, 'started');
    await starter.submit(heat1, [{ entryId: lanes[0]!.entryId, timeMs: 10_400, status: 'OK' }]);
    await expect.poll(() => row(page, lanes[0]!.athleteId).getByTestId('time').textContent()).toBe('10.40');
    expect(await page.getByTestId('notice').count()).toBe(0);
    await starter.submit(heat1, [{ entryId: followed.entryId, timeMs: 10_213, status: 'OK', reactionMs: 141 }]);
    const notice = page.getByTestId('notice');
    await notice.waitFor({ timeout: 3_000 });
    expect(await notice.textContent()).toContain('Test Amara');
    expect(await notice.textContent()).toContain('1st, 10.22');
    expect(await row(page, followed.athleteId).getByTestId('time').textContent()).toBe('10.22');
    expect(await overflow(page)).toMatchObject({ x: 0 });
    await screenshot(page, 'display-phone-360x640');

    // Dismissed by hand; an unchanged re-broadcast (the heat goes official) brings no new notice.
    await notice.getByRole('button', { name: 'Dismiss' }).click();
    await starter.status(heat1, 'finished');
    await starter.status(heat1, 'official');
    await expect.poll(() => page.getByTestId('heat-status').textContent()).toBe('Official');
    expect(await page.getByTestId('notice').count()).toBe(0);
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('notices a followed athlete\'s result on the schedule page too (meet subscription)', async () => {
    const heat2 = f.heatIds[1]!;
    const runner = f.lanes[1]![2]!;
    const { page, seen } = await openPhone();
    await page.goto(`${hub.url}/heats/${heat2}`);
    await row(page, runner.athleteId).getByTestId('follow').click();
    await page.getByRole('link', { name: '‹ All heats' }).click();
    await page.getByRole('link', { name: '‹ Schedule' }).click();
    await page.getByTestId('schedule').waitFor();
    await starter.status(heat2, 'started');
    await expect.poll(() => page.getByTestId('event-status').first().textContent()).toBe('Live');
    await starter.submit(heat2, [{ entryId: runner.entryId, status: 'DQ', dqRule: 'TR16.8' }]);
    await page.getByTestId('notice').waitFor({ timeout: 3_000 });
    expect(await page.getByTestId('notice').textContent()).toContain('DQ TR16.8');
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });

  it('shows the round ranking, team standings of a final, both themes, and hostile names as text', async () => {
    // A final in the same meet: official, so teams score.
    const final = await createHeats(h.db.sql, { meetId: f.meetId, lanes: 3, discipline: '200m' });
    const fl = final.lanes[0]!;
    await starter.status(final.heatIds[0]!, 'started');
    await starter.submit(final.heatIds[0]!, fl.map((l, i) => ({ entryId: l.entryId, timeMs: 20_000 + i * 100, status: 'OK' as const })));
    await starter.status(final.heatIds[0]!, 'official');

    const { page, seen } = await openPhone({ colorScheme: 'dark' });
    await page.goto(`${hub.url}/events/${f.eventId}`);
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.getByRole('link', { name: /Ranking/ }).first().click();
    await page.getByTestId('ranking').waitFor();
    const ranks = await page.$$eval('[data-testid=ranking] tbody tr', (rows) => rows.map((r) => r.querySelector('td')?.textContent ?? ''));
    expect(ranks.slice(0, 2)).toEqual(['1', '2']);

    // The hostile name (heat 2, lane 1) is plain text wherever it appears.
    await page.goto(`${hub.url}/events/${f.eventId}`);
    await expect.poll(() => page.getByTestId('name').allTextContents()).toContain(`Test ${HOSTILE}`);
    expect(await page.locator('main img').count()).toBe(0);

    // Standings from the official final (10-8-6 by country).
    await page.goto(`${hub.url}/meets/${f.meetId}/standings`);
    await page.getByTestId('standings').waitFor();
    const points = await page.$$eval('[data-testid=standings] tbody tr', (rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(points.map((p) => p[2])).toEqual(['10', '8', '6']);
    expect(points.map((p) => p[1])).toEqual(fl.map((l) => l.country));

    // The toggle switches theme and is remembered.
    await page.getByTestId('theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await overflow(page)).toMatchObject({ x: 0 });
    expect(seen).toEqual({ errors: [], dialogs: [] });
  });
});
