// Sorted-set leaderboards. Redis when configured (shared by every hub process), else in memory.
// They hold derived data only: everything here can be rebuilt from PostgreSQL at any time.
import type { Redis } from 'ioredis';

export interface BoardEntry {
  member: string;
  score: number;
}
export interface RankedEntry extends BoardEntry {
  /** 1 + the number of members with a strictly better score: ties rank alike. */
  rank: number;
}

export interface LeaderboardStore {
  /** Replaces the whole board atomically. */
  replace(key: string, entries: BoardEntry[]): Promise<void>;
  /** Replaces several boards at once, atomically together (one round trip to Redis). */
  replaceMany(boards: { key: string; entries: BoardEntry[] }[]): Promise<void>;
  /** Best first: ascending scores (times) or descending (points). */
  ranked(key: string, order: 'asc' | 'desc'): Promise<RankedEntry[] | null>;
}

function rankEntries(sorted: BoardEntry[]): RankedEntry[] {
  let rank = 0;
  return sorted.map((e, i) => {
    if (i === 0 || e.score !== sorted[i - 1]!.score) rank = i + 1;
    return { ...e, rank };
  });
}

export class MemoryLeaderboardStore implements LeaderboardStore {
  private readonly boards = new Map<string, BoardEntry[]>();
  async replace(key: string, entries: BoardEntry[]) {
    this.boards.set(key, [...entries]);
  }
  async replaceMany(boards: { key: string; entries: BoardEntry[] }[]) {
    for (const b of boards) this.boards.set(b.key, [...b.entries]);
  }
  async ranked(key: string, order: 'asc' | 'desc') {
    const b = this.boards.get(key);
    if (!b) return null;
    const sign = order === 'asc' ? 1 : -1;
    return rankEntries(b.toSorted((x, y) => sign * (x.score - y.score) || x.member.localeCompare(y.member)));
  }
  clear() {
    this.boards.clear();
  }
}

/** An empty board is stored as a marker member so "missing" (rebuild) and "empty" stay distinct. */
const EMPTY = '\u0000empty';

export class RedisLeaderboardStore implements LeaderboardStore {
  constructor(private readonly redis: Redis, private readonly prefix = 'lb:') {}

  async replace(key: string, entries: BoardEntry[]) {
    await this.replaceMany([{ key, entries }]);
  }

  async replaceMany(boards: { key: string; entries: BoardEntry[] }[]) {
    if (!boards.length) return;
    const m = this.redis.multi();
    for (const { key, entries } of boards) {
      const k = this.prefix + key;
      m.del(k).zadd(k, ...(entries.length ? entries.flatMap((e) => [e.score, e.member]) : [0, EMPTY]));
    }
    await m.exec();
  }

  async ranked(key: string, order: 'asc' | 'desc') {
    const k = this.prefix + key;
    const raw = order === 'asc' ? await this.redis.zrange(k, 0, -1, 'WITHSCORES') : await this.redis.zrevrange(k, 0, -1, 'WITHSCORES');
    if (!raw.length) return null;
    const entries: BoardEntry[] = [];
    for (let i = 0; i < raw.length; i += 2) if (raw[i] !== EMPTY) entries.push({ member: raw[i]!, score: Number(raw[i + 1]) });
    return rankEntries(entries);
  }
}
