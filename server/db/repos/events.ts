import type { Tx } from '../client.js';
import type { Event, EventCreate, EventPatch } from '../../../shared/schemas/meets.js';

const COLUMNS = (sql: Tx) => sql`
  id, meet_id AS "meetId", event_number AS "eventNumber", discipline, name, gender, age_group AS "ageGroup", kind,
  distance_m AS "distanceM", wind_measured AS "windMeasured", hand_timed AS "handTimed", scheduled_at AS "scheduledAt",
  max_participants AS "maxParticipants", status, created_at AS "createdAt", updated_at AS "updatedAt"`;

const WRITABLE = {
  discipline: 'discipline',
  name: 'name',
  gender: 'gender',
  ageGroup: 'age_group',
  kind: 'kind',
  distanceM: 'distance_m',
  windMeasured: 'wind_measured',
  handTimed: 'hand_timed',
  scheduledAt: 'scheduled_at',
  maxParticipants: 'max_participants',
  status: 'status',
} as const satisfies Record<keyof EventCreate, string>;

function toColumns(e: Partial<EventCreate>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(WRITABLE)) {
    const v = e[field as keyof EventCreate];
    if (v !== undefined) out[column] = v;
  }
  return out;
}

/** A meet's events in schedule order (unscheduled ones last, then by event number). */
export async function listEventsOfMeet(sql: Tx, meetId: number): Promise<Event[]> {
  return sql<Event[]>`
    SELECT ${COLUMNS(sql)} FROM events WHERE meet_id = ${meetId}
    ORDER BY scheduled_at NULLS LAST, event_number`;
}

export async function getEvent(sql: Tx, id: number, opts: { forUpdate?: boolean } = {}): Promise<Event | undefined> {
  const [row]: [Event?] = await sql`SELECT ${COLUMNS(sql)} FROM events WHERE id = ${id} ${opts.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

/** Inserts with the next free event number of the meet; the caller holds the meet row locked. */
export async function insertEvent(sql: Tx, meetId: number, e: EventCreate): Promise<Event> {
  const [{ next }] = await sql<[{ next: number }]>`
    SELECT coalesce(max(event_number), 0) + 1 AS next FROM events WHERE meet_id = ${meetId}`;
  const [row] = await sql<[Event]>`
    INSERT INTO events ${sql({ ...toColumns(e), meet_id: meetId, event_number: next })} RETURNING ${COLUMNS(sql)}`;
  return row;
}

export async function updateEvent(sql: Tx, id: number, patch: EventPatch): Promise<Event | undefined> {
  const [row]: [Event?] = await sql`
    UPDATE events SET ${sql(toColumns(patch))}, updated_at = now() WHERE id = ${id} RETURNING ${COLUMNS(sql)}`;
  return row;
}
