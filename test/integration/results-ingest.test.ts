import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';

describe('results ingest (REST path)', () => {
  let t: TestApp;
  let starter: string;
  let chief: string;
  beforeAll(async () => {
    t = await startTestApp();
    starter = await t.login('starter');
    chief = await t.login('chief_registrar');
  });
  afterAll(async () => {
    await t.close();
  });

  const post = (heatId: number, body: unknown, key: string = randomUUID(), token = starter) =>
    t.app.inject({ method: 'POST', url: `/api/heats/${heatId}/results`, headers: { ...bearer(token), 'idempotency-key': key }, payload: body as object });
  const status = (heatId: number, st: string, token = starter, key: string = randomUUID()) =>
    t.app.inject({ method: 'POST', url: `/api/heats/${heatId}/status`, headers: { ...bearer(token), 'idempotency-key': key }, payload: { status: st } });
  const dump = async () => ({
    results: await t.db.sql`SELECT * FROM results ORDER BY id`,
    revisions: await t.db.sql`SELECT * FROM result_revisions ORDER BY id`,
    heats: await t.db.sql`SELECT id, status, version, wind_mps FROM heats ORDER BY id`,
    keys: await t.db.sql`SELECT key FROM idempotency_keys ORDER BY key`,
  });

  it('ranks a whole heat: tie 1,2,2,4, statuses after finishers, official display times', async () => {
    const f = await createHeats(t.db.sql, { lanes: 8 });
    const [l1, l2, l3, l4, l5, l6, l7, l8] = f.lanes[0]!;
    const res = await post(f.heatIds[0]!, {
      windMps: 1.2,
      results: [
        { entryId: l1!.entryId, timeMs: 10_521, status: 'OK', reactionMs: 145 },
        { entryId: l2!.entryId, timeMs: 10_100, status: 'OK', reactionMs: 98 },
        { entryId: l3!.entryId, timeMs: 10_520, status: 'OK' },
        { entryId: l4!.entryId, timeMs: 10_520, status: 'OK' },
        { entryId: l5!.entryId, status: 'DNS' },
        { entryId: l6!.entryId, status: 'DQ', dqRule: 'TR16.8' },
        { bib: l7!.bib, status: 'DNF' },
        { entryId: l8!.entryId, timeMs: 59_999, status: 'OK' },
      ],
    });
    expect(res.statusCode, res.body).toBe(200);
    const version = res.json().version as number;
    const snap = (await t.app.inject({ url: `/api/heats/${f.heatIds[0]}` })).json();
    expect(snap.version).toBe(version);
    expect(snap.windMps).toBe(1.2);
    const view = snap.rows.map((r: { place: number | null; lane: number; time: string | null; status: string; flags: string[] }) => [r.place, r.lane, r.time, r.status]);
    expect(view).toEqual([
      [1, 2, '10.10', 'OK'],
      [2, 3, '10.52', 'OK'],
      [2, 4, '10.52', 'OK'],
      [4, 1, '10.53', 'OK'],
      [5, 8, '1:00.00', 'OK'],
      [null, 7, null, 'DNF'],
      [null, 6, null, 'DQ'],
      [null, 5, null, 'DNS'],
    ]);
    expect(snap.rows[0].flags).toContain('FS');
    expect(snap.rows.find((r: { lane: number }) => r.lane === 6).dqRule).toBe('TR16.8');
    // Places are stored too, as the database's own record of the ranking.
    const stored = await t.db.sql`SELECT entry_id, place FROM results WHERE heat_id = ${f.heatIds[0]!} ORDER BY place NULLS LAST, entry_id`;
    expect(stored.map((r) => r.place)).toEqual([1, 2, 2, 4, 5, null, null, null]);
  });

  it('flags a wind-assisted heat (> +2.0) and leaves +2.0 legal', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const [a, b] = f.lanes[0]!;
    await post(f.heatIds[0]!, { windMps: 2.0, results: [{ entryId: a!.entryId, timeMs: 9_900, status: 'OK' }] });
    let snap = (await t.app.inject({ url: `/api/heats/${f.heatIds[0]}` })).json();
    expect(snap.rows[0].flags).not.toContain('w');
    await post(f.heatIds[0]!, { windMps: 2.1, results: [{ entryId: b!.entryId, timeMs: 9_950, status: 'OK' }] });
    snap = (await t.app.inject({ url: `/api/heats/${f.heatIds[0]}` })).json();
    expect(snap.rows.filter((r: { flags: string[] }) => r.flags.includes('w'))).toHaveLength(2);
  });

  it('keeps corrections in the revision history', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const e = f.lanes[0]![0]!.entryId;
    await post(f.heatIds[0]!, { results: [{ entryId: e, timeMs: 10_990, status: 'OK' }] });
    await post(f.heatIds[0]!, { results: [{ entryId: e, timeMs: 10_909, status: 'OK' }] });
    await post(f.heatIds[0]!, { results: [{ entryId: e, status: 'DQ', dqRule: 'TR17.3' }] });
    const [row] = await t.db.sql`SELECT time_ms, status, revision FROM results WHERE entry_id = ${e}`;
    expect(row).toMatchObject({ time_ms: null, status: 'DQ', revision: 3 });
    const hist = (await t.app.inject({ url: `/api/heats/${f.heatIds[0]}/history?entryId=${e}`, headers: bearer(starter) })).json();
    expect(hist.revisions.map((r: { timeMs: number; revision: number }) => [r.revision, r.timeMs])).toEqual([[1, 10_990], [2, 10_909]]);
    const audit = await t.db.sql`SELECT action FROM audit_log WHERE entity_type = 'heat' AND entity_id = ${String(f.heatIds[0])} ORDER BY id`;
    expect(audit.map((a) => a.action)).toEqual(['results.submit', 'results.correct', 'results.correct']);
  });

  it('answers a repeated idempotency key with the first answer and stores one result', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const body = { results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_000, status: 'OK' }] };
    const key = randomUUID();
    const first = await post(f.heatIds[0]!, body, key);
    const again = await post(f.heatIds[0]!, body, key);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(first.json());
    // Concurrent duplicates: one transaction waits for the other's key, then replays its answer.
    const key2 = randomUUID();
    const body2 = { results: [{ entryId: f.lanes[0]![1]!.entryId, timeMs: 10_100, status: 'OK' }] };
    const both = await Promise.all([post(f.heatIds[0]!, body2, key2), post(f.heatIds[0]!, body2, key2), post(f.heatIds[0]!, body2, key2)]);
    expect(new Set(both.map((r) => r.body)).size).toBe(1);
    const rows = await t.db.sql`SELECT revision FROM results WHERE heat_id = ${f.heatIds[0]!}`;
    expect(rows.map((r) => r.revision)).toEqual([1, 1]);
    const conflict = await post(f.heatIds[0]!, { results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 12_000, status: 'OK' }] }, key);
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().error.field).toBe('idempotencyKey');
  });

  it('refuses bad writes with a clear 4xx and leaves the database untouched', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const other = await createHeats(t.db.sql, { lanes: 1 });
    const [a] = f.lanes[0]!;
    await post(f.heatIds[0]!, { results: [{ entryId: a!.entryId, timeMs: 10_000, status: 'OK' }] });
    const cases: [unknown, number, string | RegExp][] = [
      [{ results: [{ entryId: 999_999, timeMs: 10_000, status: 'OK' }] }, 400, 'results.0.entryId'],
      [{ results: [{ entryId: other.lanes[0]![0]!.entryId, timeMs: 10_000, status: 'OK' }] }, 400, 'results.0.entryId'],
      [{ results: [{ bib: 'ZZZ9', timeMs: 10_000, status: 'OK' }] }, 400, 'results.0.bib'],
      [{ results: [{ entryId: a!.entryId, timeMs: -5, status: 'OK' }] }, 400, 'results.0.timeMs'],
      [{ results: [{ entryId: a!.entryId, timeMs: 86_400_000, status: 'OK' }] }, 400, 'results.0.timeMs'],
      [{ results: [{ entryId: a!.entryId, timeMs: 10_000, status: 'DNF' }] }, 400, 'results.0.timeMs'],
      [{ results: [{ entryId: a!.entryId, status: 'DQ' }] }, 400, 'results.0.dqRule'],
      [{ results: [{ entryId: a!.entryId, timeMs: 10.5, status: 'OK' }] }, 400, 'results.0.timeMs'],
      [{ results: [] }, 400, 'results'],
      [{ results: [{ entryId: a!.entryId, status: 'OK' }] }, 400, 'results.0.timeMs'],
      [{ results: [{ entryId: a!.entryId, timeMs: 1, status: 'OK' }, { entryId: a!.entryId, timeMs: 2, status: 'OK' }] }, 400, 'results.1'],
      [{ results: [{ entryId: a!.entryId, timeMs: 1, status: 'OK', extra: 1 }] }, 400, /results/],
    ];
    const before = await dump();
    for (const [body, code, field] of cases) {
      const res = await post(f.heatIds[0]!, body);
      expect(res.statusCode, JSON.stringify(body)).toBe(code);
      const err = res.json().error;
      expect(err.message.length).toBeGreaterThan(3);
      if (typeof field === 'string') expect(err.field, JSON.stringify(body)).toBe(field);
      else expect(err.field ?? err.message).toMatch(field);
    }
    expect((await post(999_999, { results: [{ entryId: 1, timeMs: 1, status: 'OK' }] })).statusCode).toBe(404);
    expect((await post(f.heatIds[0]!, { results: [{ entryId: a!.entryId, timeMs: 1, status: 'OK' }] }, 'short')).statusCode).toBe(400);
    expect(await dump()).toEqual(before);
  });

  it('locks an official heat; a starter cannot reopen it, a chief registrar can', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const [a] = f.lanes[0]!;
    expect((await status(f.heatIds[0]!, 'started')).statusCode).toBe(200);
    await post(f.heatIds[0]!, { results: [{ entryId: a!.entryId, timeMs: 10_000, status: 'OK' }] });
    expect((await status(f.heatIds[0]!, 'official')).statusCode).toBe(200);
    const before = await dump();
    const refused = await post(f.heatIds[0]!, { results: [{ entryId: a!.entryId, timeMs: 9_000, status: 'OK' }] });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().error.code).toBe('heat_official');
    expect((await status(f.heatIds[0]!, 'reopen')).statusCode).toBe(403);
    expect((await status(f.heatIds[0]!, 'started')).statusCode).toBe(409);
    expect(await dump()).toEqual(before);
    expect((await status(f.heatIds[0]!, 'reopen', chief)).statusCode).toBe(200);
    expect((await post(f.heatIds[0]!, { results: [{ entryId: a!.entryId, timeMs: 9_000, status: 'OK' }] })).statusCode).toBe(200);
  });

  it('records the start time when a heat is started', async () => {
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const before = Date.now();
    await status(f.heatIds[0]!, 'started');
    const snap = (await t.app.inject({ url: `/api/heats/${f.heatIds[0]}` })).json();
    expect(snap.status).toBe('started');
    expect(Date.parse(snap.startedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('awards team points when a final goes official and serves standings', async () => {
    const f = await createHeats(t.db.sql, { lanes: 3, pointsScheme: [10, 8, 6] });
    const [a, b, c] = f.lanes[0]!;
    await post(f.heatIds[0]!, { results: [
      { entryId: a!.entryId, timeMs: 10_000, status: 'OK' },
      { entryId: b!.entryId, timeMs: 10_100, status: 'OK' },
      { entryId: c!.entryId, timeMs: 10_100, status: 'OK' },
    ] });
    await status(f.heatIds[0]!, 'official');
    await t.app.hub.publisher.idle();
    const st = (await t.app.inject({ url: `/api/meets/${f.meetId}/standings` })).json();
    const byTeam = Object.fromEntries(st.rows.map((r: { team: string; points: number }) => [r.team, r.points]));
    expect(byTeam[a!.country]).toBe(10);
    expect(byTeam[b!.country]).toBe(7);
    expect(byTeam[c!.country]).toBe(7);
  });
});

export type { HeatFixture };
