import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { createTestDb } from '../helpers/db.js';
import { createHeats } from '../helpers/fixtures.js';
import { startHub } from '../helpers/hub-process.js';
import { loadSnapshot } from '../../server/results/snapshot.js';
import { RaceSimulator, simulateRace, windReading, type SimulatorOptions } from '../../server/demo/simulator.js';
import { seededRng } from '../../shared/seeding.js';

describe('demo race simulator (server/demo/simulator.ts)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(async () => {
    await t?.close();
  });

  const options = (meetId: number, extra: Partial<SimulatorOptions> = {}): SimulatorOptions => ({
    hubUrl: t.url,
    starter: { email: 'starter@test.local', password: TEST_PASSWORD },
    organiser: { email: 'chief_registrar@test.local', password: TEST_PASSWORD },
    meetId, speed: 2_000, pauseMs: 0, officialDelayMs: 0, seed: 42,
    ...extra,
  });

  it('runs a heat at high speed through the console namespace: started, results from the seed marks, wind, finished, official', async () => {
    const f = await createHeats(t.db.sql, { heats: 2, lanes: 8, windMeasured: true });
    const [heatId, otherHeat] = f.heatIds as [number, number];
    const seeds = new Map(f.lanes[0]!.map((l, i) => [l.entryId, 10_000 + i * 120]));
    for (const [entryId, mark] of seeds) await t.db.sql`UPDATE entries SET seed_mark = ${mark} WHERE id = ${entryId}`;

    const log: string[] = [];
    const t0 = Date.now();
    const report = await new RaceSimulator(options(f.meetId, { maxHeats: 1, log: (m) => log.push(m) })).run();
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(report).toEqual({ meetId: f.meetId, heats: [heatId] });
    expect(log).toEqual(expect.arrayContaining(['started', 'official']));

    const snap = (await loadSnapshot(t.db.sql, heatId))!;
    expect(snap.status).toBe('official');
    expect(snap.startedAt).not.toBeNull();
    expect(snap.windMps).not.toBeNull();
    expect(snap.windMps!).toBeGreaterThanOrEqual(-3);
    expect(snap.windMps!).toBeLessThanOrEqual(4);
    expect(snap.rows.every((r) => r.status !== null)).toBe(true);
    const finishers = snap.rows.filter((r) => r.status === 'OK');
    expect(finishers.length).toBeGreaterThanOrEqual(5);
    for (const r of finishers) {
      const seed = seeds.get(r.entryId)!;
      expect(r.timeMs! / seed).toBeGreaterThanOrEqual(0.975);
      expect(r.timeMs! / seed).toBeLessThanOrEqual(1.08);
      expect(r.reactionMs).toBeGreaterThanOrEqual(80);
      expect(r.reactionMs).toBeLessThanOrEqual(200);
    }
    expect(finishers.map((r) => r.place)).toEqual([...finishers.map((r) => r.place)].sort((a, b) => a! - b!));

    // Entered as the starter, through the console namespace (the same path a starter's console takes).
    const sources = await t.db.sql<{ source: string; enteredBy: number }[]>`
      SELECT DISTINCT source, entered_by AS "enteredBy" FROM results WHERE heat_id = ${heatId}`;
    expect(sources).toEqual([{ source: 'console', enteredBy: t.users.starter.id }]);
    // One heat asked for: the other is untouched.
    expect((await loadSnapshot(t.db.sql, otherHeat))!.status).toBe('scheduled');
  });

  it('runs a whole meet to its end: both heats of a round, then the final the organiser draws from the qualifiers', async () => {
    const f = await createHeats(t.db.sql, { heats: 2, lanes: 8, round: 'heat' });
    const report = await new RaceSimulator(options(f.meetId)).run();
    expect(report.heats.slice(0, 2)).toEqual(f.heatIds);
    expect(report.heats).toHaveLength(3);
    const [final] = await t.db.sql<{ id: number; status: string }[]>`SELECT id, status FROM heats WHERE event_id = ${f.eventId} AND round = 'final'`;
    expect(final).toEqual({ id: report.heats[2], status: 'official' });
    const finalSnap = (await loadSnapshot(t.db.sql, final!.id))!;
    expect(finalSnap.rows).toHaveLength(8);
    const qualifiers = await t.db.sql<{ n: number }[]>`
      SELECT count(*)::int AS n FROM results r JOIN heats h ON h.id = r.heat_id WHERE h.event_id = ${f.eventId} AND h.round = 'heat' AND r.qualification IS NOT NULL`;
    expect(qualifiers[0]!.n).toBe(8);
  });

  it('stops when asked, and refuses to start without a valid starter or meet', async () => {
    const f = await createHeats(t.db.sql, { lanes: 4 });
    await expect(new RaceSimulator(options(f.meetId, { starter: { email: 'starter@test.local', password: 'wrong-password' } })).run()).rejects.toThrow(/401/);
    await expect(new RaceSimulator(options(f.meetId, { meetId: undefined, meetName: 'No Such Meet' })).run()).rejects.toThrow(/no meet named/);
    // Real time (speed 1): stopped while the race runs, it leaves the heat started and returns.
    const sim = new RaceSimulator(options(f.meetId, { speed: 1 }));
    const run = sim.run();
    await expect.poll(async () => (await loadSnapshot(t.db.sql, f.heatIds[0]!))!.status).toBe('started');
    sim.stop();
    expect((await run).heats).toEqual([]);
    expect((await loadSnapshot(t.db.sql, f.heatIds[0]!))!.status).toBe('started');
  });

  it('runs inside the hub with DEMO_SIMULATOR=true: the demo meet\'s first heat starts, and the hub still stops cleanly', async () => {
    const db = await createTestDb();
    const hub = await startHub({ DATABASE_URL: db.url, DEMO: 'true', DEMO_SIMULATOR: 'true' });
    try {
      const startedHeat = async () => {
        const [row] = await db.sql<{ name: string; status: string }[]>`
          SELECT m.name, h.status FROM heats h JOIN events e ON e.id = h.event_id JOIN meets m ON m.id = e.meet_id
          WHERE h.status <> 'scheduled' ORDER BY h.updated_at LIMIT 1`;
        return row ?? null;
      };
      await expect.poll(startedHeat, { timeout: 30_000 }).toEqual({ name: 'National Athletics Championship 2026', status: 'started' });
      expect(await hub.stop('SIGTERM')).toBe(0);
    } finally {
      await hub.stop('SIGKILL');
      await db.close();
    }
  });

  it('models races plausibly: times near the seed marks, a few DNS/DNF/DQ, sprint reactions of 0.120-0.200 s and rare false starts', () => {
    const rng = seededRng(7);
    const runners = Array.from({ length: 5_000 }, (_, i) => ({ entryId: i + 1, seedMark: 10_000 }));
    const out = simulateRace(runners, { distanceM: 100, gender: 'M', kind: 'track' }, rng);
    const rate = (s: string) => out.filter((o) => o.status === s).length / out.length;
    expect(rate('OK')).toBeGreaterThan(0.93);
    expect(rate('DNS')).toBeGreaterThan(0.005);
    expect(rate('DNF')).toBeGreaterThan(0.003);
    expect(rate('DQ')).toBeGreaterThan(0.003);
    const times = out.flatMap((o) => (o.timeMs == null ? [] : [o.timeMs]));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(9_750);
    expect(Math.max(...times)).toBeLessThanOrEqual(10_800);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    expect(mean).toBeGreaterThan(10_000);
    expect(mean).toBeLessThan(10_150);
    const reactions = out.flatMap((o) => (o.reactionMs == null ? [] : [o.reactionMs]));
    const falseStarts = reactions.filter((r) => r < 100).length / reactions.length;
    expect(reactions.filter((r) => r >= 100).every((r) => r >= 120 && r <= 200)).toBe(true);
    expect(falseStarts).toBeGreaterThan(0.005);
    expect(falseStarts).toBeLessThan(0.05);
    // A 10,000 m runner has no reaction time; winds stay within the gauge's plausible range.
    expect(simulateRace([{ entryId: 1, seedMark: null }], { distanceM: 10_000, gender: 'M', kind: 'track' }, () => 0.5)[0]!.reactionMs).toBeNull();
    const winds = Array.from({ length: 2_000 }, () => windReading(rng));
    expect(winds.every((w) => w >= -3 && w <= 4 && Math.abs(w * 10 - Math.round(w * 10)) < 1e-9)).toBe(true);
    expect(winds.some((w) => w > 2)).toBe(true);
  });
});
