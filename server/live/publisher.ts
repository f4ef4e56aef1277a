// After a commit: fresh snapshot -> read-cache invalidation -> broadcast -> leaderboards.
// Publishing is per heat and coalesced: while one heat's publish runs, later changes to it are
// folded into one more run, so a burst of writes costs one snapshot per heat, newest version wins.
import type { FastifyBaseLogger } from 'fastify';
import type { Sql } from '../db/client.js';
import type { ReadCache } from '../cache/read-cache.js';
import { invalidate, tags } from '../cache/read-through.js';
import type { Leaderboards } from '../results/leaderboards.js';
import { loadSnapshot } from '../results/snapshot.js';
import type { ChangePublisher } from '../results/ingest.js';
import type { HeatSnapshot } from '../../shared/schemas/results.js';
import type { Standings } from '../../shared/schemas/live.js';
import { standingsOf } from './standings.js';

export interface LiveEmitter {
  heatUpdate(snapshot: HeatSnapshot): void;
  standingsUpdate(standings: Standings): void;
}

export class LivePublisher implements ChangePublisher {
  private readonly running = new Map<number, Promise<void>>();
  private readonly dirty = new Set<number>();
  private readonly pending = new Set<Promise<void>>();
  emitter: LiveEmitter | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly leaderboards: Leaderboards,
    private readonly readCache: ReadCache,
    private readonly log: FastifyBaseLogger,
  ) {}

  async heatsChanged(heatIds: number[], opts: { standingsMeetId?: number } = {}): Promise<void> {
    await invalidate(this.readCache, this.log, heatIds.map((id) => tags.heat(id)));
    for (const id of heatIds) this.schedule(id);
    if (opts.standingsMeetId != null) this.track(this.publishStandings(opts.standingsMeetId));
  }

  /** Resolves when everything scheduled so far has been published (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  private track(p: Promise<void>) {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  private schedule(heatId: number) {
    if (this.running.has(heatId)) {
      this.dirty.add(heatId);
      return;
    }
    const run = (async () => {
      do {
        this.dirty.delete(heatId);
        await this.publishHeat(heatId);
      } while (this.dirty.has(heatId));
    })().finally(() => this.running.delete(heatId));
    this.running.set(heatId, run);
    this.track(run);
  }

  private async publishHeat(heatId: number): Promise<void> {
    try {
      const snapshot = await loadSnapshot(this.sql, heatId);
      if (!snapshot) return;
      await invalidate(this.readCache, this.log, [tags.heat(heatId), tags.event(snapshot.eventId), tags.meet(snapshot.meetId)]);
      this.emitter?.heatUpdate(snapshot);
      await this.leaderboards.refreshEvent(snapshot.eventId, heatId);
    } catch (err) {
      // The write is committed; viewers catch up on the next change or on resubscribe.
      this.log.error({ err, heatId }, 'publishing a heat failed');
    }
  }

  private async publishStandings(meetId: number): Promise<void> {
    try {
      await this.leaderboards.refreshStandings(meetId);
      this.emitter?.standingsUpdate(await standingsOf(this.sql, this.leaderboards, meetId));
    } catch (err) {
      this.log.error({ err, meetId }, 'publishing standings failed');
    }
  }
}
