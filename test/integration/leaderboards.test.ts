// Leaderboards.refreshEvent: which boards a change rewrites (one write to the store), and that they
// hold what a full rebuild gives.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Leaderboards, boardKeys } from '../../server/results/leaderboards.js';
import { MemoryLeaderboardStore } from '../../server/cache/leaderboard-store.js';
import { createTestDb, type TestDb } from '../helpers/db.js';
import { createHeats } from '../helpers/fixtures.js';

describe('Leaderboards.refreshEvent', () => {
  let db: TestDb;
  beforeAll(async () => {
    db = await createTestDb();
  });
  afterAll(async () => {
    await db.close();
  });

  it('for changed heats: their boards, their round and the event, in one write, equal to a full rebuild', async () => {
    const f = await createHeats(db.sql, { heats: 3, lanes: 2, round: 'heat' });
    const [h1, h2, h3] = f.heatIds as [number, number, number];
    for (const [i, l] of f.lanes.flat().entries()) {
      if (l.heatId === h3) continue; // the third heat has no result yet
      await db.sql`INSERT INTO results (heat_id, entry_id, time_ms, status) VALUES (${l.heatId}, ${l.entryId}, ${10_000 + i * 10}, 'OK')`;
    }
    const store = new MemoryLeaderboardStore();
    const boards = new Leaderboards(db.sql, store);
    const write = vi.spyOn(store, 'replaceMany');

    await boards.refreshEvent(f.eventId, [h1, h2]);
    expect(write).toHaveBeenCalledTimes(1);
    expect(write.mock.calls[0]![0].map((b) => b.key)).toEqual([boardKeys.heat(h1), boardKeys.heat(h2), boardKeys.round(f.eventId, 'heat'), boardKeys.event(f.eventId)]);
    const partial = await Promise.all([boards.round(f.eventId, 'heat'), store.ranked(boardKeys.event(f.eventId), 'asc'), store.ranked(boardKeys.heat(h2), 'asc')]);

    // A heat without results: its round is unknown, so every round board is rewritten.
    write.mockClear();
    await boards.refreshEvent(f.eventId, [h3]);
    expect(write.mock.calls[0]![0].map((b) => b.key)).toEqual([
      boardKeys.heat(h3), boardKeys.round(f.eventId, 'heat'), boardKeys.round(f.eventId, 'semi'), boardKeys.round(f.eventId, 'final'), boardKeys.event(f.eventId),
    ]);
    expect(await store.ranked(boardKeys.heat(h3), 'asc')).toEqual([]);

    const full = new MemoryLeaderboardStore();
    const rebuilt = new Leaderboards(db.sql, full);
    await rebuilt.refreshEvent(f.eventId);
    expect(partial).toEqual(await Promise.all([rebuilt.round(f.eventId, 'heat'), full.ranked(boardKeys.event(f.eventId), 'asc'), full.ranked(boardKeys.heat(h2), 'asc')]));
    expect(partial[0]!.map((e) => e.rank)).toEqual([1, 2, 3, 4]);
  });
});
