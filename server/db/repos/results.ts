// Queries of the live results path: the heat being written, its lanes, its results and revisions.
import type { Sql, Tx } from '../client.js';
import type { HeatStatus, Round } from '../../../shared/schemas/meets.js';
import type { ResultStatus, RoundRule } from '../../../shared/schemas/results.js';

export interface HeatContext {
  id: number;
  eventId: number;
  meetId: number;
  round: Round;
  number: number;
  status: HeatStatus;
  windMps: number | null;
  startedAt: string | null;
  version: number;
  eventName: string;
  discipline: string;
  kind: 'track' | 'field' | 'road';
  distanceM: number | null;
  windMeasured: boolean;
  handTimed: boolean;
  pointsScheme: number[];
}

const HEAT_CONTEXT = (sql: Tx) => sql`
  h.id, h.event_id AS "eventId", e.meet_id AS "meetId", h.round, h.number, h.status, h.wind_mps AS "windMps",
  h.started_at AS "startedAt", h.version, e.name AS "eventName", e.discipline, e.kind, e.distance_m AS "distanceM",
  e.wind_measured AS "windMeasured", e.hand_timed AS "handTimed", m.points_scheme AS "pointsScheme"`;

export async function getHeatContext(sql: Tx, heatId: number): Promise<HeatContext | undefined> {
  const [row]: [HeatContext?] = await sql`
    SELECT ${HEAT_CONTEXT(sql)} FROM heats h JOIN events e ON e.id = h.event_id JOIN meets m ON m.id = e.meet_id
    WHERE h.id = ${heatId}`;
  return row;
}

/** The heat, locked: writes to one heat are serialised, so status checks and versions stay exact. */
export async function lockHeat(tx: Tx, heatId: number): Promise<HeatContext | undefined> {
  const [row]: [HeatContext?] = await tx`
    SELECT ${HEAT_CONTEXT(tx)} FROM heats h JOIN events e ON e.id = h.event_id JOIN meets m ON m.id = e.meet_id
    WHERE h.id = ${heatId} FOR UPDATE OF h`;
  return row;
}

export async function bumpHeat(
  tx: Tx,
  heatId: number,
  change: { status?: HeatStatus; windMps?: number | null; startedAt?: string | null },
): Promise<number> {
  const [row] = await tx<[{ version: number }]>`
    UPDATE heats SET
      status = coalesce(${change.status ?? null}, status),
      wind_mps = CASE WHEN ${change.windMps !== undefined} THEN ${change.windMps ?? null}::numeric ELSE wind_mps END,
      started_at = CASE WHEN ${change.startedAt !== undefined} THEN ${change.startedAt ?? null}::timestamptz ELSE started_at END,
      version = version + 1,
      updated_at = now()
    WHERE id = ${heatId}
    RETURNING version`;
  return row.version;
}

export interface LaneEntry {
  entryId: number;
  bib: string;
  lane: number;
}

export async function heatLaneEntries(tx: Tx, heatId: number): Promise<LaneEntry[]> {
  return tx<LaneEntry[]>`
    SELECT hl.entry_id AS "entryId", ma.bib, hl.lane
    FROM heat_lanes hl JOIN entries en ON en.id = hl.entry_id
    JOIN meet_athletes ma ON ma.meet_id = en.meet_id AND ma.athlete_id = en.athlete_id
    WHERE hl.heat_id = ${heatId}`;
}

export interface ResultWrite {
  entryId: number;
  timeMs: number | null;
  status: ResultStatus;
  dqRule: string | null;
  reactionMs: number | null;
  judgedPlace: number | null;
  windMps: number | null;
  source: string;
  enteredBy: number | null;
}

/** A result as stored: what was written, plus its id and revision. */
export interface StoredResult extends ResultWrite {
  id: number;
  revision: number;
  enteredAt: string;
}

export async function heatResults(tx: Tx, heatId: number): Promise<StoredResult[]> {
  return tx<StoredResult[]>`
    SELECT id, entry_id AS "entryId", time_ms AS "timeMs", status, dq_rule AS "dqRule", reaction_ms AS "reactionMs",
           judged_place AS "judgedPlace", wind_mps AS "windMps", source, revision, entered_by AS "enteredBy", entered_at AS "enteredAt"
    FROM results WHERE heat_id = ${heatId}`;
}


export async function insertResult(tx: Tx, heatId: number, r: ResultWrite): Promise<void> {
  await tx`
    INSERT INTO results (heat_id, entry_id, time_ms, status, dq_rule, reaction_ms, judged_place, wind_mps, source, entered_by)
    VALUES (${heatId}, ${r.entryId}, ${r.timeMs}, ${r.status}, ${r.dqRule}, ${r.reactionMs}, ${r.judgedPlace}, ${r.windMps}, ${r.source}, ${r.enteredBy})`;
}

/**
 * A correction: the old values go to result_revisions, the row takes the new ones and revision + 1.
 * Both statements are sent at once (a pipeline, run in this order), so that a caller may pipeline
 * further statements behind them.
 */
export async function correctResult(tx: Tx, old: StoredResult, r: ResultWrite): Promise<void> {
  await Promise.all([
    tx`
      INSERT INTO result_revisions (result_id, revision, time_ms, status, dq_rule, reaction_ms, wind_mps, source, entered_by, entered_at)
      VALUES (${old.id}, ${old.revision}, ${old.timeMs}, ${old.status}, ${old.dqRule}, ${old.reactionMs}, ${old.windMps}, ${old.source}, ${old.enteredBy}, ${old.enteredAt})`,
    tx`
      UPDATE results SET time_ms = ${r.timeMs}, status = ${r.status}, dq_rule = ${r.dqRule}, reaction_ms = ${r.reactionMs},
        judged_place = ${r.judgedPlace}, wind_mps = ${r.windMps}, source = ${r.source}, entered_by = ${r.enteredBy},
        entered_at = now(), revision = revision + 1
      WHERE id = ${old.id}`,
  ]);
}

export async function heatPlaces(tx: Tx, heatId: number) {
  return tx<{ entryId: number; place: number | null; timeMs: number | null; status: ResultStatus }[]>`
    SELECT entry_id AS "entryId", place, time_ms AS "timeMs", status FROM results WHERE heat_id = ${heatId}`;
}

/** Stores computed places (and clears them for unplaced rows) for a whole heat in one statement. */
export async function storePlaces(tx: Tx, heatId: number, places: { entryId: number; place: number | null }[]): Promise<void> {
  if (!places.length) return;
  const entryIds = places.map((p) => p.entryId);
  const values = places.map((p) => p.place ?? 0);
  await tx`
    UPDATE results r SET place = nullif(v.place, 0)
    FROM unnest(${entryIds}::bigint[], ${values}::int[]) AS v(entry_id, place)
    WHERE r.heat_id = ${heatId} AND r.entry_id = v.entry_id AND r.place IS DISTINCT FROM nullif(v.place, 0)`;
}

export async function storePoints(tx: Tx, heatId: number, points: { entryId: number; points: number | null }[]): Promise<void> {
  await tx`UPDATE results SET points = NULL WHERE heat_id = ${heatId} AND points IS NOT NULL`;
  const given = points.filter((p) => p.points);
  if (!given.length) return;
  await tx`
    UPDATE results r SET points = v.points
    FROM unnest(${given.map((p) => p.entryId)}::bigint[], ${given.map((p) => p.points!)}::numeric[]) AS v(entry_id, points)
    WHERE r.heat_id = ${heatId} AND r.entry_id = v.entry_id`;
}

export async function storeQualification(tx: Tx, heatIds: number[], marks: Map<number, string>): Promise<void> {
  await tx`UPDATE results SET qualification = NULL WHERE heat_id = ANY(${heatIds}::bigint[]) AND qualification IS NOT NULL`;
  if (!marks.size) return;
  await tx`
    UPDATE results r SET qualification = v.q
    FROM unnest(${[...marks.keys()]}::bigint[], ${[...marks.values()]}::text[]) AS v(entry_id, q)
    WHERE r.heat_id = ANY(${heatIds}::bigint[]) AND r.entry_id = v.entry_id`;
}

/** One row per lane of the heat, with its result if any: the raw material of a snapshot. */
export interface SnapshotSource {
  entryId: number;
  athleteId: number;
  bib: string;
  firstName: string;
  lastName: string;
  country: string;
  club: string | null;
  lane: number;
  checkedIn: boolean;
  timeMs: number | null;
  status: ResultStatus | null;
  dqRule: string | null;
  reactionMs: number | null;
  judgedPlace: number | null;
  qualification: string | null;
  revision: number | null;
}

/** The heat and its lanes with results, read in one statement so the version matches the rows. */
export async function snapshotSource(sql: Sql | Tx, heatId: number): Promise<{ heat: HeatContext; rows: SnapshotSource[] } | undefined> {
  const [row]: [(HeatContext & { rows: SnapshotSource[] })?] = await sql`
    SELECT ${HEAT_CONTEXT(sql)}, coalesce((
      SELECT json_agg(json_build_object(
        'entryId', hl.entry_id, 'athleteId', a.id, 'bib', ma.bib, 'firstName', a.first_name, 'lastName', a.last_name,
        'country', a.country, 'club', a.club, 'lane', hl.lane, 'checkedIn', en.checked_in, 'timeMs', r.time_ms,
        'status', r.status, 'dqRule', r.dq_rule, 'reactionMs', r.reaction_ms, 'judgedPlace', r.judged_place,
        'qualification', r.qualification, 'revision', r.revision) ORDER BY hl.lane)
      FROM heat_lanes hl
      JOIN entries en ON en.id = hl.entry_id
      JOIN athletes a ON a.id = en.athlete_id
      JOIN meet_athletes ma ON ma.meet_id = en.meet_id AND ma.athlete_id = en.athlete_id
      LEFT JOIN results r ON r.heat_id = hl.heat_id AND r.entry_id = hl.entry_id
      WHERE hl.heat_id = h.id), '[]'::json) AS rows
    FROM heats h JOIN events e ON e.id = h.event_id JOIN meets m ON m.id = e.meet_id
    WHERE h.id = ${heatId}`;
  if (!row) return undefined;
  const { rows, ...heat } = row;
  return { heat, rows };
}

export async function roundHeatIds(sql: Sql | Tx, eventId: number, round: Round): Promise<{ id: number; status: HeatStatus }[]> {
  return sql<{ id: number; status: HeatStatus }[]>`SELECT id, status FROM heats WHERE event_id = ${eventId} AND round = ${round} ORDER BY number`;
}

export async function roundRule(sql: Sql | Tx, eventId: number, round: Round): Promise<RoundRule | undefined> {
  const [row]: [RoundRule?] = await sql`
    SELECT qualify_by_place AS "byPlace", qualify_by_time AS "byTime", next_round_capacity AS capacity
    FROM event_rounds WHERE event_id = ${eventId} AND round = ${round}`;
  return row;
}

export async function resultHistory(sql: Sql | Tx, heatId: number, entryId: number) {
  return sql<{ revision: number; timeMs: number | null; status: string; dqRule: string | null; reactionMs: number | null; source: string; enteredBy: number | null; enteredAt: string }[]>`
    SELECT rv.revision, rv.time_ms AS "timeMs", rv.status, rv.dq_rule AS "dqRule", rv.reaction_ms AS "reactionMs",
           rv.source, rv.entered_by AS "enteredBy", rv.entered_at AS "enteredAt"
    FROM result_revisions rv JOIN results r ON r.id = rv.result_id
    WHERE r.heat_id = ${heatId} AND r.entry_id = ${entryId}
    ORDER BY rv.revision`;
}

/** Official results of a meet with their points, for team standings. */
export async function meetPoints(sql: Sql | Tx, meetId: number): Promise<{ team: string; points: number }[]> {
  return sql<{ team: string; points: number }[]>`
    SELECT a.country AS team, sum(r.points)::float8 AS points
    FROM results r JOIN heats h ON h.id = r.heat_id AND h.status = 'official'
    JOIN entries en ON en.id = r.entry_id JOIN athletes a ON a.id = en.athlete_id
    WHERE en.meet_id = ${meetId} AND r.points IS NOT NULL
    GROUP BY a.country`;
}

export async function eventHeatIds(sql: Sql | Tx, eventId: number): Promise<number[]> {
  const rows = await sql<{ id: number }[]>`
    SELECT id FROM heats WHERE event_id = ${eventId}
    ORDER BY CASE round WHEN 'heat' THEN 1 WHEN 'semi' THEN 2 ELSE 3 END, number`;
  return rows.map((r) => r.id);
}

export async function meetExists(sql: Sql | Tx, meetId: number): Promise<boolean> {
  return (await sql`SELECT 1 FROM meets WHERE id = ${meetId}`).length > 0;
}

export async function eventExists(sql: Sql | Tx, eventId: number): Promise<boolean> {
  return (await sql`SELECT 1 FROM events WHERE id = ${eventId}`).length > 0;
}

/** Every heat of a meet with its live state, in schedule order. */
export async function meetHeatSummaries(sql: Sql | Tx, meetId: number) {
  return sql<{
    heatId: number; eventId: number; eventName: string; round: Round; heatNumber: number; status: HeatStatus;
    scheduledAt: string | null; startedAt: string | null; updatedAt: string; version: number;
  }[]>`
    SELECT h.id AS "heatId", h.event_id AS "eventId", e.name AS "eventName", h.round, h.number AS "heatNumber", h.status,
           h.scheduled_at AS "scheduledAt", h.started_at AS "startedAt", h.updated_at AS "updatedAt", h.version
    FROM heats h JOIN events e ON e.id = h.event_id
    WHERE e.meet_id = ${meetId}
    ORDER BY coalesce(h.scheduled_at, e.scheduled_at), e.event_number, h.number`;
}

export interface RoundResultDetail {
  entryId: number;
  heatId: number;
  heatNumber: number;
  bib: string;
  firstName: string;
  lastName: string;
  country: string;
  timeMs: number | null;
  status: ResultStatus;
  qualification: string | null;
}

export async function roundResultDetails(sql: Sql | Tx, eventId: number, round: Round): Promise<RoundResultDetail[]> {
  return sql<RoundResultDetail[]>`
    SELECT r.entry_id AS "entryId", h.id AS "heatId", h.number AS "heatNumber", ma.bib, a.first_name AS "firstName",
           a.last_name AS "lastName", a.country, r.time_ms AS "timeMs", r.status, r.qualification
    FROM results r JOIN heats h ON h.id = r.heat_id
    JOIN entries en ON en.id = r.entry_id JOIN athletes a ON a.id = en.athlete_id
    JOIN meet_athletes ma ON ma.meet_id = en.meet_id AND ma.athlete_id = en.athlete_id
    WHERE h.event_id = ${eventId} AND h.round = ${round}`;
}

export async function eventTiming(sql: Sql | Tx, eventId: number) {
  const [row]: [{ kind: 'track' | 'field' | 'road'; distanceM: number | null; handTimed: boolean }?] = await sql`
    SELECT kind, distance_m AS "distanceM", hand_timed AS "handTimed" FROM events WHERE id = ${eventId}`;
  return row;
}

export async function setRoundRule(sql: Sql | Tx, eventId: number, round: Round, rule: RoundRule): Promise<void> {
  await sql`
    INSERT INTO event_rounds (event_id, round, qualify_by_place, qualify_by_time, next_round_capacity)
    VALUES (${eventId}, ${round}, ${rule.byPlace}, ${rule.byTime}, ${rule.capacity})
    ON CONFLICT (event_id, round) DO UPDATE SET qualify_by_place = excluded.qualify_by_place,
      qualify_by_time = excluded.qualify_by_time, next_round_capacity = excluded.next_round_capacity`;
}

/** The qualifiers of a round (marked when its heats went official), with what ranks them. */
export async function roundQualifiers(sql: Sql | Tx, eventId: number, round: Round) {
  return sql<{ entryId: number; qualification: string; place: number | null; timeMs: number | null }[]>`
    SELECT r.entry_id AS "entryId", r.qualification, r.place, r.time_ms AS "timeMs"
    FROM results r JOIN heats h ON h.id = r.heat_id
    WHERE h.event_id = ${eventId} AND h.round = ${round} AND r.qualification IS NOT NULL`;
}
