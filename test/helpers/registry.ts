// Registrar fixtures for integration tests: a signed-in client per role and small builders that go
// through the real API (so fixtures carry the same invariants and audit rows as real data).
import { expect } from 'vitest';
import type { Role } from '../../shared/permissions.js';
import type { Sql } from '../../server/db/client.js';
import { bearer, type TestApp } from './app.js';

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface Reply {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON under test
  headers: Record<string, unknown>;
}

export interface Client {
  token: string | null;
  call(method: Method, url: string, payload?: unknown, headers?: Record<string, string>): Promise<Reply>;
}

export function clientWith(t: TestApp, token: string | null): Client {
  return {
    token,
    async call(method, url, payload, headers = {}) {
      const res = await t.app.inject({
        method,
        url,
        headers: { ...(token ? bearer(token) : {}), ...headers },
        ...(payload === undefined ? {} : typeof payload === 'string' ? { payload } : { payload: payload as object }),
      });
      let body: unknown = res.body;
      try {
        body = res.body ? JSON.parse(res.body) : undefined;
      } catch {
        /* not JSON: keep the text */
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
  };
}

export async function signIn(t: TestApp, role: Role): Promise<Client> {
  return clientWith(t, await t.login(role));
}

let counter = 0;
/** A value unique within the test run (bibs are at most 8 characters). */
export const uniq = (prefix = '') => `${prefix}${(++counter).toString(36)}${process.pid.toString(36).slice(-2)}`;

/** Builders that go through the API as the given (admin) client and fail the test on any non-2xx. */
export function builders(c: Client) {
  const ok = async (method: Method, url: string, payload?: unknown) => {
    const r = await c.call(method, url, payload);
    expect(r.status, `${method} ${url}: ${JSON.stringify(r.body)}`).toBeLessThan(300);
    return r.body;
  };
  return {
    ok,
    meet: (over: Record<string, unknown> = {}) =>
      ok('POST', '/api/meets', { name: `Meet ${uniq()}`, startDate: '2026-06-01', endDate: '2026-06-02', venue: 'Stadium', ...over }),
    event: (meetId: number, over: Record<string, unknown> = {}) =>
      ok('POST', `/api/meets/${meetId}/events`, { discipline: '100m', name: 'Men 100m', gender: 'M', kind: 'track', distanceM: 100, ...over }),
    athlete: (over: Record<string, unknown> = {}) =>
      ok('POST', '/api/athletes', { firstName: 'Test', lastName: `Runner ${uniq()}`, country: 'KEN', gender: 'M', ...over }),
    entry: (eventId: number, athleteId: number, bib: string, over: Record<string, unknown> = {}) =>
      ok('POST', `/api/events/${eventId}/entries`, { athleteId, bib, ...over }),
  };
}

const TABLES = ['users', 'athletes', 'meets', 'events', 'meet_athletes', 'entries', 'heats', 'heat_lanes', 'results', 'audit_log'] as const;

/** Every row of the tables (default: the registrar's tables, users and the audit log), in a stable order, as JSON text. */
export async function dumpTables(sql: Sql, tables: readonly string[] = TABLES): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const rows = await sql`SELECT to_jsonb(t) AS row FROM ${sql(table)} t ORDER BY to_jsonb(t)::text`;
    out[table] = JSON.stringify(rows.map((r) => r.row));
  }
  return out;
}

/** Every table of the database but those named: for "nothing changed" checks that must see everything. */
export async function allTables(sql: Sql, except: readonly string[] = []): Promise<string[]> {
  const rows = await sql<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1`;
  return rows.map((r) => r.name).filter((n) => !except.includes(n));
}
