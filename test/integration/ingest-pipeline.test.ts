// The ingest transaction sends its statements in two pipelines (reads, then writes) and hands the
// snapshot it read to the publisher: what it stores, acknowledges and broadcasts must be what the
// statements one by one would give.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io-client';
import { bearer, startTestApp, type TestApp } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { ack, connectConsole, connected, connectLive, nextEvent } from '../helpers/sockets.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Ack } from '../../shared/schemas/common.js';

describe('ResultsService.submitResults (pipelined transaction)', () => {
  let t: TestApp;
  let starter: Socket;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    t = await startTestApp();
    starter = connectConsole(t.url, await t.login('starter'));
    sockets.push(starter);
    await connected(starter);
  });
  afterAll(async () => {
    for (const s of sockets) s.disconnect();
    await t.close();
  });

  const submit = (heatId: number, results: unknown[], idempotencyKey = randomUUID()) =>
    ack<Ack<{ version: number }>>(starter, 'result:submit', { idempotencyKey, heatId, results });

  it('a correction that reorders the heat: stored places, revision, ack version and broadcast snapshot agree', async () => {
    const f = await createHeats(t.db.sql, { lanes: 3 });
    const heatId = f.heatIds[0]!;
    const [a, b, c] = f.lanes[0]!;
    const viewer = connectLive(t.url);
    sockets.push(viewer);
    await connected(viewer);
    expect((await ack<Ack<HeatSnapshot>>(viewer, 'subscribe', { heatId })).ok).toBe(true);

    const first = await submit(heatId, [{ entryId: a!.entryId, timeMs: 10_000, status: 'OK' }, { entryId: b!.entryId, timeMs: 10_200, status: 'OK' }]);
    expect(first.ok).toBe(true);
    const update = nextEvent<HeatSnapshot>(viewer, 'heat:update', (s) => s.version === (first.ok ? first.data.version : 0) + 1);
    // b is corrected to the fastest time and c gets its first result, in one submission.
    const second = await submit(heatId, [{ entryId: b!.entryId, timeMs: 9_950, status: 'OK' }, { entryId: c!.entryId, status: 'DNF' }]);
    expect(second).toEqual({ ok: true, data: { version: (first.ok ? first.data.version : 0) + 1 } });
    const snap = await update;
    expect(snap.rows.map((r) => [r.entryId, r.place, r.timeMs, r.status, r.revision])).toEqual([
      [b!.entryId, 1, 9_950, 'OK', 2],
      [a!.entryId, 2, 10_000, 'OK', 1],
      [c!.entryId, null, null, 'DNF', 1],
    ]);
    const stored = await t.db.sql`SELECT entry_id, place, time_ms, revision FROM results WHERE heat_id = ${heatId} ORDER BY entry_id`;
    expect(stored.map((r) => [r.entry_id, r.place, r.time_ms, r.revision])).toEqual([
      [a!.entryId, 2, 10_000, 1],
      [b!.entryId, 1, 9_950, 2],
      [c!.entryId, null, null, 1],
    ]);
    const revisions = await t.db.sql`SELECT rv.revision, rv.time_ms FROM result_revisions rv JOIN results r ON r.id = rv.result_id WHERE r.entry_id = ${b!.entryId}`;
    expect(revisions.map((r) => [r.revision, r.time_ms])).toEqual([[1, 10_200]]);
    // The REST snapshot (read through the cache) is the broadcast one: the cache was invalidated.
    expect((await t.app.inject({ url: `/api/heats/${heatId}` })).json()).toEqual(snap);
  });

  it('a replayed key is answered from the idempotency record even once the heat is official', async () => {
    const f = await createHeats(t.db.sql, { lanes: 1 });
    const heatId = f.heatIds[0]!;
    const key = randomUUID();
    const results = [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 11_000, status: 'OK' }];
    const first = await submit(heatId, results, key);
    expect(first.ok).toBe(true);
    const chief = await t.login('chief_registrar');
    for (const status of ['finished', 'official']) {
      const res = await t.app.inject({ method: 'POST', url: `/api/heats/${heatId}/status`, headers: { ...bearer(chief), 'idempotency-key': randomUUID() }, payload: { status } });
      expect(res.statusCode, res.body).toBe(200);
    }
    expect(await submit(heatId, results, key)).toEqual(first);
    const other = await submit(heatId, results);
    expect(other).toMatchObject({ ok: false, error: { code: 'heat_official' } });
  });

  it('a refused submission leaves nothing behind: no result, no version, no key, no audit row', async () => {
    const f = await createHeats(t.db.sql, { lanes: 2 });
    const heatId = f.heatIds[0]!;
    const key = randomUUID();
    const before = await t.db.sql`SELECT version FROM heats WHERE id = ${heatId}`;
    const res = await submit(heatId, [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_000, status: 'OK' }, { bib: 'NOPE', timeMs: 10_001, status: 'OK' }], key);
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'results.1.bib' } });
    expect(await t.db.sql`SELECT version FROM heats WHERE id = ${heatId}`).toEqual(before);
    expect(await t.db.sql`SELECT 1 FROM results WHERE heat_id = ${heatId}`).toHaveLength(0);
    expect(await t.db.sql`SELECT 1 FROM idempotency_keys WHERE key = ${key}`).toHaveLength(0);
    expect(await t.db.sql`SELECT 1 FROM audit_log WHERE entity_type = 'heat' AND entity_id = ${String(heatId)}`).toHaveLength(0);
  });
});
