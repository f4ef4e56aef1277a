// The starter screen against a real hub: a whole final entered from the keyboard (quick entry by lane
// and bib, the grid submitted as one heat), a tie, a DNF, a DQ with its rule, a correction with its
// history, started -> finished -> official, and the ranking on screen equal to the database's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { loadSnapshot } from '../../server/results/snapshot.js';
import { badgeCount, expectCleanPage, openConsole, signIn } from './console-support.js';

describe.skipIf(!chromiumAvailable())('console starter screen', () => {
  let t: TestApp;
  let browser: Browser;
  let fx: HeatFixture;
  beforeAll(async () => {
    t = await startTestApp();
    fx = await createHeats(t.db.sql, { lanes: 8 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('enters a whole heat, corrects a row, makes it official, and shows the ranking the database holds', async () => {
    const { page, seen, context } = await openConsole(browser);
    const heatId = fx.heatIds[0]!;
    const lanes = fx.lanes[0]!;
    await signIn(page, t.url, 'starter');

    // meet -> event -> heat, by the pickers
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Starter' }).click();
    const [names] = await t.db.sql<[{ meet: string; event: string }]>`
      SELECT m.name AS meet, e.name AS event FROM events e JOIN meets m ON m.id = e.meet_id WHERE e.id = ${fx.eventId}`;
    await page.getByLabel('Meet').selectOption({ label: `${names.meet} (2026-12-04)` });
    await page.getByLabel('Event').selectOption({ label: `#1 ${names.event}` });
    await page.locator(`a[data-heat="${heatId}"]`).click();
    await expect.poll(() => page.url()).toMatch(new RegExp(`/console/starter/${heatId}$`));
    await expect.poll(() => page.getByTestId('entry-grid').locator('tbody tr').count()).toBe(8);

    await page.getByRole('button', { name: 'Started' }).click();
    await expect.poll(() => page.getByTestId('heat-status').innerText()).toBe('started');

    // Quick entry: lane, Enter, time, Enter. Lanes 1 and 2 tie (two spellings of 10.52).
    const quick = async (target: string, mark: string, rule?: string) => {
      await page.getByLabel('Lane or bib').fill(target);
      await page.getByLabel('Lane or bib').press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('qe-mark');
      if (mark.length === 1) await page.keyboard.press(mark); // status key: f = DNF, q = DQ
      else await page.keyboard.type(mark);
      if (rule) {
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('qe-rule');
        await page.keyboard.type(rule);
      }
      await page.keyboard.press('Enter');
      await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('qe-target');
    };
    await quick('1', '1052');
    await quick('2', '10.52');
    await quick(`#${lanes[2]!.bib}`, '10.614'); // by bib
    await quick('4', 'f');
    await quick('5', 'q', 'TR16.8');

    // The grid: lanes 6-8 typed down the column, wind and a reaction, submitted as one heat.
    await page.getByLabel('Wind (m/s)').fill('+1.2');
    await page.getByLabel('Time or status, lane 6').fill('10.49');
    await page.keyboard.press('Enter');
    await page.keyboard.type('10.75');
    await page.keyboard.press('Enter');
    await page.keyboard.type('9.98');
    await page.getByLabel('Reaction in seconds, lane 8').fill('0.145');
    await expect.poll(() => page.getByRole('button', { name: /Submit heat/ }).innerText()).toContain('3 edited');
    await page.getByLabel('Reaction in seconds, lane 8').press('Control+Enter');

    const states = () => page.getByTestId('row-state').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    await expect.poll(states).toEqual(Array(8).fill('saved'));
    await expect.poll(() => badgeCount(page)).toBe(0);
    await expect.poll(async () => (await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${heatId}`).length).toBe(8);

    // A correction is a new submission of the row, and the history shows both revisions.
    await page.getByLabel('Time or status, lane 6').fill('10.48');
    await page.getByRole('button', { name: /Submit heat/ }).click();
    const lane6 = lanes[5]!.entryId;
    await expect.poll(async () => (await t.db.sql`SELECT revision, time_ms FROM results WHERE entry_id = ${lane6}`)[0]).toEqual({ revision: 2, time_ms: 10480 });
    await expect.poll(() => page.locator('tr[data-lane="6"] [data-testid="row-state"]').getAttribute('data-state')).toBe('saved');
    await page.getByRole('button', { name: 'History of lane 6' }).click();
    const history = page.getByTestId('history');
    await expect.poll(() => history.locator('tbody tr').count()).toBe(2); // revision 1 replaced, revision 2 current
    expect(await history.locator('tbody').innerText()).toMatch(/10\.490[\s\S]*10\.480/);

    await page.getByRole('button', { name: 'Finished' }).click();
    await expect.poll(() => page.getByTestId('heat-status').innerText()).toBe('finished');
    await page.getByRole('button', { name: 'Official…' }).click();
    await page.getByRole('button', { name: 'Confirm official' }).click();
    await expect.poll(() => page.getByTestId('heat-status').innerText()).toBe('official');
    await expect.poll(() => page.getByRole('heading', { name: 'Official ranking' }).count()).toBe(1);

    // The ranking on screen is the database's, row for row.
    const snap = (await loadSnapshot(t.db.sql, heatId))!;
    expect(snap.status).toBe('official');
    expect(snap.windMps).toBe(1.2);
    expect(snap.rows.map((r) => r.place)).toEqual([1, 2, 3, 3, 5, 6, null, null]);
    const expected = snap.rows.map((r) => [r.place === null ? '' : String(r.place), r.bib, r.status === 'OK' ? r.time : r.status === 'DQ' ? `DQ ${r.dqRule}` : r.status]);
    const shown = () =>
      page.getByTestId('ranking').locator('tbody tr').evaluateAll((trs) =>
        trs.map((tr) => [tr.querySelector('.place')!.textContent!.trim(), tr.getAttribute('data-bib'), tr.querySelector('.mark')!.textContent!.trim()]),
      );
    await expect.poll(shown).toEqual(expected);
    expect(expected.slice(0, 4).map((r) => r[2])).toEqual(['9.98', '10.48', '10.52', '10.52']);
    expect(snap.rows.find((r) => r.lane === 5)).toMatchObject({ status: 'DQ', dqRule: 'TR16.8' });
    expect(snap.rows.find((r) => r.lane === 8)).toMatchObject({ reactionMs: 145 });

    // Official: the grid locks.
    expect(await page.getByLabel('Time or status, lane 1').isDisabled()).toBe(true);
    await page.getByRole('button', { name: 'Close history' }).click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, 'console-starter');
    expectCleanPage(seen);
    await context.close();
  });
});
