import type { Tx } from '../client.js';
import type { Athlete, AthleteCreate, AthletePatch, AthleteQuery } from '../../../shared/schemas/athletes.js';

const COLUMNS = (sql: Tx) => sql`
  id, first_name AS "firstName", last_name AS "lastName", country, birth_date AS "birthDate", gender, club,
  coach_name AS "coachName", coach_user_id AS "coachUserId", contact_email AS "contactEmail",
  contact_phone AS "contactPhone", user_id AS "userId", created_at AS "createdAt", updated_at AS "updatedAt"`;

/** API field -> column: the only columns a create or patch may write. */
const WRITABLE = {
  firstName: 'first_name',
  lastName: 'last_name',
  country: 'country',
  birthDate: 'birth_date',
  gender: 'gender',
  club: 'club',
  coachName: 'coach_name',
  coachUserId: 'coach_user_id',
  contactEmail: 'contact_email',
  contactPhone: 'contact_phone',
  userId: 'user_id',
} as const satisfies Record<keyof AthleteCreate, string>;

/** The given fields under their column names (undefined means "not given"; null clears). */
function toColumns(a: Partial<AthleteCreate>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(WRITABLE)) {
    const v = a[field as keyof AthleteCreate];
    if (v !== undefined) out[column] = v;
  }
  return out;
}

export const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;

export async function listAthletes(
  sql: Tx,
  q: AthleteQuery & { onlyUserId?: number },
): Promise<{ items: Athlete[]; total: number }> {
  const name = q.q ? likePattern(q.q) : null;
  const club = q.club ? likePattern(q.club) : null;
  const where = sql`
    WHERE (${name}::text IS NULL
           OR lower(first_name || ' ' || last_name) LIKE lower(${name})
           OR lower(last_name || ' ' || first_name) LIKE lower(${name}))
      AND (${q.country ?? null}::text IS NULL OR country = ${q.country ?? null})
      AND (${club}::text IS NULL OR lower(club) LIKE lower(${club}))
      AND (${q.onlyUserId ?? null}::bigint IS NULL OR user_id = ${q.onlyUserId ?? null})`;
  const items = await sql<Athlete[]>`
    SELECT ${COLUMNS(sql)} FROM athletes ${where}
    ORDER BY lower(last_name), lower(first_name), id LIMIT ${q.limit} OFFSET ${q.offset}`;
  const [{ total }] = await sql<[{ total: number }]>`SELECT count(*)::int AS total FROM athletes ${where}`;
  return { items, total };
}

export async function getAthlete(sql: Tx, id: number, opts: { forUpdate?: boolean } = {}): Promise<Athlete | undefined> {
  const [row]: [Athlete?] = await sql`
    SELECT ${COLUMNS(sql)} FROM athletes WHERE id = ${id} ${opts.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

export async function insertAthlete(sql: Tx, a: AthleteCreate): Promise<Athlete> {
  const values = toColumns(a);
  const [row] = await sql<[Athlete]>`INSERT INTO athletes ${sql(values)} RETURNING ${COLUMNS(sql)}`;
  return row;
}

export async function updateAthlete(sql: Tx, id: number, patch: AthletePatch): Promise<Athlete | undefined> {
  const values = toColumns(patch);
  const [row]: [Athlete?] = await sql`
    UPDATE athletes SET ${sql(values)}, updated_at = now() WHERE id = ${id} RETURNING ${COLUMNS(sql)}`;
  return row;
}

export async function deleteAthlete(sql: Tx, id: number): Promise<boolean> {
  // Bibs without an entry go with the athlete; entries keep the athlete (the route refuses those).
  await sql`DELETE FROM meet_athletes ma WHERE ma.athlete_id = ${id}
            AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.meet_id = ma.meet_id AND e.athlete_id = ma.athlete_id)`;
  const rows = await sql`DELETE FROM athletes WHERE id = ${id}`;
  return rows.count > 0;
}

export async function countEntriesOfAthlete(sql: Tx, id: number): Promise<number> {
  const [{ n }] = await sql<[{ n: number }]>`SELECT count(*)::int AS n FROM entries WHERE athlete_id = ${id}`;
  return n;
}
