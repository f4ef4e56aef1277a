// Every write route against bad input: missing fields, wrong types, oversized strings, unknown fields,
// SQL metacharacters and invalid ids. Each refusal is a 4xx in the one error shape, naming the field at
// fault, and leaves every stored row exactly as it was. Text fields take SQL metacharacters as text.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { builders, dumpTables, signIn, uniq, type Client } from '../helpers/registry.js';

const SQL_TEXT = "'; DROP TABLE athletes; --";
const LONG = 'x'.repeat(10_000);
const BAD_PATH_IDS = ['abc', '-1', '0', '1.5', '99999999999999999999'];
/** Ids in JSON bodies: the same mistakes, plus types that loose coercion would turn into numbers. */
const BAD_BODY_IDS: unknown[] = ['abc', -1, 0, 1.5, 1e20, '12', true, [5]];
const MISSING_ID = '98765432';

type Fixtures = { athlete: number; meet: number; event: number; entry: number; heat: number; user: number };
/** A JSON body, or a function of the fixtures that returns one. */
type Body = unknown;

interface RouteSpec {
  method: 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** `:id` is replaced by the fixture named in `id`. */
  path: string;
  id?: keyof Fixtures;
  /** A body the route accepts (used as the base of each bad variant); none for DELETE. */
  valid?: Body;
  required?: string[];
  /** field -> a value of the wrong type or format */
  wrong?: Record<string, unknown>;
  /** fields for which 10,000 characters is too long */
  long?: string[];
  /** fields whose format refuses SQL metacharacters */
  sqlRefused?: string[];
  /** fields holding ids */
  ids?: string[];
  /** anything else: [case name, body, field at fault (null: none), status (default 400)] */
  extra?: [string, Body, string | null, number?][];
}

const athleteBody = { firstName: 'Ada', lastName: 'Okafor', country: 'NGR', gender: 'F' };
const meetBody = { name: 'Bad Input Open', startDate: '2026-08-01', endDate: '2026-08-02' };
const eventBody = { discipline: '200m', name: 'Women 200m', gender: 'F', kind: 'track' };

const ROUTES: Record<string, RouteSpec> = {
  'POST /api/athletes': {
    method: 'POST', path: '/api/athletes', valid: athleteBody, required: ['firstName', 'lastName', 'country', 'gender'],
    wrong: { firstName: 123, lastName: true, country: 'ken', gender: 'male', birthDate: '2020-13-45', club: 42, contactEmail: 'nope', contactPhone: 'call me maybe' },
    long: ['firstName', 'lastName', 'club', 'coachName', 'contactEmail', 'contactPhone'],
    sqlRefused: ['country', 'gender', 'birthDate', 'contactEmail', 'contactPhone'],
    ids: ['coachUserId', 'userId'],
    extra: [['birth date before 1900', { ...athleteBody, birthDate: '1899-12-31' }, 'birthDate']],
  },
  'PATCH /api/athletes/:id': {
    method: 'PATCH', path: '/api/athletes/:id', id: 'athlete', valid: { club: 'New Club' },
    wrong: { firstName: 1, gender: 'f', birthDate: 'yesterday', coachName: false },
    long: ['firstName', 'lastName', 'club', 'coachName'], sqlRefused: ['country', 'gender'], ids: ['coachUserId', 'userId'],
    extra: [['a required field set to null', { firstName: null }, 'firstName'], ['an empty name', { lastName: '   ' }, 'lastName']],
  },
  'DELETE /api/athletes/:id': { method: 'DELETE', path: '/api/athletes/:id', id: 'athlete' },
  'POST /api/meets': {
    method: 'POST', path: '/api/meets', valid: meetBody, required: ['name', 'startDate', 'endDate'],
    wrong: { name: 5, startDate: '01/08/2026', endDate: 20260802, venue: [], status: 'bogus', registrationOpen: 'yes', registrationDeadline: '2026-07-01', pointsScheme: 'all' },
    long: ['name', 'venue'], sqlRefused: ['startDate', 'status', 'registrationDeadline'],
    extra: [
      ['end before start', { ...meetBody, endDate: '2026-07-31' }, 'endDate'],
      ['65 points', { ...meetBody, pointsScheme: Array.from({ length: 65 }, () => 1) }, 'pointsScheme'],
      ['negative points', { ...meetBody, pointsScheme: [10, -1] }, 'pointsScheme.1'],
      ['text points', { ...meetBody, pointsScheme: ['a'] }, 'pointsScheme.0'],
    ],
  },
  'PATCH /api/meets/:id': {
    method: 'PATCH', path: '/api/meets/:id', id: 'meet', valid: { venue: 'Elsewhere' },
    wrong: { name: null, status: 'over', registrationOpen: 1, pointsScheme: 'all' }, long: ['name', 'venue'], sqlRefused: ['endDate', 'status'],
    extra: [['end before the stored start', { endDate: '2020-01-01' }, 'endDate']],
  },
  'POST /api/meets/:id/events': {
    method: 'POST', path: '/api/meets/:id/events', id: 'meet', valid: eventBody, required: ['discipline', 'name', 'gender', 'kind'],
    wrong: { discipline: 100, name: {}, gender: 'women', ageGroup: 3, kind: 'swim', distanceM: '200', windMeasured: 'true', handTimed: 1, scheduledAt: 'tomorrow', maxParticipants: 0, status: 'done' },
    long: ['discipline', 'name', 'ageGroup'], sqlRefused: ['discipline', 'kind', 'scheduledAt'],
    extra: [['a fractional distance', { ...eventBody, distanceM: 200.5 }, 'distanceM']],
  },
  'PATCH /api/events/:id': {
    method: 'PATCH', path: '/api/events/:id', id: 'event', valid: { name: 'Renamed' },
    wrong: { kind: 'relay', status: 'running', windMeasured: 'no' }, long: ['name', 'ageGroup'], sqlRefused: ['discipline', 'gender'],
  },
  'POST /api/events/:id/entries': {
    method: 'POST', path: '/api/events/:id/entries', id: 'event', valid: (f: Fixtures) => ({ athleteId: f.athlete, bib: 'B1' }), required: ['athleteId', 'bib'],
    wrong: { bib: 123, seedMark: '10.52', status: 'gone' }, long: ['bib'], sqlRefused: ['bib', 'status'], ids: ['athleteId'],
    extra: [['a negative seed mark', (f: Fixtures) => ({ athleteId: f.athlete, bib: 'B1', seedMark: -1 }), 'seedMark'], ['a fractional seed mark', (f: Fixtures) => ({ athleteId: f.athlete, bib: 'B1', seedMark: 10.52 }), 'seedMark']],
  },
  'PATCH /api/entries/:id': {
    method: 'PATCH', path: '/api/entries/:id', id: 'entry', valid: { checkedIn: true },
    wrong: { status: 'gone', bib: '', checkedIn: 'yes', seedMark: -5 }, long: ['bib'], sqlRefused: ['bib', 'status'],
  },
  'POST /api/events/:id/heats': {
    method: 'POST', path: '/api/events/:id/heats', id: 'event', valid: { mode: 'seeded', round: 'semi', heatCount: 1 }, required: ['mode', 'round', 'heatCount'],
    wrong: { mode: 'random', round: 'quarter', heatCount: 'two', lanes: 13, scheduledAt: 'now' }, sqlRefused: ['round', 'mode'],
    extra: [
      ['no heats', { mode: 'explicit', round: 'final', heats: [] }, 'heats'],
      ['100 heats', { mode: 'seeded', round: 'final', heatCount: 100 }, 'heatCount'],
      ['lane 0', (f: Fixtures) => ({ mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: f.entry, lane: 0 }] }] }), 'heats.0.lanes.0.lane'],
      ['lane 1000', (f: Fixtures) => ({ mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: f.entry, lane: 1000 }] }] }), 'heats.0.lanes.0.lane'],
      ['an entry id that is not a number', { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: 'abc', lane: 1 }] }] }, 'heats.0.lanes.0.entryId'],
      ['an entry of another event', { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: Number(MISSING_ID), lane: 1 }] }] }, 'entryId'],
      ['seeded fields in explicit mode', { mode: 'explicit', round: 'final', heats: [{ lanes: [] }], heatCount: 2 }, null],
    ],
  },
  'PUT /api/heats/:id/lanes': {
    method: 'PUT', path: '/api/heats/:id/lanes', id: 'heat', valid: (f: Fixtures) => ({ lanes: [{ entryId: f.entry, lane: 4 }] }), required: ['lanes'],
    wrong: { lanes: 'all' },
    extra: [
      ['a shared lane', (f: Fixtures) => ({ lanes: [{ entryId: f.entry, lane: 4 }, { entryId: f.entry + 1, lane: 4 }] }), 'lanes'],
      ['an entry twice', (f: Fixtures) => ({ lanes: [{ entryId: f.entry, lane: 4 }, { entryId: f.entry, lane: 5 }] }), 'lanes'],
      ['201 lanes', { lanes: Array.from({ length: 201 }, (_, i) => ({ entryId: i + 1, lane: (i % 999) + 1 })) }, 'lanes'],
      ...BAD_BODY_IDS.map((id): [string, Body, string] => [`entry id ${JSON.stringify(id)}`, { lanes: [{ entryId: id, lane: 1 }] }, 'lanes.0.entryId']),
      ['a lane with SQL', (f: Fixtures) => ({ lanes: [{ entryId: f.entry, lane: SQL_TEXT }] }), 'lanes.0.lane'],
      ['an unknown lane field', (f: Fixtures) => ({ lanes: [{ entryId: f.entry, lane: 1, athleteId: 1 }] }), 'lanes.0'],
    ],
  },
  'POST /api/users': {
    method: 'POST', path: '/api/users', valid: () => ({ name: 'New User', email: `${uniq('u')}@test.local`, password: 'long-enough-password', role: 'viewer' }),
    required: ['name', 'email', 'password', 'role'],
    wrong: { name: 7, email: 'not-an-email', password: 'short', role: 'superuser' }, long: ['name', 'email', 'password'], sqlRefused: ['email', 'role'],
    extra: [['an existing email, in other letter case', { name: 'Dup', email: 'ADMIN@test.local', password: 'long-enough-password', role: 'viewer' }, 'email', 409]],
  },
  'PATCH /api/users/:id': {
    method: 'PATCH', path: '/api/users/:id', id: 'user', valid: { name: 'Renamed User' },
    wrong: { name: '', role: 'god', status: 'deleted', password: 'short' }, long: ['name', 'password'], sqlRefused: ['role', 'status'],
  },
};

interface Case {
  route: string;
  name: string;
  url: (f: Fixtures) => string;
  body?: Body;
  raw?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
  /** undefined: do not check; null: no field; string: that field */
  field?: string | null;
  message?: RegExp;
}

function casesFor(route: string, spec: RouteSpec): Case[] {
  const url = (f: Fixtures, id?: string) => spec.path.replace(':id', id ?? String(f[spec.id!]));
  const base = (f: Fixtures) => (typeof spec.valid === 'function' ? spec.valid(f) : spec.valid) as Record<string, unknown>;
  const bad = (name: string, body: Body, field: string | null, message?: RegExp): Case => ({
    route, name, url: (f) => url(f), body, status: 400, code: 'invalid_input', field, ...(message ? { message } : {}),
  });
  const cases: Case[] = [];
  if (spec.id) {
    for (const id of BAD_PATH_IDS) {
      cases.push({ route, name: `id ${id}`, url: (f) => url(f, id), body: spec.valid, status: 400, code: 'invalid_input', field: 'id', message: /^params id: / });
    }
    cases.push({ route, name: 'an id that does not exist', url: (f) => url(f, MISSING_ID), body: spec.valid, status: 404, code: 'not_found', field: null, message: /not found$/ });
  }
  if (spec.method === 'DELETE') return cases;
  for (const field of spec.required ?? []) {
    cases.push(bad(`missing ${field}`, (f: Fixtures) => { const b = { ...base(f) }; delete b[field]; return b; }, field));
  }
  if (!spec.required?.length) cases.push(bad('an empty body', {}, null, /nothing to change/));
  for (const [field, value] of Object.entries(spec.wrong ?? {})) {
    cases.push(bad(`${field} = ${JSON.stringify(value)}`, (f: Fixtures) => ({ ...base(f), [field]: value }), field));
  }
  for (const field of spec.long ?? []) {
    cases.push(bad(`${field} of 10,000 characters`, (f: Fixtures) => ({ ...base(f), [field]: LONG }), field));
  }
  for (const field of spec.sqlRefused ?? []) {
    cases.push(bad(`${field} with SQL metacharacters`, (f: Fixtures) => ({ ...base(f), [field]: SQL_TEXT }), field));
  }
  for (const field of spec.ids ?? []) {
    for (const id of BAD_BODY_IDS) cases.push(bad(`${field} = ${JSON.stringify(id)}`, (f: Fixtures) => ({ ...base(f), [field]: id }), field));
  }
  for (const [name, body, field, status = 400] of spec.extra ?? []) {
    cases.push({ ...bad(name, body, field), status, code: status === 409 ? 'conflict' : 'invalid_input' });
  }
  cases.push(bad('an unknown field', (f: Fixtures) => ({ ...base(f), isAdmin: true }), null, /Unrecognized key: "isAdmin"/));
  cases.push(bad('an unknown field named like a column', (f: Fixtures) => ({ ...base(f), id: 1, created_at: 'now' }), null, /Unrecognized keys?/));
  cases.push(bad('a JSON array', [], null));
  cases.push(bad('JSON null', null, null));
  cases.push(bad('a JSON string', JSON.stringify('text'), null));
  cases.push({ route, name: 'malformed JSON', url: (f) => url(f), raw: '{"name": ', headers: { 'content-type': 'application/json' }, status: 400, code: 'invalid_json' });
  cases.push({ route, name: 'a form body', url: (f) => url(f), raw: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415, code: 'unsupported_media_type' });
  return cases;
}

const IMPORT_CASES: Case[] = [
  ...BAD_PATH_IDS.map((id): Case => ({
    route: 'POST /api/events/:id/entries/import', name: `id ${id}`, url: () => `/api/events/${id}/entries/import`, raw: 'athleteId,bib\n1,1\n',
    headers: { 'content-type': 'text/csv' }, status: 400, code: 'invalid_input', field: 'id',
  })),
  ...(['/api/athletes/import', '/api/events/:event/entries/import'] as const).flatMap((path): Case[] => {
    const route = `POST ${path.replace(':event', ':id')}`;
    const url = (f: Fixtures) => path.replace(':event', String(f.event));
    return [
      { route, name: 'JSON instead of CSV', url, body: { firstName: 'A' }, status: 415, code: 'unsupported_media_type' },
      { route, name: 'no body', url, status: 415, code: 'unsupported_media_type' },
      { route, name: 'an empty file', url, raw: '', headers: { 'content-type': 'text/csv' }, status: 400, code: 'invalid_input', message: /empty/ },
      { route, name: 'an unknown column', url, raw: `${SQL_TEXT}\n1\n`, headers: { 'content-type': 'text/csv' }, status: 400, code: 'invalid_input', message: /unknown column/ },
      { route, name: 'an unclosed quote', url, raw: 'bib\n"1\n', headers: { 'content-type': 'text/csv' }, status: 400, code: 'invalid_input', message: /not closed/ },
      { route, name: 'more than 1 MB', url, raw: `bib\n${'1\n'.repeat(600_000)}`, headers: { 'content-type': 'text/csv' }, status: 413, code: 'too_large' },
    ];
  }),
  {
    route: 'POST /api/events/:id/entries/import', name: 'rows that are all invalid', url: (f) => `/api/events/${f.event}/entries/import`,
    raw: `athleteId,bib,seedMark\nabc,1,\n${MISSING_ID},2,\n1,${SQL_TEXT},\n1,3,${LONG}\n`, headers: { 'content-type': 'text/csv' }, status: 200, code: '',
  },
  {
    route: 'POST /api/athletes/import', name: 'rows that are all invalid', url: () => '/api/athletes/import',
    raw: `firstName,lastName,country,gender\n${LONG},B,KEN,M\nA,B,${SQL_TEXT},M\nA,,KEN,M\n`, headers: { 'content-type': 'text/csv' }, status: 200, code: '',
  },
];

const ALL_CASES = [...Object.entries(ROUTES).flatMap(([route, spec]) => casesFor(route, spec)), ...IMPORT_CASES];

describe('bad input on every write route', () => {
  let t: TestApp;
  let admin: Client;
  let f: Fixtures;

  beforeAll(async () => {
    t = await startTestApp({ env: { RATE_WRITE_MAX: '100000' } });
    admin = await signIn(t, 'admin');
    const b = builders(admin);
    const meet = await b.meet();
    const event = await b.event(meet.id);
    const athlete = await b.athlete();
    const entry = await b.entry(event.id, athlete.id, 'F1');
    const second = await b.entry(event.id, (await b.athlete()).id, 'F2');
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 4 }] }] });
    expect(second.id).toBe(entry.id + 1);
    f = { athlete: athlete.id, meet: meet.id, event: event.id, entry: entry.id, heat: heat.id, user: t.users.viewer.id };
  });
  afterAll(async () => {
    await t.close();
  });

  it('covers every write route', () => {
    const covered = new Set(ALL_CASES.map((c) => c.route));
    expect([...covered].toSorted()).toEqual([
      'DELETE /api/athletes/:id', 'PATCH /api/athletes/:id', 'PATCH /api/entries/:id', 'PATCH /api/events/:id', 'PATCH /api/meets/:id',
      'PATCH /api/users/:id', 'POST /api/athletes', 'POST /api/athletes/import', 'POST /api/events/:id/entries', 'POST /api/events/:id/entries/import',
      'POST /api/events/:id/heats', 'POST /api/meets', 'POST /api/meets/:id/events', 'POST /api/users', 'PUT /api/heats/:id/lanes',
    ]);
  });

  it.each(ALL_CASES.map((c) => [`${c.route}: ${c.name}`, c] as const))('%s', async (_name, c) => {
    const before = await dumpTables(t.db.sql);
    const [method, ] = c.route.split(' ') as ['POST' | 'PATCH' | 'PUT' | 'DELETE'];
    const body = typeof c.body === 'function' ? (c.body as (f: Fixtures) => unknown)(f) : c.body;
    const res = await admin.call(method, c.url(f), c.raw ?? (typeof body === 'string' ? body : body), {
      ...(c.raw === undefined && typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
      ...c.headers,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(c.status);
    if (c.status === 200) {
      expect(res.body.created).toEqual([]);
      expect(res.body.rejected.length).toBeGreaterThan(0);
    } else {
      expect(Object.keys(res.body)).toEqual(['error']);
      expect(res.body.error.code).toBe(c.code);
      expect(res.body.error.message).toBeTypeOf('string');
      expect(res.body.error.message.length).toBeGreaterThan(0);
      if (c.message) expect(res.body.error.message).toMatch(c.message);
      if (c.field === null) expect(res.body.error.field).toBeUndefined();
      else if (c.field !== undefined) expect(res.body.error.field).toBe(c.field);
    }
    expect(await dumpTables(t.db.sql)).toEqual(before);
  });

  it('refuses a NUL character in text with a 400, not a 500', async () => {
    const before = await dumpTables(t.db.sql);
    const res = await admin.call('POST', '/api/athletes', { ...athleteBody, firstName: 'Nul\u0000Byte' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_input');
    expect(await dumpTables(t.db.sql)).toEqual(before);
  });

  describe('SQL metacharacters in text fields are stored as text', () => {
    const cases: [string, 'POST' | 'PATCH', (f: Fixtures) => string, (f: Fixtures) => Record<string, unknown>, string, string][] = [
      ['athlete names and club', 'POST', () => '/api/athletes', () => ({ ...athleteBody, firstName: SQL_TEXT, lastName: `${SQL_TEXT}"`, club: SQL_TEXT, coachName: SQL_TEXT }), 'athletes', 'first_name'],
      ['athlete patch', 'PATCH', (f) => `/api/athletes/${f.athlete}`, () => ({ club: SQL_TEXT }), 'athletes', 'club'],
      ['meet name and venue', 'POST', () => '/api/meets', () => ({ ...meetBody, name: SQL_TEXT, venue: SQL_TEXT }), 'meets', 'name'],
      ['meet patch', 'PATCH', (f) => `/api/meets/${f.meet}`, () => ({ venue: SQL_TEXT }), 'meets', 'venue'],
      ['event name and age group', 'POST', (f) => `/api/meets/${f.meet}/events`, () => ({ ...eventBody, name: SQL_TEXT, ageGroup: SQL_TEXT }), 'events', 'name'],
      ['event patch', 'PATCH', (f) => `/api/events/${f.event}`, () => ({ ageGroup: SQL_TEXT }), 'events', 'age_group'],
      ['user name', 'POST', () => '/api/users', () => ({ name: SQL_TEXT, email: `${uniq('sql')}@test.local`, password: SQL_TEXT, role: 'viewer' }), 'users', 'name'],
      ['user patch', 'PATCH', (f) => `/api/users/${f.user}`, () => ({ name: SQL_TEXT }), 'users', 'name'],
    ];
    it.each(cases)('%s', async (_name, method, url, body, table, column) => {
      const res = await admin.call(method, url(f), body(f));
      expect(res.status).toBeLessThan(300);
      const id = res.body.id as number;
      const [row] = await t.db.sql`SELECT ${t.db.sql(column)} AS v FROM ${t.db.sql(table)} WHERE id = ${id}`;
      expect(row!.v).toBe(SQL_TEXT);
      const [{ n }] = await t.db.sql<[{ n: number }]>`SELECT count(*)::int AS n FROM athletes`;
      expect(n).toBeGreaterThan(0);
    });
  });
});
