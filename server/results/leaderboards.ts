// What the hub keeps in the sorted-set leaderboards, and how it rebuilds them from PostgreSQL.
//
// Score encoding (ascending = better): statusBucket * 1e11 + timeMs, with buckets
// OK 0, DNF 1, DQ 2, DNS 3. timeMs < 8.64e7 < 1e11, so a status never overlaps another and the
// largest score (3e11 + 8.64e7) stays far below 2^53: exact in a double, exact in Redis.
// Equal scores rank alike (rank = 1 + number of strictly better scores), as ties do in the sport.
// Team standings boards are scored by points (descending).
import type { Sql } from '../db/client.js';
import type { BoardEntry, LeaderboardStore, RankedEntry } from '../cache/leaderboard-store.js';
import type { Round } from '../../shared/schemas/meets.js';
import type { ResultStatus } from '../../shared/schemas/results.js';
import { meetPoints } from '../db/repos/results.js';

const BUCKET: Record<ResultStatus, number> = { OK: 0, DNF: 1, DQ: 2, DNS: 3 };
const BUCKET_SIZE = 1e11;

export function encodeScore(status: ResultStatus, timeMs: number | null): number {
  return BUCKET[status] * BUCKET_SIZE + (status === 'OK' ? (timeMs ?? 0) : 0);
}

export const boardKeys = {
  heat: (heatId: number) => `heat:${heatId}`,
  round: (eventId: number, round: Round) => `round:${eventId}:${round}`,
  event: (eventId: number) => `event:${eventId}`,
  standings: (meetId: number) => `standings:${meetId}`,
};

interface EventResultRow {
  heatId: number;
  round: Round;
  entryId: number;
  status: ResultStatus;
  timeMs: number | null;
}

export class Leaderboards {
  constructor(private readonly sql: Sql, private readonly store: LeaderboardStore) {}

  /**
   * Recomputes boards of an event from PostgreSQL, written in one go: with `onlyHeats`, those heats'
   * boards, their rounds' and the event's (the boards a change to those heats can change); without,
   * every board of the event.
   */
  async refreshEvent(eventId: number, onlyHeats?: number[]): Promise<void> {
    const rows = await this.sql<EventResultRow[]>`
      SELECT r.heat_id AS "heatId", h.round, r.entry_id AS "entryId", r.status, r.time_ms AS "timeMs"
      FROM results r JOIN heats h ON h.id = r.heat_id WHERE h.event_id = ${eventId}`;
    const heats = new Map<number, EventResultRow[]>();
    const rounds = new Map<Round, EventResultRow[]>();
    const best = new Map<number, number>();
    const add = <K>(m: Map<K, EventResultRow[]>, k: K, r: EventResultRow) => {
      const list = m.get(k);
      if (list) list.push(r);
      else m.set(k, [r]);
    };
    for (const r of rows) {
      add(heats, r.heatId, r);
      add(rounds, r.round, r);
      const s = encodeScore(r.status, r.timeMs);
      best.set(r.entryId, Math.min(best.get(r.entryId) ?? Infinity, s));
    }
    const toBoard = (rs: EventResultRow[]) => rs.map((r) => ({ member: String(r.entryId), score: encodeScore(r.status, r.timeMs) }));
    const boards: { key: string; entries: BoardEntry[] }[] = [];
    const heatIds = onlyHeats ?? [...heats.keys()];
    for (const heatId of heatIds) boards.push({ key: boardKeys.heat(heatId), entries: toBoard(heats.get(heatId) ?? []) });
    // A heat without results says nothing of its round: then every round board is rewritten.
    const touched = onlyHeats?.every((id) => heats.has(id)) ? new Set(onlyHeats.map((id) => heats.get(id)![0]!.round)) : null;
    for (const round of ['heat', 'semi', 'final'] as const) {
      if (!touched || touched.has(round)) boards.push({ key: boardKeys.round(eventId, round), entries: toBoard(rounds.get(round) ?? []) });
    }
    boards.push({ key: boardKeys.event(eventId), entries: [...best].map(([entryId, score]) => ({ member: String(entryId), score })) });
    await this.store.replaceMany(boards);
  }

  async refreshStandings(meetId: number): Promise<void> {
    const rows = await meetPoints(this.sql, meetId);
    await this.store.replace(boardKeys.standings(meetId), rows.map((r) => ({ member: r.team, score: r.points })));
  }

  /** A round's ranking across heats, rebuilt from PostgreSQL if the board is missing (Redis flushed). */
  async round(eventId: number, round: Round): Promise<RankedEntry[]> {
    const key = boardKeys.round(eventId, round);
    let board = await this.store.ranked(key, 'asc');
    if (!board) {
      await this.refreshEvent(eventId);
      board = (await this.store.ranked(key, 'asc')) ?? [];
    }
    return board;
  }

  async standings(meetId: number): Promise<RankedEntry[]> {
    const key = boardKeys.standings(meetId);
    let board = await this.store.ranked(key, 'desc');
    if (!board) {
      await this.refreshStandings(meetId);
      board = (await this.store.ranked(key, 'desc')) ?? [];
    }
    return board;
  }

  /** After a Redis restart or flush: rebuild every board of the meets being competed now. */
  async rebuildLive(): Promise<void> {
    const events = await this.sql<{ id: number; meetId: number }[]>`
      SELECT e.id, e.meet_id AS "meetId" FROM events e JOIN meets m ON m.id = e.meet_id WHERE m.status IN ('open', 'live')`;
    for (const e of events) await this.refreshEvent(e.id);
    for (const meetId of new Set(events.map((e) => e.meetId))) await this.refreshStandings(meetId);
  }
}
