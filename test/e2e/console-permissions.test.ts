// Roles in the console: the menu offers exactly what the shared permission table allows, a viewer
// cannot reach the starter screen (the page refuses it, and the hub refuses the /console socket and
// the results route).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { connectConsole, connectError } from '../helpers/sockets.js';
import type { Role } from '../../shared/permissions.js';
import { expectCleanPage, openConsole, signIn } from './console-support.js';

const MENUS: Record<Role, string[]> = {
  admin: ['Starter', 'Athletes', 'Meets & events', 'Heats', 'Entries', 'Call room', 'Users', 'Audit log'],
  chief_registrar: ['Starter', 'Athletes', 'Meets & events', 'Heats', 'Entries', 'Call room'],
  registrar: ['Athletes', 'Entries', 'Call room'],
  starter: ['Starter'],
  coach: [],
  athlete: [],
  viewer: [],
};

describe.skipIf(!chromiumAvailable())('console permissions', () => {
  let t: TestApp;
  let browser: Browser;
  let fx: HeatFixture;
  beforeAll(async () => {
    t = await startTestApp();
    fx = await createHeats(t.db.sql, { lanes: 4 });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows each role the menu of its permissions', async () => {
    for (const role of Object.keys(MENUS) as Role[]) {
      const { page, context, seen } = await openConsole(browser);
      await signIn(page, t.url, role);
      const nav = page.getByRole('navigation', { name: 'Main' });
      await expect.poll(() => nav.getByRole('link').allInnerTexts(), { message: role }).toEqual(MENUS[role]);
      expectCleanPage(seen);
      await context.close();
    }
  });

  it('keeps a viewer off the starter screen: hidden, refused by URL, and refused by the hub', async () => {
    const { page, context, seen } = await openConsole(browser);
    const heatId = fx.heatIds[0]!;
    await signIn(page, t.url, 'viewer');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).innerText()).toBe('Welcome, Test viewer');
    expect(await page.getByRole('link', { name: 'Starter' }).count()).toBe(0);
    expect(await page.getByText('has no console tasks').count()).toBe(1);

    for (const path of [`/console/starter/${heatId}`, '/console/starter', '/console/audit']) {
      await page.goto(`${t.url}${path}`);
      await expect.poll(() => page.getByTestId('forbidden').innerText()).toMatch(/^Not allowed\s+Your role \(viewer\) may not use the/);
      expect(await page.getByTestId('entry-grid').count()).toBe(0);
    }
    await page.goto(`${t.url}/console/starter/${heatId}`);
    await page.getByTestId('forbidden').waitFor();
    await screenshot(page, 'console-viewer-refused');
    // The page never opened the writers' connection.
    expect(await page.getByTestId('connection').count()).toBe(0);

    // The hub refuses on its own, whatever a page does.
    const token = await t.login('viewer');
    const socket = connectConsole(t.url, token);
    try {
      expect(await connectError(socket)).toMatch(/^forbidden/);
    } finally {
      socket.close();
    }
    const res = await t.app.inject({
      method: 'POST', url: `/api/heats/${heatId}/results`, headers: { ...bearer(token), 'idempotency-key': 'viewer-try-0001' },
      payload: { results: [{ entryId: fx.lanes[0]![0]!.entryId, status: 'DNS' }] },
    });
    expect(res.statusCode).toBe(403);
    expect((await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${heatId}`).length).toBe(0);
    expectCleanPage(seen);
    await context.close();
  });

  it('lets an admin create a user, change their role, reset their password, suspend them, and read it all in the audit log', async () => {
    const { page, context, seen } = await openConsole(browser);
    await signIn(page, t.url, 'admin');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    await page.locator('#user-name').fill('Gun Starter');
    await page.locator('#user-email').fill('gun@test.local');
    await page.locator('#user-password').fill('short');
    await page.locator('#user-role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create user' }).click();
    // The hub's refusal lands beside the password field.
    await expect.poll(() => page.locator('#user-password-error').textContent()).toMatch(/at least 10 characters/);
    await page.locator('#user-password').fill('a-long-enough-password');
    await page.getByRole('button', { name: 'Create user' }).click();
    const row = page.locator('tr', { hasText: 'gun@test.local' });
    await row.waitFor();
    const user = async () => (await t.db.sql<[{ id: number; role: string; status: string }?]>`SELECT id, role, status FROM users WHERE email = 'gun@test.local'`)[0];
    expect(await user()).toMatchObject({ role: 'viewer', status: 'active' });

    await row.getByLabel('Role of gun@test.local').selectOption('starter');
    await row.getByRole('button', { name: 'Save role' }).click();
    await expect.poll(async () => (await user())?.role).toBe('starter');
    await row.getByRole('button', { name: 'Reset password' }).click();
    await row.getByLabel('New password for gun@test.local').fill('another-long-password');
    await row.getByRole('button', { name: 'Set' }).click();
    await expect.poll(() => page.getByText('New password set for gun@test.local').count()).toBe(1);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'gun@test.local', password: 'another-long-password' } });
    expect(login.statusCode).toBe(200);
    await row.getByRole('button', { name: 'Suspend' }).click();
    await expect.poll(async () => (await user())?.status).toBe('suspended');
    await row.getByRole('button', { name: 'Reactivate' }).waitFor();

    // The audit log, filtered to this user's record.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Audit log' }).click();
    await page.getByLabel('Entity type').selectOption('user');
    await page.getByLabel('Entity id').fill(String((await user())!.id));
    await page.getByLabel('Action').fill('user.update');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    const audit = page.getByTestId('audit').locator('tbody tr');
    await expect.poll(() => audit.count()).toBe(3);
    expect(await audit.allInnerTexts()).toEqual(Array(3).fill(expect.stringMatching(/admin@test\.local[\s\S]*user\.update\s+user \d+/)));
    await audit.first().getByRole('button', { name: 'Show details' }).click();
    expect(await audit.first().locator('pre').innerText()).toContain('"status": "suspended"');
    await screenshot(page, 'console-admin-audit');
    expectCleanPage(seen);
    await context.close();
  });
});
