import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers, TEST_PASSWORD } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import { freePort, startHub, type HubProcess } from '../helpers/hub-process.js';
import { ack, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import { lifFromEvt, writeLif } from '../helpers/lynx.js';
import { JOURNAL_NAME, LynxBridge } from '../../server/lynx/bridge.js';
import { parseEvt } from '../../server/lynx/evt.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Ack } from '../../shared/schemas/common.js';

const poll = { timeout: 30_000, interval: 100 };

describe('the timing bridge with a real hub process', () => {
  let db: TestDb;
  let hub: HubProcess;
  let env: Record<string, string>;
  let port: number;
  let dir: string;
  let f: HeatFixture & { eventNumber: number };
  let token: string;
  let bridge: LynxBridge;
  const lines: string[] = [];
  let viewer: Socket | undefined;
  /** POSTs that left the bridge, counted at the network edge (a replayed file would count too). */
  let posts = 0;
  const countingFetch: typeof fetch = (input, init) => {
    if (init?.method === 'POST') posts++;
    return fetch(input, init);
  };
  const newBridge = () =>
    new LynxBridge({
      dir, hub: hub.url, token, startListPollMs: 200, rescanMs: 200, settleMs: 80, backoff: { initialMs: 100, maxMs: 800 },
      log: (l) => lines.push(l), fetch: countingFetch,
    });
  const fileName = (heat: number) => `${String(f.eventNumber).padStart(3, '0')}-1-${String(heat).padStart(2, '0')}.lif`;
  const evtText = () => readFile(path.join(dir, 'lynx.evt'), 'utf8');
  /** A LIF for heat n (1-based) written from the evt the bridge put in the folder, as FinishLynx would. */
  const dropLif = async (heat: number, times: (number | string)[]) => {
    const finish = Object.fromEntries(f.lanes[heat - 1]!.map((l, i) => [l.bib, times[i]!]));
    await writeFile(path.join(dir, fileName(heat)), lifFromEvt(await evtText(), { eventNumber: f.eventNumber, round: 1, heat }, finish, { wind: 'NWI' }));
  };
  const hubState = async () => ({
    audit: await db.sql`SELECT entity_id, action FROM audit_log WHERE action LIKE 'results.%' ORDER BY id`,
    imports: await db.sql`SELECT heat_id, content_hash FROM lynx_imports ORDER BY id`,
    heats: await db.sql`SELECT id, version FROM heats ORDER BY id`,
    revisions: await db.sql`SELECT count(*)::int AS n FROM result_revisions`,
  });

  beforeAll(async () => {
    db = await createTestDb();
    await ensureRoleUsers(db);
    const fx = await createHeats(db.sql, { heats: 4, lanes: 3, round: 'heat', names: ['Stefánsson', 'Jones, Jr.', 'Nguyễn'] });
    const [{ n }] = await db.sql<[{ n: number }]>`SELECT event_number AS n FROM events WHERE id = ${fx.eventId}`;
    f = { ...fx, eventNumber: n };
    port = await freePort();
    env = { DATABASE_URL: db.url };
    hub = await startHub(env, { port });
    const res = await fetch(`${hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'starter@test.local', password: TEST_PASSWORD }) });
    expect(res.status).toBe(200);
    token = ((await res.json()) as { token: string }).token;
    dir = await mkdtemp(path.join(tmpdir(), 'athsys-lynx-'));
    bridge = newBridge();
    await bridge.start();
  });
  afterAll(async () => {
    viewer?.disconnect();
    await bridge?.stop();
    await hub?.stop();
    await db?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('writes lynx.evt, lynx.sch and lynx.ppl into the folder, and rewrites a file only when its content changed', async () => {
    await expect.poll(() => lines.filter((l) => /^wrote lynx\.(evt|sch|ppl) /.test(l)).length, poll).toBe(3);
    const races = parseEvt(await evtText());
    expect(races.map((r) => [r.eventNumber, r.round, r.heat, r.lanes.map((l) => l.id)])).toEqual(
      f.lanes.map((heat, i) => [f.eventNumber, 1, i + 1, heat.map((l) => l.bib)]),
    );
    expect(races[0]!.lanes.map((l) => l.lastName)).toEqual(['Stefánsson', 'Jones, Jr.', 'Nguyễn']);
    const schBefore = await stat(path.join(dir, 'lynx.sch'));
    const checks = bridge.stats.startListChecks;
    await expect.poll(() => bridge.stats.startListChecks, poll).toBeGreaterThan(checks + 2);
    expect(lines.filter((l) => l.startsWith('wrote '))).toHaveLength(3); // nothing changed: nothing rewritten

    await db.sql`UPDATE athletes SET last_name = 'Ó''Brien' WHERE id = ${f.lanes[3]![2]!.athleteId}`;
    await expect.poll(async () => (await evtText()).includes("Ó'Brien"), poll).toBe(true);
    await expect.poll(async () => (await readFile(path.join(dir, 'lynx.ppl'), 'utf8')).includes("Ó'Brien"), poll).toBe(true);
    expect((await stat(path.join(dir, 'lynx.sch'))).mtimeMs).toBe(schBefore.mtimeMs);
    expect(lines.filter((l) => l.startsWith('wrote lynx.sch'))).toHaveLength(1);
  });

  it('LIFs dropped into the folder reach a /live subscriber; a bad one is refused with its reason', async () => {
    viewer = connectLive(hub.url);
    await connected(viewer);
    for (const heatId of f.heatIds.slice(0, 2)) expect((await ack<Ack<HeatSnapshot>>(viewer, 'subscribe', { heatId })).ok).toBe(true);
    const withResults = (heatId: number) => nextEvent<HeatSnapshot>(viewer!, 'heat:update', (s) => s.heatId === heatId && s.rows.every((r) => r.status !== null), 30_000);
    const live1 = withResults(f.heatIds[0]!);
    const live2 = withResults(f.heatIds[1]!);
    await dropLif(1, [10_321, 10_050, 'DNF']);
    await dropLif(2, [10_500, 10_499, 10_501]);
    const [s1, s2] = await Promise.all([live1, live2]);
    expect(s1.rows.map((r) => [r.place, r.lane, r.time, r.status])).toEqual([[1, 2, '10.05', 'OK'], [2, 1, '10.33', 'OK'], [null, 3, null, 'DNF']]);
    expect(s2.rows.map((r) => [r.place, r.lane])).toEqual([[1, 2], [2, 1], [3, 3]]);
    await expect.poll(() => lines.filter((l) => l.startsWith('imported ')), poll).toEqual(
      expect.arrayContaining([expect.stringMatching(new RegExp(`^imported ${fileName(1)} heat ${f.heatIds[0]} v\\d+$`)), expect.stringMatching(new RegExp(`^imported ${fileName(2)} heat ${f.heatIds[1]} v\\d+$`))]),
    );

    await writeFile(path.join(dir, 'stray.lif'), writeLif({ eventNumber: f.eventNumber, round: 1, heat: 1 }, [{ place: 1, id: 'X999', time: 9_000 }]));
    await expect.poll(() => lines.find((l) => l.startsWith('refused stray.lif')), poll).toMatch(/^refused stray\.lif: competitor ID not in the start list of .*X999 \(line 2\)/);
    expect(posts).toBe(3);
  });

  it('queues on disk while the hub is down; both files arrive once when it is back on the same port', async () => {
    await hub.stop();
    await dropLif(3, [11_000, 11_100, 11_200]);
    await dropLif(4, [12_000, 'DQ TR17.3.1', 11_900]);
    await expect.poll(() => bridge.queued.toSorted(), poll).toEqual([fileName(3), fileName(4)]);
    await expect.poll(async () => (JSON.parse(await readFile(path.join(dir, JOURNAL_NAME), 'utf8')) as { queue: { name: string }[] }).queue.map((q) => q.name).sort(), poll)
      .toEqual([fileName(3), fileName(4)]);
    expect(lines.filter((l) => l.startsWith(`queued ${fileName(3)}`) || l.startsWith(`queued ${fileName(4)}`))).toHaveLength(2);

    hub = await startHub(env, { port });
    await expect.poll(() => bridge.queued, poll).toEqual([]);
    for (const [i, heatId] of f.heatIds.entries()) {
      const audit = await db.sql`SELECT action FROM audit_log WHERE entity_type = 'heat' AND entity_id = ${String(heatId)}`;
      expect(audit.map((a) => a.action), `heat ${i + 1}`).toEqual(['results.submit']);
      const results = await db.sql`SELECT revision FROM results WHERE heat_id = ${heatId}`;
      expect(results.map((r) => r.revision)).toEqual([1, 1, 1]);
    }
    const snap4 = (await (await fetch(`${hub.url}/api/heats/${f.heatIds[3]}`)).json()) as HeatSnapshot;
    expect(snap4.rows.map((r) => [r.place, r.lane, r.status, r.dqRule])).toEqual([[1, 3, 'OK', null], [2, 1, 'OK', null], [null, 2, 'DQ', 'TR17.3.1']]);
    expect(lines.filter((l) => l.startsWith('imported '))).toHaveLength(4);
  });

  it('a restarted bridge sends nothing that was acknowledged (or refused), and still sends a corrected file once', async () => {
    await bridge.stop();
    const before = await hubState();
    const postsBefore = posts;
    const importedBefore = lines.filter((l) => l.startsWith('imported ')).length;
    bridge = newBridge();
    await bridge.start();
    await expect.poll(() => bridge.stats.scans, poll).toBeGreaterThan(3);
    await expect.poll(() => bridge.stats.startListChecks, poll).toBeGreaterThan(1);
    expect(bridge.stats.posts).toBe(0);
    expect(posts).toBe(postsBefore);
    expect(await hubState()).toEqual(before);

    await dropLif(2, [10_500, 10_499, 10_502]); // the judges corrected lane 3's time (places unchanged)
    await expect.poll(() => lines.filter((l) => l.startsWith(`imported ${fileName(2)}`)).length, poll).toBe(2);
    expect(posts).toBe(postsBefore + 1);
    expect(lines.filter((l) => l.startsWith('imported '))).toHaveLength(importedBefore + 1);
    const after = await hubState();
    expect(after.audit.slice(before.audit.length)).toEqual([{ entity_id: String(f.heatIds[1]), action: 'results.correct' }]);
    expect(after.revisions[0]!.n).toBe(before.revisions[0]!.n + 1);
  });
});
