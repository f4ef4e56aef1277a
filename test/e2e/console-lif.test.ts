// FinishLynx results files on the starter screen against a real hub: a .lif written from the hub's own
// lynx.evt is chosen in the file input, imported into the heat (the database holds its thousandths, the
// grid shows them as saved), the same file again changes nothing, another heat's file is refused with
// the hub's message, an official heat takes no file, and a viewer is never offered the input.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { chromiumAvailable, launchBrowser, screenshot } from '../helpers/browser.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { lifFromEvt } from '../helpers/lynx.js';
import { expectCleanPage, openConsole, signIn } from './console-support.js';

const LABEL = 'Import FinishLynx file (.lif)';

describe.skipIf(!chromiumAvailable())('console FinishLynx upload', () => {
  let t: TestApp;
  let browser: Browser;
  let fx: HeatFixture;
  let other: HeatFixture;
  let dir: string;
  beforeAll(async () => {
    t = await startTestApp();
    fx = await createHeats(t.db.sql, { lanes: 4 });
    other = await createHeats(t.db.sql, { meetId: fx.meetId, lanes: 2 });
    browser = await launchBrowser();
    dir = mkdtempSync(path.join(tmpdir(), 'athsys-lif-'));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Everything an import could have touched in a heat. */
  const heatState = async (heatId: number) => ({
    results: await t.db.sql`SELECT entry_id, time_ms, status, judged_place, revision, source FROM results WHERE heat_id = ${heatId} ORDER BY entry_id`,
    revisions: await t.db.sql`SELECT rv.id FROM result_revisions rv JOIN results r ON r.id = rv.result_id WHERE r.heat_id = ${heatId} ORDER BY rv.id`,
    heat: await t.db.sql`SELECT version, status FROM heats WHERE id = ${heatId}`,
    audit: await t.db.sql`SELECT action FROM audit_log WHERE entity_type = 'heat' AND entity_id = ${String(heatId)} ORDER BY id`,
    imports: await t.db.sql`SELECT content_hash, file_name FROM lynx_imports WHERE heat_id = ${heatId} ORDER BY id`,
  });

  /** A .lif for the fixture's only heat (a final: round 3), as FinishLynx writes it from the hub's lynx.evt. */
  const lifFile = async (f: HeatFixture, name: string, finish: (number | string)[]) => {
    const [{ n }] = await t.db.sql<[{ n: number }]>`SELECT event_number AS n FROM events WHERE id = ${f.eventId}`;
    const evt = await t.app.inject({ url: `/api/meets/${f.meetId}/lynx/evt`, headers: bearer(await t.login('starter')) });
    expect(evt.statusCode, evt.body).toBe(200);
    const bytes = lifFromEvt(evt.body, { eventNumber: n, round: 3, heat: 1 }, Object.fromEntries(f.lanes[0]!.map((l, i) => [l.bib, finish[i]!])));
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    return { file, eventNumber: n, sha256: createHash('sha256').update(bytes).digest('hex') };
  };

  it('imports a chosen file, shows its times as saved, replays the same file, refuses another heat\'s file', async () => {
    const { page, seen, context } = await openConsole(browser);
    const heatId = fx.heatIds[0]!;
    const otherHeatId = other.heatIds[0]!;
    const lif = await lifFile(fx, '001-3-01.lif', [10_234, 10_105, 10_871, 'DNF']);
    const wrong = await lifFile(other, '002-3-01.lif', [9_990, 10_010]);
    const sent: (string | undefined)[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && req.url().endsWith(`/api/heats/${heatId}/lif`)) sent.push(req.headers()['idempotency-key']);
    });

    await signIn(page, t.url, 'starter', `/console/starter/${heatId}`);
    await expect.poll(() => page.getByTestId('entry-grid').locator('tbody tr').count()).toBe(4);
    const input = page.getByLabel(LABEL);
    expect(await input.getAttribute('type')).toBe('file');
    expect(await input.getAttribute('accept')).toBe('.lif,.LIF,text/plain');
    const status = page.getByTestId('lif-status');
    const alert = page.getByTestId('lif-error');

    // The first import: 4 results in thousandths, the judges' places, through the one ingest path.
    await input.setInputFiles(lif.file);
    await expect.poll(() => status.innerText()).toMatch(/^Imported 4 results from 001-3-01\.lif \(version \d+\)\.$/);
    const first = await heatState(heatId);
    const version = Number(first.heat[0]!.version);
    expect(await status.innerText()).toBe(`Imported 4 results from 001-3-01.lif (version ${version}).`);
    const entries = fx.lanes[0]!.map((l) => l.entryId);
    expect(first.results.map((r) => [Number(r.entry_id), r.time_ms, r.status, r.judged_place, r.revision, r.source])).toEqual([
      [entries[0], 10_234, 'OK', 2, 1, 'lynx'],
      [entries[1], 10_105, 'OK', 1, 1, 'lynx'],
      [entries[2], 10_871, 'OK', 3, 1, 'lynx'],
      [entries[3], null, 'DNF', null, 1, 'lynx'],
    ]);
    expect(first.revisions).toEqual([]); // superseded revisions only: none yet
    expect(first.audit.map((r) => r.action)).toEqual(['results.submit']);
    expect(first.imports).toEqual([{ content_hash: lif.sha256, file_name: '001-3-01.lif' }]);
    // The page hashed the file itself (127.0.0.1 is a secure context: crypto.subtle is there).
    expect(sent).toEqual([`lif-${lif.sha256}`]);
    expect(await alert.count()).toBe(0);

    // The grid shows what the hub saved, row by row.
    const marks = () => page.getByTestId('entry-grid').locator('input.mark').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value));
    const states = () => page.getByTestId('row-state').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    await expect.poll(marks).toEqual(['10.234', '10.105', '10.871', 'DNF']);
    await expect.poll(states).toEqual(Array(4).fill('saved'));
    await expect.poll(() => page.getByText(`version ${version}`, { exact: true }).count()).toBe(1);

    // The same file again (the input was reset, so choosing it fires again): a replay, nothing changed.
    await input.setInputFiles(lif.file);
    await expect.poll(() => status.innerText()).toBe(`001-3-01.lif was already imported: nothing changed (version ${version}).`);
    expect(sent).toHaveLength(2);
    expect(await heatState(heatId)).toEqual(first);

    // Another heat's file: the hub's refusal is shown as an alert, and neither heat changed.
    const otherBefore = await heatState(otherHeatId);
    expect(otherBefore.results).toEqual([]);
    await input.setInputFiles(wrong.file);
    await expect.poll(() => alert.innerText()).toMatch(
      new RegExp(`^002-3-01\\.lif: the file is for event ${wrong.eventNumber} round 3 heat 1.*but heat ${heatId} is event ${lif.eventNumber} round 3 heat 1.*nothing was imported$`),
    );
    expect(await alert.getAttribute('role')).toBe('alert');
    expect(await status.innerText()).toBe('');
    expect(await heatState(heatId)).toEqual(first);
    expect(await heatState(otherHeatId)).toEqual(otherBefore);
    await expect.poll(marks).toEqual(['10.234', '10.105', '10.871', 'DNF']);
    await screenshot(page, 'console-lif');

    // An official heat takes no file: the input locks with the rest of the screen.
    const official = await t.app.inject({
      method: 'POST', url: `/api/heats/${heatId}/status`, headers: { ...bearer(await t.login('chief_registrar')), 'idempotency-key': 'lif-e2e-official-1' },
      payload: { status: 'official' },
    });
    expect(official.statusCode, official.body).toBe(200);
    await expect.poll(() => page.getByTestId('heat-status').innerText()).toBe('official');
    await expect.poll(() => input.isDisabled()).toBe(true);

    expectCleanPage(seen);
    await context.close();
  });

  it('is not offered to a viewer', async () => {
    const { page, seen, context } = await openConsole(browser);
    await signIn(page, t.url, 'viewer', `/console/starter/${fx.heatIds[0]}`);
    await page.getByTestId('forbidden').waitFor();
    expect(await page.getByLabel(LABEL).count()).toBe(0);
    expect(await page.getByTestId('lif-upload').count()).toBe(0);
    expectCleanPage(seen);
    await context.close();
  });
});
