// The registrar's day before the meet, in the browser against a real hub: a meet and an event, athletes
// (created, edited, imported from CSV with a per-row report), entries with bibs (a duplicate bib refused
// with the hub's message beside the field), seeded heats, and the call room (check-in, then the
// unconfirmed athlete turned DNS through the results path). Seeding needs meets:write, which the
// permission table gives the chief registrar (and admin), so the chief registrar's account is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { expectCleanPage, openConsole, signIn } from './console-support.js';

describe.skipIf(!chromiumAvailable())('console registrar screens', () => {
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

  const entryId = async (bib: string) =>
    (await t.db.sql<[{ id: number }]>`
      SELECT e.id FROM entries e JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id WHERE ma.bib = ${bib}`)[0].id;
  const go = (page: Page, label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();

  it('creates an athlete, enters them with a bib, seeds heats and checks them in', async () => {
    const { page, seen, context } = await openConsole(browser);
    await signIn(page, t.url, 'chief_registrar');

    // Meet and event.
    await go(page, 'Meets & events');
    await page.getByRole('button', { name: 'New meet' }).click();
    await page.getByLabel('Meet name').fill('Reykjavík Open');
    await page.getByLabel('Start date').fill('2026-06-01');
    await page.getByRole('button', { name: 'Create meet' }).click();
    await page.getByRole('heading', { name: 'Events of Reykjavík Open' }).waitFor();
    await page.getByRole('button', { name: 'New event' }).click();
    await page.getByLabel('Discipline').fill('100m');
    await page.getByLabel('Event name').fill('Women 100m');
    await page.getByRole('button', { name: 'Create event' }).click();
    await expect.poll(() => page.getByTestId('events').innerText()).toContain('Women 100m');
    const [meet] = await t.db.sql<[{ id: number }]>`SELECT id FROM meets WHERE name = 'Reykjavík Open'`;
    const [event] = await t.db.sql<[{ id: number; wind_measured: boolean; distance_m: number }]>`
      SELECT id, wind_measured, distance_m FROM events WHERE meet_id = ${meet.id}`;
    expect(event).toMatchObject({ wind_measured: true, distance_m: 100 });
    await screenshot(page, 'console-registrar-meets');

    // Athletes: create, edit, import.
    await go(page, 'Athletes');
    await page.getByRole('button', { name: 'New athlete' }).click();
    await page.getByLabel('First name').fill('Ólafía');
    await page.getByLabel('Last name').fill("O'Neil");
    await page.locator('#ath-country').fill('ISL');
    await page.getByLabel('Gender').selectOption('F');
    await page.getByRole('button', { name: 'Create athlete' }).click();
    await expect.poll(() => page.getByTestId('athletes').innerText()).toContain("O'Neil, Ólafía");
    await page.getByRole('button', { name: "Edit Ólafía O'Neil" }).click();
    await page.getByLabel('Club').fill('ÍR');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(async () => (await t.db.sql`SELECT club FROM athletes WHERE last_name = ${"O'Neil"}`)[0]?.club).toBe('ÍR');

    await page.getByLabel('Or paste CSV text').fill(
      'firstName,lastName,country,gender\nFaith,Kipyegon,KEN,F\nShelly-Ann,Fraser,JAM,F\nBad,Row,Kenya,F\n',
    );
    await expect.poll(() => page.locator('#athletes-import-count').innerText()).toBe('3 data rows');
    await page.getByRole('button', { name: 'Import' }).click();
    const report = page.getByTestId('athletes-import-report');
    await expect.poll(() => report.innerText()).toMatch(/2 created, 1 rejected/);
    expect(await report.locator('tbody tr').innerText()).toMatch(/^4\s+country\s+.*three-letter IOC code/);
    await screenshot(page, 'console-registrar-athletes');

    // Entries with bibs; a bib already worn in the meet is refused beside the field.
    await go(page, 'Entries');
    await page.getByLabel('Meet').selectOption({ label: 'Reykjavík Open (2026-06-01)' });
    await page.getByLabel('Event').selectOption({ label: '#1 Women 100m' });
    const enter = async (name: string, bib: string, seed: string) => {
      await page.getByLabel('Find athlete by name').fill(name);
      await page.getByLabel('Find athlete by name').press('Enter');
      await expect.poll(() => page.getByLabel('Athlete', { exact: true }).locator('option').count()).toBe(2);
      await page.getByLabel('Bib', { exact: true }).fill(bib);
      await page.getByLabel('Seed mark').fill(seed);
      await page.getByRole('button', { name: 'Enter athlete' }).click();
    };
    await enter("O'Neil", '101', '11.52');
    await expect.poll(() => page.getByTestId('entries').innerText()).toContain("O'Neil, Ólafía");
    await enter('Kipyegon', '102', '1120');
    await expect.poll(() => page.getByTestId('entries').locator('tbody tr').count()).toBe(2);

    await enter('Fraser', '101', '11.05');
    const bibError = page.locator('#entry-bib-error');
    await expect.poll(() => bibError.textContent()).toMatch(/^bib 101 is already worn by Ólafía O'Neil \(athlete \d+\) in this meet$/);
    expect(await page.getByLabel('Bib', { exact: true }).getAttribute('aria-describedby')).toContain('entry-bib-error');
    expect(await page.getByLabel('Bib', { exact: true }).getAttribute('aria-invalid')).toBe('true');
    // The message is the hub's own: the same request over REST answers with the same words.
    const fraser = (await t.db.sql<[{ id: number }]>`SELECT id FROM athletes WHERE last_name = 'Fraser'`)[0].id;
    const res = await fetch(`${t.url}/api/events/${event.id}/entries`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await t.login('registrar')}` },
      body: JSON.stringify({ athleteId: fraser, bib: '101' }),
    });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string; field: string } }).error).toEqual({ code: 'conflict', message: await bibError.textContent(), field: 'bib' });
    await screenshot(page, 'console-registrar-entries-duplicate-bib');
    await page.getByLabel('Bib', { exact: true }).fill('103');
    await page.getByRole('button', { name: 'Enter athlete' }).click();
    await expect.poll(() => page.getByTestId('entries').locator('tbody tr').count()).toBe(3);
    const entries = await t.db.sql<{ bib: string; seed_mark: number }[]>`
      SELECT ma.bib, e.seed_mark FROM entries e JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id
      WHERE e.event_id = ${event.id} ORDER BY ma.bib`;
    expect(entries).toEqual([{ bib: '101', seed_mark: 11520 }, { bib: '102', seed_mark: 11200 }, { bib: '103', seed_mark: 11050 }]);

    // Heats: one seeded final.
    await go(page, 'Heats');
    await page.getByLabel('Round').selectOption('final');
    await page.getByLabel('Number of heats').fill('1');
    await page.getByRole('button', { name: 'Seed heats' }).click();
    await expect.poll(() => page.locator('section[data-heat] tbody tr').count()).toBe(3);
    const lanes = await t.db.sql<{ lane: number }[]>`SELECT hl.lane FROM heat_lanes hl JOIN heats h ON h.id = hl.heat_id WHERE h.event_id = ${event.id} ORDER BY hl.lane`;
    expect(lanes).toHaveLength(3);
    // Typed lane assignments replace the draw: bibs 101, 102, 103 in lanes 4, 5, 6.
    await page.getByRole('button', { name: 'Edit the lanes of final heat 1' }).click();
    await page.getByLabel("Lane for Ólafía O'Neil (101)").fill('4');
    await page.getByLabel('Lane for Faith Kipyegon (102)').fill('5');
    await page.getByLabel('Lane for Shelly-Ann Fraser (103)').fill('5');
    await page.getByRole('button', { name: 'Save lanes' }).click();
    const fraserEntry = await entryId('103');
    await expect.poll(() => page.locator(`#lane-${fraserEntry}-error`).textContent()).toBe('lane 5 is taken twice');
    await page.getByLabel('Lane for Shelly-Ann Fraser (103)').fill('6');
    await page.getByRole('button', { name: 'Save lanes' }).click();
    const byBib = async () => t.db.sql<{ bib: string; lane: number }[]>`
      SELECT ma.bib, hl.lane FROM heat_lanes hl JOIN entries e ON e.id = hl.entry_id
      JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id WHERE e.event_id = ${event.id} ORDER BY hl.lane`;
    await expect.poll(byBib).toEqual([{ bib: '101', lane: 4 }, { bib: '102', lane: 5 }, { bib: '103', lane: 6 }]);
    await expect.poll(() => page.locator('section[data-heat] tbody tr').first().innerText()).toMatch(/^4\s+101/);
    await screenshot(page, 'console-registrar-heats');

    // Call room: two report, the third becomes DNS in one action (through the results ingest path).
    await go(page, 'Call room');
    const callRoom = page.getByTestId('call-room');
    await expect.poll(() => callRoom.locator('tbody tr').count()).toBe(3);
    await page.getByLabel("Present: Ólafía O'Neil (101)").check();
    await page.getByLabel('Present: Faith Kipyegon (102)').check();
    await expect.poll(() => page.getByText('2 of 3 confirmed present').count()).toBe(1);
    const checked = async () => (await t.db.sql<{ bib: string }[]>`
      SELECT ma.bib FROM entries e JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id
      WHERE e.event_id = ${event.id} AND e.checked_in ORDER BY ma.bib`).map((r) => r.bib);
    await expect.poll(checked).toEqual(['101', '102']);
    await page.getByRole('button', { name: 'Unconfirmed → DNS (1)' }).click();
    await page.getByRole('button', { name: 'Confirm DNS' }).click();
    const results = async () => t.db.sql<{ bib: string; status: string; source: string }[]>`
      SELECT ma.bib, r.status, r.source FROM results r JOIN entries e ON e.id = r.entry_id
      JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id WHERE e.event_id = ${event.id}`;
    await expect.poll(results).toEqual([{ bib: '103', status: 'DNS', source: 'console' }]);
    await expect.poll(() => callRoom.locator('tr', { hasText: 'Fraser' }).innerText()).toMatch(/DNS$/);
    await screenshot(page, 'console-registrar-call-room');
    expectCleanPage(seen);
    await context.close();
  });
});
