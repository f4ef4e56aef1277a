import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, watchPage } from '../helpers/browser.js';

describe.skipIf(!chromiumAvailable())('built apps in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('serves the display at / and the console at /console/ without page errors', async () => {
    const page = await browser.newPage();
    const seen = watchPage(page);
    for (const path of ['/', '/console/']) {
      const res = await page.goto(`${t.url}${path}`);
      expect(res?.status()).toBe(200);
      await expect.poll(() => page.locator('body').innerText()).toMatch(/AthSys/);
    }
    expect(seen.errors).toEqual([]);
  });
});
