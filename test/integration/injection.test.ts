// Injection and stored XSS through the REST API. Every free-text field of every write route (found
// in the OpenAPI document: a new one fails the coverage test until it is added here) stores SQL
// metacharacters as the text they are and reads them back unchanged; searches treat them (and LIKE
// wildcards) as text; passwords made of them work only as themselves. Markup stored in names comes
// out of the printable HTML export escaped, under a CSP; formula prefixes come out of CSV exports
// neutralised. (The browser apps: test/e2e/xss.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from '../helpers/app.js';
import { builders, signIn, uniq, type Client } from '../helpers/registry.js';
import { HTML_STRINGS } from '../helpers/hostile.js';
import { parseCsv } from '../../shared/csv.js';

/** Each fits every free-text field (at most 40 characters, no leading or trailing space). */
const SQL = ["'; DROP TABLE athletes; --", "' OR '1'='1", "x'); DELETE FROM results; --", '$$; DROP TABLE users; $$', "\\'; SELECT pg_sleep(3); --", '%_\\%'];

interface JsonSchema {
  type?: string;
  format?: string;
  pattern?: string;
  enum?: unknown[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
}

/** `METHOD /path field` of every string in a write body that takes free text (no format, pattern or enum). */
function freeTextFields(paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema?: JsonSchema }> } }>>): string[] {
  const out: string[] = [];
  const walk = (s: JsonSchema | undefined, at: string, route: string) => {
    if (!s) return;
    if (s.type === 'string' && !s.format && !s.pattern && !s.enum && !('const' in s)) out.push(`${route} ${at}`);
    for (const [k, v] of Object.entries(s.properties ?? {})) walk(v, at ? `${at}.${k}` : k, route);
    for (const v of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.allOf ?? [])]) walk(v, at, route);
    if (s.items) walk(s.items, `${at}[]`, route);
  };
  for (const [path, methods] of Object.entries(paths)) {
    for (const [m, op] of Object.entries(methods)) {
      if (m !== 'get') walk(op.requestBody?.content['application/json']?.schema, '', `${m.toUpperCase()} ${path}`);
    }
  }
  return [...new Set(out)].sort();
}

describe('injection and stored XSS through the API', () => {
  let t: TestApp;
  let admin: Client;
  let b: ReturnType<typeof builders>;
  let fx: { meet: number; event: number; athlete: number; entry: number; heat: number; user: number };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await signIn(t, 'admin');
    b = builders(admin);
    const meet = await b.meet();
    const event = await b.event(meet.id);
    const athlete = await b.athlete();
    const entry = await b.entry(event.id, athlete.id, uniq('S'));
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 1 }] }] });
    const user = await b.ok('POST', '/api/users', { name: 'Injection target', email: `${uniq('inj')}@test.local`, password: 'long-enough-password', role: 'viewer' });
    fx = { meet: meet.id, event: event.id, athlete: athlete.id, entry: entry.id, heat: heat.id, user: user.id };
  });
  afterAll(async () => {
    await t.close();
  });

  const read = async (url: string) => {
    const r = await admin.call('GET', url);
    expect(r.status, url).toBe(200);
    return r.body;
  };
  /** route field -> writes `v` through the route and returns what reading it back gives. */
  const CASES: Record<string, (v: string) => Promise<unknown>> = {
    'POST /api/users name': async (v) => read(`/api/users/${(await b.ok('POST', '/api/users', { name: v, email: `${uniq('u')}@test.local`, password: 'long-enough-password', role: 'viewer' })).id}`).then((u) => u.name),
    'PATCH /api/users/{id} name': async (v) => (await b.ok('PATCH', `/api/users/${fx.user}`, { name: v }), read(`/api/users/${fx.user}`).then((u) => u.name)),
    'POST /api/users password': async (v) => {
      const email = `${uniq('p')}@test.local`;
      await b.ok('POST', '/api/users', { name: 'Pw', email, password: `${v}-padding` , role: 'viewer' });
      return signedInWith(email, `${v}-padding`);
    },
    'PATCH /api/users/{id} password': async (v) => {
      const email = `${uniq('q')}@test.local`;
      const { id } = await b.ok('POST', '/api/users', { name: 'Pw', email, password: 'long-enough-password', role: 'viewer' });
      await b.ok('PATCH', `/api/users/${id}`, { password: `${v}-padding` });
      return signedInWith(email, `${v}-padding`);
    },
    'POST /api/auth/login password': async (v) => {
      const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress: `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`, payload: { email: 'admin@test.local', password: v } });
      return res.statusCode === 401 || res.statusCode === 400 ? v : `signed in with ${v}: ${res.statusCode}`;
    },
    'POST /api/athletes firstName': async (v) => read(`/api/athletes/${(await b.athlete({ firstName: v })).id}`).then((a) => a.firstName),
    'POST /api/athletes lastName': async (v) => read(`/api/athletes/${(await b.athlete({ lastName: v })).id}`).then((a) => a.lastName),
    'POST /api/athletes club': async (v) => read(`/api/athletes/${(await b.athlete({ club: v })).id}`).then((a) => a.club),
    'POST /api/athletes coachName': async (v) => read(`/api/athletes/${(await b.athlete({ coachName: v })).id}`).then((a) => a.coachName),
    'PATCH /api/athletes/{id} firstName': async (v) => (await b.ok('PATCH', `/api/athletes/${fx.athlete}`, { firstName: v }), read(`/api/athletes/${fx.athlete}`).then((a) => a.firstName)),
    'PATCH /api/athletes/{id} lastName': async (v) => (await b.ok('PATCH', `/api/athletes/${fx.athlete}`, { lastName: v }), read(`/api/athletes/${fx.athlete}`).then((a) => a.lastName)),
    'PATCH /api/athletes/{id} club': async (v) => (await b.ok('PATCH', `/api/athletes/${fx.athlete}`, { club: v }), read(`/api/athletes/${fx.athlete}`).then((a) => a.club)),
    'PATCH /api/athletes/{id} coachName': async (v) => (await b.ok('PATCH', `/api/athletes/${fx.athlete}`, { coachName: v }), read(`/api/athletes/${fx.athlete}`).then((a) => a.coachName)),
    'POST /api/meets name': async (v) => read(`/api/meets/${(await b.meet({ name: v })).id}`).then((m) => m.name),
    'POST /api/meets venue': async (v) => read(`/api/meets/${(await b.meet({ venue: v })).id}`).then((m) => m.venue),
    'PATCH /api/meets/{id} name': async (v) => (await b.ok('PATCH', `/api/meets/${fx.meet}`, { name: v }), read(`/api/meets/${fx.meet}`).then((m) => m.name)),
    'PATCH /api/meets/{id} venue': async (v) => (await b.ok('PATCH', `/api/meets/${fx.meet}`, { venue: v }), read(`/api/meets/${fx.meet}`).then((m) => m.venue)),
    'POST /api/meets/{id}/events name': async (v) => read(`/api/events/${(await b.event(fx.meet, { name: v })).id}`).then((e) => e.name),
    'POST /api/meets/{id}/events ageGroup': async (v) => read(`/api/events/${(await b.event(fx.meet, { ageGroup: v })).id}`).then((e) => e.ageGroup),
    'PATCH /api/events/{id} name': async (v) => (await b.ok('PATCH', `/api/events/${fx.event}`, { name: v }), read(`/api/events/${fx.event}`).then((e) => e.name)),
    'PATCH /api/events/{id} ageGroup': async (v) => (await b.ok('PATCH', `/api/events/${fx.event}`, { ageGroup: v }), read(`/api/events/${fx.event}`).then((e) => e.ageGroup)),
    'POST /api/heats/{id}/results results[].dqRule': async (v) => {
      const r = await admin.call('POST', `/api/heats/${fx.heat}/results`, { results: [{ entryId: fx.entry, status: 'DQ', dqRule: v }] }, { 'idempotency-key': randomUUID() });
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      return read(`/api/heats/${fx.heat}`).then((h) => h.rows[0].dqRule);
    },
  };
  let client = 0;
  /** Signs in with exactly this password (and fails with it plus a character); each from an address of its own (the login limiter). */
  const signedInWith = async (email: string, password: string) => {
    const remoteAddress = `198.19.${Math.floor(++client / 250)}.${client % 250}`;
    const ok = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password } });
    const wrong = await t.app.inject({ method: 'POST', url: '/api/auth/login', remoteAddress, payload: { email, password: `${password}x` } });
    return ok.statusCode === 200 && wrong.statusCode === 401 ? password.replace(/-padding$/, '') : `login ${ok.statusCode}/${wrong.statusCode}`;
  };

  it('covers every free-text field of every write route in the OpenAPI document', async () => {
    await t.app.ready();
    const spec = (t.app as unknown as { swagger(): { paths: Parameters<typeof freeTextFields>[0] } }).swagger();
    expect(freeTextFields(spec.paths), 'add a case to CASES in test/integration/injection.test.ts').toEqual(Object.keys(CASES).sort());
  });

  it.each(Object.keys(CASES))('%s stores SQL metacharacters as text', async (field) => {
    for (const v of SQL) expect(await CASES[field]!(v), JSON.stringify(v)).toBe(v);
    // The tables the strings name are all there, with their rows.
    const [n] = await t.db.sql<[{ athletes: number; users: number; results: number }]>`
      SELECT (SELECT count(*)::int FROM athletes) AS athletes, (SELECT count(*)::int FROM users) AS users, (SELECT count(*)::int FROM results) AS results`;
    expect(n.athletes).toBeGreaterThan(0);
    expect(n.users).toBeGreaterThan(0);
  });

  it('searches for metacharacters and LIKE wildcards as text', async () => {
    for (const v of [...SQL, '%', '_', '\\']) {
      const r = await read(`/api/athletes?q=${encodeURIComponent(v)}&limit=200`);
      const [truth] = await t.db.sql<[{ n: number }]>`
        SELECT count(*)::int AS n FROM athletes WHERE strpos(lower(first_name || ' ' || last_name), lower(${v})) > 0 OR strpos(lower(last_name || ' ' || first_name), lower(${v})) > 0`;
      expect(r.total, `q=${v}`).toBeLessThanOrEqual(truth.n);
      const users = await read(`/api/users?q=${encodeURIComponent(v)}&limit=200`);
      for (const u of users.items as { name: string; email: string }[]) expect(`${u.name} ${u.email}`.toLowerCase(), `users q=${v}`).toContain(v.toLowerCase());
    }
    const audit = await admin.call('GET', `/api/audit?action=${encodeURIComponent("' OR '1'='1")}&entityType=${encodeURIComponent("x' OR 1=1 --")}`);
    expect(audit.status).toBe(200);
    expect(audit.body.items).toEqual([]);
  });

  it('prints markup stored in names as text in the HTML results page, under a CSP', async () => {
    const [img, script, svg, iframe] = [HTML_STRINGS[1]!, HTML_STRINGS[0]!, HTML_STRINGS[2]!, HTML_STRINGS[3]!];
    const meet = await b.meet({ name: svg });
    const event = await b.event(meet.id, { name: iframe });
    const athlete = await b.athlete({ firstName: img, lastName: 'Xss', club: script });
    const entry = await b.entry(event.id, athlete.id, uniq('X'));
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 3 }] }] });
    const dq = '<b onmouseover=alert(1)>';
    const r = await admin.call('POST', `/api/heats/${heat.id}/results`, { results: [{ entryId: entry.id, status: 'DQ', dqRule: dq }] }, { 'idempotency-key': randomUUID() });
    expect(r.status).toBe(200);
    const res = await t.app.inject({ url: `/api/events/${event.id}/results.html` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toMatch(/script-src 'self'/);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    for (const raw of [img, script, svg, iframe, dq]) {
      const tag = raw.match(/<(\w+)/)![1]!;
      expect(res.body).not.toMatch(new RegExp(`<${tag}[\\s>]`, 'i'));
    }
    expect(res.body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    // JSON answers carrying the same names are JSON, never sniffed as HTML.
    const json = await t.app.inject({ url: `/api/heats/${heat.id}` });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.headers['x-content-type-options']).toBe('nosniff');
  });

  it('neutralises formula prefixes stored in names in the CSV exports', async () => {
    const meet = await b.meet();
    const event = await b.event(meet.id, { name: '-2+3+cmd|calc', discipline: '-A1-A2' });
    const athlete = await b.athlete({ firstName: '+SUM(1+1)', lastName: '=HYPERLINK("http://evil.example","x")', club: '@SUM(A1:A9)' });
    // Codes take `-` first too: a discipline or a bib like -A1 is a formula to a spreadsheet.
    const entry = await b.entry(event.id, athlete.id, '-A1');
    const [heat] = await b.ok('POST', `/api/events/${event.id}/heats`, { mode: 'explicit', round: 'final', heats: [{ lanes: [{ entryId: entry.id, lane: 2 }] }] });
    const r = await admin.call('POST', `/api/heats/${heat.id}/results`, { results: [{ entryId: entry.id, status: 'DQ', dqRule: '=1+1' }] }, { 'idempotency-key': randomUUID() });
    expect(r.status).toBe(200);
    for (const url of [`/api/events/${event.id}/results.csv`, `/api/meets/${meet.id}/results.csv`]) {
      const res = await t.app.inject({ url });
      expect(res.statusCode).toBe(200);
      const cells = parseCsv(res.body).slice(1).flat();
      expect(cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+(\.\d+)?$/.test(c)), url).toEqual([]);
      expect(cells).toContain(`'=HYPERLINK("http://evil.example","x")`);
    }
  });
});
