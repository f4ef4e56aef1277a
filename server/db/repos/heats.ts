import type { Tx } from '../client.js';
import type { HeatSummary, Round } from '../../../shared/schemas/meets.js';
import type { LaneAssignment, StartLane } from '../../../shared/schemas/heats.js';

const SUMMARY = (sql: Tx) => sql`
  h.id, h.event_id AS "eventId", h.round, h.number, h.scheduled_at AS "scheduledAt", h.status, h.wind_mps AS "windMps",
  h.started_at AS "startedAt", h.version,
  (SELECT count(*)::int FROM heat_lanes hl WHERE hl.heat_id = h.id) AS "laneCount"`;

/** Every heat of an event, in round order (heat, semi, final) and by number. */
export async function listHeatsOfEvent(sql: Tx, eventId: number): Promise<HeatSummary[]> {
  return sql<HeatSummary[]>`
    SELECT ${SUMMARY(sql)} FROM heats h WHERE h.event_id = ${eventId}
    ORDER BY array_position(ARRAY['heat', 'semi', 'final'], h.round), h.number`;
}

export async function getHeat(sql: Tx, id: number, opts: { forUpdate?: boolean } = {}): Promise<HeatSummary | undefined> {
  const [row]: [HeatSummary?] = await sql`
    SELECT ${SUMMARY(sql)} FROM heats h WHERE h.id = ${id} ${opts.forUpdate ? sql`FOR UPDATE OF h` : sql``}`;
  return row;
}

export async function lastHeatNumber(sql: Tx, eventId: number, round: Round): Promise<number> {
  const [{ last }] = await sql<[{ last: number }]>`
    SELECT coalesce(max(number), 0)::int AS last FROM heats WHERE event_id = ${eventId} AND round = ${round}`;
  return last;
}

export async function insertHeat(
  sql: Tx,
  h: { eventId: number; round: Round; number: number; scheduledAt: string | null },
): Promise<number> {
  const [row] = await sql<[{ id: number }]>`
    INSERT INTO heats (event_id, round, number, scheduled_at)
    VALUES (${h.eventId}, ${h.round}, ${h.number}, ${h.scheduledAt})
    RETURNING id`;
  return row.id;
}

export async function insertLanes(
  sql: Tx,
  heat: { id: number; eventId: number; round: Round },
  lanes: readonly LaneAssignment[],
): Promise<void> {
  if (lanes.length === 0) return;
  const rows = lanes.map((l) => ({ heat_id: heat.id, event_id: heat.eventId, round: heat.round, entry_id: l.entryId, lane: l.lane }));
  await sql`INSERT INTO heat_lanes ${sql(rows)}`;
}

export async function deleteLanes(sql: Tx, heatId: number): Promise<void> {
  await sql`DELETE FROM heat_lanes WHERE heat_id = ${heatId}`;
}

/** A viewer-visible change: snapshots carry the version so clients drop stale updates. */
export async function bumpHeatVersion(sql: Tx, heatId: number): Promise<void> {
  await sql`UPDATE heats SET version = version + 1, updated_at = now() WHERE id = ${heatId}`;
}

export async function countResultsOfHeat(sql: Tx, heatId: number): Promise<number> {
  const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM results WHERE heat_id = ${heatId}`;
  return n;
}

export async function lanesOfHeat(sql: Tx, heatId: number): Promise<StartLane[]> {
  return sql<StartLane[]>`
    SELECT hl.lane, hl.entry_id AS "entryId", e.athlete_id AS "athleteId", ma.bib, a.first_name AS "firstName",
           a.last_name AS "lastName", a.country, e.seed_mark AS "seedMark", e.status
    FROM heat_lanes hl
    JOIN entries e ON e.id = hl.entry_id
    JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id
    JOIN athletes a ON a.id = e.athlete_id
    WHERE hl.heat_id = ${heatId}
    ORDER BY hl.lane`;
}

export async function heatIdsOfEvent(sql: Tx, eventId: number): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`SELECT id FROM heats WHERE event_id = ${eventId}`;
  return rows.map((r) => r.id);
}
