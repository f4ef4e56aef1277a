import type { Tx } from '../client.js';
import type { Role } from '../../../shared/permissions.js';
import type { User } from '../../../shared/schemas/auth.js';

export interface UserRow extends User {
  passwordHash: string;
}

const COLUMNS = (sql: Tx) => sql`
  id, name, email, role, status, two_factor_enabled AS "twoFactorEnabled", last_login_at AS "lastLoginAt",
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function findUserByEmail(sql: Tx, email: string): Promise<UserRow | undefined> {
  const [row]: [UserRow?] = await sql`
    SELECT ${COLUMNS(sql)}, password_hash AS "passwordHash" FROM users WHERE lower(email) = lower(${email})`;
  return row;
}

export async function getUser(sql: Tx, id: number): Promise<User | undefined> {
  const [row]: [User?] = await sql`SELECT ${COLUMNS(sql)} FROM users WHERE id = ${id}`;
  return row;
}

export async function listUsers(
  sql: Tx,
  q: { q?: string; role?: Role; status?: string; limit: number; offset: number },
): Promise<{ items: User[]; total: number }> {
  const pattern = q.q ? `%${q.q.toLowerCase().replace(/[\\%_]/g, (c) => '\\' + c)}%` : null;
  const where = sql`
    WHERE (${pattern}::text IS NULL OR lower(name) LIKE ${pattern} OR lower(email) LIKE ${pattern})
      AND (${q.role ?? null}::text IS NULL OR role = ${q.role ?? null})
      AND (${q.status ?? null}::text IS NULL OR status = ${q.status ?? null})`;
  const items = await sql<User[]>`SELECT ${COLUMNS(sql)} FROM users ${where} ORDER BY id LIMIT ${q.limit} OFFSET ${q.offset}`;
  const [{ total }] = await sql<[{ total: number }]>`SELECT count(*)::int AS total FROM users ${where}`;
  return { items, total };
}

export async function insertUser(
  sql: Tx,
  u: { name: string; email: string; passwordHash: string; role: Role },
): Promise<User> {
  const [row] = await sql<[User]>`
    INSERT INTO users (name, email, password_hash, role)
    VALUES (${u.name}, ${u.email}, ${u.passwordHash}, ${u.role})
    RETURNING ${COLUMNS(sql)}`;
  return row;
}

export async function updateUser(
  sql: Tx,
  id: number,
  patch: { name?: string; role?: Role; status?: string; passwordHash?: string },
): Promise<User | undefined> {
  const [row]: [User?] = await sql`
    UPDATE users SET
      name = coalesce(${patch.name ?? null}, name),
      role = coalesce(${patch.role ?? null}, role),
      status = coalesce(${patch.status ?? null}, status),
      password_hash = coalesce(${patch.passwordHash ?? null}, password_hash),
      updated_at = now()
    WHERE id = ${id}
    RETURNING ${COLUMNS(sql)}`;
  return row;
}

export async function recordLogin(sql: Tx, id: number): Promise<void> {
  await sql`UPDATE users SET last_login_at = now() WHERE id = ${id}`;
}
