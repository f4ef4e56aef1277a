// Shared steps of the console browser suites (test/e2e/console-*.test.ts): a 1280x800 page on a fresh
// context, and signing in through the console's own form.
import { expect } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { TEST_PASSWORD } from '../helpers/app.js';
import { watchPage } from '../helpers/browser.js';
import type { Role } from '../../shared/permissions.js';

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  seen: { errors: string[]; dialogs: string[] };
}

/** A new context (own storage) at tablet size. */
export async function openConsole(browser: Browser): Promise<ConsolePage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  return { context, page, seen: watchPage(page) };
}

/** Opens `path` (default the console's start) and signs in with the role's test account. */
export async function signIn(page: Page, baseUrl: string, role: Role, path = '/console/'): Promise<void> {
  await page.goto(`${baseUrl}${path}`);
  await fillSignIn(page, role);
}

export async function fillSignIn(page: Page, role: Role): Promise<void> {
  await page.getByLabel('Email').fill(`${role}@test.local`);
  await page.getByLabel('Password').fill(TEST_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

/** The queue badge's count of entries waiting for the hub. */
export async function badgeCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('outbox-badge').getAttribute('data-count'));
}

/** No uncaught page error and no dialog during the test. */
export function expectCleanPage(seen: ConsolePage['seen']): void {
  expect(seen.errors).toEqual([]);
  expect(seen.dialogs).toEqual([]);
}
