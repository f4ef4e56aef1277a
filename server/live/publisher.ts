// After a commit: read-cache invalidation -> broadcast -> leaderboards.
// A writer that read the heat's snapshot in its transaction (the ingest path) hands it over: it is
// broadcast right after the acknowledgement, with no further query. Otherwise the snapshot is loaded
// here, per heat and coalesced: while a heat's load is going, later changes to it are folded into one
// more. Leaderboards are refreshed per event, 50 ms after a change, and coalesced the same way: a
// burst of results across an event's heats costs one refresh while one waits or runs, and one more.
// A heat's broadcasts never go back in version.
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

/** How long a leaderboard refresh waits for more changes to the same event (the boards lag by that). */
const BOARD_REFRESH_DELAY_MS = 50;
/** Bound on the per-heat "last broadcast version" memory (a meet has a few hundred heats). */
const MAX_TRACKED_HEATS = 10_000;

export class LivePublisher implements ChangePublisher {
  /** Heats whose snapshot is being loaded, and those changed again meanwhile. */
  private readonly loading = new Map<number, Promise<void>>();
  private readonly reload = new Set<number>();
  /** Events whose boards are being refreshed, and per event the heats changed meanwhile. */
  private readonly refreshing = new Map<number, Promise<void>>();
  private readonly boardQueue = new Map<number, Set<number>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly lastVersion = new Map<number, number>();
  emitter: LiveEmitter | null = null;

  constructor(
    private readonly sql: Sql,
    private readonly leaderboards: Leaderboards,
    private readonly readCache: ReadCache,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Resolves once cached reads of the heats (and of their events and meets, when the snapshots are
   *  given) are invalidated: the writer then reads its own write. Broadcasts follow. */
  async heatsChanged(heatIds: number[], opts: { standingsMeetId?: number; snapshots?: HeatSnapshot[] } = {}): Promise<void> {
    const given = new Map((opts.snapshots ?? []).map((s) => [s.heatId, s]));
    const related = [...given.values()].flatMap((s) => [tags.event(s.eventId), tags.meet(s.meetId)]);
    await invalidate(this.readCache, this.log, [...new Set([...heatIds.map((id) => tags.heat(id)), ...related])]);
    for (const id of heatIds) {
      const snapshot = given.get(id);
      if (!snapshot) {
        this.load(id);
        continue;
      }
      // setImmediate: the caller acknowledges its write first, then viewers hear of it.
      this.track(new Promise<void>((resolve) => setImmediate(() => resolve(this.broadcast(snapshot)))));
      this.refreshBoards(snapshot.eventId, id);
    }
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

  private broadcast(snapshot: HeatSnapshot): void {
    // Concurrent writes to one heat commit in version order but may reach here in either order.
    if (snapshot.version < (this.lastVersion.get(snapshot.heatId) ?? -Infinity)) return;
    if (this.lastVersion.size >= MAX_TRACKED_HEATS) this.lastVersion.clear();
    this.lastVersion.set(snapshot.heatId, snapshot.version);
    try {
      this.emitter?.heatUpdate(snapshot);
    } catch (err) {
      this.log.error({ err, heatId: snapshot.heatId }, 'broadcasting a heat failed');
    }
  }

  /** Loads, invalidates and broadcasts a heat's snapshot, then has its boards refreshed. */
  private load(heatId: number) {
    if (this.loading.has(heatId)) {
      this.reload.add(heatId);
      return;
    }
    const run = (async () => {
      do {
        this.reload.delete(heatId);
        try {
          const snapshot = await loadSnapshot(this.sql, heatId);
          if (!snapshot) return;
          await invalidate(this.readCache, this.log, [tags.heat(heatId), tags.event(snapshot.eventId), tags.meet(snapshot.meetId)]);
          this.broadcast(snapshot);
          this.refreshBoards(snapshot.eventId, heatId);
        } catch (err) {
          // The write is committed; viewers catch up on the next change or on resubscribe.
          this.log.error({ err, heatId }, 'publishing a heat failed');
        }
      } while (this.reload.has(heatId));
    })().finally(() => this.loading.delete(heatId));
    this.loading.set(heatId, run);
    this.track(run);
  }

  private refreshBoards(eventId: number, heatId: number) {
    const heats = this.boardQueue.get(eventId) ?? new Set<number>();
    heats.add(heatId);
    this.boardQueue.set(eventId, heats);
    if (this.refreshing.has(eventId)) return;
    const run = (async () => {
      // A moment's wait gathers the results that follow (a heat entered lane by lane, several timing
      // consoles at once) into one refresh: each reads the event's results and rewrites its boards.
      await new Promise((r) => setTimeout(r, BOARD_REFRESH_DELAY_MS));
      for (let next = this.boardQueue.get(eventId); next; next = this.boardQueue.get(eventId)) {
        this.boardQueue.delete(eventId);
        try {
          await this.leaderboards.refreshEvent(eventId, [...next]);
        } catch (err) {
          // Derived data: rebuilt from PostgreSQL by the next change, a read that misses, or a restart.
          this.log.error({ err, eventId }, 'refreshing leaderboards failed');
        }
      }
    })().finally(() => this.refreshing.delete(eventId));
    this.refreshing.set(eventId, run);
    this.track(run);
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
