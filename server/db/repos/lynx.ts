// Queries of the FinishLynx exchange: the start lists a meet exports, the race a results file names,
// and the record of imported files.
import type { Sql, Tx } from '../client.js';
import type { Round } from '../../../shared/schemas/meets.js';

export interface RaceRow {
  heatId: number;
  eventId: number;
  eventNumber: number;
  eventName: string;
  distanceM: number | null;
  round: Round;
  heatNumber: number;
  lanes: { id: string; lane: number; lastName: string; firstName: string; affiliation: string }[];
}

/**
 * Every race of a meet FinishLynx times (track and road events that are not cancelled; field events
 * have their own systems), in running order: scheduled time of the heat (else of its event), then
 * event number, round, heat. Lanes hold the start list without scratched entries.
 */
export async function meetRaces(sql: Sql | Tx, meetId: number): Promise<RaceRow[]> {
  return sql<RaceRow[]>`
    SELECT h.id AS "heatId", e.id AS "eventId", e.event_number AS "eventNumber", e.name AS "eventName",
           e.distance_m AS "distanceM", h.round, h.number AS "heatNumber",
           coalesce((
             SELECT json_agg(json_build_object('id', ma.bib, 'lane', hl.lane, 'lastName', a.last_name,
                                               'firstName', a.first_name, 'affiliation', a.country) ORDER BY hl.lane)
             FROM heat_lanes hl
             JOIN entries en ON en.id = hl.entry_id AND en.status <> 'scratched'
             JOIN athletes a ON a.id = en.athlete_id
             JOIN meet_athletes ma ON ma.meet_id = en.meet_id AND ma.athlete_id = en.athlete_id
             WHERE hl.heat_id = h.id), '[]'::json) AS lanes
    FROM heats h JOIN events e ON e.id = h.event_id
    WHERE e.meet_id = ${meetId} AND e.kind <> 'field' AND e.status <> 'cancelled'
    ORDER BY coalesce(h.scheduled_at, e.scheduled_at) NULLS LAST, e.event_number,
             array_position(ARRAY['heat', 'semi', 'final'], h.round), h.number`;
}

/** Everyone with a bib in the meet, by bib (numbers in numeric order). */
export async function meetPeople(sql: Sql | Tx, meetId: number) {
  return sql<{ id: string; lastName: string; firstName: string; affiliation: string }[]>`
    SELECT ma.bib AS id, a.last_name AS "lastName", a.first_name AS "firstName", a.country AS affiliation
    FROM meet_athletes ma JOIN athletes a ON a.id = ma.athlete_id
    WHERE ma.meet_id = ${meetId}
    ORDER BY length(ma.bib), ma.bib`;
}

export async function meetName(sql: Sql | Tx, meetId: number): Promise<string | undefined> {
  const [row]: [{ name: string }?] = await sql`SELECT name FROM meets WHERE id = ${meetId}`;
  return row?.name;
}

export interface LynxHeat {
  heatId: number;
  meetId: number;
  eventId: number;
  eventNumber: number;
  eventName: string;
  windMeasured: boolean;
  round: Round;
  heatNumber: number;
}

const LYNX_HEAT = (sql: Sql | Tx) => sql`
  h.id AS "heatId", e.meet_id AS "meetId", e.id AS "eventId", e.event_number AS "eventNumber", e.name AS "eventName",
  e.wind_measured AS "windMeasured", h.round, h.number AS "heatNumber"`;

export async function lynxHeat(sql: Sql | Tx, heatId: number): Promise<LynxHeat | undefined> {
  const [row]: [LynxHeat?] = await sql`SELECT ${LYNX_HEAT(sql)} FROM heats h JOIN events e ON e.id = h.event_id WHERE h.id = ${heatId}`;
  return row;
}

/** The heats of an event in a meet, by its event number (to find a race or say which ones exist). */
export async function heatsOfEventNumber(sql: Sql | Tx, meetId: number, eventNumber: number): Promise<LynxHeat[]> {
  return sql<LynxHeat[]>`
    SELECT ${LYNX_HEAT(sql)} FROM heats h JOIN events e ON e.id = h.event_id
    WHERE e.meet_id = ${meetId} AND e.event_number = ${eventNumber}
    ORDER BY array_position(ARRAY['heat', 'semi', 'final'], h.round), h.number`;
}

export async function eventNameByNumber(sql: Sql | Tx, meetId: number, eventNumber: number): Promise<string | undefined> {
  const [row]: [{ name: string }?] = await sql`SELECT name FROM events WHERE meet_id = ${meetId} AND event_number = ${eventNumber}`;
  return row?.name;
}

export interface LynxImport {
  id: number;
  heatId: number;
  contentHash: string;
  idempotencyKey: string;
  fileName: string | null;
  heatVersion: number;
  resultCount: number;
}

const IMPORT = (sql: Sql | Tx) => sql`
  id, heat_id AS "heatId", content_hash AS "contentHash", idempotency_key AS "idempotencyKey", file_name AS "fileName",
  heat_version AS "heatVersion", result_count AS "resultCount"`;

export async function lastImportOfHeat(sql: Sql | Tx, heatId: number): Promise<LynxImport | undefined> {
  const [row]: [LynxImport?] = await sql`SELECT ${IMPORT(sql)} FROM lynx_imports WHERE heat_id = ${heatId} ORDER BY id DESC LIMIT 1`;
  return row;
}

/** An import of the same bytes into another heat, if any. */
export async function importElsewhere(sql: Sql | Tx, contentHash: string, heatId: number): Promise<LynxImport | undefined> {
  const [row]: [LynxImport?] = await sql`
    SELECT ${IMPORT(sql)} FROM lynx_imports WHERE content_hash = ${contentHash} AND heat_id <> ${heatId} ORDER BY id LIMIT 1`;
  return row;
}

export async function recordImport(
  sql: Sql | Tx,
  r: { heatId: number; contentHash: string; idempotencyKey: string; fileName: string | null; heatVersion: number; resultCount: number; userId: number | null },
): Promise<void> {
  await sql`
    INSERT INTO lynx_imports (heat_id, content_hash, idempotency_key, file_name, heat_version, result_count, imported_by)
    VALUES (${r.heatId}, ${r.contentHash}, ${r.idempotencyKey}, ${r.fileName}, ${r.heatVersion}, ${r.resultCount}, ${r.userId})
    ON CONFLICT (heat_id, idempotency_key) DO NOTHING`;
}
