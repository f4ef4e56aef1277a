import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { builders, clientWith, signIn, type Client } from '../helpers/registry.js';

type Lane = { lane: number; entryId: number; seedMark: number | null };
type Heat = { id: number; number: number; round: string; version: number; laneCount: number; lanes: Lane[] };

describe('heat routes: seeding, explicit lanes, lane changes', () => {
  let t: TestApp;
  let chief: Client;
  let b: ReturnType<typeof builders>;

  beforeAll(async () => {
    t = await startTestApp();
    chief = await signIn(t, 'chief_registrar');
    b = builders(await signIn(t, 'admin'));
  });
  afterAll(async () => {
    await t.close();
  });

  /** An event with entries whose seed marks are given (null: no mark); returns entry ids in the same order. */
  async function eventWith(marks: (number | null)[], over: Record<string, unknown> = {}) {
    const meet = await b.meet();
    const event = await b.event(meet.id, over);
    const ids: number[] = [];
    for (const [i, seedMark] of marks.entries()) {
      const a = await b.athlete();
      ids.push((await b.entry(event.id, a.id, `S${i + 1}`, { seedMark })).id);
    }
    return { meet, event, ids };
  }

  const sortedIds = (h: Heat) => h.lanes.map((l) => l.entryId).toSorted((x, y) => x - y);
  const inLanes = (h: Heat, lanes: number[]) => h.lanes.filter((l) => lanes.includes(l.lane)).map((l) => l.entryId).toSorted((x, y) => x - y);

  it('seeds 16 entries into two heats: serpentine, best four in lanes 3-6, next two 7-8, last two 1-2; scratched entries left out', async () => {
    // Entry i (0-based) has rank i+1: 10.000 s, 10.010 s, ...
    const { event, ids } = await eventWith(Array.from({ length: 18 }, (_, i) => 10_000 + i * 10));
    for (const id of ids.slice(16)) await b.ok('PATCH', `/api/entries/${id}`, { status: 'scratched' });
    const rank = (...r: number[]) => r.map((x) => ids[x - 1]!).toSorted((x, y) => x - y);

    const res = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'heat', heatCount: 2, scheduledAt: '2026-06-01T10:00:00Z' });
    expect(res.status).toBe(201);
    const [h1, h2] = res.body as Heat[];
    expect(res.body.map((h: Heat) => [h.round, h.number, h.laneCount])).toEqual([['heat', 1, 8], ['heat', 2, 8]]);
    expect(sortedIds(h1!)).toEqual(rank(1, 4, 5, 8, 9, 12, 13, 16));
    expect(sortedIds(h2!)).toEqual(rank(2, 3, 6, 7, 10, 11, 14, 15));
    expect(inLanes(h1!, [3, 4, 5, 6])).toEqual(rank(1, 4, 5, 8));
    expect(inLanes(h1!, [7, 8])).toEqual(rank(9, 12));
    expect(inLanes(h1!, [1, 2])).toEqual(rank(13, 16));
    expect(inLanes(h2!, [3, 4, 5, 6])).toEqual(rank(2, 3, 6, 7));
    expect(inLanes(h2!, [7, 8])).toEqual(rank(10, 11));
    expect(inLanes(h2!, [1, 2])).toEqual(rank(14, 15));

    const stored = await t.db.sql`SELECT h.number, h.scheduled_at, count(hl.*)::int AS n FROM heats h LEFT JOIN heat_lanes hl ON hl.heat_id = h.id
                                  WHERE h.event_id = ${event.id} GROUP BY h.id ORDER BY h.number`;
    expect(stored.map((r) => [r.number, r.n])).toEqual([[1, 8], [2, 8]]);
    expect(stored[0]!.scheduled_at).toBe('2026-06-01T10:00:00.000Z');
    const audits = await t.db.sql`SELECT entity_id, details FROM audit_log WHERE action = 'heat.create' AND entity_id IN ${t.db.sql([String(h1!.id), String(h2!.id)])}`;
    expect(audits).toHaveLength(2);
    expect(audits[0]!.details).toMatchObject({ mode: 'seeded' });
    expect(audits[0]!.details.after.lanes).toHaveLength(8);

    // Everyone is placed in this round now: nothing left to seed.
    const again = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'heat', heatCount: 1 });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'conflict', field: 'heatCount' });
  });

  it('numbers new heats after the round\'s existing ones and seeds only entries not yet placed', async () => {
    const { event, ids } = await eventWith([10_100, 10_200, null]);
    await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'heat', heats: [{ lanes: [{ entryId: ids[0], lane: 4 }] }] });
    const res = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'heat', heatCount: 1 });
    expect(res.status).toBe(201);
    expect(res.body[0].number).toBe(2);
    expect(sortedIds(res.body[0])).toEqual([ids[1], ids[2]]);
    // The better mark (ids[1]) before the missing one; both draw central lanes.
    for (const l of res.body[0].lanes) expect([3, 4, 5, 6]).toContain(l.lane);
    // Another round has its own numbering and may hold the same entries again.
    const final = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'final', heatCount: 1 });
    expect(final.body[0]).toMatchObject({ round: 'final', number: 1, laneCount: 3 });
  });

  it('seeds a field event longest mark first', async () => {
    const marks = [7200, 8100, 7600, 7900, 7000, 8000, 7400, 7700];
    const { event, ids } = await eventWith(marks, { discipline: 'LJ', name: 'Men Long Jump', kind: 'field', distanceM: null });
    const res = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'final', heatCount: 1 });
    expect(res.status).toBe(201);
    const best4 = [8100, 8000, 7900, 7700].map((m) => ids[marks.indexOf(m)]!).toSorted((x, y) => x - y);
    expect(inLanes(res.body[0], [3, 4, 5, 6])).toEqual(best4);
  });

  it('refuses more entries than the heats hold, and more heats than entries, changing nothing', async () => {
    const { event } = await eventWith(Array.from({ length: 17 }, (_, i) => 20_000 + i));
    const tooMany = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'heat', heatCount: 2, lanes: 8 });
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.error).toEqual({ code: 'conflict', field: 'heatCount', message: '17 entries do not fit 2 heat(s) of 8 lanes' });
    const tooFew = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'heat', heatCount: 18 });
    expect(tooFew.status).toBe(409);
    expect(tooFew.body.error.message).toBe('17 entries cannot fill 18 heats');
    const [{ n }] = await t.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM heats WHERE event_id = ${event.id}`;
    expect(n).toBe(0);
    const ok = await chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'seeded', round: 'heat', heatCount: 3 });
    // Serpentine over three heats: A B C C B A A B C C B A A B C C B.
    expect(ok.body.map((h: Heat) => h.laneCount)).toEqual([5, 6, 6]);
  });

  it('creates heats with explicit lanes', async () => {
    const { event, ids } = await eventWith([null, null, null]);
    const res = await chief.call('POST', `/api/events/${event.id}/heats`, {
      mode: 'explicit', round: 'semi', heats: [
        { scheduledAt: '2026-06-02T12:00:00Z', lanes: [{ entryId: ids[0], lane: 1 }, { entryId: ids[1], lane: 9 }] },
        { lanes: [{ entryId: ids[2], lane: 5 }] },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body[0]).toMatchObject({ round: 'semi', number: 1, scheduledAt: '2026-06-02T12:00:00.000Z', status: 'scheduled', laneCount: 2 });
    expect(res.body[0].lanes.map((l: Lane) => [l.lane, l.entryId])).toEqual([[1, ids[0]], [9, ids[1]]]);
    expect(res.body[0].lanes[0]).toMatchObject({ bib: 'S1', country: 'KEN', status: 'entered' });
    expect(res.body[1]).toMatchObject({ number: 2, scheduledAt: null, laneCount: 1 });
  });

  it('refuses explicit lanes that break the rules', async () => {
    const { event, ids } = await eventWith([null, null, null]);
    const other = await eventWith([null]);
    const post = (heats: unknown) => chief.call('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'heat', heats });

    const sharedLane = await post([{ lanes: [{ entryId: ids[0], lane: 3 }, { entryId: ids[1], lane: 3 }] }]);
    expect(sharedLane.status).toBe(400);
    expect(sharedLane.body.error).toMatchObject({ code: 'invalid_input', field: 'heats.0.lanes' });

    const twice = await post([{ lanes: [{ entryId: ids[0], lane: 3 }] }, { lanes: [{ entryId: ids[0], lane: 4 }] }]);
    expect(twice.status).toBe(400);
    expect(twice.body.error.field).toBe('heats');

    const foreign = await post([{ lanes: [{ entryId: other.ids[0], lane: 3 }] }]);
    expect(foreign.status).toBe(400);
    expect(foreign.body.error).toEqual({ code: 'invalid_input', field: 'entryId', message: `entry ${other.ids[0]} is not an entry of this event` });

    await b.ok('PATCH', `/api/entries/${ids[2]}`, { status: 'scratched' });
    const scratched = await post([{ lanes: [{ entryId: ids[2], lane: 3 }] }]);
    expect(scratched.status).toBe(409);
    expect(scratched.body.error.field).toBe('entryId');

    await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'heat', heats: [{ lanes: [{ entryId: ids[0], lane: 3 }] }] });
    const placed = await post([{ lanes: [{ entryId: ids[0], lane: 4 }] }]);
    expect(placed.status).toBe(409);
    expect(placed.body.error.message).toMatch(/already runs in heat \d+ of this round/);
    const [{ n }] = await t.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM heats WHERE event_id = ${event.id}`;
    expect(n).toBe(1);
  });

  it('replaces a heat\'s lanes: new version, audited, visible at once in the snapshot and the event detail', async () => {
    const { event, ids } = await eventWith([null, null, null]);
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, {
      mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: ids[0], lane: 4 }, { entryId: ids[1], lane: 5 }] }],
    });
    const anon = clientWith(t, null);
    expect((await anon.call('GET', `/api/heats/${heat.id}`)).body.rows).toHaveLength(2);
    expect((await anon.call('GET', `/api/events/${event.id}`)).body.rounds[0].heats[0].laneCount).toBe(2);

    const res = await chief.call('PUT', `/api/heats/${heat.id}/lanes`, { lanes: [{ entryId: ids[1], lane: 4 }, { entryId: ids[2], lane: 6 }, { entryId: ids[0], lane: 2 }] });
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(heat.version + 1);
    expect(res.body.lanes.map((l: Lane) => [l.lane, l.entryId])).toEqual([[2, ids[0]], [4, ids[1]], [6, ids[2]]]);

    const snap = await anon.call('GET', `/api/heats/${heat.id}`);
    expect(snap.body.rows.map((r: { lane: number }) => r.lane).toSorted()).toEqual([2, 4, 6]);
    expect((await anon.call('GET', `/api/events/${event.id}`)).body.rounds[0].heats[0].laneCount).toBe(3);

    const [audit] = await t.db.sql`SELECT details FROM audit_log WHERE action = 'heat.lanes' AND entity_id = ${String(heat.id)}`;
    expect(audit!.details.before.map((l: Lane) => l.lane)).toEqual([4, 5]);
    expect(audit!.details.after.map((l: Lane) => l.lane)).toEqual([2, 4, 6]);

    const cleared = await chief.call('PUT', `/api/heats/${heat.id}/lanes`, { lanes: [] });
    expect(cleared.body).toMatchObject({ laneCount: 0, lanes: [] });
  });

  it('refuses a lane change that puts an entry in two heats of a round, or two entries in a lane', async () => {
    const { event, ids } = await eventWith([null, null]);
    const [h1, h2] = await b.ok('POST', `/api/events/${event.id}/heats`, {
      mode: 'explicit', round: 'heat', heats: [{ lanes: [{ entryId: ids[0], lane: 1 }] }, { lanes: [{ entryId: ids[1], lane: 1 }] }],
    });
    const res = await chief.call('PUT', `/api/heats/${h1.id}/lanes`, { lanes: [{ entryId: ids[0], lane: 1 }, { entryId: ids[1], lane: 2 }] });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({ code: 'conflict', field: 'entryId', message: `entry ${ids[1]} already runs in heat ${h2.id} of this round` });
    const lane = await chief.call('PUT', `/api/heats/${h1.id}/lanes`, { lanes: [{ entryId: ids[0], lane: 1 }, { entryId: ids[0], lane: 2 }] });
    expect(lane.status).toBe(400);
    expect(lane.body.error.field).toBe('lanes');
    const rows = await t.db.sql`SELECT heat_id, entry_id, lane FROM heat_lanes WHERE event_id = ${event.id} ORDER BY heat_id`;
    expect(rows.map((r) => [r.heat_id, r.entry_id, r.lane])).toEqual([[h1.id, ids[0], 1], [h2.id, ids[1], 1]]);
  });

  it('refuses lane changes once the heat has results or is no longer scheduled (409)', async () => {
    const { event, ids } = await eventWith([null, null]);
    const [withResult, started] = await b.ok('POST', `/api/events/${event.id}/heats`, {
      mode: 'explicit', round: 'heat', heats: [{ lanes: [{ entryId: ids[0], lane: 1 }] }, { lanes: [{ entryId: ids[1], lane: 1 }] }],
    });
    await t.db.sql`INSERT INTO results (heat_id, entry_id, status, time_ms) VALUES (${withResult.id}, ${ids[0]!}, 'OK', 10500)`;
    const res = await chief.call('PUT', `/api/heats/${withResult.id}/lanes`, { lanes: [{ entryId: ids[0], lane: 2 }] });
    expect(res.status).toBe(409);
    expect(res.body.error).toEqual({ code: 'conflict', message: 'the heat has results: its lanes can no longer change' });

    await t.db.sql`UPDATE heats SET status = 'started', started_at = now() WHERE id = ${started.id}`;
    const res2 = await chief.call('PUT', `/api/heats/${started.id}/lanes`, { lanes: [] });
    expect(res2.status).toBe(409);
    expect(res2.body.error.message).toBe('the heat is started: its lanes can no longer change');
    const [{ n }] = await t.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM heat_lanes WHERE event_id = ${event.id}`;
    expect(n).toBe(2);
  });

  it('404s for an unknown event or heat', async () => {
    const a = await chief.call('POST', '/api/events/999999/heats', { mode: 'seeded', round: 'final', heatCount: 1 });
    expect(a.status).toBe(404);
    expect(a.body.error).toEqual({ code: 'not_found', message: 'event not found' });
    const h = await chief.call('PUT', '/api/heats/999999/lanes', { lanes: [] });
    expect(h.status).toBe(404);
    expect(h.body.error).toEqual({ code: 'not_found', message: 'heat not found' });
  });
});
