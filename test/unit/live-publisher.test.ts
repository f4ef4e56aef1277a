import { describe, expect, it, vi } from 'vitest';
import type { FastifyBaseLogger } from 'fastify';
import { LivePublisher } from '../../server/live/publisher.js';
import { MemoryReadCache } from '../../server/cache/read-cache.js';
import type { Leaderboards } from '../../server/results/leaderboards.js';
import type { Sql } from '../../server/db/client.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';

const snap = (heatId: number, version: number): HeatSnapshot => ({
  heatId, eventId: 7, eventName: 'Men 100m', discipline: '100m', meetId: 3, round: 'final', heatNumber: 1, status: 'started',
  windMps: null, startedAt: null, version, rows: [],
});

function setup() {
  const cache = new MemoryReadCache();
  const sql = vi.fn(() => Promise.reject(new Error('no query expected'))) as unknown as Sql;
  const refreshEvent = vi.fn(async (_eventId: number, _heats?: number[]) => {});
  const leaderboards = { refreshEvent } as unknown as Leaderboards;
  const log = { error: vi.fn(), warn: vi.fn() } as unknown as FastifyBaseLogger;
  const publisher = new LivePublisher(sql, leaderboards, cache, log);
  const sent: number[] = [];
  publisher.emitter = { heatUpdate: (s) => void sent.push(s.version), standingsUpdate: () => {} };
  return { publisher, cache, sql, refreshEvent, sent, log };
}

describe('LivePublisher', () => {
  it('with the committed snapshot: invalidates heat, event and meet before resolving, broadcasts after, queries nothing', async () => {
    const { publisher, cache, sql, refreshEvent, sent, log } = setup();
    for (const [key, tag] of [['h', 'heat:1'], ['e', 'event:7'], ['m', 'meet:3'], ['other', 'heat:2']] as const) await cache.set(key, '1', [tag], 60, '0');
    await publisher.heatsChanged([1], { snapshots: [snap(1, 5)] });
    expect(await Promise.all(['h', 'e', 'm', 'other'].map((k) => cache.get(k)))).toEqual([null, null, null, '1']);
    // The writer acknowledges first: nothing has gone out when heatsChanged resolves.
    expect(sent).toEqual([]);
    await publisher.idle();
    expect(sent).toEqual([5]);
    expect(refreshEvent).toHaveBeenCalledWith(7, [1]);
    expect(sql).not.toHaveBeenCalled();
    expect(log.error).not.toHaveBeenCalled();
  });

  it('never broadcasts an older version of a heat after a newer one; the same version may go again', async () => {
    const { publisher, sent } = setup();
    await publisher.heatsChanged([1], { snapshots: [snap(1, 9)] });
    await publisher.heatsChanged([1], { snapshots: [snap(1, 8)] });
    await publisher.heatsChanged([2], { snapshots: [snap(2, 3)] });
    await publisher.heatsChanged([1], { snapshots: [snap(1, 9)] });
    await publisher.idle();
    expect(sent).toEqual([9, 3, 9]);
  });

  it('folds a burst of changes across an event\'s heats into one more leaderboard refresh, every snapshot broadcast', async () => {
    const { publisher, refreshEvent, sent } = setup();
    let release!: () => void;
    refreshEvent.mockImplementationOnce(() => new Promise<void>((r) => (release = r)));
    await publisher.heatsChanged([1], { snapshots: [snap(1, 1)] });
    // The first refresh starts after its short wait; four more changes arrive while it runs.
    await vi.waitFor(() => expect(release).toBeTypeOf('function'));
    for (let v = 2; v <= 5; v++) await publisher.heatsChanged([v % 2 ? 1 : 2], { snapshots: [snap(v % 2 ? 1 : 2, v)] });
    release();
    await publisher.idle();
    expect(sent).toEqual([1, 2, 3, 4, 5]);
    expect(refreshEvent.mock.calls.map(([e, heats]) => [e, [...(heats ?? [])].sort()])).toEqual([[7, [1]], [7, [1, 2]]]);
  });

  it('gathers the changes of an event made within its short wait into one leaderboard refresh', async () => {
    const { publisher, refreshEvent, sent } = setup();
    for (let v = 1; v <= 4; v++) await publisher.heatsChanged([v % 2 ? 1 : 2], { snapshots: [snap(v % 2 ? 1 : 2, v)] });
    await publisher.idle();
    expect(sent).toEqual([1, 2, 3, 4]);
    expect(refreshEvent.mock.calls.map(([e, heats]) => [e, [...(heats ?? [])].sort()])).toEqual([[7, [1, 2]]]);
  });

  it('without a snapshot, loads it (once more for changes during a load) and broadcasts the newest', async () => {
    const { publisher, sent, refreshEvent } = setup();
    const versions = [3, 4];
    const load = vi.fn(async () => snap(1, versions.shift()!));
    const snapshotModule = await import('../../server/results/snapshot.js');
    const spy = vi.spyOn(snapshotModule, 'loadSnapshot').mockImplementation(load);
    try {
      await publisher.heatsChanged([1]);
      await publisher.heatsChanged([1]);
      await publisher.heatsChanged([1]);
      await publisher.idle();
    } finally {
      spy.mockRestore();
    }
    expect(load).toHaveBeenCalledTimes(2);
    expect(sent).toEqual([3, 4]);
    expect(refreshEvent.mock.calls.flatMap(([, heats]) => heats ?? [])).toEqual(expect.arrayContaining([1]));
  });
});
