import type { Sql } from '../db/client.js';
import type { Leaderboards } from '../results/leaderboards.js';
import type { Standings } from '../../shared/schemas/live.js';

/** Team standings from the leaderboard (rebuilt from PostgreSQL when missing), with a version that
 *  only increases: the latest change to any heat of the meet, in epoch ms. */
export async function standingsOf(sql: Sql, leaderboards: Leaderboards, meetId: number): Promise<Standings> {
  const [board, [v]] = await Promise.all([
    leaderboards.standings(meetId),
    sql<[{ version: number }]>`
      SELECT coalesce(floor(extract(epoch FROM max(h.updated_at)) * 1000), 0)::float8 AS version
      FROM heats h JOIN events e ON e.id = h.event_id WHERE e.meet_id = ${meetId}`,
  ]);
  const rows = board.map((b) => ({ team: b.member, points: b.score, rank: b.rank }));
  rows.sort((a, b) => a.rank - b.rank || a.team.localeCompare(b.team));
  return { meetId, version: v.version, rows };
}
