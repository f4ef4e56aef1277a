// Stored XSS in Chromium: names with markup, entered through the API like any registration, are
// shown as text by the display (phone viewer pages and the stadium board) and by the console (athletes
// and the starter's heat): no dialog, no page error, no element or handler from the data in the DOM,
// and the literal text on screen. (The hub's HTML export: test/integration/injection.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, screenshot, watchPage } from '../helpers/browser.js';
import { builders, signIn as apiSignIn, uniq } from '../helpers/registry.js';
import { signIn } from './console-support.js';

const IMG = '<img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(2)</script>';
const SVG = '"><svg onload=alert(3)>';
const IFRAME = "'><iframe src=javascript:alert(4)>";

/** Nothing the data carried became markup: no element or inline handler of its making. */
const injected = (page: Page) =>
  page.evaluate(() => ({
    handlers: document.querySelectorAll('[onerror],[onload],[onclick],[onmouseover]').length,
    images: [...document.images].filter((i) => i.getAttribute('src') === 'x').length,
    inlineScripts: [...document.scripts].filter((s) => !s.src && /alert/.test(s.text)).length,
    frames: document.querySelectorAll('iframe').length,
    svgsWithHandlers: [...document.querySelectorAll('svg')].filter((s) => s.hasAttribute('onload')).length,
  }));
const CLEAN = { handlers: 0, images: 0, inlineScripts: 0, frames: 0, svgsWithHandlers: 0 };

describe.skipIf(!chromiumAvailable())('stored XSS renders as text in both apps', () => {
  let t: TestApp;
  let browser: Browser;
  let ids: { meet: number; event: number; heat: number; athlete: number };

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    const admin = await apiSignIn(t, 'admin');
    const b = builders(admin);
    const meet = await b.meet({ name: `Meet ${SVG}`, venue: IFRAME });
    const event = await b.event(meet.id, { name: `Men 100m ${IFRAME}` });
    const athlete = await b.athlete({ firstName: IMG, lastName: `Xss ${SCRIPT}`, club: SVG });
    const other = await b.athlete({ firstName: 'Plain', lastName: 'Runner' });
    const entry = await b.entry(event.id, athlete.id, uniq('X'));
    const plain = await b.entry(event.id, other.id, uniq('P'));
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 4 }, { entryId: plain.id, lane: 5 }] }] });
    const r = await admin.call('POST', `/api/heats/${heat.id}/results`, { results: [{ entryId: entry.id, timeMs: 10_120, status: 'OK' }, { entryId: plain.id, status: 'DQ', dqRule: '<b onmouseover=alert(5)>TR16.8' }] }, { 'idempotency-key': randomUUID() });
    expect(r.status).toBe(200);
    ids = { meet: meet.id, event: event.id, heat: heat.id, athlete: athlete.id };
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** Opens a page, waits for the literal text, and checks that nothing ran or was injected. */
  async function expectText(page: Page, seen: ReturnType<typeof watchPage>, url: string, literal: RegExp, name: string) {
    await page.goto(`${t.url}${url}`);
    await expect.poll(() => page.locator('body').innerText(), { timeout: 15_000, message: `${url} shows ${literal}` }).toMatch(literal);
    await page.waitForTimeout(300); // an onerror of a broken image fires a moment later
    await screenshot(page, `xss-${name}`);
    expect(await injected(page), url).toEqual(CLEAN);
    expect(seen.dialogs, url).toEqual([]);
    expect(seen.errors, url).toEqual([]);
  }
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

  it('display: the heat page, the event, the schedule, the ranking and the stadium board', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    await expectText(page, seen, `/heats/${ids.heat}`, new RegExp(esc('onerror=alert(1)'), 'i'), 'display-heat');
    expect(await page.locator('body').innerText()).toMatch(new RegExp(esc(SCRIPT), 'i'));
    await expectText(page, seen, `/events/${ids.event}`, new RegExp(esc('onerror=alert(1)'), 'i'), 'display-event');
    await expectText(page, seen, `/meets/${ids.meet}`, new RegExp(esc('<iframe src=javascript:alert(4)>'), 'i'), 'display-schedule');
    await expectText(page, seen, `/events/${ids.event}/ranking/final`, new RegExp(esc('onerror=alert(1)'), 'i'), 'display-ranking');
    await expectText(page, seen, `/board/${ids.meet}?heat=${ids.heat}`, new RegExp(esc('alert(2)'), 'i'), 'display-board');
    await page.close();
  });

  it('console: the athletes list and the starter screen of the heat', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const seen = watchPage(page);
    await signIn(page, t.url, 'admin');
    await expectText(page, seen, '/console/athletes', new RegExp(esc('onerror=alert(1)'), 'i'), 'console-athletes');
    await expectText(page, seen, `/console/starter/${ids.heat}`, new RegExp(esc('onerror=alert(1)'), 'i'), 'console-starter');
    expect(await page.locator('body').innerText()).toMatch(new RegExp(esc('alert(5)'), 'i'));
    await context.close();
  });
});
