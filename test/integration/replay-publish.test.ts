// A hub that commits a write and dies before broadcasting it: the console retries with the same
// idempotency key on another hub, which answers from the stored response. That hub must publish the
// heat again, or viewers that were never on the dead hub keep the older ranking until the heat next
// changes (forever, for a heat's last result or its "official"). Found while building the chaos suite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { ensureRoleUsers } from '../helpers/app.js';
import { createHeats } from '../helpers/fixtures.js';
import { ResultsService, type ChangePublisher, type WriteActor } from '../../server/results/ingest.js';

describe('a replayed write is published again', () => {
  let db: TestDb;
  let actor: WriteActor;
  beforeAll(async () => {
    db = await createTestDb();
    const users = await ensureRoleUsers(db);
    actor = { userId: users.starter.id, email: users.starter.email, role: 'starter', ip: '127.0.0.1', userAgent: null };
  });
  afterAll(async () => {
    await db.close();
  });

  /** One hub's results service: what it asked to publish. */
  const hub = () => {
    const published: { heatIds: number[]; standingsMeetId?: number }[] = [];
    const publisher: ChangePublisher = { heatsChanged: async (heatIds, opts) => void published.push({ heatIds, ...(opts?.standingsMeetId ? { standingsMeetId: opts.standingsMeetId } : {}) }) };
    return { service: new ResultsService(db.sql, publisher), published };
  };

  it('results: the hub answering a replay publishes the heat', async () => {
    const f = await createHeats(db.sql, { lanes: 2 });
    const [dead, alive] = [hub(), hub()];
    const input = { idempotencyKey: randomUUID(), heatId: f.heatIds[0]!, results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_010, status: 'OK' as const }] };
    const first = await dead.service.submitResults(actor, input, 'console');
    const replay = await alive.service.submitResults(actor, input, 'console');
    expect(replay).toEqual(first);
    expect(alive.published).toEqual([{ heatIds: [f.heatIds[0]] }]);
    // Nothing was written twice.
    expect(await db.sql`SELECT revision FROM results WHERE heat_id = ${f.heatIds[0]!}`).toEqual([{ revision: 1 }]);
  });

  it('heat status: a replayed "official" publishes the heat (and the standings of a final)', async () => {
    const f = await createHeats(db.sql, { lanes: 2, round: 'final' });
    const heatId = f.heatIds[0]!;
    const [dead, alive] = [hub(), hub()];
    await dead.service.submitResults(actor, { idempotencyKey: randomUUID(), heatId, results: [{ entryId: f.lanes[0]![0]!.entryId, timeMs: 10_020, status: 'OK' }] }, 'console');
    const input = { idempotencyKey: randomUUID(), heatId, status: 'official' as const };
    const chief: WriteActor = { ...actor, role: 'chief_registrar' };
    const first = await dead.service.changeHeatStatus(chief, input, 'console');
    const replay = await alive.service.changeHeatStatus(chief, input, 'console');
    expect(replay).toEqual(first);
    expect(alive.published).toEqual([{ heatIds: [heatId], standingsMeetId: f.meetId }]);
  });

  it('heat status: a replayed change in an earlier round publishes every heat of the round (its qualifiers may have changed)', async () => {
    const f = await createHeats(db.sql, { heats: 2, lanes: 2, round: 'heat' });
    const [dead, alive] = [hub(), hub()];
    const input = { idempotencyKey: randomUUID(), heatId: f.heatIds[0]!, status: 'finished' as const };
    await dead.service.changeHeatStatus(actor, input, 'console');
    await alive.service.changeHeatStatus(actor, input, 'console');
    expect(alive.published.map((p) => [...p.heatIds].sort())).toEqual([[...f.heatIds].sort()]);
  });
});
