// Never lose an entry: results typed while the browser is offline wait in the outbox (badge 3), survive a
// page reload, and are delivered exactly once when the hub is reachable again.
//
// How the reload is done: with the context offline a reload cannot load the page at all, and "reload
// once online but before the queue flushes" is a race. So, before going back online, the test makes
// the hub's Socket.IO endpoint unreachable with a route that aborts every /socket.io/ request (the
// client always opens with an HTTP handshake, so no connection and no WebSocket upgrade can happen),
// goes online, reloads (the page and REST API load normally, the queue is read back from storage and
// cannot be sent), checks that nothing reached the database, then lifts the block and lets the
// client's own reconnection deliver the queue. Every frame the page sends over Socket.IO (WebSocket
// frames and polling POSTs) is recorded to prove each idempotency key went out once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { badgeCount, expectCleanPage, fillSignIn, openConsole, signIn } from './console-support.js';

const OUTBOX_KEY = 'athsys.console.outbox.v1';

describe.skipIf(!chromiumAvailable())('console offline queue', () => {
  let t: TestApp;
  let browser: Browser;
  let fx: HeatFixture;
  beforeAll(async () => {
    t = await startTestApp();
    fx = await createHeats(t.db.sql, { lanes: 6, heats: 3 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('queues three results offline, keeps them over a reload, and delivers each exactly once', async () => {
    const { page, context, seen } = await openConsole(browser);
    const heatId = fx.heatIds[0]!;
    const resultCount = async () => (await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${heatId}`).length;

    const sent: string[] = [];
    page.on('websocket', (ws) => ws.on('framesent', (f) => sent.push(String(f.payload))));
    page.on('request', (r) => {
      if (r.url().includes('/socket.io/') && r.method() === 'POST') sent.push(r.postData() ?? '');
    });

    await signIn(page, t.url, 'starter', `/console/starter/${heatId}`);
    await expect.poll(() => page.getByTestId('connection').innerText()).toBe('Connected');
    await expect.poll(() => page.getByTestId('entry-grid').locator('tbody tr').count()).toBe(6);

    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('connection').innerText()).toMatch(/^Offline/);
    for (const [lane, time] of [['1', '10.61'], ['2', '1058'], ['3', '10.70']] as const) {
      await page.getByLabel('Lane or bib').fill(lane);
      await page.getByLabel('Lane or bib').press('Enter');
      await page.getByLabel('Time or status', { exact: true }).fill(time);
      await page.getByLabel('Time or status', { exact: true }).press('Enter');
      await expect.poll(() => page.locator(`tr[data-lane="${lane}"] [data-testid="row-state"]`).getAttribute('data-state')).toBe('pending');
    }
    await expect.poll(() => badgeCount(page)).toBe(3);
    const stored = async () => JSON.parse((await page.evaluate((k) => localStorage.getItem(k), OUTBOX_KEY)) ?? '[]') as { key: string }[];
    const keys = (await stored()).map((i) => i.key);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(3);
    expect(await resultCount()).toBe(0);

    // Block the hub's socket endpoint, come back online, reload: the queue is still there, unsent.
    let blocked = true;
    let refusedRequests = 0;
    await context.route('**/socket.io/**', (route) => {
      if (blocked) {
        refusedRequests++;
        return route.abort('internetdisconnected');
      }
      return route.continue();
    });
    await context.setOffline(false);
    await page.reload();
    await expect.poll(() => page.getByTestId('entry-grid').locator('tbody tr').count()).toBe(6);
    await expect.poll(() => badgeCount(page)).toBe(3);
    expect((await stored()).map((i) => i.key)).toEqual(keys);
    await expect.poll(() => refusedRequests).toBeGreaterThan(1); // the client kept trying
    expect(await page.getByTestId('connection').innerText()).not.toBe('Connected');
    await expect.poll(() => page.locator('[data-testid="row-state"][data-state="pending"]').count()).toBe(3);
    expect(await resultCount()).toBe(0);
    await screenshot(page, 'console-offline-queue');

    // The hub is reachable again: the client reconnects by itself and the queue drains.
    blocked = false;
    await expect.poll(() => badgeCount(page), { timeout: 30_000 }).toBe(0);
    await expect.poll(resultCount).toBe(3);
    expect(await stored()).toEqual([]);
    await expect.poll(() => page.locator('[data-testid="row-state"][data-state="saved"]').count()).toBe(3);

    // Exactly once: three rows, no corrections, one audit entry and one idempotency record per key,
    // and each key went over the wire once.
    const rows = await t.db.sql<{ time_ms: number; revision: number }[]>`
      SELECT r.time_ms, r.revision FROM results r JOIN heat_lanes hl ON hl.heat_id = r.heat_id AND hl.entry_id = r.entry_id
      WHERE r.heat_id = ${heatId} ORDER BY hl.lane`;
    expect(rows).toEqual([{ time_ms: 10610, revision: 1 }, { time_ms: 10580, revision: 1 }, { time_ms: 10700, revision: 1 }]);
    const [{ n: revisions }] = await t.db.sql<[{ n: number }]>`
      SELECT count(*)::int AS n FROM result_revisions rv JOIN results r ON r.id = rv.result_id WHERE r.heat_id = ${heatId}`;
    expect(revisions).toBe(0);
    const audits = await t.db.sql<{ key: string }[]>`
      SELECT details->>'idempotencyKey' AS key FROM audit_log WHERE action = 'results.submit' AND entity_id = ${String(heatId)}`;
    expect(audits.map((a) => a.key).toSorted()).toEqual(keys.toSorted());
    const stored3 = await t.db.sql<{ key: string }[]>`SELECT key FROM idempotency_keys WHERE key = ANY(${keys})`;
    expect(stored3).toHaveLength(3);
    const submits = sent.filter((f) => f.includes('result:submit'));
    for (const key of keys) expect(submits.filter((f) => f.includes(key))).toHaveLength(1);

    // A reload after delivery sends nothing again.
    await page.reload();
    await expect.poll(() => page.getByTestId('connection').innerText()).toBe('Connected');
    expect(await badgeCount(page)).toBe(0);
    expect(sent.filter((f) => f.includes('result:submit'))).toHaveLength(3);
    expect(await resultCount()).toBe(3);
    expectCleanPage(seen);
    await context.close();
  });

  it('keeps the queue when the session ends, shows the sign-in, and sends it after signing in again', async () => {
    const { page, context, seen } = await openConsole(browser);
    const heatId = fx.heatIds[1]!;
    const results = async () => t.db.sql<{ time_ms: number }[]>`SELECT time_ms FROM results WHERE heat_id = ${heatId}`;
    await signIn(page, t.url, 'starter', `/console/starter/${heatId}`);
    await expect.poll(() => page.getByTestId('connection').innerText()).toBe('Connected');
    await page.getByLabel('Lane or bib').waitFor(); // the start list is loaded before the network goes

    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('connection').innerText()).toMatch(/^Offline/);
    await page.getByLabel('Lane or bib').fill('4');
    await page.getByLabel('Lane or bib').press('Enter');
    await page.getByLabel('Time or status', { exact: true }).fill('10.99');
    await page.getByLabel('Time or status', { exact: true }).press('Enter');
    await expect.poll(() => badgeCount(page)).toBe(1);

    // The session ends on the hub (as an idle expiry or a revocation would) while the tablet is offline.
    const cookie = (await context.cookies()).find((c) => c.name === 'athsys_session');
    expect(cookie).toBeDefined();
    const logout = await t.app.inject({ method: 'POST', url: '/api/auth/logout', headers: bearer(cookie!.value) });
    expect(logout.statusCode).toBe(200);

    await context.setOffline(false);
    await expect.poll(() => page.getByText('Your session has ended').count()).toBe(1);
    expect(await page.getByText('1 entry is kept in this browser').count()).toBe(1);
    expect(await badgeCount(page)).toBe(1);
    expect(await results()).toEqual([]);
    await screenshot(page, 'console-session-expired');

    await fillSignIn(page, 'starter');
    await expect.poll(() => badgeCount(page), { timeout: 30_000 }).toBe(0);
    await expect.poll(results).toEqual([{ time_ms: 10990 }]);
    expect(page.url()).toBe(`${t.url}/console/starter/${heatId}`);
    await expect.poll(() => page.locator('tr[data-lane="4"] [data-testid="row-state"]').getAttribute('data-state')).toBe('saved');
    expectCleanPage(seen);
    await context.close();
  });

  it('keeps a submission the hub refuses visible, over a reload, until it is dismissed', async () => {
    const { page, context, seen } = await openConsole(browser);
    const heatId = fx.heatIds[2]!;
    await signIn(page, t.url, 'starter', `/console/starter/${heatId}`);
    await expect.poll(() => page.getByTestId('connection').innerText()).toBe('Connected');
    await page.getByLabel('Lane or bib').waitFor();

    await context.setOffline(true);
    await expect.poll(() => page.getByTestId('connection').innerText()).toMatch(/^Offline/);
    await page.getByLabel('Lane or bib').fill('2');
    await page.getByLabel('Lane or bib').press('Enter');
    await page.getByLabel('Time or status', { exact: true }).fill('11.02');
    await page.getByLabel('Time or status', { exact: true }).press('Enter');
    await expect.poll(() => badgeCount(page)).toBe(1);

    // Meanwhile another official closes the heat.
    const closed = await t.app.inject({
      method: 'POST', url: `/api/heats/${heatId}/status`,
      headers: { ...bearer(await t.login('chief_registrar')), 'idempotency-key': 'close-heat-0001' }, payload: { status: 'official' },
    });
    expect(closed.statusCode).toBe(200);

    await context.setOffline(false);
    const state = page.locator('tr[data-lane="2"] [data-testid="row-state"]');
    await expect.poll(() => state.getAttribute('data-state')).toBe('refused');
    expect(await state.innerText()).toContain('this heat is official: a chief registrar must reopen it first');
    await expect.poll(() => badgeCount(page)).toBe(0);
    expect(await page.getByTestId('outbox-badge').getAttribute('data-refused')).toBe('1');

    // Still there after a reload; the queue page lists it with the hub's message until dismissed.
    await page.reload();
    await expect.poll(() => page.getByTestId('outbox-badge').getAttribute('data-refused')).toBe('1');
    await page.getByTestId('outbox-badge').click();
    const refusedItem = page.getByRole('region', { name: /Refused by the hub/ }).getByRole('listitem');
    await expect.poll(() => refusedItem.innerText()).toMatch(/lane 2 \(bib \d+\) 11\.020[\s\S]*refused: this heat is official/);
    await refusedItem.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.getByTestId('outbox-badge').getAttribute('data-refused')).toBe('0');
    expect(await page.evaluate((k) => localStorage.getItem(k), OUTBOX_KEY)).toBeNull();
    expect((await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${heatId}`).length).toBe(0);
    expectCleanPage(seen);
    await context.close();
  });
  it('opens a heat whose start list cannot be read at first, and shows it once the hub answers', async () => {
    const { page, context, seen } = await openConsole(browser);
    const heatId = fx.heatIds[1]!;
    await signIn(page, t.url, 'starter', '/console/');
    // The first two reads of the heat fail as a dropped Wi-Fi would; the screen keeps trying by itself.
    let failures = 0;
    await page.route(`**/api/heats/${heatId}`, (route) => (failures++ < 2 ? route.abort('internetdisconnected') : route.continue()));
    await page.goto(`${t.url}/console/starter/${heatId}`);
    // (The live subscription may show the rows first; the screen still reads the heat and its event.)
    await expect.poll(() => failures, { timeout: 10_000 }).toBeGreaterThanOrEqual(3);
    await page.getByLabel('Lane or bib').waitFor();
    await expect.poll(() => page.getByTestId('entry-grid').locator('tbody tr').count()).toBe(6);
    expect(await page.getByRole('alert').count()).toBe(0);
    expectCleanPage(seen);
    await context.close();
  });
});
