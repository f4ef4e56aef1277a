import type { Tx } from '../client.js';
import type { Meet, MeetCreate, MeetPatch } from '../../../shared/schemas/meets.js';

const COLUMNS = (sql: Tx) => sql`
  id, name, start_date AS "startDate", end_date AS "endDate", venue, status, registration_open AS "registrationOpen",
  registration_deadline AS "registrationDeadline", points_scheme AS "pointsScheme",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

const WRITABLE = {
  name: 'name',
  startDate: 'start_date',
  endDate: 'end_date',
  venue: 'venue',
  status: 'status',
  registrationOpen: 'registration_open',
  registrationDeadline: 'registration_deadline',
  pointsScheme: 'points_scheme',
} as const satisfies Record<keyof MeetCreate, string>;

function toColumns(m: Partial<MeetCreate>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(WRITABLE)) {
    const v = m[field as keyof MeetCreate];
    if (v !== undefined) out[column] = v;
  }
  return out;
}

export async function listMeets(
  sql: Tx,
  q: { status?: string; limit: number; offset: number },
): Promise<{ items: Meet[]; total: number }> {
  const where = sql`WHERE (${q.status ?? null}::text IS NULL OR status = ${q.status ?? null})`;
  const items = await sql<Meet[]>`
    SELECT ${COLUMNS(sql)} FROM meets ${where} ORDER BY start_date DESC, id DESC LIMIT ${q.limit} OFFSET ${q.offset}`;
  const [{ total }] = await sql<[{ total: number }]>`SELECT count(*)::int AS total FROM meets ${where}`;
  return { items, total };
}

export async function getMeet(sql: Tx, id: number, opts: { forUpdate?: boolean } = {}): Promise<Meet | undefined> {
  const [row]: [Meet?] = await sql`SELECT ${COLUMNS(sql)} FROM meets WHERE id = ${id} ${opts.forUpdate ? sql`FOR UPDATE` : sql``}`;
  return row;
}

export async function insertMeet(sql: Tx, m: MeetCreate): Promise<Meet> {
  const [row] = await sql<[Meet]>`INSERT INTO meets ${sql(toColumns(m))} RETURNING ${COLUMNS(sql)}`;
  return row;
}

export async function updateMeet(sql: Tx, id: number, patch: MeetPatch): Promise<Meet | undefined> {
  const [row]: [Meet?] = await sql`
    UPDATE meets SET ${sql(toColumns(patch))}, updated_at = now() WHERE id = ${id} RETURNING ${COLUMNS(sql)}`;
  return row;
}
