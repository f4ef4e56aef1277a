// Entries and the per-meet bib: meet_athletes holds one bib per athlete per meet, and every entry of
// that athlete in the meet shows it.
import type { Tx } from '../client.js';
import type { Entry, EntryQuery } from '../../../shared/schemas/entries.js';

const FROM = (sql: Tx) => sql`
  entries e
  JOIN meet_athletes ma ON ma.meet_id = e.meet_id AND ma.athlete_id = e.athlete_id
  JOIN athletes a ON a.id = e.athlete_id`;

const COLUMNS = (sql: Tx) => sql`
  e.id, e.event_id AS "eventId", e.meet_id AS "meetId", e.athlete_id AS "athleteId", ma.bib,
  a.first_name AS "firstName", a.last_name AS "lastName", a.country, a.club, e.status, e.checked_in AS "checkedIn",
  e.checked_in_at AS "checkedInAt", e.seed_mark AS "seedMark", e.created_at AS "createdAt", e.updated_at AS "updatedAt"`;

/** Whose entries a reader may see: all of them, a coach's athletes, or the reader's own athlete record. */
export type EntryScope = { all: true } | { coachUserId: number } | { athleteUserId: number };

export async function listEntriesOfEvent(
  sql: Tx,
  eventId: number,
  scope: EntryScope,
  q: EntryQuery,
): Promise<{ items: Entry[]; total: number }> {
  const coach = 'coachUserId' in scope ? scope.coachUserId : null;
  const own = 'athleteUserId' in scope ? scope.athleteUserId : null;
  const where = sql`
    WHERE e.event_id = ${eventId}
      AND (${q.status ?? null}::text IS NULL OR e.status = ${q.status ?? null})
      AND (${coach}::bigint IS NULL OR a.coach_user_id = ${coach})
      AND (${own}::bigint IS NULL OR a.user_id = ${own})`;
  const items = await sql<Entry[]>`
    SELECT ${COLUMNS(sql)} FROM ${FROM(sql)} ${where}
    ORDER BY lower(a.last_name), lower(a.first_name), e.id LIMIT ${q.limit} OFFSET ${q.offset}`;
  const [{ total }] = await sql<[{ total: number }]>`SELECT count(*)::int AS total FROM ${FROM(sql)} ${where}`;
  return { items, total };
}

export async function getEntry(sql: Tx, id: number, opts: { forUpdate?: boolean } = {}): Promise<Entry | undefined> {
  const [row]: [Entry?] = await sql`
    SELECT ${COLUMNS(sql)} FROM ${FROM(sql)} WHERE e.id = ${id} ${opts.forUpdate ? sql`FOR UPDATE OF e` : sql``}`;
  return row;
}

/** Candidates for seeding a round: entries not scratched and not yet in a heat of that round. */
export async function seedableEntries(sql: Tx, eventId: number, round: string): Promise<{ entryId: number; seedMark: number | null }[]> {
  return sql<{ entryId: number; seedMark: number | null }[]>`
    SELECT e.id AS "entryId", e.seed_mark AS "seedMark" FROM entries e
    WHERE e.event_id = ${eventId} AND e.status <> 'scratched'
      AND NOT EXISTS (SELECT 1 FROM heat_lanes hl WHERE hl.entry_id = e.id AND hl.round = ${round})
    ORDER BY e.id`;
}

/** Id, status and the heat (if any) of each given entry of an event in a round. */
export async function entriesForLanes(
  sql: Tx,
  eventId: number,
  round: string,
  entryIds: number[],
): Promise<{ id: number; status: string; heatId: number | null }[]> {
  if (entryIds.length === 0) return [];
  return sql<{ id: number; status: string; heatId: number | null }[]>`
    SELECT e.id, e.status, hl.heat_id AS "heatId" FROM entries e
    LEFT JOIN heat_lanes hl ON hl.entry_id = e.id AND hl.round = ${round}
    WHERE e.event_id = ${eventId} AND e.id IN ${sql(entryIds)}`;
}

export async function getMeetBib(sql: Tx, meetId: number, athleteId: number): Promise<string | undefined> {
  const [row]: [{ bib: string }?] = await sql`
    SELECT bib FROM meet_athletes WHERE meet_id = ${meetId} AND athlete_id = ${athleteId}`;
  return row?.bib;
}

/** Who wears a bib in a meet, if anyone. */
export async function bibHolder(
  sql: Tx,
  meetId: number,
  bib: string,
): Promise<{ athleteId: number; firstName: string; lastName: string } | undefined> {
  const [row]: [{ athleteId: number; firstName: string; lastName: string }?] = await sql`
    SELECT ma.athlete_id AS "athleteId", a.first_name AS "firstName", a.last_name AS "lastName"
    FROM meet_athletes ma JOIN athletes a ON a.id = ma.athlete_id
    WHERE ma.meet_id = ${meetId} AND ma.bib = ${bib}`;
  return row;
}

/**
 * Gives the athlete this bib in the meet unless they already have one. Returns the bib they wear
 * afterwards (the existing one when they had one). A bib worn by someone else raises the unique violation.
 */
export async function claimMeetBib(sql: Tx, meetId: number, athleteId: number, bib: string): Promise<string> {
  const [inserted]: [{ bib: string }?] = await sql`
    INSERT INTO meet_athletes (meet_id, athlete_id, bib) VALUES (${meetId}, ${athleteId}, ${bib})
    ON CONFLICT (meet_id, athlete_id) DO NOTHING
    RETURNING bib`;
  return inserted?.bib ?? (await getMeetBib(sql, meetId, athleteId))!;
}

export async function setMeetBib(sql: Tx, meetId: number, athleteId: number, bib: string): Promise<void> {
  await sql`UPDATE meet_athletes SET bib = ${bib} WHERE meet_id = ${meetId} AND athlete_id = ${athleteId}`;
}

export async function insertEntry(
  sql: Tx,
  e: { eventId: number; meetId: number; athleteId: number; seedMark: number | null; status: string },
): Promise<number> {
  const [row] = await sql<[{ id: number }]>`
    INSERT INTO entries (event_id, meet_id, athlete_id, seed_mark, status)
    VALUES (${e.eventId}, ${e.meetId}, ${e.athleteId}, ${e.seedMark}, ${e.status})
    RETURNING id`;
  return row.id;
}

export async function updateEntry(
  sql: Tx,
  id: number,
  patch: { status?: string; seedMark?: number | null; checkedIn?: boolean },
): Promise<void> {
  const set: Record<string, unknown> = { updated_at: sql`now()` };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.seedMark !== undefined) set.seed_mark = patch.seedMark;
  if (patch.checkedIn !== undefined) {
    // Checking in stamps the time once (a repeated check-in keeps the first); checking out clears it.
    set.checked_in = patch.checkedIn;
    set.checked_in_at = patch.checkedIn ? sql`coalesce(checked_in_at, now())` : null;
  }
  await sql`UPDATE entries SET ${sql(set)} WHERE id = ${id}`;
}

/** The events and heats (any round) an athlete's entries are in: what a change to the athlete shows up in. */
export async function placesOfAthlete(sql: Tx, athleteId: number, meetId?: number): Promise<{ eventId: number; heatId: number | null }[]> {
  return sql<{ eventId: number; heatId: number | null }[]>`
    SELECT e.event_id AS "eventId", hl.heat_id AS "heatId"
    FROM entries e LEFT JOIN heat_lanes hl ON hl.entry_id = e.id
    WHERE e.athlete_id = ${athleteId} AND (${meetId ?? null}::bigint IS NULL OR e.meet_id = ${meetId ?? null})`;
}

/** The heats (any round) an entry runs in. */
export async function heatsOfEntry(sql: Tx, entryId: number): Promise<number[]> {
  const rows = await sql<{ heatId: number }[]>`SELECT heat_id AS "heatId" FROM heat_lanes WHERE entry_id = ${entryId}`;
  return rows.map((r) => r.heatId);
}
