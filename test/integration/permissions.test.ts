// The permission matrix: every route (with real ids) x every role and anonymous, with the status class
// each must get. To add a route: add one row to MATRIX (a request builder and eight expectations).
// A route the API documents (/docs) but the matrix lacks fails the coverage test below.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/permissions.js';
import { startTestApp, TEST_PASSWORD, type TestApp } from '../helpers/app.js';
import { builders, clientWith, signIn, uniq, type Client } from '../helpers/registry.js';

const OK = '2xx';
const NO = '403';
const AUTH = '401';
/** Authorized, then refused by the domain (e.g. a round without qualifiers): the permission held. */
const DOMAIN = '409';
type Outcome = typeof OK | typeof NO | typeof AUTH | typeof DOMAIN;
type Who = Role | 'anonymous';
const COLUMNS: readonly Who[] = [...ROLES, 'anonymous'];

interface Ctx {
  ids: { meet: number; event: number; athlete: number; ownAthlete: number; entry: number; heat: number; user: number };
  /** Builders acting as admin: for resources a request consumes (a DELETE, a new entry). */
  b: ReturnType<typeof builders>;
}
interface Request {
  url: string;
  body?: unknown;
  csv?: string;
  headers?: Record<string, string>;
}
interface Row {
  /** METHOD and path as documented, e.g. 'GET /api/meets/:id'. */
  route: string;
  request: (c: Ctx) => Request | Promise<Request>;
  /** One per column: admin, chief_registrar, registrar, starter, coach, athlete, viewer, anonymous. */
  expect: readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];
  /** The request ends its session (logout): sign in afresh for it. */
  freshSession?: boolean;
}

const idem = () => ({ 'idempotency-key': uniq('matrix-key') });
const freshAthleteCsv = () => `firstName,lastName,country,gender\nMatrix,${uniq('Csv')},KEN,M\n`;
/** A FinishLynx results file for the matrix heat (a final: round 3, heat 1; its entry wears PM1). */
const lifRequest = async (c: Ctx, url: string): Promise<Request> => {
  const { eventNumber } = (await c.b.ok('GET', `/api/events/${c.ids.event}`)) as { eventNumber: number };
  return { url, body: `${eventNumber},3,1,Matrix,NWI\r\n1,PM1,4,Matrix,Runner,KEN,10.01\r\n`, headers: { 'content-type': 'text/plain' } };
};

// prettier-ignore
const MATRIX: Row[] = [
  //  route                                   request                                                                       admin chief reg  start coach athl view anon
  // System and auth
  { route: 'GET /api/info',                   request: () => ({ url: '/api/info' }),                                      expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'POST /api/auth/login',            request: () => ({ url: '/api/auth/login', body: { email: 'viewer@test.local', password: TEST_PASSWORD } }), expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'GET /api/auth/me',                request: () => ({ url: '/api/auth/me' }),                                   expect: [OK, OK, OK, OK, OK, OK, OK, AUTH] },
  { route: 'POST /api/auth/logout',           request: () => ({ url: '/api/auth/logout' }), freshSession: true,          expect: [OK, OK, OK, OK, OK, OK, OK, AUTH] },
  { route: 'GET /api/users',                  request: () => ({ url: '/api/users' }),                                     expect: [OK, NO, NO, NO, NO, NO, NO, AUTH] },
  { route: 'POST /api/users',                 request: () => ({ url: '/api/users', body: { name: 'Matrix', email: `${uniq('m')}@test.local`, password: 'long-enough-password', role: 'viewer' } }), expect: [OK, NO, NO, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/users/:id',              request: (c) => ({ url: `/api/users/${c.ids.user}` }),                      expect: [OK, NO, NO, NO, NO, NO, NO, AUTH] },
  { route: 'PATCH /api/users/:id',            request: (c) => ({ url: `/api/users/${c.ids.user}`, body: { name: 'Matrix target' } }), expect: [OK, NO, NO, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/audit',                  request: () => ({ url: '/api/audit' }),                                     expect: [OK, NO, NO, NO, NO, NO, NO, AUTH] },
  // Athletes (an athlete account reads its own record: athletes:read_own)
  { route: 'GET /api/athletes',               request: () => ({ url: '/api/athletes' }),                                  expect: [OK, OK, OK, NO, NO, OK, NO, AUTH] },
  { route: 'POST /api/athletes',              request: () => ({ url: '/api/athletes', body: { firstName: 'M', lastName: uniq('A'), country: 'KEN', gender: 'M' } }), expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/athletes/:id',           request: (c) => ({ url: `/api/athletes/${c.ids.athlete}` }),                expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/athletes/:id',           request: (c) => ({ url: `/api/athletes/${c.ids.ownAthlete}` }),             expect: [OK, OK, OK, NO, NO, OK, NO, AUTH] },
  { route: 'PATCH /api/athletes/:id',         request: (c) => ({ url: `/api/athletes/${c.ids.athlete}`, body: { club: 'Matrix AC' } }), expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  { route: 'DELETE /api/athletes/:id',        request: async (c) => ({ url: `/api/athletes/${(await c.b.athlete()).id}` }), expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  { route: 'POST /api/athletes/import',       request: () => ({ url: '/api/athletes/import', csv: freshAthleteCsv() }),    expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  // Meets and events: public reads
  { route: 'GET /api/meets',                  request: () => ({ url: '/api/meets' }),                                     expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'POST /api/meets',                 request: () => ({ url: '/api/meets', body: { name: 'Matrix Meet', startDate: '2026-09-01', endDate: '2026-09-01' } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/meets/:id',              request: (c) => ({ url: `/api/meets/${c.ids.meet}` }),                      expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'PATCH /api/meets/:id',            request: (c) => ({ url: `/api/meets/${c.ids.meet}`, body: { venue: 'Matrix Park' } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/meets/:id/events',       request: (c) => ({ url: `/api/meets/${c.ids.meet}/events` }),               expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'POST /api/meets/:id/events',      request: (c) => ({ url: `/api/meets/${c.ids.meet}/events`, body: { discipline: '800m', name: 'Men 800m', gender: 'M', kind: 'track' } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/events/:id',             request: (c) => ({ url: `/api/events/${c.ids.event}` }),                    expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'PATCH /api/events/:id',           request: (c) => ({ url: `/api/events/${c.ids.event}`, body: { ageGroup: 'U20' } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  // Entries: not public (start lists are served by the heat snapshot); coaches and athletes see theirs
  { route: 'GET /api/events/:id/entries',     request: (c) => ({ url: `/api/events/${c.ids.event}/entries` }),            expect: [OK, OK, OK, NO, OK, OK, NO, AUTH] },
  { route: 'POST /api/events/:id/entries',    request: async (c) => ({ url: `/api/events/${c.ids.event}/entries`, body: { athleteId: (await c.b.athlete()).id, bib: uniq('P') } }), expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  { route: 'POST /api/events/:id/entries/import', request: async (c) => ({ url: `/api/events/${c.ids.event}/entries/import`, csv: `athleteId,bib\n${(await c.b.athlete()).id},${uniq('I')}\n` }), expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  { route: 'PATCH /api/entries/:id',          request: (c) => ({ url: `/api/entries/${c.ids.entry}`, body: { checkedIn: true } }), expect: [OK, OK, OK, NO, NO, NO, NO, AUTH] },
  // Heats and lanes
  { route: 'POST /api/events/:id/heats',      request: (c) => ({ url: `/api/events/${c.ids.event}/heats`, body: { mode: 'explicit', round: 'semi', heats: [{ lanes: [] }] } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  { route: 'PUT /api/heats/:id/lanes',        request: (c) => ({ url: `/api/heats/${c.ids.heat}/lanes`, body: { lanes: [{ entryId: c.ids.entry, lane: 4 }] } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  { route: 'GET /api/heats/:id',              request: (c) => ({ url: `/api/heats/${c.ids.heat}` }),                      expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  // Results: starters, chief registrars and admins write; everyone reads rankings and standings
  { route: 'POST /api/heats/:id/results',     request: (c) => ({ url: `/api/heats/${c.ids.heat}/results`, headers: idem(), body: { results: [{ entryId: c.ids.entry, timeMs: 10_000, status: 'OK' }] } }), expect: [OK, OK, NO, OK, NO, NO, NO, AUTH] },
  { route: 'POST /api/heats/:id/status',      request: (c) => ({ url: `/api/heats/${c.ids.heat}/status`, headers: idem(), body: { status: 'started' } }), expect: [OK, OK, NO, OK, NO, NO, NO, AUTH] },
  { route: 'GET /api/heats/:id/history',      request: (c) => ({ url: `/api/heats/${c.ids.heat}/history?entryId=${c.ids.entry}` }), expect: [OK, OK, NO, OK, NO, NO, NO, AUTH] },
  { route: 'GET /api/events/:id/ranking',     request: (c) => ({ url: `/api/events/${c.ids.event}/ranking?round=final` }), expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'GET /api/meets/:id/standings',    request: (c) => ({ url: `/api/meets/${c.ids.meet}/standings` }),            expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'PUT /api/events/:id/rounds/:round/rule', request: (c) => ({ url: `/api/events/${c.ids.event}/rounds/heat/rule`, body: { byPlace: 2, byTime: 2 } }), expect: [OK, OK, NO, NO, NO, NO, NO, AUTH] },
  { route: 'POST /api/events/:id/rounds/:round/advance', request: (c) => ({ url: `/api/events/${c.ids.event}/rounds/heat/advance`, body: { toRound: 'final', heatCount: 1 } }), expect: [DOMAIN, DOMAIN, NO, NO, NO, NO, NO, AUTH] },
  // FinishLynx exchange: start lists for timing and registrars; LIF imports for whoever enters results
  { route: 'GET /api/meets/:id/lynx/:file',   request: (c) => ({ url: `/api/meets/${c.ids.meet}/lynx/evt` }),             expect: [OK, OK, NO, OK, NO, NO, NO, AUTH] },
  { route: 'POST /api/heats/:id/lif',         request: (c) => lifRequest(c, `/api/heats/${c.ids.heat}/lif`),              expect: [OK, OK, NO, OK, NO, NO, NO, AUTH] },
  { route: 'POST /api/meets/:id/lif',         request: (c) => lifRequest(c, `/api/meets/${c.ids.meet}/lif`),              expect: [OK, OK, NO, OK, NO, NO, NO, AUTH] },
  // Results exports: public
  { route: 'GET /api/events/:id/results.json', request: (c) => ({ url: `/api/events/${c.ids.event}/results.json` }),      expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'GET /api/events/:id/results.csv', request: (c) => ({ url: `/api/events/${c.ids.event}/results.csv` }),        expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'GET /api/events/:id/results.html', request: (c) => ({ url: `/api/events/${c.ids.event}/results.html` }),      expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'GET /api/meets/:id/results.json', request: (c) => ({ url: `/api/meets/${c.ids.meet}/results.json` }),         expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
  { route: 'GET /api/meets/:id/results.csv',  request: (c) => ({ url: `/api/meets/${c.ids.meet}/results.csv` }),          expect: [OK, OK, OK, OK, OK, OK, OK, OK] },
];

/** Documented routes whose rows their owners have still to add. Move each into MATRIX. */
const NOT_YET_IN_MATRIX: string[] = [];

const CELLS = MATRIX.flatMap((row, r) => COLUMNS.map((who, i) => ({ label: `${row.route} #${r} as ${who}: ${row.expect[i]}`, row, who, outcome: row.expect[i]! })));

describe('permission matrix', () => {
  let t: TestApp;
  let ctx: Ctx;
  const clients = new Map<Who, Client>();

  beforeAll(async () => {
    t = await startTestApp();
    for (const role of ROLES) clients.set(role, await signIn(t, role));
    clients.set('anonymous', clientWith(t, null));
    const b = builders(clients.get('admin')!);
    const meet = await b.meet();
    const event = await b.event(meet.id);
    const athlete = await b.athlete();
    const ownAthlete = await b.athlete({ userId: t.users.athlete.id, coachUserId: t.users.coach.id });
    const entry = await b.entry(event.id, athlete.id, 'PM1');
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 4 }] }] });
    const user = await b.ok('POST', '/api/users', { name: 'Matrix target', email: 'matrix-target@test.local', password: 'long-enough-password', role: 'viewer' });
    ctx = { b, ids: { meet: meet.id, event: event.id, athlete: athlete.id, ownAthlete: ownAthlete.id, entry: entry.id, heat: heat.id, user: user.id } };
  });
  afterAll(async () => {
    await t.close();
  });

  it('has a row for every documented route', async () => {
    await t.app.ready();
    const spec = (t.app as unknown as { swagger(): { paths: Record<string, Record<string, unknown>> } }).swagger();
    const documented = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const inMatrix = new Set(MATRIX.map((r) => r.route));
    const missing = documented.filter((r) => !inMatrix.has(r)).toSorted();
    expect(missing, 'add these routes to MATRIX in test/integration/permissions.test.ts').toEqual(NOT_YET_IN_MATRIX.toSorted());
    expect(MATRIX.map((r) => r.route).filter((r) => !documented.includes(r)), 'matrix rows for routes that no longer exist').toEqual([]);
  });

  it.each(CELLS.map((c) => [c.label, c] as const))('%s', async (_label, { row, who, outcome }) => {
    const req = await row.request(ctx);
    const client = row.freshSession && who !== 'anonymous' ? await signIn(t, who) : clients.get(who)!;
    const method = row.route.split(' ')[0] as 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    const res = req.csv !== undefined
      ? await client.call(method, req.url, req.csv, { 'content-type': 'text/csv' })
      : await client.call(method, req.url, req.body, req.headers);
    if (outcome === OK) {
      expect(res.status, JSON.stringify(res.body)).toBeGreaterThanOrEqual(200);
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
    } else {
      expect(res.status, JSON.stringify(res.body)).toBe(Number(outcome));
      expect(res.body.error.code).toBe({ [NO]: 'forbidden', [AUTH]: 'unauthorized', [DOMAIN]: 'conflict' }[outcome]);
    }
  });
});
