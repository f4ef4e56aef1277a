// Debian's Chromium driven by playwright-core (never a downloaded browser: see MACHINE.md).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { IN_CI } from './services.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

/** Whether browser suites can run; under CI a missing Chromium is a failure, not a skip. */
export function chromiumAvailable(): boolean {
  const ok = existsSync(CHROMIUM);
  if (!ok && IN_CI) throw new Error(`CI=true but no Chromium at ${CHROMIUM}: .ci/run must apt-get install chromium`);
  if (!ok) console.warn(`Browser suites skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium).`);
  return ok;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/** Saves a screenshot as a test artifact (test-results/screenshots/NAME.png). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: false });
  return file;
}

/** Fails the test on any uncaught page error or dialog (e.g. an injected alert). */
export function watchPage(page: Page): { errors: string[]; dialogs: string[] } {
  const seen = { errors: [] as string[], dialogs: [] as string[] };
  page.on('pageerror', (err) => seen.errors.push(err.message));
  page.on('dialog', (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  return seen;
}
