import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats, type HeatFixture } from '../helpers/fixtures.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';

// Three heats of four; rule 2 Q + 2 q. Heat A has a tie for 2nd (three Q: one fewer q);
// B3 and C3 tie at 10.300 for the last q place.
const TIMES = [
  [10_000, 10_100, 10_100, 10_500],
  [10_050, 10_200, 10_300, 10_600],
  [10_020, 10_250, 10_300, 10_400],
];

describe('qualification and the next round', () => {
  let t: TestApp;
  let chief: string;
  beforeAll(async () => {
    t = await startTestApp();
    chief = await t.login('chief_registrar');
  });
  afterAll(async () => {
    await t.close();
  });

  const call = (method: 'POST' | 'PUT', url: string, payload: object) =>
    t.app.inject({ method, url, payload, headers: { ...bearer(chief), 'idempotency-key': randomUUID() } });

  async function runRound(capacity: number | null): Promise<HeatFixture> {
    const f = await createHeats(t.db.sql, { heats: 3, lanes: 4, round: 'heat' });
    expect((await call('PUT', `/api/events/${f.eventId}/rounds/heat/rule`, { byPlace: 2, byTime: 2, capacity })).statusCode).toBe(200);
    for (const [h, heatId] of f.heatIds.entries()) {
      const res = await call('POST', `/api/heats/${heatId}/results`, { results: f.lanes[h]!.map((l, i) => ({ entryId: l.entryId, timeMs: TIMES[h]![i], status: 'OK' })) });
      expect(res.statusCode, res.body).toBe(200);
    }
    return f;
  }
  const marks = async (f: HeatFixture) => {
    const out: Record<string, string | undefined> = {};
    for (const [h, heatId] of f.heatIds.entries()) {
      const snap = (await t.app.inject({ url: `/api/heats/${heatId}` })).json<HeatSnapshot>();
      for (const r of snap.rows) out[`${'ABC'[h]}${r.lane}`] = r.flags.find((x) => x.startsWith('q') || x === 'Q');
    }
    return out;
  };

  it('marks Q per heat as each goes official, and q only once every heat is official', async () => {
    const f = await runRound(9);
    await call('POST', `/api/heats/${f.heatIds[0]}/status`, { status: 'official' });
    expect(await marks(f)).toMatchObject({ A1: 'Q', A2: 'Q', A3: 'Q', A4: undefined, B1: undefined, C3: undefined });
    await call('POST', `/api/heats/${f.heatIds[1]}/status`, { status: 'official' });
    await call('POST', `/api/heats/${f.heatIds[2]}/status`, { status: 'official' });
    // A tie for the last Q takes a q place; the tie for the last q fits the capacity of 9: both go.
    expect(await marks(f)).toEqual({ A1: 'Q', A2: 'Q', A3: 'Q', A4: undefined, B1: 'Q', B2: 'Q', B3: 'q', B4: undefined, C1: 'Q', C2: 'Q', C3: 'q', C4: undefined });
  });

  it('draws lots (qD) when the athletes tied for the last q do not fit', async () => {
    const f = await runRound(8);
    for (const heatId of f.heatIds) await call('POST', `/api/heats/${heatId}/status`, { status: 'official' });
    const m = await marks(f);
    expect([m.B3, m.C3].filter((x) => x === 'qD')).toHaveLength(1);
    expect([m.B3, m.C3].filter((x) => x === undefined)).toHaveLength(1);
    expect(Object.values(m).filter(Boolean)).toHaveLength(8);

    // The final: one heat of eight, the heat winners (best ranked) in the central lanes.
    const res = await call('POST', `/api/events/${f.eventId}/rounds/heat/advance`, { toRound: 'final', heatCount: 1, lanes: 8 });
    expect(res.statusCode, res.body).toBe(201);
    const [final] = res.json<{ heats: { id: number; round: string; lanes: { entryId: number; lane: number }[] }[] }>().heats;
    expect(final!.round).toBe('final');
    const qualified = new Set((await t.db.sql`SELECT entry_id FROM results WHERE qualification IS NOT NULL AND heat_id = ANY(${f.heatIds})`).map((r) => Number(r.entry_id)));
    expect(new Set(final!.lanes.map((l) => l.entryId))).toEqual(qualified);
    const winners = [f.lanes[0]![0]!.entryId, f.lanes[1]![0]!.entryId, f.lanes[2]![0]!.entryId];
    for (const w of winners) expect([3, 4, 5, 6]).toContain(final!.lanes.find((l) => l.entryId === w)!.lane);
  });

  it('refuses to advance a round without qualifiers, or backwards', async () => {
    const f = await createHeats(t.db.sql, { heats: 1, lanes: 2, round: 'heat' });
    expect((await call('POST', `/api/events/${f.eventId}/rounds/heat/advance`, { toRound: 'final', heatCount: 1 })).statusCode).toBe(409);
    expect((await call('POST', `/api/events/${f.eventId}/rounds/semi/advance`, { toRound: 'heat', heatCount: 1 })).json().error.field).toBe('toRound');
    expect((await call('POST', `/api/events/999999/rounds/heat/advance`, { toRound: 'final', heatCount: 1 })).statusCode).toBe(404);
  });
});
